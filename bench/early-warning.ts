/**
 * Early warning benchmark (issue 15): what alert intake and the report-spike check cost.
 *
 * 1. alert intake against a fresh server: N components, one rule each (service=svc-i →
 *    component i), then N clients back to back for D seconds (after a warm-up) posting
 *    Alertmanager groups of 10 firing alerts for one service. Fingerprints are stable, so after
 *    the first delivery every request takes the refresh path, which is what Alertmanager's
 *    repeats are. Baseline in the same run, same clients and duration: closed-loop incident
 *    updates (as bench/api-write.ts). At the end exactly one draft per component must exist
 *    (the dedup held under concurrency), or the script fails.
 * 2. the report-spike check per scheduler tick, in process (cold: the week baseline read; warm:
 *    remembered, a second later): a temp database with N form reports
 *    spread over the last 7 days across the components, then checkReportSpikes(deps) timed
 *    repeatedly (one unmeasured call first).
 *
 * The last line printed is the headline, as key=value pairs. Run: npm run bench:early-warning
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { InStatement } from '@libsql/client'
import { parseConfig } from '../api/config.ts'
import type { Deps } from '../api/deps.ts'
import { checkReportSpikes } from '../api/services/report-spikes.ts'
import { fixedClock } from '../core/clock.ts'
import { newId } from '../core/ids.ts'
import { insertComponent } from '../db/components.ts'
import { insertFeedback } from '../db/feedback.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'
import { prng } from '../tests/fixtures/prng.ts'
import { numberOption } from './lib/cli.ts'
import { createClient } from './lib/http.ts'
import {
  ADMIN_TOKEN,
  fmt,
  ownCpuSeconds,
  percentile,
  runContext,
  startServer,
  tempDir,
  type BenchServer,
} from './server.ts'

const HELP = `Usage: node bench/early-warning.ts [options]   (each option also reads an env var)
  --clients N       concurrent keep-alive clients             BENCH_CLIENTS    (8)
  --duration S      measured seconds per closed loop          BENCH_DURATION   (10)
  --warmup S        warm-up seconds before each (not measured) BENCH_WARMUP    (2)
  --components N    components, one alert rule each           BENCH_COMPONENTS (20)
  --alerts N        firing alerts per Alertmanager delivery   BENCH_ALERTS     (10)
  --reports N       form reports seeded for the spike check   BENCH_REPORTS    (100000)
  --ticks N         timed checkReportSpikes calls             BENCH_TICKS      (50)`

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    components: { type: 'string' },
    alerts: { type: 'string' },
    reports: { type: 'string' },
    ticks: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (flags.help) {
  console.log(HELP)
  process.exit(0)
}

const num = numberOption(HELP)

const opts = {
  clients: Math.round(num(flags.clients, 'BENCH_CLIENTS', 8)),
  duration: num(flags.duration, 'BENCH_DURATION', 10),
  warmup: num(flags.warmup, 'BENCH_WARMUP', 2),
  components: Math.round(num(flags.components, 'BENCH_COMPONENTS', 20)),
  alerts: Math.round(num(flags.alerts, 'BENCH_ALERTS', 10)),
  reports: Math.round(num(flags.reports, 'BENCH_REPORTS', 100_000)),
  ticks: Math.round(num(flags.ticks, 'BENCH_TICKS', 50)),
}

const DAY_MS = 24 * 60 * 60_000

// ---------------------------------------------------------------------------------------------
// Part 1: alert intake over HTTP.

const http = createClient(opts.clients)
const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }

function postJson(base: string, path: string, payload: unknown) {
  return http.send(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(payload) })
}

const post = async (base: string, path: string, payload: unknown) =>
  (await postJson(base, path, payload)).status

async function create(base: string, path: string, payload: unknown): Promise<string> {
  const res = await postJson(base, path, payload)
  const text = res.body.toString()
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${text}`)
  const parsed: unknown = JSON.parse(text)
  const id = typeof parsed === 'object' && parsed !== null && 'id' in parsed ? parsed.id : null
  if (typeof id !== 'string') throw new Error(`POST ${path}: no id in ${text}`)
  return id
}

/** Alertmanager webhook v4: one group of firing alerts for one service, same fingerprints always. */
function alertGroup(service: number, startsAt: string) {
  const svc = `svc-${service}`
  return {
    version: '4',
    status: 'firing',
    receiver: 'amends',
    groupKey: `{}:{service="${svc}"}`,
    groupLabels: { service: svc },
    alerts: Array.from({ length: opts.alerts }, (_, k) => ({
      status: 'firing',
      labels: { alertname: `BenchAlert${k}`, service: svc, severity: 'critical' },
      annotations: { summary: `Bench alert ${k} on ${svc}` },
      startsAt,
      fingerprint: `${svc}-alert-${k}`,
    })),
  }
}

