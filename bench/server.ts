import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root, so the scripts work from any working directory. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef'

export interface BenchServer {
  base: string
  port: number
  pid: number
  /** Where the server's database lives (removed by stop()). */
  dir: string
  /** CPU seconds (user + system) the server has used so far; NaN where /proc is missing. */
  cpuSeconds(): number
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes the temp directory. */
  stop(): Promise<void>
}

export interface StartOptions {
  demo: boolean
  /** Extra flags for the server's node, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[]
  env?: Record<string, string>
  /** How long to wait for /healthz to answer 200 (default 30 s). */
  readyTimeoutS?: number
}

/** A port the kernel just handed out on 127.0.0.1 (free at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))))
    })
  })
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A fresh temp directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

const running = new Set<BenchServer>()

// A bench interrupted with Ctrl-C still stops its server and removes its files.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all([...running].map((s) => s.stop())).finally(() => process.exit(130))
  })
}

/**
 * Starts `node api/node.ts` (the server's own PID, not through npx) on a free port with a fresh
 * file database in a temp directory, and resolves once GET /healthz answers 200.
 */
export async function startServer(opts: StartOptions): Promise<BenchServer> {
  const { dir, remove } = tempDir('amends-bench-')
  const port = await freePort()
  const child: ChildProcess = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), join(ROOT, 'api/node.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: `file:${join(dir, 'amends.db')}`,
        // Where a server that publishes the static site writes it: keep it in the temp dir too.
        PUBLIC_DIR: join(dir, 'public'),
        PORT: String(port),
        HOST: '127.0.0.1',
        AMENDS_ADMIN_TOKEN: ADMIN_TOKEN,
        AMENDS_DEMO: opts.demo ? 'true' : 'false',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  // Keep the tail of the output for error reports; always drain the pipes so the server never
  // blocks on a full pipe.
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code))

  const base = `http://127.0.0.1:${port}`
  const server: BenchServer = {
    base,
    port,
    pid: child.pid ?? -1,
    dir,
    cpuSeconds: () => processCpuSeconds(child.pid ?? -1),
    async stop() {
      running.delete(server)
      if (exitCode === undefined) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }
      remove()
    },
  }
  running.add(server)

  const readyS = opts.readyTimeoutS ?? 30
  const deadline = Date.now() + readyS * 1000
  for (;;) {
    if (exitCode !== undefined) {
      remove()
      running.delete(server)
      throw new Error(`server exited with code ${exitCode} before it was healthy:\n${output}`)
    }
    try {
      const res = await fetch(`${base}/healthz`)
      await res.arrayBuffer()
      if (res.status === 200) return server
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop()
      throw new Error(`server not healthy after ${readyS} s:\n${output}`)
    }
    await sleep(50)
  }
}

/**
 * What was measured: the commit and how many files differ from it, and the machine's load when
 * the run started (other processes share the 2 cores). BENCH_TREE overrides the tree label.
 */
export function runContext(): { text: string; load1: number } {
  let tree = process.env.BENCH_TREE ?? ''
  if (!tree) {
    try {
      const git = (...args: string[]) =>
        execFileSync('git', ['--no-optional-locks', '-C', ROOT, ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim()
      const changed = git('status', '--porcelain').split('\n').filter(Boolean).length
      tree = `${git('rev-parse', '--short', 'HEAD')}${changed ? ` + ${changed} uncommitted path(s)` : ''}`
    } catch {
      tree = 'not a git checkout'
    }
  }
  const load1 = loadavg()[0] ?? NaN
  return {
    text: `tree ${tree}; node ${process.version}; 1-min load average ${load1.toFixed(2)} at start`,
    load1,
  }
}

/** CPU seconds of another process from /proc/PID/stat (utime + stime, in clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

/** CPU seconds this process has used so far. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** Percentile (nearest rank) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN
}

/** Rounds for printing: 2 decimals below 10, 1 below 100, whole numbers above. */
export function fmt(n: number): string {
  if (n === Infinity) return 'inf'
  if (!Number.isFinite(n)) return 'NaN'
  const a = Math.abs(n)
  return a >= 100 ? String(Math.round(n)) : a >= 10 ? n.toFixed(1) : n.toFixed(2)
}
