/**
 * Write-path benchmark: POST /api/v1/incidents/{id}/updates against a fresh server.
 *
 * 1. open loop: a fixed arrival rate (default 200/s) served by N concurrent keep-alive clients
 *    (default 16); each request's latency runs from its *scheduled* send time to the end of the
 *    response, so a slow server cannot hide queueing (no coordinated omission);
 * 2. closed loop: N clients back to back, for the maximum updates/s;
 * 3. baseline: raw libSQL `db.batch([...], 'write')` inserts into a temp file database opened
 *    with the app's own openDatabase (WAL), 1 row and 1000 rows a batch.
 *
 * The last line printed is the headline, as key=value pairs. Run: npm run bench:api-write
 */
import { Agent, request } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { numberOption } from './lib/cli.ts'
import { openDatabase } from '../db/open.node.ts'
import {
  ADMIN_TOKEN,
  fmt,
  ownCpuSeconds,
  percentile,
  sleep,
  runContext,
  startServer,
  tempDir,
  type BenchServer,
} from './server.ts'

const HELP = `Usage: node bench/api-write.ts [options]   (each option also reads an env var)
  --rate N          open-loop arrival rate, updates/s          BENCH_RATE      (200)
  --clients N       concurrent keep-alive clients              BENCH_CLIENTS   (16)
  --duration S      measured open-loop seconds                 BENCH_DURATION  (10)
  --warmup S        open-loop warm-up seconds (not measured)   BENCH_WARMUP    (2)
  --max-duration S  closed-loop (max throughput) seconds       BENCH_MAX_DURATION (5)
  --incidents N     open incidents the updates spread over     BENCH_INCIDENTS (400)
  --components N    components                                 BENCH_COMPONENTS (5)
  --no-notifier     run the server with NOTIFIER=off (the API's own cost, without mailing)
  --cpu-prof DIR    run the server with --cpu-prof, profiles written to DIR
  --dump FILE       write every open-loop request as CSV (due_ms,sent_ms,end_ms,status)`

const TARGET_P99_MS = 25
const TARGET_RATE = 200

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string' },
    clients: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'max-duration': { type: 'string' },
    incidents: { type: 'string' },
    components: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'no-notifier': { type: 'boolean' },
    dump: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (flags.help) {
  console.log(HELP)
  process.exit(0)
}

const num = numberOption(HELP)

const opts = {
  rate: num(flags.rate, 'BENCH_RATE', TARGET_RATE),
  clients: Math.round(num(flags.clients, 'BENCH_CLIENTS', 16)),
  duration: num(flags.duration, 'BENCH_DURATION', 10),
  warmup: num(flags.warmup, 'BENCH_WARMUP', 2),
  maxDuration: num(flags['max-duration'], 'BENCH_MAX_DURATION', 5),
  incidents: Math.round(num(flags.incidents, 'BENCH_INCIDENTS', 400)),
  components: Math.round(num(flags.components, 'BENCH_COMPONENTS', 5)),
}

// ---------------------------------------------------------------------------------------------
// HTTP client: node:http with a keep-alive agent, one socket per client.

const agent = new Agent({ keepAlive: true, maxSockets: opts.clients, maxFreeSockets: opts.clients })

interface Reply {
  status: number
  body: string
}

function send(base: string, method: string, path: string, payload: unknown, keepBody = true) {
  const data = JSON.stringify(payload)
  return new Promise<Reply>((resolve) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
        },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => {
          if (keepBody) chunks.push(c)
        })
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        )
        res.on('error', () => resolve({ status: 0, body: '' }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ status: 0, body: '' }))
    req.end(data)
  })
}

