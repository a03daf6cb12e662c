/**
 * Static serving benchmark: requests/s for the home page from our Node server (which serves the
 * published folder from memory, gzipped once per version) next to Debian's nginx serving the very
 * same published `index.html`, both driven by wrk in the same run.
 *
 * - ours: `node api/node.ts` with the demo data, NOTIFIER=off;
 * - nginx: a minimal config in a temp dir (`daemon off`, access_log off, keep-alive, gzip with
 *   gzip_static, root = the server's PUBLIC_DIR, run as the current user), measured with
 *   `worker_processes 1` (the headline: one event loop, like Node's) and `auto` (2 here).
 *
 * - baseline: bench/lib/raw-static.ts, bare node:http answering with the same bytes from memory
 *   (how fast Node itself can go here, without the app's request path).
 *
 * Each target: `wrk -t1 -c50 -d2s` warm-up, then `wrk -t1 -c50 -d10s -H 'Accept-Encoding: gzip'`.
 * The last line printed is the headline, as key=value pairs. Run: npm run bench:serve
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { numberOption } from './lib/cli.ts'
import { gunzipSync, gzipSync } from 'node:zlib'
import { createClient, treeCpuSeconds } from './lib/http.ts'
import {
  fmt,
  freePort,
  processCpuSeconds,
  ROOT,
  runContext,
  sleep,
  startServer,
  tempDir,
  type BenchServer,
} from './server.ts'

const HELP = `Usage: node bench/serve.ts [options]   (each option also reads an env var)
  --connections N   wrk connections (-c)                    BENCH_CONNECTIONS (50)
  --duration S      measured seconds per target (-d)        BENCH_DURATION    (10)
  --warmup S        warm-up seconds per target              BENCH_WARMUP      (2)
  --path P          path requested                          BENCH_PATH        (/)
  --nginx-gzip M    static: nginx sends a pre-compressed index.html.gz (gzip_static; like our
                    server, which compresses once per version); dynamic: nginx compresses every
                    response (gzip_comp_level 6); both: measure both    BENCH_NGINX_GZIP (static)
  --cpu-prof DIR    run our server with --cpu-prof, profiles written to DIR`

const TARGET_RATIO = 0.5
const NGINX = '/usr/sbin/nginx'
const WRK = '/usr/bin/wrk'

const { values: flags } = parseArgs({
  options: {
    connections: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    path: { type: 'string' },
    'nginx-gzip': { type: 'string' },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (flags.help) {
  console.log(HELP)
  process.exit(0)
}

const num = numberOption(HELP)

const gzipMode = flags['nginx-gzip'] ?? process.env.BENCH_NGINX_GZIP ?? 'static'
if (!['static', 'dynamic', 'both'].includes(gzipMode)) {
  console.error(`Invalid --nginx-gzip: ${gzipMode}\n${HELP}`)
  process.exit(2)
}
const opts = {
  connections: Math.round(num(flags.connections, 'BENCH_CONNECTIONS', 50)),
  duration: Math.round(num(flags.duration, 'BENCH_DURATION', 10)),
  warmup: Math.round(num(flags.warmup, 'BENCH_WARMUP', 2)),
  path: flags.path ?? process.env.BENCH_PATH ?? '/',
}

// A hard bound on the whole run: SIGTERM stops our server (bench/server.ts); nginx is stopped
// by the exit handler below.
const WATCHDOG_S = 300
setTimeout(() => {
  console.error(`bench/serve.ts: still running after ${WATCHDOG_S} s, giving up`)
  process.kill(process.pid, 'SIGTERM')
}, WATCHDOG_S * 1000).unref()

// ---------------------------------------------------------------------------------------------
// wrk

interface WrkResult {
  rps: number
  requests: number
  bytesPerRequest: number
  p50: number
  p99: number
  non2xx: number
  socketErrors: number
  /** CPU of the measured server (process tree) as a share of one core. */
  serverCpu: number
  /** CPU of wrk itself (sampled), share of one core. */
  wrkCpu: number
  /** Busy share of the whole machine (all cores, 100% = both busy). */
  machineBusy: number
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }
const SIZE: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  const idle = (f[3] ?? 0) + (f[4] ?? 0)
  const total = f.reduce((a, b) => a + b, 0)
  return { busy: total - idle, total }
}

