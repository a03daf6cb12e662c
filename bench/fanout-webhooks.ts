/**
 * Webhook fan-out benchmark: N webhook subscribers (default 10,000), each with its own URL and
 * signing secret, one incident update, a local receiver in another process
 * (bench/fanout-webhook-receiver.ts) that answers 204 and counts.
 *
 * 1. baseline: the receiver's own intake from a minimal client, undici's `request` in a loop with
 *    the same concurrency and connections, POSTing one pre-rendered body over and over (after an
 *    uncounted warm-up, half the calls before the notifier's run, half after, rates averaged);
 * 2. the notifier: from the update's commit to the last delivery recorded as sent: fan-out (one
 *    INSERT … SELECT), claiming, rendering each subscriber's body (its unsubscribe link, its
 *    secret opened), signing each call (Standard Webhooks), the connect-time address check, POST,
 *    recording.
 *
 * The last line printed is the headline, as key=value pairs. Run: node bench/fanout-webhooks.ts
 * [--help]
 */
import { fork, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Agent, request } from 'undici'
import { parseConfig } from '../api/config.ts'
import type { Deps } from '../api/deps.ts'
import { createOutboundPoster } from '../api/http/outbound.node.ts'
import { createNotifier, transportFor } from '../api/jobs/notifier/notifier.node.ts'
import { DEFAULT_TIMING } from '../api/jobs/notifier/timing.ts'
import { components } from '../api/services/components.ts'
import { incidents } from '../api/services/incidents.ts'
import { newWebhookSecret, sealSecret } from '../api/services/secret-box.ts'
import { systemActor } from '../api/services/write.ts'
import { targetKey } from '../core/channels.ts'
import { systemClock } from '../core/clock.ts'
import { standardWebhookHeaders } from '../api/jobs/notifier/channels/webhook-signature.node.ts'
import { deliveryCounts } from '../db/deliveries.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'
import { insertSubscriber, newSubscriberState } from '../db/subscribers.ts'
import { ROOT, fmt, runContext, sleep, tempDir } from './server.ts'

const HELP = `Usage: node bench/fanout-webhooks.ts [options]
  --subscribers N   webhook subscribers (default 10000)
  --concurrency N   calls in flight, for both runs (default 64: the sender's default)
  --connections N   connections to the receiver, for both runs (default 16: the poster's default)
  --baseline N      calls in the minimal-client baseline (default 10000)
  --profile FILE    write a CPU profile of the notifier's run only (read it with
                    node bench/cpuprofile-top.ts FILE)
  --help`

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    connections: { type: 'string', default: '16' },
    baseline: { type: 'string', default: '10000' },
    profile: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (args.help) {
  console.log(HELP)
  process.exit(0)
}
const SUBSCRIBERS = Number(args.subscribers)
const CONCURRENCY = Number(args.concurrency)
const CONNECTIONS = Number(args.connections)
const BASELINE = Number(args.baseline)

interface ReceiverStats {
  count: number
  connections: number
  distinct: number
  firstAt: number
  lastAt: number
  cpuSeconds: number
}

function startReceiver(): Promise<{
  child: ChildProcess
  port: number
  stats(): Promise<ReceiverStats>
  reset(): Promise<void>
}> {
  const child = fork(join(ROOT, 'bench/fanout-webhook-receiver.ts'), [], {
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
        stats: () => ask<ReceiverStats>('stats'),
        reset: () => ask('reset').then(() => {}),
      }),
    )
  })
}

console.log(`context: ${runContext().text}`)
const receiver = await startReceiver()
const base = `http://127.0.0.1:${receiver.port}`
const { dir, remove } = tempDir('amends-fanout-webhooks-')
process.once('exit', () => {
  receiver.child.kill()
  remove()
})

