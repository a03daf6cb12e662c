/**
 * Mail fan-out benchmark: N confirmed subscribers (default 100,000), one incident update, a local
 * SMTP sink in another process (bench/fanout-sink.ts) that counts and discards.
 *
 * 1. baseline: the sink's own intake rate from a minimal sender, nodemailer's SMTP pool sending
 *    one pre-rendered message over and over as fast as it can (same pool size);
 * 2. the notifier on N sender threads (the server's own, api/jobs/notifier/notifier-threads.node.ts:
 *    each its own connection, lease owner and SMTP pool, sharing the leases), by default once
 *    with 1 and once with 2: from an update's commit to the last delivery recorded as sent:
 *    fan-out (one INSERT … SELECT), claiming, rendering each personal email, SMTP, recording.
 *
 * The last line printed is the headline, as key=value pairs. Run: node bench/fanout.ts [--help]
 */
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import nodemailer from 'nodemailer'
import { parseConfig } from '../api/config.ts'
import type { Deps } from '../api/deps.ts'
import { startNotifierThreads } from '../api/jobs/notifier/notifier-threads.node.ts'
import { DEFAULT_TIMING } from '../api/jobs/notifier/timing.ts'
import { components } from '../api/services/components.ts'
import { incidents } from '../api/services/incidents.ts'
import { systemActor } from '../api/services/write.ts'
import { systemClock } from '../core/clock.ts'
import { deliveryCounts } from '../db/deliveries.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'
import { loadavg } from 'node:os'
import { ROOT, fmt, runContext, sleep, tempDir } from './server.ts'

const HELP = `Usage: node bench/fanout.ts [options]
  --subscribers N   confirmed subscribers (default 100000)
  --pool N          SMTP pool connections, for the baseline and each sender thread (default 10)
  --workers N,...   notifier sender threads, one run per count (default 1,2)
  --baseline N      messages in the minimal-sender baseline (default 20000)
  --help`

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '100000' },
    pool: { type: 'string', default: '10' },
    baseline: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '1,2' },
    help: { type: 'boolean', default: false },
  },
})
if (args.help) {
  console.log(HELP)
  process.exit(0)
}
const SUBSCRIBERS = Number(args.subscribers)
const POOL = Number(args.pool)
const BASELINE = Number(args.baseline)
const WORKERS = args.workers.split(',').map(Number)
if (WORKERS.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) {
  console.error('--workers takes counts from 1 to 16, comma-separated')
  process.exit(1)
}

interface SinkStats {
  count: number
  firstAt: number
  lastAt: number
  cpuSeconds: number
}

function startSink(): Promise<{
  child: ChildProcess
  port: number
  stats(): Promise<SinkStats>
  reset(): Promise<void>
}> {
  const child = fork(join(ROOT, 'bench/fanout-sink.ts'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type: string }) => {
        if (m.type !== type) return
        child.off('message', on)
        resolve(m as T)
      }
      child.on('message', on)
      child.send({ type })
    })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('message', (m: { type: string; port: number }) =>
      resolve({
        child,
        port: m.port,
        stats: () => ask<SinkStats>('stats'),
        reset: () => ask('reset').then(() => {}),
      }),
    )
  })
}

console.log(`context: ${runContext().text}`)
const sink = await startSink()
const smtpUrl = `smtp://127.0.0.1:${sink.port}`
const { dir, remove } = tempDir('amends-fanout-')
process.once('exit', () => {
  sink.child.kill()
  remove()
})