async function wrk(url: string, seconds: number, serverPid: number): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${opts.connections}`,
    `-d${seconds}s`,
    '--latency',
    '-H',
    'Accept-Encoding: gzip',
    url,
  ]
  const s0 = treeCpuSeconds(serverPid)
  const m0 = machineTicks()
  const w0 = performance.now()
  const child = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (out += c.toString()))
  let wrkCpu = 0
  const sampler = setInterval(() => {
    const s = processCpuSeconds(child.pid ?? -1)
    if (Number.isFinite(s)) wrkCpu = s
  }, 100)
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 15) * 1000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearInterval(sampler)
  clearTimeout(killer)
  const wall = (performance.now() - w0) / 1000
  const m1 = machineTicks()
  const serverCpu = ((treeCpuSeconds(serverPid) - s0) / wall) * 100
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  const total = /(\d+) requests in [\d.]+\w+, ([\d.]+)(\w+) read/.exec(out)
  const lat = (p: string) => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out)
    return m ? Number(m[1]) * UNITS[m[2]!]! : NaN
  }
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const requests = Number(total?.[1] ?? NaN)
  return {
    rps,
    requests,
    bytesPerRequest: total ? (Number(total[2]) * (SIZE[total[3]!] ?? NaN)) / requests : NaN,
    p50: lat('50'),
    p99: lat('99'),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    serverCpu,
    wrkCpu: (wrkCpu / wall) * 100,
    machineBusy: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100,
  }
}

// ---------------------------------------------------------------------------------------------
// nginx

interface Nginx {
  base: string
  pid: number
  stop(): Promise<void>
}

const nginxes = new Set<ChildProcess>()
process.once('exit', () => {
  for (const n of nginxes) n.kill('SIGTERM')
})

/** Starts Debian's nginx in the foreground on a free port with a config written to a temp dir. */
async function startNginx(
  root: string,
  workers: string,
  gzip: 'static' | 'dynamic',
): Promise<Nginx> {
  const { dir, remove } = tempDir('amends-bench-nginx-')
  const port = await freePort()
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(dir, 'tmp', t), { recursive: true })
  const me = userInfo()
  // As root, nginx's workers would switch to "nobody", who cannot read the 0700 temp dirs: keep
  // the current user (the directive is ignored, with a warning, when not started as root).
  const user = me.uid === 0 ? `user ${me.username};` : ''
  const csp =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
  const conf = `# Written by bench/serve.ts
daemon off;
master_process on;
worker_processes ${workers};
${user}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  types {
    text/html html; text/css css; text/javascript js; application/json json;
    application/rss+xml rss; application/atom+xml atom; image/svg+xml svg;
  }
  default_type application/octet-stream;
  charset utf-8;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  # Node keeps a connection for any number of requests; nginx's default closes it after 1000.
  keepalive_requests 1000000;
  gzip ${gzip === 'dynamic' ? 'on' : 'off'};
  gzip_comp_level 6;
  gzip_min_length 512;
  gzip_types application/json application/rss+xml application/atom+xml text/css text/javascript;
  gzip_vary on;
  gzip_static ${gzip === 'static' ? 'on' : 'off'};
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    index index.html;
    # The same response headers as our server sends for a page.
    add_header Cache-Control "public, max-age=10, stale-while-revalidate=60, stale-if-error=86400";
    add_header X-Content-Type-Options nosniff;
    add_header Content-Security-Policy "${csp}";
  }
}
`
  const confFile = join(dir, 'nginx.conf')
  writeFileSync(confFile, conf)
  const check = spawnSync(
    NGINX,
    ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', confFile],
    { encoding: 'utf8' },
  )
  if (check.status !== 0) {
    remove()
    throw new Error(`nginx -t failed:\n${check.stderr}`)
  }
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', confFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  nginxes.add(child)
  let output = ''
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)))
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  let gone = false
  void exited.then(() => (gone = true))
  const base = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (!gone) {
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(t)
    }
    nginxes.delete(child)
    remove()
  }
  const deadline = Date.now() + 10_000
  for (;;) {
    if (gone) {
      const log = existsSync(join(dir, 'error.log'))
        ? readFileSync(join(dir, 'error.log'), 'utf8')
        : ''
      await stop()
      throw new Error(`nginx exited:\n${output}\n${log}`)
    }
    try {
      const res = await fetch(`${base}/`)
      await res.arrayBuffer()
      if (res.status === 200) return { base, pid: child.pid ?? -1, stop }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`nginx not answering after 10 s:\n${output}`)
    }
    await sleep(50)
  }
}

/** Starts bench/lib/raw-static.ts (bare node:http, the page from memory) on a free port. */
async function startRaw(file: string): Promise<Nginx> {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bench/lib/raw-static.ts'), file, String(port)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  nginxes.add(child)
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  let output = ''
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString()
      if (output.includes('listening')) resolve()
    })
    child.stderr.on('data', (c: Buffer) => (output += c.toString()))
    void exited.then(() => reject(new Error(`raw-static exited:\n${output}`)))
    setTimeout(
      () => reject(new Error(`raw-static not ready after 10 s:\n${output}`)),
      10_000,
    ).unref()
  })
  const stop = async () => {
    child.kill('SIGTERM')
    const t = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(t)
    nginxes.delete(child)
  }
  try {
    await ready
  } catch (err) {
    await stop()
    throw err
  }
  return { base: `http://127.0.0.1:${port}`, pid: child.pid ?? -1, stop }
}

