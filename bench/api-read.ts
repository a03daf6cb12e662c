/**
 * Read-path benchmark: GET /api/v2/summary.json (the public Statuspage-compatible summary) on a
 * fresh server with the demo seed, driven by autocannon with keep-alive connections.
 *
 * The last line printed is the headline, as key=value pairs. Run: npm run bench:api-read
 */
import { parseArgs } from 'node:util'
import { numberOption } from './lib/cli.ts'
import autocannon from 'autocannon'
import { fmt, ownCpuSeconds, runContext, startServer } from './server.ts'

const HELP = `Usage: node bench/api-read.ts [options]   (each option also reads an env var)
  --connections N   concurrent keep-alive connections   BENCH_CONNECTIONS (50)
  --duration S      measured seconds                    BENCH_DURATION    (10)
  --warmup S        warm-up seconds (not measured)      BENCH_WARMUP      (2)
  --path P          path to request                     BENCH_PATH        (/api/v2/summary.json)
  --cpu-prof DIR    run the server with --cpu-prof, profiles written to DIR`

const TARGET_RPS = 5000

const { values: flags } = parseArgs({
  options: {
    connections: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    path: { type: 'string' },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (flags.help) {
  console.log(HELP)
  process.exit(0)
}

const num = numberOption(HELP)

const opts = {
  connections: Math.round(num(flags.connections, 'BENCH_CONNECTIONS', 50)),
  duration: num(flags.duration, 'BENCH_DURATION', 10),
  warmup: num(flags.warmup, 'BENCH_WARMUP', 2),
  path: flags.path ?? process.env.BENCH_PATH ?? '/api/v2/summary.json',
}

function run(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: opts.connections, pipelining: 1, duration: seconds })
}

async function main() {
  const t0 = performance.now()
  const context = runContext()
  console.log(context.text)
  const nodeArgs = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`] : []
  const server = await startServer({ demo: true, nodeArgs })
  let result: autocannon.Result
  let bytes: number
  let serverCpu: number
  let clientCpu: number
  try {
    console.log(`server pid ${server.pid} on ${server.base}, db in ${server.dir}`)
    const url = `${server.base}${opts.path}`
    const first = await fetch(url)
    bytes = (await first.arrayBuffer()).byteLength
    if (first.status !== 200) throw new Error(`GET ${opts.path}: ${first.status}`)
    console.log(`GET ${opts.path}: ${bytes} bytes, ${first.headers.get('content-type') ?? ''}`)
    console.log(
      `warm-up ${opts.warmup} s, then ${opts.duration} s with ${opts.connections} keep-alive connections (autocannon)`,
    )
    await run(url, opts.warmup)
    const [s0, c0, w0] = [server.cpuSeconds(), ownCpuSeconds(), performance.now()]
    result = await run(url, opts.duration)
    const wall = (performance.now() - w0) / 1000
    serverCpu = ((server.cpuSeconds() - s0) / wall) * 100
    clientCpu = ((ownCpuSeconds() - c0) / wall) * 100
  } finally {
    await server.stop()
  }
  const rps = result.requests.average
  const errors = result.errors + result.non2xx
  const pass = rps >= TARGET_RPS && errors === 0
  console.log(
    `  ${fmt(rps)} req/s mean (${result.requests.total} requests in ${fmt(result.duration)} s), ` +
      `latency p50 ${fmt(result.latency.p50)} ms, p99 ${fmt(result.latency.p99)} ms, max ${fmt(result.latency.max)} ms`,
  )
  console.log(`  non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`)
  console.log(
    `  CPU (100% = one core of 2): server ${fmt(serverCpu)}%, load tool ${fmt(clientCpu)}%`,
  )
  console.log(`target >= ${TARGET_RPS} req/s: ${pass ? 'PASS' : 'FAIL'} (${fmt(rps)} req/s)`)
  console.log(`total ${fmt((performance.now() - t0) / 1000)} s`)
  console.log(
    [
      'api-read',
      `rps=${Math.round(rps)}`,
      `p50_ms=${fmt(result.latency.p50)}`,
      `p99_ms=${fmt(result.latency.p99)}`,
      `non2xx=${result.non2xx}`,
      `errors=${result.errors}`,
      `connections=${opts.connections}`,
      `bytes=${bytes}`,
      `server_cpu=${Math.round(serverCpu)}%`,
      `client_cpu=${Math.round(clientCpu)}%`,
      `load1=${context.load1.toFixed(2)}`,
      `target=${pass ? 'pass' : 'fail'}`,
    ].join(' '),
  )
}

await main()