async function create(base: string, path: string, payload: unknown): Promise<string> {
  const res = await send(base, 'POST', path, payload)
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.body}`)
  const parsed: unknown = JSON.parse(res.body)
  const id = typeof parsed === 'object' && parsed !== null && 'id' in parsed ? parsed.id : null
  if (typeof id !== 'string') throw new Error(`POST ${path}: no id in ${res.body}`)
  return id
}

// ---------------------------------------------------------------------------------------------
// Load phases.

interface Sample {
  due: number
  sent: number
  end: number
  status: number
}

function updatePayload(n: number, componentIds: readonly string[]) {
  const component = componentIds[n % componentIds.length] ?? ''
  return {
    status: 'identified',
    body: `Benchmark update #${n}: we have identified the cause and are rolling out a fix.`,
    components: { [component]: 'partial_outage' },
  }
}

function updatePath(n: number, incidentIds: readonly string[]): string {
  return `/api/v1/incidents/${incidentIds[n % incidentIds.length] ?? ''}/updates`
}

/**
 * Open loop: request i is due at start + i/rate. A free client takes the next ticket, waits for
 * its due time and sends it; when every client is busy, tickets wait and that wait counts in the
 * latency (measured from the due time). Stops sending 5 s after the schedule ends: the rest count
 * as unsent.
 */
async function openLoop(base: string, incidentIds: string[], componentIds: string[]) {
  const interval = 1000 / opts.rate
  const total = Math.floor((opts.warmup + opts.duration) * opts.rate)
  const warmCount = Math.floor(opts.warmup * opts.rate)
  const start = performance.now() + 20
  const giveUp = start + (opts.warmup + opts.duration) * 1000 + 5_000
  const samples = Array.from<Sample | undefined>({ length: total })
  let next = 0
  const client = async () => {
    for (;;) {
      const i = next++
      if (i >= total) return
      const due = start + i * interval
      // Timers run on the loop's cached millisecond clock and can fire a little early: re-check.
      for (let wait = due - performance.now(); wait > 0; wait = due - performance.now()) {
        await sleep(wait)
      }
      const sent = performance.now()
      if (sent > giveUp) return
      const { status } = await send(
        base,
        'POST',
        updatePath(i, incidentIds),
        updatePayload(i, componentIds),
        false,
      )
      samples[i] = { due, sent, end: performance.now(), status }
    }
  }
  await Promise.all(Array.from({ length: opts.clients }, client))
  if (flags.dump) {
    const ms = (t: number) => (t - start).toFixed(3)
    const rows = samples.map((s, i) =>
      s ? `${ms(s.due)},${ms(s.sent)},${ms(s.end)},${s.status}` : `${ms(start + i * interval)},,,`,
    )
    writeFileSync(flags.dump, `due_ms,sent_ms,end_ms,status\n${rows.join('\n')}\n`)
  }
  const measured = samples.slice(warmCount)
  const done = measured.filter((s): s is Sample => s !== undefined)
  const ok = done.filter((s) => s.status === 201)
  const windowStart = start + warmCount * interval
  const windowEnd = done.reduce((m, s) => Math.max(m, s.end), start + total * interval)
  // A request never sent (the server fell too far behind) has no end: count it as infinitely slow.
  const latency = measured.map((s) => (s ? s.end - s.due : Infinity)).sort((a, b) => a - b)
  const service = done.map((s) => s.end - s.sent).sort((a, b) => a - b)
  const lag = done.map((s) => s.sent - s.due).sort((a, b) => a - b)
  return {
    scheduled: measured.length,
    completed: done.length,
    unsent: measured.length - done.length,
    errors: done.length - ok.length,
    achieved: (ok.length / (windowEnd - windowStart)) * 1000,
    p50: percentile(latency, 50),
    p90: percentile(latency, 90),
    p99: percentile(latency, 99),
    max: latency[latency.length - 1] ?? NaN,
    serviceP50: percentile(service, 50),
    serviceP99: percentile(service, 99),
    lagP50: percentile(lag, 50),
    lagP99: percentile(lag, 99),
  }
}