// ---------------------------------------------------------------------------------------------

const client = createClient(2)

/** One request as wrk sends it: the response must be the published file, gzipped. */
async function verify(name: string, base: string, file: string): Promise<number> {
  const r = await client.send(`${base}${opts.path}`, { headers: { 'accept-encoding': 'gzip' } })
  if (r.status !== 200) throw new Error(`${name}: GET ${opts.path} answered ${r.status}`)
  if (r.headers['content-encoding'] !== 'gzip')
    throw new Error(`${name}: GET ${opts.path} was not gzipped`)
  // The server may re-publish the page at any time (the scheduler, open incidents' durations):
  // compare with the file as it is now.
  if (!gunzipSync(r.body).equals(readFileSync(file)))
    throw new Error(`${name}: GET ${opts.path} is not the published file`)
  return r.body.length
}

/** Waits until `file` has not changed for 6 s (at most 30 s); returns the seconds waited. */
async function settle(file: string): Promise<number> {
  const t0 = performance.now()
  let mtime = statSync(file).mtimeMs
  let since = performance.now()
  while (performance.now() - since < 6000 && performance.now() - t0 < 30_000) {
    await sleep(200)
    const m = statSync(file).mtimeMs
    if (m !== mtime) [mtime, since] = [m, performance.now()]
  }
  return (performance.now() - t0) / 1000
}

/**
 * For gzip_static: the page compressed as our server does it (once, level 6), beside it, with the
 * page's mtime. Written again before each nginx start, from the page as it is then.
 */
function writeGz(file: string): void {
  const gz = `${file}.gz`
  writeFileSync(gz, gzipSync(readFileSync(file), { level: 6 }))
  const st = statSync(file)
  utimesSync(gz, st.atime, st.mtime)
}

function report(name: string, r: WrkResult): void {
  console.log(
    `  ${name}: ${fmt(r.rps)} req/s (${r.requests} requests, ${fmt(r.bytesPerRequest)} bytes each incl. headers), ` +
      `latency p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, non-2xx ${r.non2xx}, socket errors ${r.socketErrors}`,
  )
  console.log(
    `    CPU (100% = one core of 2): server ${fmt(r.serverCpu)}%, wrk ${fmt(r.wrkCpu)}%, whole machine ${fmt(r.machineBusy)}% busy`,
  )
}