// --- The database: components, subscribers, an incident opened without notifications.
const config = parseConfig({
  DATABASE_URL: `file:${join(dir, 'amends.db')}`,
  SITE_URL: 'https://status.example.com',
  PAGE_NAME: 'Example Status',
  SMTP_URL: smtpUrl,
  SMTP_POOL_SIZE: String(POOL),
})
const db = await openDatabase(config.databaseUrl)
await migrate(db)
const deps: Deps = {
  db,
  clock: systemClock,
  config,
  log: { info() {}, warn: (m, f) => console.error(m, f), error: (m, f) => console.error(m, f) },
}
const ctx = { actor: systemActor('bench') }
const component = { sla_target: 99.9, status: 'operational', only_show_if_degraded: false } as const
const api = await components.create(deps, ctx, { ...component, name: 'Payments API' })
await components.create(deps, ctx, { ...component, name: 'Dashboard' })
let t = performance.now()
const CHUNK = 10_000
for (let from = 1; from <= SUBSCRIBERS; from += CHUNK) {
  const to = Math.min(SUBSCRIBERS, from + CHUNK - 1)
  await db.execute({
    sql: `WITH RECURSIVE seq(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
          INSERT INTO subscribers (id, email, email_normalized, locale, all_components, status, created_at, confirmed_at)
          SELECT 'sub' || i, 'user' || i || '@example.org', 'user' || i || '@example.org',
            CASE WHEN i % 10 = 0 THEN 'zh-CN' ELSE 'en' END, 1, 'confirmed', ?, ? FROM seq`,
    args: [from, to, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  })
}
console.log(`subscribers: ${fmt(SUBSCRIBERS)} inserted in ${fmt((performance.now() - t) / 1000)} s`)
const inc = await incidents.create(deps, ctx, {
  name: 'Card payments failing',
  status: 'investigating',
  impact: 'major',
  body: 'We are looking into failed card payments.',
  components: { [api.id]: 'major_outage' },
  workaround: 'Pay by bank transfer meanwhile.',
  deliver_notifications: false,
})

// --- 1. Baseline: how fast the sink takes mail from a sender that does nothing else.
const sample = nodemailer.createTransport({ streamTransport: true, buffer: true })
const raw = (
  await sample.sendMail({
    from: config.mail.from,
    to: 'user1@example.org',
    subject: '[Example Status] Card payments failing',
    text: 'Status: Identified\n\nWe found the cause.\n'.repeat(20),
    html: '<p>Status: Identified</p><p>We found the cause.</p>'.repeat(40),
  })
).message as Buffer
const minimal = nodemailer.createTransport({
  url: smtpUrl,
  pool: true,
  maxConnections: POOL,
  maxMessages: Infinity,
})
t = performance.now()
const baselineCpu0 = process.cpuUsage()
let next = 0
await Promise.all(
  Array.from({ length: POOL * 2 }, async () => {
    while (next < BASELINE) {
      next++
      await minimal.sendMail({
        envelope: { from: 'status@status.example.com', to: 'user1@example.org' },
        raw,
      })
    }
  }),
)
const baselineSeconds = (performance.now() - t) / 1000
const baselineCpu = process.cpuUsage(baselineCpu0)
const baselineCpuMs = (baselineCpu.user + baselineCpu.system) / 1000 / BASELINE
minimal.close()
const baselineRate = BASELINE / baselineSeconds
console.log(
  `baseline: ${fmt(BASELINE)} pre-rendered messages (${fmt(raw.length)} bytes) in ${fmt(baselineSeconds)} s = ` +
    `${fmt(baselineRate)} msg/s (sender CPU ${fmt(baselineCpuMs)} ms a message)`,
)
await sink.reset()

// --- 2. The notifier on N threads: one update to N subscribers per run (a new update each run).
const STATUSES = ['identified', 'monitoring', 'investigating'] as const
const runs: { workers: number; rate: number; seconds: number; cpuMs: number }[] = []
for (const [i, workers] of WORKERS.entries()) {
  const threads = startNotifierThreads(config, deps.log, undefined, {
    workers,
    timing: { ...DEFAULT_TIMING, pollMs: 50 },
  })
  await threads.ready
  const cpu0 = process.cpuUsage()
  t = performance.now()
  await incidents.postUpdate(deps, ctx, inc.id, {
    status: STATUSES[i % STATUSES.length]!,
    body: `We found the cause: an expired certificate at our card processor (run ${i + 1}).`,
    deliver_notifications: true,
  })
  threads.kick()
  // Progress comes from the threads' own counters: polling the deliveries table (a scan of
  // 100,000 rows) ten times a second would cost the process under test a good part of a core.
  for (;;) {
    // Each look is a message to every thread and back: not so often that it costs them.
    await sleep(100)
    const st = (await threads.stats()).total
    if (st.sent + st.failed + st.skipped < SUBSCRIBERS) continue
    // All answered by the server; the last outcomes are recorded a few milliseconds later.
    const c = await deliveryCounts(db)
    if (c.pending === 0) break
  }
  const seconds = (performance.now() - t) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuMs = (cpu.user + cpu.system) / 1000 / SUBSCRIBERS
  await threads.stop()
  const counts = await deliveryCounts(db)
  const s = await sink.stats()
  await sink.reset()
  const rate = SUBSCRIBERS / seconds
  runs.push({ workers, rate, seconds, cpuMs })
  console.log(
    `notifier, ${workers} thread(s): ${fmt(counts.sent)} sent in all, ${fmt(counts.failed)} failed, sink received ` +
      `${fmt(s.count)}; last delivery ${fmt(seconds)} s after the update = ${fmt(rate)} msg/s ` +
      `(${fmt((rate / baselineRate) * 100)}% of the baseline; CPU ${fmt(cpuMs)} ms a message, all threads; ` +
      `1-min load average ${fmt(loadavg()[0] ?? NaN)} at the end)`,
  )
}
sink.child.send({ type: 'stop' })
db.close()

console.log(
  `fanout_subscribers=${SUBSCRIBERS} sink_baseline_msgs_per_s=${Math.round(baselineRate)} ` +
    runs
      .map(
        (r) =>
          `msgs_per_s_${r.workers}=${Math.round(r.rate)} ratio_${r.workers}=${(r.rate / baselineRate).toFixed(2)} ` +
          `time_to_last_delivery_s_${r.workers}=${r.seconds.toFixed(2)} cpu_ms_per_msg_${r.workers}=${r.cpuMs.toFixed(3)}`,
      )
      .join(' ') +
    ` baseline_cpu_ms_per_msg=${baselineCpuMs.toFixed(3)} pool=${POOL}`,
)
process.exit(0)
