import { spawn, type ChildProcess } from 'node:child_process'
import type { IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelName } from '../../core/channels.ts'
import { deliveryCounts } from '../../db/deliveries.ts'
import { makeIncident } from '../fixtures/factories.ts'
import { startReceiver, type HttpReceiver, type Received } from '../fixtures/http-receiver.ts'
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { urlSubscriberStatements } from '../fixtures/url-subscribers.ts'
import { addManySubscribers, waitUntil } from './world.ts'

const ROOT = join(import.meta.dirname, '../..')
const KILLS = 10
const EVENTS = 2

/**
 * The subscribers of the run, by channel. A URL channel is counted at its own receiver by the id
 * its calls carry for deduplication: 2,500 email, 1,000 webhook and 500 each of Slack, Teams and
 * Discord subscribers, 5,000 in all. (SMS has no id a provider keeps; its no-resend rule is
 * tested against the provider stand-in in sms.test.ts.)
 */
interface UrlChannelMix {
  channel: Exclude<ChannelName, 'email'>
  count: number
  /** The id a receiver deduplicates this channel's calls by. */
  idOf: (headers: IncomingHttpHeaders) => string | undefined
  /** Checks one call (a signature, say); throws when it is not right. */
  check?: (call: Received, secret: string | null) => void
}
const EMAIL_SUBSCRIBERS = 2_500
const chat = (channel: 'slack' | 'teams' | 'discord'): UrlChannelMix => ({
  channel,
  count: 500,
  idOf: (h) => h['idempotency-key'] as string | undefined,
})
const URL_MIX: UrlChannelMix[] = [
  {
    channel: 'webhook',
    count: 1_000,
    idOf: (h) => h['webhook-id'] as string | undefined,
    check: (call, secret) =>
      void new Webhook(secret!).verify(call.raw, call.headers as Record<string, string>),
  },
  chat('slack'),
  chat('teams'),
  chat('discord'),
]

const children = new Set<ChildProcess>()
let sink: SmtpSink | null = null
const receivers: HttpReceiver[] = []
afterEach(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  children.clear()
  await sink?.close()
  sink = null
  for (const r of receivers.splice(0)) await r.close()
})

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

/** A receiver that now and then answers 503 or 429 (Retry-After: 1), like a busy endpoint. */
async function busyReceiver(): Promise<HttpReceiver> {
  let n = 0
  const r = await startReceiver((_call, res) => {
    n++
    if (n % 29 === 0) res.writeHead(503).end()
    else if (n % 31 === 0) res.writeHead(429, { 'retry-after': '1' }).end()
    else res.writeHead(204).end()
    return true
  })
  receivers.push(r)
  return r
}

async function addUrlSubscribers(t: TestApp, mix: UrlChannelMix, base: string) {
  const secrets = new Map<string, string | null>()
  for (let from = 0; from < mix.count; from += 500) {
    const statements = []
    for (let i = from; i < Math.min(mix.count, from + 500); i++) {
      const path = `/${mix.channel}/${i}`
      const s = await urlSubscriberStatements(t.deps, mix.channel, `${base}${path}`)
      secrets.set(path, s.secret)
      statements.push(...s.statements)
    }
    await t.deps.db.batch(statements, 'write')
  }
  return secrets
}

describe('notifier crashes with every channel', () => {
  it('killed with SIGKILL ten times during a mixed fan-out: each receiver holds each event once', async () => {
    const t = await createTestApp()
    sink = await startSmtpSink()
    await addManySubscribers(t.deps.db, EMAIL_SUBSCRIBERS)
    const channels = await Promise.all(
      URL_MIX.map(async (mix) => {
        const receiver = await busyReceiver()
        return { mix, receiver, secrets: await addUrlSubscribers(t, mix, receiver.url) }
      }),
    )
    const subscribers = EMAIL_SUBSCRIBERS + URL_MIX.reduce((n, m) => n + m.count, 0)
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
      // The receivers are on this machine.
      OUTBOUND_ALLOW_PRIVATE: 'true',
      // A killed process's leases run out quickly, so the next one takes its work over.
      NOTIFIER_LEASE_MS: '1000',
      NOTIFIER_POLL_MS: '20',
      NOTIFIER_RETRY_BASE_MS: '20',
      NOTIFIER_RETRY_CAP_MS: '200',
    }
    const expected = subscribers * EVENTS
    const received = () =>
      sink!.messages.length + channels.reduce((n, c) => n + c.receiver.received.length, 0)
    const kills: number[] = []
    for (let i = 0; i < KILLS; i++) {
      const child = startNotifier(env)
      // Kill while it is working, at a random point of its progress: spread over the whole run.
      const target = received() + 100 + Math.floor(Math.random() * 700)
      await waitUntil(() => received() >= target || child.exitCode !== null, 60_000)
      child.kill('SIGKILL')
      await exited(child)
      kills.push(received())
      if (received() >= expected) break
    }
    const last = startNotifier(env)
    await waitUntil(async () => {
      const c = await deliveryCounts(t.deps.db)
      return c.pending === 0 && c.sent + c.failed === expected
    }, 180_000)
    last.kill('SIGTERM')
    await exited(last)
    expect(last.exitCode).toBe(0)
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: expected, failed: 0 })

    const report: string[] = []
    // Email: one distinct Message-ID per event for every subscriber.
    const perAddress = new Map<string, Set<string>>()
    for (const m of sink.messages) {
      let ids = perAddress.get(m.to[0]!)
      if (!ids) perAddress.set(m.to[0]!, (ids = new Set()))
      ids.add(m.messageId!)
    }
    const mailIds = new Set(sink.messages.map((m) => m.messageId))
    report.push(
      `email ${sink.messages.length} accepted, ${mailIds.size} distinct (${sink.messages.length - mailIds.size} resent)`,
    )
    expect(perAddress.size).toBe(EMAIL_SUBSCRIBERS)
    for (const [to, ids] of perAddress) expect(ids.size, to).toBe(EVENTS)
    expect(mailIds.size).toBe(EMAIL_SUBSCRIBERS * EVENTS)

    // Each URL channel: every subscriber's endpoint holds each event once after dedup by id.
    for (const { mix, receiver, secrets } of channels) {
      const perPath = new Map<string, Set<string>>()
      let answered = 0
      for (const call of receiver.received) {
        const id = mix.idOf(call.headers)
        expect(id, `${mix.channel} call without an id`).toBeTruthy()
        mix.check?.(call, secrets.get(call.path) ?? null)
        let ids = perPath.get(call.path)
        if (!ids) perPath.set(call.path, (ids = new Set()))
        ids.add(id!)
        answered++
      }
      const distinct = [...perPath.values()].reduce((n, ids) => n + ids.size, 0)
      report.push(
        `${mix.channel} ${answered} calls, ${distinct} distinct ids (${answered - distinct} retried or resent)`,
      )
      expect(perPath.size).toBe(mix.count)
      for (const [path, ids] of perPath) expect(ids.size, path).toBe(EVENTS)
      expect(distinct).toBe(mix.count * EVENTS)
    }
    console.log(
      `channels crash test: ${kills.length} kills at ${kills.join(', ')} calls; ${report.join('; ')}`,
    )
  }, 300_000)
})