/** Closed loop: every client sends its next update as soon as the previous one is answered. */
async function closedLoop(base: string, incidentIds: string[], componentIds: string[]) {
  let n = 1_000_000
  const latencies: number[] = []
  let ok = 0
  let errors = 0
  const start = performance.now()
  const end = start + opts.maxDuration * 1000
  const client = async () => {
    while (performance.now() < end) {
      const i = n++
      const t0 = performance.now()
      const { status } = await send(
        base,
        'POST',
        updatePath(i, incidentIds),
        updatePayload(i, componentIds),
        false,
      )
      latencies.push(performance.now() - t0)
      if (status === 201) ok++
      else errors++
    }
  }
  await Promise.all(Array.from({ length: opts.clients }, client))
  const elapsed = performance.now() - start
  latencies.sort((a, b) => a - b)
  return {
    rate: (ok / elapsed) * 1000,
    ok,
    errors,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  }
}

/** Raw libSQL inserts in a temp file DB opened like the app's (WAL, synchronous=NORMAL). */
async function baseline() {
  const { dir, remove } = tempDir('amends-bench-baseline-')
  try {
    const db = await openDatabase(`file:${join(dir, 'baseline.db')}`)
    await db.execute(
      'CREATE TABLE t (id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)',
    )
    const row = (i: number) => ({
      sql: 'INSERT INTO t (incident_id, body, created_at) VALUES (?, ?, ?)',
      args: [
        'abcdefghijkl',
        `Benchmark update #${i}: we have identified the cause.`,
        new Date().toISOString(),
      ],
    })
    const measure = async (size: number, ms: number) => {
      let rows = 0
      const times: number[] = []
      const start = performance.now()
      while (performance.now() - start < ms || times.length < 3) {
        const batch = Array.from({ length: size }, (_, k) => row(rows + k))
        const t = performance.now()
        await db.batch(batch, 'write')
        times.push(performance.now() - t)
        rows += size
      }
      times.sort((a, b) => a - b)
      return {
        rowsPerS: (rows / (performance.now() - start)) * 1000,
        p50: percentile(times, 50),
        p99: percentile(times, 99),
        max: times[times.length - 1] ?? NaN,
      }
    }
    await measure(1, 200) // warm-up
    const single = await measure(1, 2_000)
    const bulk = await measure(1000, 2_000)
    db.close()
    return { single, bulk }
  } finally {
    remove()
  }
}

// ---------------------------------------------------------------------------------------------

/** Runs a phase and adds the CPU share (100% = one core) the server and this process used. */
async function withCpu<T extends object>(server: BenchServer, phase: () => Promise<T>) {
  const [s0, c0, w0] = [server.cpuSeconds(), ownCpuSeconds(), performance.now()]
  const result = await phase()
  const wall = (performance.now() - w0) / 1000
  return {
    ...result,
    serverCpu: ((server.cpuSeconds() - s0) / wall) * 100,
    clientCpu: ((ownCpuSeconds() - c0) / wall) * 100,
  }
}

const cpuLine = (p: { serverCpu: number; clientCpu: number }) =>
  `  CPU (100% = one core of 2): server ${fmt(p.serverCpu)}%, load client ${fmt(p.clientCpu)}%`

