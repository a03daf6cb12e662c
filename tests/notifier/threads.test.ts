import { afterEach, describe, expect, it } from 'vitest'
import { parseConfig } from '../../api/config.ts'
import { createHealth } from '../../api/health.ts'
import { memoryLogger } from '../../api/log.ts'
import {
  startNotifierThreads,
  type NotifierThreads,
} from '../../api/jobs/notifier/notifier-threads.node.ts'
import { DEFAULT_TIMING, type NotifierTiming } from '../../api/jobs/notifier/timing.ts'
import { deliveryCounts } from '../../db/deliveries.ts'
import { makeIncident } from '../fixtures/factories.ts'
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { addManySubscribers, waitUntil } from './world.ts'

let sink: SmtpSink | null = null
let threads: NotifierThreads | null = null
afterEach(async () => {
  await threads?.stop()
  threads = null
  await sink?.close()
  sink = null
})

function configFor(t: TestApp, smtpUrl: string) {
  return parseConfig({
    DATABASE_URL: t.testDb.url,
    SMTP_URL: smtpUrl,
    SITE_URL: 'https://status.example.com',
    PAGE_NAME: 'Example Status',
    SMTP_POOL_SIZE: '3',
  })
}

/** Each subscriber's distinct Message-IDs, and how often each Message-ID arrived. */
function tally(messages: SmtpSink['messages']) {
  const perSubscriber = new Map<string, Set<string>>()
  const seen = new Map<string, number>()
  for (const m of messages) {
    const to = m.to[0]!
    let ids = perSubscriber.get(to)
    if (!ids) perSubscriber.set(to, (ids = new Set()))
    ids.add(m.messageId!)
    seen.set(m.messageId!, (seen.get(m.messageId!) ?? 0) + 1)
  }
  return { perSubscriber, seen }
}

/** An incident and an update: two messages to each subscriber. */
async function postUpdate(t: TestApp) {
  const inc = await makeIncident(t)
  const res = await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
    status: 'identified',
    body: 'Found it.',
  })
  expect(res.status).toBe(201)
}

describe('notifier threads', () => {
  it('three threads share one fan-out: each message reaches its subscriber exactly once, woken by kicks', async () => {
    const t = await createTestApp()
    sink = await startSmtpSink()
    const N = 1_000
    await addManySubscribers(t.deps.db, N)
    // Polls a minute apart: only the kick (and the threads waking each other) can start the work.
    const timing: NotifierTiming = { ...DEFAULT_TIMING, pollMs: 60_000 }
    const health = createHealth()
    threads = startNotifierThreads(configFor(t, sink.url), memoryLogger(), health, {
      workers: 3,
      timing,
    })
    await threads.ready
    expect(health.get('notifier')).toBe('ok')
    await postUpdate(t)
    threads.kick()
    await waitUntil(async () => {
      const c = await deliveryCounts(t.deps.db)
      return c.pending === 0 && c.sent === 2 * N
    }, 60_000)
    const { total, threads: each } = await threads.stats()
    await threads.stop()
    threads = null

    expect(total).toEqual({ sent: 2 * N, retried: 0, failed: 0, skipped: 0 })
    expect(each).toHaveLength(3)
    // Every thread took part: the one that fanned out woke the others.
    for (const s of each) expect(s.sent).toBeGreaterThan(0)
    expect(sink.messages).toHaveLength(2 * N)
    const { perSubscriber, seen } = tally(sink.messages)
    expect(perSubscriber.size).toBe(N)
    for (const [to, ids] of perSubscriber) expect(ids.size, to).toBe(2)
    expect(seen.size).toBe(2 * N)
  })

  it('a thread killed mid-send is restarted; nothing is lost and no message goes out under two IDs', async () => {
    const t = await createTestApp()
    sink = await startSmtpSink()
    const N = 1_500
    await addManySubscribers(t.deps.db, N)
    await postUpdate(t)
    // A killed thread's leases run out quickly, so the others (or its successor) take its work.
    const timing: NotifierTiming = {
      ...DEFAULT_TIMING,
      leaseMs: 1_000,
      pollMs: 20,
      backoff: { baseMs: 20, capMs: 200 },
    }
    const health = createHealth()
    const log = memoryLogger()
    threads = startNotifierThreads(configFor(t, sink.url), log, health, { workers: 2, timing })
    await threads.ready
    await waitUntil(() => sink!.messages.length >= 500, 60_000)
    const victim = threads.threads()[0]!
    const exited = new Promise((r) => victim.once('exit', r))
    await victim.terminate()
    await exited
    expect(health.get('notifier')).toMatch(/^failing: /)
    await waitUntil(() => health.get('notifier') === 'ok', 30_000)
    expect(threads.threads()).toHaveLength(2)
    expect(threads.threads()).not.toContain(victim)
    expect(log.lines.map((l) => l.msg)).toContain('notifier thread stopped; starting it again')
    await waitUntil(async () => {
      const c = await deliveryCounts(t.deps.db)
      return c.pending === 0 && c.sent === 2 * N
    }, 100_000)
    await threads.stop()
    threads = null

    const { perSubscriber, seen } = tally(sink.messages)
    const resent = [...seen.values()].reduce((n, c) => n + c - 1, 0)
    console.log(
      `threads: ${sink.messages.length} accepted for ${2 * N} messages; ${resent} sent again after ` +
        'the kill (same Message-ID: sent but not yet recorded, decision 004)',
    )
    expect(perSubscriber.size).toBe(N)
    for (const [to, ids] of perSubscriber) expect(ids.size, to).toBe(2)
    expect(seen.size).toBe(2 * N)
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: 2 * N, failed: 0 })
  })
})