async function main() {
  const t0 = performance.now()
  const context = runContext()
  console.log(context.text)
  for (const bin of [NGINX, WRK])
    if (!existsSync(bin)) throw new Error(`${bin} is missing (apt-get install -y nginx-light wrk)`)
  const profDir = flags['cpu-prof']
  const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
  const server: BenchServer = await startServer({ demo: true, nodeArgs, env: { NOTIFIER: 'off' } })
  const results: Record<string, WrkResult> = {}
  const nginxVersion = spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr.trim()
  try {
    const publicDir = join(server.dir, 'public')
    const file = join(
      publicDir,
      opts.path.endsWith('/') ? `${opts.path.slice(1)}index.html` : opts.path.slice(1),
    )
    // The first scheduler pass (5 s after start) re-publishes the demo's home page once: wait
    // for the file to settle, so every target serves the same bytes and none pays a re-publish.
    const settled = await settle(file)
    const body = readFileSync(file)
    console.log(`page settled after ${fmt(settled)} s`)
    console.log(`server pid ${server.pid} on ${server.base}; PUBLIC_DIR ${publicDir}`)
    const nodeBytes = await verify('node', server.base, file)
    console.log(
      `GET ${opts.path}: ${body.length} bytes, ${nodeBytes} gzipped (our server); ${nginxVersion}`,
    )
    const run = async (name: string, base: string, pid: number) => {
      await wrk(`${base}${opts.path}`, opts.warmup, pid)
      results[name] = await wrk(`${base}${opts.path}`, opts.duration, pid)
      report(name, results[name])
    }
    console.log(
      `wrk -t1 -c${opts.connections} -d${opts.duration}s -H 'Accept-Encoding: gzip' ${opts.path} ` +
        `(after a ${opts.warmup} s warm-up) against each, one after the other`,
    )
    await run('node', server.base, server.pid)
    if (opts.path === '/') {
      const raw = await startRaw(file)
      try {
        await verify('raw node:http', raw.base, file)
        console.log(
          'baseline: bare node:http, the same bytes from memory (bench/lib/raw-static.ts)',
        )
        await run('node_raw', raw.base, raw.pid)
      } finally {
        await raw.stop()
      }
    }
    const variants: ['static' | 'dynamic', string][] = []
    if (gzipMode !== 'dynamic') variants.push(['static', '1'], ['static', 'auto'])
    if (gzipMode !== 'static') variants.push(['dynamic', '1'], ['dynamic', 'auto'])
    for (const [gzip, workers] of variants) {
      if (gzip === 'static') writeGz(file)
      const nginx = await startNginx(publicDir, workers, gzip)
      try {
        const bytes = await verify('nginx', nginx.base, file)
        const workerCount = readdirSync('/proc').filter((p) => {
          try {
            return (
              /^\d+$/.test(p) &&
              readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] ===
                String(nginx.pid)
            )
          } catch {
            return false
          }
        }).length
        console.log(
          `nginx gzip ${gzip}, worker_processes ${workers} (${workerCount} worker(s)): ${bytes} bytes gzipped`,
        )
        await run(`nginx_${gzip}_w${workers}`, nginx.base, nginx.pid)
      } finally {
        await nginx.stop()
      }
    }
  } finally {
    client.close()
    await server.stop()
  }

  const node = results.node!
  const headline = results[gzipMode === 'dynamic' ? 'nginx_dynamic_w1' : 'nginx_static_w1']!
  const auto = results[gzipMode === 'dynamic' ? 'nginx_dynamic_wauto' : 'nginx_static_wauto']!
  const ratio = node.rps / headline.rps
  // Requests per CPU-second of the server: how much work each request costs, which does not
  // depend on how much of a core the server got while other processes shared the machine.
  const perCore = (r: WrkResult) => r.rps / (r.serverCpu / 100)
  const ratioPerCpu = perCore(node) / perCore(headline)
  const errors = Object.values(results).reduce((a, r) => a + r.non2xx + r.socketErrors, 0)
  const pass = ratio >= TARGET_RATIO && errors === 0
  console.log(
    `ratio ours/nginx (worker_processes 1, one event loop each): ${fmt(ratio)}; ` +
      `against worker_processes auto: ${fmt(node.rps / auto.rps)}`,
  )
  console.log(
    `requests per CPU-second of the server: ours ${fmt(perCore(node))}, nginx ${fmt(perCore(headline))} ` +
      `(ratio ${fmt(ratioPerCpu)}; does not depend on the share of the cores each got)`,
  )
  console.log(`target ratio >= ${TARGET_RATIO}: ${pass ? 'PASS' : 'FAIL'} (${fmt(ratio)})`)
  console.log(`total ${fmt((performance.now() - t0) / 1000)} s`)
  const extra =
    gzipMode === 'both'
      ? [
          `nginx_dynamic_rps=${Math.round(results.nginx_dynamic_w1!.rps)}`,
          `nginx_dynamic_auto_rps=${Math.round(results.nginx_dynamic_wauto!.rps)}`,
        ]
      : []
  console.log(
    [
      'serve',
      `node_rps=${Math.round(node.rps)}`,
      `nginx_rps=${Math.round(headline.rps)}`,
      `ratio=${ratio.toFixed(2)}`,
      `nginx_auto_rps=${Math.round(auto.rps)}`,
      `ratio_auto=${(node.rps / auto.rps).toFixed(2)}`,
      `node_rps_per_core=${Math.round(perCore(node))}`,
      `nginx_rps_per_core=${Math.round(perCore(headline))}`,
      `ratio_per_cpu=${ratioPerCpu.toFixed(2)}`,
      ...extra,
      `node_raw_rps=${results.node_raw ? Math.round(results.node_raw.rps) : 'NaN'}`,
      `node_raw_rps_per_core=${results.node_raw ? Math.round(perCore(results.node_raw)) : 'NaN'}`,
      `nginx_gzip=${gzipMode === 'dynamic' ? 'dynamic' : 'static'}`,
      `node_p99_ms=${fmt(node.p99)}`,
      `nginx_p99_ms=${fmt(headline.p99)}`,
      `node_cpu=${Math.round(node.serverCpu)}%`,
      `nginx_cpu=${Math.round(headline.serverCpu)}%`,
      `errors=${errors}`,
      `connections=${opts.connections}`,
      `load1=${context.load1.toFixed(2)}`,
      `target=${pass ? 'pass' : 'fail'}`,
    ].join(' '),
  )
}

try {
  await main()
} catch (err) {
  console.error((err as Error).stack ?? String(err))
  process.exitCode = 1
}