async function main() {
  const t0 = performance.now()
  const context = runContext()
  console.log(context.text)
  const nodeArgs = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof']}`] : []
  const env: Record<string, string> = flags['no-notifier'] ? { NOTIFIER: 'off' } : {}
  const server = await startServer({ demo: false, nodeArgs, env })
  let open: Awaited<ReturnType<typeof openLoop>> & { serverCpu: number; clientCpu: number }
  let closed: Awaited<ReturnType<typeof closedLoop>> & { serverCpu: number; clientCpu: number }
  try {
    console.log(`server pid ${server.pid} on ${server.base}, db in ${server.dir}`)
    const componentIds: string[] = []
    for (let i = 0; i < opts.components; i++) {
      componentIds.push(
        await create(server.base, '/api/v1/components', { name: `Bench component ${i + 1}` }),
      )
    }
    const incidentIds: string[] = []
    for (let i = 0; i < opts.incidents; i++) {
      const c = componentIds[i % componentIds.length] ?? ''
      incidentIds.push(
        await create(server.base, '/api/v1/incidents', {
          name: `Bench incident ${i + 1}`,
          status: 'investigating',
          impact: 'minor',
          body: 'We are investigating elevated error rates.',
          components: { [c]: 'degraded_performance' },
        }),
      )
    }
    console.log(
      `open loop: ${opts.rate} updates/s, ${opts.clients} clients, ${opts.warmup} s warm-up + ${opts.duration} s ` +
        `over ${opts.incidents} incidents, ${opts.components} components`,
    )
    open = await withCpu(server, () => openLoop(server.base, incidentIds, componentIds))
    console.log(
      `  latency from scheduled send: p50 ${fmt(open.p50)} ms, p90 ${fmt(open.p90)} ms, p99 ${fmt(open.p99)} ms, max ${fmt(open.max)} ms`,
    )
    console.log(
      `  from actual send: p50 ${fmt(open.serviceP50)} ms, p99 ${fmt(open.serviceP99)} ms; ` +
        `send lag p50 ${fmt(open.lagP50)} ms, p99 ${fmt(open.lagP99)} ms`,
    )
    console.log(
      `  achieved ${fmt(open.achieved)}/s, ${open.completed}/${open.scheduled} completed, errors ${open.errors} (unsent ${open.unsent})`,
    )
    console.log(cpuLine(open))
    console.log(`closed loop: ${opts.clients} clients back to back for ${opts.maxDuration} s`)
    closed = await withCpu(server, () => closedLoop(server.base, incidentIds, componentIds))
    console.log(
      `  max ${fmt(closed.rate)} updates/s (${closed.ok} ok, ${closed.errors} errors), ` +
        `latency p50 ${fmt(closed.p50)} ms, p99 ${fmt(closed.p99)} ms`,
    )
    console.log(cpuLine(closed))
  } finally {
    agent.destroy()
    await server.stop()
  }
  console.log('baseline: raw libSQL db.batch(..., "write") into a temp WAL file DB (openDatabase)')
  const base = await baseline()
  console.log(
    `  1-row batches: ${fmt(base.single.rowsPerS)} rows/s (per batch p50 ${fmt(base.single.p50)} ms, ` +
      `p99 ${fmt(base.single.p99)} ms, max ${fmt(base.single.max)} ms)`,
  )
  console.log(
    `  1000-row batches: ${fmt(base.bulk.rowsPerS)} rows/s (per batch p50 ${fmt(base.bulk.p50)} ms, ` +
      `max ${fmt(base.bulk.max)} ms)`,
  )

  const pass =
    opts.rate >= TARGET_RATE && open.p99 < TARGET_P99_MS && open.errors === 0 && open.unsent === 0
  const verdict = opts.rate >= TARGET_RATE ? (pass ? 'PASS' : 'FAIL') : 'n/a (rate below 200/s)'
  console.log(
    `target p99 < ${TARGET_P99_MS} ms at ${TARGET_RATE} updates/s: ${verdict} (p99 ${fmt(open.p99)} ms, errors ${open.errors}, unsent ${open.unsent})`,
  )
  console.log(`total ${fmt((performance.now() - t0) / 1000)} s`)
  console.log(
    [
      'api-write',
      `p50_ms=${fmt(open.p50)}`,
      `p90_ms=${fmt(open.p90)}`,
      `p99_ms=${fmt(open.p99)}`,
      `max_ms=${fmt(open.max)}`,
      `rate=${opts.rate}/s`,
      `achieved=${fmt(open.achieved)}/s`,
      `errors=${open.errors}`,
      `unsent=${open.unsent}`,
      `clients=${opts.clients}`,
      `notifier=${flags['no-notifier'] ? 'off' : 'on'}`,
      `max_updates_per_s=${fmt(closed.rate)}`,
      `server_cpu=${Math.round(open.serverCpu)}%`,
      `client_cpu=${Math.round(open.clientCpu)}%`,
      `baseline_batch1_rows_per_s=${Math.round(base.single.rowsPerS)}`,
      `baseline_batch1000_rows_per_s=${Math.round(base.bulk.rowsPerS)}`,
      `load1=${context.load1.toFixed(2)}`,
      `target=${pass ? 'pass' : 'fail'}`,
    ].join(' '),
  )
}

await main()
