import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
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
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes the temp directory. */
  stop(): Promise<void>
}

export interface StartOptions {
  demo: boolean
  /** Extra flags for the server's node, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[]
  env?: Record<string, string>
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code))

  const base = `http://127.0.0.1:${port}`
  const server: BenchServer = {
    base,
    port,
    pid: child.pid ?? -1,
    dir,
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

  const deadline = Date.now() + 30_000
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
      throw new Error(`server not healthy after 30 s:\n${output}`)
    }
    await sleep(50)
  }
}

/** Percentile (nearest rank) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? NaN
}

/** Rounds for printing: 2 decimals below 10, 1 below 100, whole numbers above. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'NaN'
  const a = Math.abs(n)
  return a >= 100 ? String(Math.round(n)) : a >= 10 ? n.toFixed(1) : n.toFixed(2)
}