interface LoopResult {
  perS: number
  ok: number
  errors: number
  p50: number
  p99: number
  serverCpu: number
  clientCpu: number
}

/**
 * Closed loop: every client sends its next request as soon as the previous one is answered,
 * first for the warm-up (not counted), then for the measured duration.
 */
async function closedLoop(
  server: BenchServer,
  okStatus: number,
  request: (n: number) => Promise<number>,
): Promise<LoopResult> {
  let n = 0
  const run = async (seconds: number) => {
    const latencies: number[] = []
    let ok = 0
    let errors = 0
    const start = performance.now()
    const end = start + seconds * 1000
    const client = async () => {
      while (performance.now() < end) {
        const t0 = performance.now()
        const status = await request(n++).catch(() => 0)
        latencies.push(performance.now() - t0)
        if (status === okStatus) ok++
        else errors++
      }
    }
    await Promise.all(Array.from({ length: opts.clients }, client))
    return { latencies, ok, errors, elapsed: performance.now() - start }
  }
  await run(opts.warmup)
  const [s0, c0] = [server.cpuSeconds(), ownCpuSeconds()]
  const r = await run(opts.duration)
  const wall = r.elapsed / 1000
  r.latencies.sort((a, b) => a - b)
  return {
    perS: (r.ok / r.elapsed) * 1000,
    ok: r.ok,
    errors: r.errors,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    serverCpu: ((server.cpuSeconds() - s0) / wall) * 100,
    clientCpu: ((ownCpuSeconds() - c0) / wall) * 100,
  }
}

/** Every draft of the run, whatever its state (a duplicate dismissed would still be a failure). */
async function listDrafts(base: string): Promise<{ component_id: string | null }[]> {
  const res = await http.send(`${base}/api/v1/drafts?per_page=100`, { headers })
  if (res.status !== 200) throw new Error(`GET /api/v1/drafts: ${res.status}`)
  const total = Number(res.headers['x-total-count'])
  const items = JSON.parse(res.body.toString()) as { component_id: string | null }[]
  if (total !== items.length) throw new Error(`${total} drafts, more than one page: duplicates`)
  return items
}

const loopLine = (label: string, r: LoopResult) =>
  `  ${label}: ${fmt(r.perS)}/s (${r.ok} ok, ${r.errors} errors), latency p50 ${fmt(r.p50)} ms, ` +
  `p99 ${fmt(r.p99)} ms; CPU (100% = one core of 2): server ${fmt(r.serverCpu)}%, load client ${fmt(r.clientCpu)}%`

async function intake() {
  const server = await startServer({ demo: false })
  try {
    console.log(`server pid ${server.pid} on ${server.base}, db in ${server.dir}`)
    const componentIds: string[] = []
    for (let i = 0; i < opts.components; i++) {
      const id = await create(server.base, '/api/v1/components', { name: `Bench component ${i}` })
      componentIds.push(id)
      await create(server.base, '/api/v1/alert-rules', {
        source: 'alertmanager',
        match: { service: `svc-${i}` },
        component_id: id,
        component_status: 'partial_outage',
      })
    }
    console.log(
      `alert intake: ${opts.clients} clients back to back, ${opts.warmup} s warm-up + ${opts.duration} s, ` +
        `groups of ${opts.alerts} firing alerts over ${opts.components} services`,
    )
    const startsAt = new Date().toISOString()
    const alerts = await closedLoop(server, 202, (n) =>
      post(server.base, '/api/v1/alerts/alertmanager', alertGroup(n % opts.components, startsAt)),
    )
    console.log(loopLine('deliveries', alerts))

    const incidentIds: string[] = []
    for (let i = 0; i < opts.components; i++) {
      incidentIds.push(
        await create(server.base, '/api/v1/incidents', {
          name: `Bench incident ${i + 1}`,
          status: 'investigating',
          impact: 'minor',
          body: 'We are investigating elevated error rates.',
          components: { [componentIds[i] ?? '']: 'degraded_performance' },
        }),
      )
    }
    console.log(`baseline: incident updates over ${incidentIds.length} incidents, same clients`)
    const updates = await closedLoop(server, 201, (n) =>
      post(server.base, `/api/v1/incidents/${incidentIds[n % incidentIds.length] ?? ''}/updates`, {
        status: 'identified',
        body: `Benchmark update #${n}: we have identified the cause and are rolling out a fix.`,
        components: { [componentIds[n % componentIds.length] ?? '']: 'partial_outage' },
      }),
    )
    console.log(loopLine('updates', updates))

    const drafts = await listDrafts(server.base)
    const perComponent = new Set(drafts.map((d) => d.component_id))
    const held =
      drafts.length === opts.components &&
      perComponent.size === opts.components &&
      componentIds.every((id) => perComponent.has(id))
    if (!held) {
      throw new Error(
        `expected ${opts.components} drafts, one per component; found ${drafts.length} over ` +
          `${perComponent.size} component(s): ${JSON.stringify([...perComponent])}`,
      )
    }
    console.log(`  drafts: ${drafts.length}, one per component`)
    return { alerts, updates, drafts: drafts.length }
  } finally {
    http.close()
    await server.stop()
  }
}

