import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { deliveryCounts } from '../../db/deliveries.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { startReceiver } from '../fixtures/http-receiver.ts'
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { addManySubscribers, waitUntil } from './world.ts'

const ROOT = join(import.meta.dirname, '../..')
const SUBSCRIBERS = 5_000
const KILLS = 10

const children = new Set<ChildProcess>()
let sink: SmtpSink | null = null
afterEach(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  children.clear()
  await sink?.close()
  sink = null
})

/** `node scripts/notifier.ts` itself (not through npm), so its pid is the one we kill. */
function startNotifier(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/notifier.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.resume()
  child.stderr.resume()
  children.add(child)
  return child
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()))
}

describe('notifier crashes', () => {
  it('killed with SIGKILL ten times during a 5,000-subscriber fan-out: one email per event each', async () => {
    const t = await createTestApp()
    sink = await startSmtpSink()
    await addManySubscribers(t.deps.db, SUBSCRIBERS)
    const inc = await makeIncident(t)
    t.clock.advance(60_000)
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found it.',
    })
    const env = {
      DATABASE_URL: t.testDb.url,
      SMTP_URL: sink.url,
      SITE_URL: 'https://status.example.com',
      PAGE_NAME: 'Example Status',
      SMTP_POOL_SIZE: '5',
      // A killed process's leases run out quickly, so the next one takes its work over.
      NOTIFIER_LEASE_MS: '1000',
      NOTIFIER_POLL_MS: '20',
      NOTIFIER_RETRY_BASE_MS: '20',
      NOTIFIER_RETRY_CAP_MS: '200',
    }
    const expected = SUBSCRIBERS * 2
    const kills: number[] = []
    for (let i = 0; i < KILLS; i++) {
      const child = startNotifier(env)
      // Kill while it is working, at a random point of its progress: spread over the whole run.
      const target = sink.messages.length + 100 + Math.floor(Math.random() * 700)
      await waitUntil(() => sink!.messages.length >= target || child.exitCode !== null, 60_000)
      child.kill('SIGKILL')
      await exited(child)
      kills.push(sink.messages.length)
      if (sink.messages.length >= expected) break
    }
    const last = startNotifier(env)
    await waitUntil(async () => {
      const c = await deliveryCounts(t.deps.db)
      return c.pending === 0 && c.sent + c.failed === expected
    }, 120_000)
    last.kill('SIGTERM')
    await exited(last)
    expect(last.exitCode).toBe(0)

    const perSubscriber = new Map<string, Set<string>>()
    const seen = new Map<string, number>()
    for (const m of sink.messages) {
      const to = m.to[0]!
      let ids = perSubscriber.get(to)
      if (!ids) perSubscriber.set(to, (ids = new Set()))
      ids.add(m.messageId!)
      seen.set(m.messageId!, (seen.get(m.messageId!) ?? 0) + 1)
    }
    const rawDuplicates = [...seen.values()].reduce((n, c) => n + c - 1, 0)
    console.log(
      `crash test: ${kills.length} kills at ${kills.join(', ')} messages; ${sink.messages.length} accepted, ` +
        `${seen.size} distinct Message-IDs, ${rawDuplicates} raw duplicates (sent again after a kill, same Message-ID)`,
    )
    expect(perSubscriber.size).toBe(SUBSCRIBERS)
    for (const [to, ids] of perSubscriber) expect(ids.size, to).toBe(2)
    expect(seen.size).toBe(expected)
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: expected, failed: 0 })
  }, 300_000)
})

describe('notifier processes side by side', () => {
  it('two processes share the work and send every message once', async () => {
    const t = await createTestApp()
    sink = await startSmtpSink()
    await addManySubscribers(t.deps.db, 1_500)
    const inc = await makeIncident(t)
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found it.',
    })
    const env = {
      DATABASE_URL: t.testDb.url,
      SMTP_URL: sink.url,
      SITE_URL: 'https://status.example.com',
      SMTP_POOL_SIZE: '3',
      NOTIFIER_POLL_MS: '20',
    }
    const outputs = ['', '']
    const pair = [startNotifier(env), startNotifier(env)]
    pair.forEach((c, i) => {
      c.stdout?.on('data', (d) => (outputs[i] += d))
    })
    await waitUntil(async () => {
      const c = await deliveryCounts(t.deps.db)
      return c.pending === 0 && c.sent === 3_000
    }, 100_000)
    for (const c of pair) c.kill('SIGTERM')
    await Promise.all(pair.map(exited))
    const sent = outputs.map((o) => Number(/sent (\d+)/.exec(o)?.[1]))
    console.log(`two processes: sent ${sent.join(' + ')}; sink accepted ${sink.messages.length}`)
    expect(sent[0]! + sent[1]!).toBe(3_000)
    expect(sent[0]).toBeGreaterThan(0)
    expect(sent[1]).toBeGreaterThan(0)
    expect(sink.messages).toHaveLength(3_000)
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(3_000)
  })
})

describe('on-call nudge for a new draft, notifier killed mid-send', () => {
  it('is sent once: the delivery ledger carries the send over to the restarted process', async () => {
    const t = await createTestApp()
    let arrived = 0
    let firstKilledAt = Number.POSITIVE_INFINITY
    // The first copy reaches the server, which holds its answer; the process is killed meanwhile
    // and the server never takes that copy (the transaction did not complete).
    sink = await startSmtpSink({
      delayMs: () => (arrived++ === 0 ? 30_000 : 0),
      data: (m) => (m.at < firstKilledAt ? 'drop' : null),
    })
    const hook = await startReceiver()
    await makeComponent(t, { name: 'Payments API' })
    const res = await t.api('POST', '/api/v1/alerts/generic', {
      status: 'firing',
      component: 'Payments API',
      summary: 'p99 latency 9 s',
      id: 'latency',
    })
    expect(res.status).toBe(202)
    const env = {
      DATABASE_URL: t.testDb.url,
      SMTP_URL: sink.url,
      SITE_URL: 'https://status.example.com',
      ONCALL_EMAIL: 'oncall@example.com',
      ONCALL_WEBHOOK_URL: `${hook.url}/page`,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      NOTIFIER_LEASE_MS: '1000',
      NOTIFIER_POLL_MS: '20',
      NOTIFIER_RETRY_BASE_MS: '20',
      NOTIFIER_RETRY_CAP_MS: '200',
    }
    const first = startNotifier(env)
    await waitUntil(() => arrived >= 1, 60_000)
    firstKilledAt = Date.now()
    first.kill('SIGKILL')
    await exited(first)

    const second = startNotifier(env)
    await waitUntil(async () => {
      const c = await deliveryCounts(t.deps.db)
      return c.pending === 0 && c.sent === 2
    }, 60_000)
    second.kill('SIGTERM')
    await exited(second)
    await hook.close()

    expect(arrived).toBe(2)
    expect(sink.to('oncall@example.com')).toHaveLength(1)
    expect(sink.messages).toHaveLength(1)
    expect(hook.received).toHaveLength(1)
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: 2, failed: 0 })
  }, 120_000)
})