// --- The database: components, webhook subscribers, an incident opened without notifications.
const config = parseConfig({
  DATABASE_URL: `file:${join(dir, 'amends.db')}`,
  SITE_URL: 'https://status.example.com',
  PAGE_NAME: 'Example Status',
  // The receiver is on this machine.
  OUTBOUND_ALLOW_PRIVATE: 'true',
  MAILBOX_DIR: join(dir, 'mailbox'),
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
const at = '2026-01-01T00:00:00.000Z'
for (let from = 1; from <= SUBSCRIBERS; from += 500) {
  const statements = []
  for (let i = from; i < Math.min(SUBSCRIBERS + 1, from + 500); i++) {
    const url = `${base}/hooks/${i}`
    statements.push(
      ...insertSubscriber({
        id: `sub${i}`,
        channel: 'webhook',
        email: null,
        email_normalized: null,
        target: url,
        target_key: targetKey('webhook', url),
        secret: await sealSecret(deps, newWebhookSecret()),
        confirm_via: null,
        locale: 'en',
        all_components: true,
        components: [],
        ...newSubscriberState('confirmed', at),
      }),
    )
  }
  await db.batch(statements, 'write')
}
console.log(
  `subscribers: ${fmt(SUBSCRIBERS)} webhooks inserted in ${fmt((performance.now() - t) / 1000)} s`,
)
const inc = await incidents.create(deps, ctx, {
  name: 'Card payments failing',
  status: 'investigating',
  impact: 'major',
  body: 'We are looking into failed card payments.',
  components: { [api.id]: 'major_outage' },
  workaround: 'Pay by bank transfer meanwhile.',
  deliver_notifications: false,
})

// --- 1. Baseline: how fast the receiver takes calls from a client that does nothing else. The
// body is about the size the notifier sends, signed once (the client does not even sign). Run
// before and after the notifier, half each, and averaged: this machine's load drifts.
const body = JSON.stringify({
  meta: { unsubscribe: `https://status.example.com/unsubscribe/${'x'.repeat(120)}` },
  page: { id: 'page', status_indicator: 'major', status_description: 'Partial System Outage' },
  incident: { name: 'Card payments failing', text: 'We found the cause. '.repeat(60) },
})
const signed = standardWebhookHeaders(newWebhookSecret(), 'msg_1_sub1', 1, body)

async function baseline(calls: number, report = true): Promise<{ rate: number; cpuMs: number }> {
  const minimal = new Agent({ connections: CONNECTIONS })
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls) {
        const i = ++next
        const res = await request(`${base}/hooks/${i}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signed },
          body,
          dispatcher: minimal,
        })
        await res.body.dump()
        if (res.statusCode !== 204) throw new Error(`baseline: ${res.statusCode}`)
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  await minimal.close()
  await receiver.reset()
  const rate = calls / seconds
  const cpuMs = (cpu.user + cpu.system) / 1000 / calls
  if (report)
    console.log(
      `baseline: ${fmt(calls)} calls (${fmt(body.length)} bytes) in ${fmt(seconds)} s = ` +
        `${fmt(rate)} calls/s (client CPU ${fmt(cpuMs)} ms a call)`,
    )
  return { rate, cpuMs }
}
// Warm up (JIT, connections) first, uncounted: the notifier's run finds undici warm too.
await baseline(2000, false)
const before = await baseline(Math.ceil(BASELINE / 2))

// --- 2. The notifier: one update to N webhook subscribers.
const post = createOutboundPoster({ allowPrivate: true, connectionsPerOrigin: CONNECTIONS })
const notifier = createNotifier(deps, {
  transport: transportFor(config.mail),
  timing: { ...DEFAULT_TIMING, pollMs: 50 },
  maxPostsInFlight: CONCURRENCY,
  post,
})
const profiler = args.profile ? new Session() : null
if (profiler) {
  profiler.connect()
  await profiler.post('Profiler.enable')
  await profiler.post('Profiler.start')
}
notifier.start()
const cpu0 = process.cpuUsage()
t = performance.now()
await incidents.postUpdate(deps, ctx, inc.id, {
  status: 'identified',
  body: 'We found the cause: an expired certificate at our card processor.',
  deliver_notifications: true,
})
notifier.kick()
let fannedOutAt = 0
for (;;) {
  await sleep(20)
  if (!fannedOutAt && (await db.execute('SELECT 1 FROM deliveries LIMIT 1')).rows.length) {
    fannedOutAt = performance.now()
  }
  const st = notifier.stats
  if (st.sent + st.failed + st.skipped < SUBSCRIBERS) continue
  const c = await deliveryCounts(db)
  if (c.pending === 0) break
}
const seconds = (performance.now() - t) / 1000
const cpu = process.cpuUsage(cpu0)
const cpuMs = (cpu.user + cpu.system) / 1000 / SUBSCRIBERS
if (profiler && args.profile) {
  const { profile } = await profiler.post('Profiler.stop')
  writeFileSync(args.profile, JSON.stringify(profile))
}
await notifier.stop()
await post.close()
const counts = await deliveryCounts(db)
const s = await receiver.stats()
const rate = SUBSCRIBERS / seconds
await receiver.reset()
const after = await baseline(Math.floor(BASELINE / 2))
const baselineRate = (before.rate + after.rate) / 2
const baselineCpuMs = (before.cpuMs + after.cpuMs) / 2
receiver.child.send({ type: 'stop' })
db.close()

console.log(
  `fan-out: ${fmt(SUBSCRIBERS)} deliveries inserted ${fmt((fannedOutAt - t) / 1000)} s after the update`,
)
console.log(
  `notifier: ${fmt(counts.sent)} sent, ${fmt(counts.failed)} failed, receiver got ${fmt(s.count)} ` +
    `(${fmt(s.distinct)} distinct webhook-ids over ${fmt(s.connections)} connections, first to last in ${fmt((s.lastAt - s.firstAt) / 1000)} s); ` +
    `last delivery ${fmt(seconds)} s after the update = ` +
    `${fmt(rate)} deliveries/s (notifier CPU ${fmt(cpuMs)} ms a delivery; ` +
    `1-min load average ${fmt(loadavg()[0] ?? NaN)} at the end)`,
)
console.log(
  `fanout_webhooks=${SUBSCRIBERS} time_to_last_delivery_s=${seconds.toFixed(2)} deliveries_per_s=${Math.round(rate)} ` +
    `receiver_baseline_per_s=${Math.round(baselineRate)} cpu_ms_per_delivery=${cpuMs.toFixed(3)} ` +
    `baseline_cpu_ms_per_call=${baselineCpuMs.toFixed(3)} concurrency=${CONCURRENCY} connections=${CONNECTIONS} ` +
    `ratio=${(rate / baselineRate).toFixed(2)}`,
)
process.exit(0)