// ---------------------------------------------------------------------------------------------
// Part 2: the report-spike check, in process.

async function spikeCheck() {
  const work = tempDir('amends-bench-spikes-')
  try {
    const config = parseConfig({
      DATABASE_URL: `file:${join(work.dir, 'amends.db')}`,
      PUBLIC_DIR: join(work.dir, 'public'),
      AMENDS_DEMO: 'false',
      NOTIFIER: 'off',
    })
    const db = await openDatabase(config.databaseUrl)
    await migrate(db)
    const quiet = { info() {}, warn() {}, error: (m: string, f?: object) => console.error(m, f) }
    // A clock the timing moves: past the minute the week's baseline is remembered (a cold call,
    // as the first tick or report of each minute pays), or by a second (a warm one).
    const clock = fixedClock(new Date())
    const deps: Deps = { db, clock, config, log: quiet }

    const t0 = performance.now()
    const now = Date.now()
    const iso = (ms: number) => new Date(ms).toISOString()
    const created = iso(now - 30 * DAY_MS)
    const componentIds = Array.from({ length: opts.components }, () => newId())
    await db.batch(
      componentIds.map((id, i) =>
        insertComponent({
          id,
          name: `Bench component ${i}`,
          description: null,
          group_id: null,
          position: i + 1,
          sla_target: 99.9,
          status: 'operational',
          only_show_if_degraded: false,
          created_at: created,
          updated_at: created,
        }),
      ),
      'write',
    )
    const rnd = prng(15)
    const BATCH = 5_000
    for (let done = 0; done < opts.reports; done += BATCH) {
      const batch: InStatement[] = []
      for (let k = done; k < Math.min(opts.reports, done + BATCH); k++) {
        batch.push(
          insertFeedback({
            id: newId(),
            incident_id: null,
            component_id: rnd.pick(componentIds),
            subscriber_id: null,
            email: null,
            message: `Bench report ${k}: the page does not load for us.`,
            source: 'form',
            status: 'open',
            created_at: iso(now - rnd.next() * 7 * DAY_MS),
            first_answered_at: null,
            closed_at: null,
            assigned_to: null,
          }),
        )
      }
      await db.batch(batch, 'write')
    }
    const { windowMinutes } = config.reportSpikes
    console.log(
      `report-spike check: ${opts.reports} form reports over the last 7 days across ${opts.components} ` +
        `components (seeded in ${fmt((performance.now() - t0) / 1000)} s), ${windowMinutes}-min window`,
    )

    const first = await checkReportSpikes(deps)
    const timed = async (stepMs: number) => {
      const times: number[] = []
      for (let i = 0; i < opts.ticks; i++) {
        clock.advance(stepMs)
        const t = performance.now()
        await checkReportSpikes(deps)
        times.push(performance.now() - t)
      }
      times.sort((a, b) => a - b)
      return { median: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1) ?? NaN }
    }
    const cold = await timed(61_000)
    const warm = await timed(1_000)
    const result = { ...cold, warm, drafts: first.length }
    for (const [name, r] of [
      ['cold (baseline read)', cold],
      ['warm (baseline remembered)', warm],
    ] as const)
      console.log(
        `  ${opts.ticks} ${name} calls: median ${fmt(r.median)} ms, p95 ${fmt(r.p95)} ms, ` +
          `max ${fmt(r.max)} ms`,
      )
    console.log(`  drafts touched by the first call: ${result.drafts}`)
    db.close()
    return result
  } finally {
    work.remove()
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = performance.now()
  const context = runContext()
  console.log(context.text)
  const { alerts, updates, drafts } = await intake()
  const spikes = await spikeCheck()
  console.log(`total ${fmt((performance.now() - t0) / 1000)} s`)
  console.log(
    [
      'early-warning',
      `alert_deliveries_per_s=${fmt(alerts.perS)}`,
      `alerts_per_s=${fmt(alerts.perS * opts.alerts)}`,
      `p50_ms=${fmt(alerts.p50)}`,
      `p99_ms=${fmt(alerts.p99)}`,
      `errors=${alerts.errors}`,
      `updates_per_s=${fmt(updates.perS)}`,
      `ratio=${fmt(alerts.perS / updates.perS)}`,
      `drafts=${drafts}`,
      `spike_check_median_ms=${fmt(spikes.median)}`,
      `spike_check_p95_ms=${fmt(spikes.p95)}`,
      `spike_check_warm_median_ms=${fmt(spikes.warm.median)}`,
      `clients=${opts.clients}`,
      `reports=${opts.reports}`,
      `load1=${context.load1.toFixed(2)}`,
    ].join(' '),
  )
}

await main()
