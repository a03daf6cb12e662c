import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { createOutboundPoster } from '../../api/http/outbound.node.ts'
import { V2Incident } from '../../core/schemas/statuspage-v2.ts'
import { deliveryCounts } from '../../db/deliveries.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { startReceiver, type HttpReceiver, type Received } from '../fixtures/http-receiver.ts'
import { addWebhookSubscriber } from '../fixtures/url-subscribers.ts'
import { addSubscriber, createMailWorld, FAST, waitUntil } from './world.ts'

const FIXTURES = join(import.meta.dirname, '../fixtures/statuspage-webhooks')
const reference = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, Record<string, unknown>>

// The receivers are http://127.0.0.1:<port>: the opt-in for private targets (tests/private nets).
const PRIVATE_OK = { OUTBOUND_ALLOW_PRIVATE: 'true' }

const receivers: HttpReceiver[] = []
const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
  for (const c of closers.splice(0)) await c()
})

async function receiver(onRequest?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(onRequest)
  receivers.push(r)
  return r
}

/** The body, once the signature is verified by the Standard Webhooks library (throws if not). */
function verified(secret: string, r: Received): Record<string, any> {
  return new Webhook(secret).verify(r.raw, r.headers as Record<string, string>) as Record<
    string,
    any
  >
}

const keys = (o: object) => Object.keys(o).sort()

describe('webhook subscribers', () => {
  it('get each incident update in Statuspage’s format, signed per Standard Webhooks', async () => {
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const r = await receiver()
    const pay = await makeComponent(t, { name: 'Payments API' })
    const hook = await addWebhookSubscriber(t.deps, `${r.url}/hooks/one`, {
      email: 'ops@example.org',
    })
    const mail = await addSubscriber(t.deps.db)
    const inc = await makeIncident(t, {
      components: { [pay.id]: 'major_outage' },
      workaround: 'Pay by bank transfer.',
    })
    await w.settle()

    expect(r.received).toHaveLength(1)
    const [got] = r.received
    expect(got!.method).toBe('POST')
    expect(got!.path).toBe('/hooks/one')
    expect(got!.headers['content-type']).toBe('application/json')
    const body = verified(hook.secret, got!)
    const event = (
      await t.deps.db.execute("SELECT id, created_at FROM outbox WHERE type = 'incident.created'")
    ).rows[0]!
    expect(got!.headers['webhook-id']).toBe(`msg_${Number(event.id)}_${hook.id}`)

    // The shape Statuspage's consumers parse: the same keys at every level, the v2 incident.
    const ref = reference('incident-update.json')
    expect(keys(body)).toEqual(keys(ref))
    expect(keys(body.meta)).toEqual(keys(ref.meta!))
    expect(keys(body.page)).toEqual(keys(ref.page!))
    expect(keys(body.incident)).toEqual(keys(ref.incident!))
    const refUpdate = (ref.incident!.incident_updates as object[])[0]!
    expect(keys(body.incident.incident_updates[0])).toEqual(keys(refUpdate))
    for (const k of keys((ref.incident!.components as object[])[0]!))
      expect(body.incident.components[0]).toHaveProperty(k)
    expect(V2Incident.parse(body.incident)).toBeTruthy()
    expect(body.meta.unsubscribe).toMatch(/^https:\/\/status\.example\.com\/unsubscribe\/\S+$/)
    expect(body.meta.generated_at).toBe(event.created_at)
    expect(body.page).toEqual({
      id: t.deps.config.page.id,
      status_indicator: 'critical',
      status_description: 'Major Service Outage',
    })
    expect(body.incident).toMatchObject({
      id: inc.id,
      name: 'Payments are failing',
      status: 'investigating',
      impact: 'major',
      shortlink: `https://status.example.com/incidents/${inc.id}/`,
      components: [{ id: pay.id, status: 'major_outage' }],
    })
    expect(body.incident.incident_updates).toHaveLength(1)

    // The mail subscriber got the email; the webhook's contact address nothing.
    expect(w.sink.to(mail.email)).toHaveLength(1)
    expect(w.sink.to('ops@example.org')).toHaveLength(0)

    // The next update: its own id, both updates, newest first.
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'An expired certificate.',
    })
    await w.settle()
    expect(r.received).toHaveLength(2)
    const second = verified(hook.secret, r.received[1]!)
    expect(r.received[1]!.headers['webhook-id']).not.toBe(got!.headers['webhook-id'])
    expect(second.incident.status).toBe('identified')
    expect(second.incident.incident_updates.map((u: { status: string }) => u.status)).toEqual([
      'identified',
      'investigating',
    ])
  })

  it('hear only about the components they follow, component changes included (never by email)', async () => {
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const r = await receiver()
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    const all = await addWebhookSubscriber(t.deps, `${r.url}/all`)
    const payHook = await addWebhookSubscriber(t.deps, `${r.url}/pay`, { components: [pay.id] })
    const dashHook = await addWebhookSubscriber(t.deps, `${r.url}/dash`, { components: [dash.id] })
    const paused = await addWebhookSubscriber(t.deps, `${r.url}/paused`, { status: 'quarantined' })
    const mail = await addSubscriber(t.deps.db)
    const secrets = new Map([
      ['/all', all.secret],
      ['/pay', payHook.secret],
      ['/dash', dashHook.secret],
      ['/paused', paused.secret],
    ])
    const byPath = () => {
      const out: Record<string, string[]> = {}
      for (const x of r.received) {
        const body = verified(secrets.get(x.path)!, x)
        ;(out[x.path] ??= []).push(body.incident ? 'incident' : body.component_update.new_status)
      }
      return out
    }

    await makeIncident(t, { components: { [pay.id]: 'partial_outage' } })
    await w.settle()
    expect(byPath()).toEqual({ '/all': ['incident'], '/pay': ['incident'] })

    // A component's status change: Statuspage's component_update, to its followers.
    await t.api('PATCH', `/api/v1/components/${dash.id}`, { status: 'degraded_performance' })
    // A rename is no news.
    await t.api('PATCH', `/api/v1/components/${dash.id}`, { name: 'Dashboard (web)' })
    await w.settle()
    expect(byPath()).toEqual({
      '/all': ['incident', 'degraded_performance'],
      '/pay': ['incident'],
      '/dash': ['degraded_performance'],
    })
    const change = r.received.find((x) => x.path === '/dash')!
    const body = verified(dashHook.secret, change)
    const ref = reference('component-update.json')
    expect(keys(body)).toEqual(keys(ref))
    expect(keys(body.component_update)).toEqual(keys(ref.component_update!))
    for (const k of keys(ref.component!)) expect(body.component).toHaveProperty(k)
    expect(body.component_update).toMatchObject({
      old_status: 'operational',
      new_status: 'degraded_performance',
      component_type: 'Component',
      component_id: dash.id,
    })
    expect(body.component).toMatchObject({ id: dash.id, status: 'degraded_performance' })
    expect(body.page.status_indicator).toBe('minor')

    // Email subscribers get the incident, and no delivery at all for a component change.
    expect(w.sink.to(mail.email)).toHaveLength(1)
    const emailRows = await t.deps.db.execute(
      `SELECT COUNT(*) AS n FROM deliveries d JOIN outbox o ON o.id = d.event_id
       WHERE o.type = 'component.updated' AND d.channel = 'email'`,
    )
    expect(Number(emailRows.rows[0]!.n)).toBe(0)
  })

  it('honour 429 Retry-After, and keep the id and the body across retries', async () => {
    const arrived: number[] = []
    const r = await receiver(() => {
      arrived.push(Date.now())
      return false
    })
    r.script({ status: 429, headers: { 'retry-after': '2' } })
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const hook = await addWebhookSubscriber(t.deps, `${r.url}/h`)
    await makeIncident(t)
    w.notifier.start()
    await r.waitFor(1)
    await waitUntil(async () => {
      const rs = await t.deps.db.execute('SELECT last_error FROM deliveries')
      return rs.rows[0]?.last_error != null
    })
    const row = (await t.deps.db.execute('SELECT next_attempt_at, last_error FROM deliveries'))
      .rows[0]!
    expect(row.last_error).toBe(`${new URL(r.url).host} answered 429`)
    // Not before the receiver said (the backoff alone is at most 200 ms here).
    expect(Date.parse(row.next_attempt_at as string) - arrived[0]!).toBeGreaterThanOrEqual(2000)
    await w.settle()
    expect(r.received).toHaveLength(2)
    const [a, b] = r.received
    expect(a!.headers['webhook-id']).toBe(b!.headers['webhook-id'])
    expect(a!.raw).toBe(b!.raw)
    expect(verified(hook.secret, a!)).toEqual(verified(hook.secret, b!))
    expect(Number(b!.headers['webhook-timestamp'])).toBeGreaterThan(
      Number(a!.headers['webhook-timestamp']),
    )
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: 1, failed: 0 })
  })

  it('retry 5xx, hung and dropped connections with the same id until delivered', async () => {
    const r = await receiver()
    r.script({ status: 503 }, 'hang', 'drop', { status: 500 }, { status: 502 })
    const post = createOutboundPoster({ allowPrivate: true, answerTimeoutMs: 300 })
    closers.push(() => post.close())
    const w = await createMailWorld({ post })
    const { t } = w
    const hook = await addWebhookSubscriber(t.deps, `${r.url}/h`)
    await makeIncident(t)
    await w.settle()
    expect(r.received).toHaveLength(6)
    const ids = new Set(r.received.map((x) => x.headers['webhook-id']))
    const bodies = new Set(r.received.map((x) => x.raw))
    expect(ids.size).toBe(1)
    expect(bodies.size).toBe(1)
    for (const x of r.received) verified(hook.secret, x)
    const rows = await t.deps.db.execute('SELECT status, attempts FROM deliveries')
    expect(rows.rows.map((x) => [x.status, x.attempts])).toEqual([['sent', 6]])
  })

  it('keep the webhook-id when a restored database fans the event out again', async () => {
    const r = await receiver()
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const hook = await addWebhookSubscriber(t.deps, `${r.url}/h`)
    await makeIncident(t)
    await w.settle()
    // As after a restore of a backup taken before the fan-out: no delivery, position behind.
    await t.deps.db.batch(
      [
        'DELETE FROM deliveries',
        "UPDATE consumer_positions SET event_id = 0 WHERE consumer = 'notifier'",
      ],
      'write',
    )
    await w.settle()
    expect(r.received).toHaveLength(2)
    expect(r.received[1]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id'])
    expect(r.received[1]!.raw).toBe(r.received[0]!.raw)
    verified(hook.secret, r.received[1]!)
  })
})

describe('a webhook that keeps refusing', () => {
  it('is quarantined after N permanent failures and its contact is emailed once, in its language', async () => {
    const r = await receiver()
    r.fallback = { status: 410 }
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const en = await addWebhookSubscriber(t.deps, `${r.url}/hooks/en-SECRETPATH1`, {
      email: 'ops@example.org',
    })
    const zh = await addWebhookSubscriber(t.deps, `${r.url}/hooks/zh-SECRETPATH2`, {
      email: 'ops-zh@example.org',
      locale: 'zh-CN',
    })
    const silent = await addWebhookSubscriber(t.deps, `${r.url}/hooks/none-SECRETPATH3`)
    const { quarantineAfter } = FAST
    // More events than the limit, in flight together: the later failures race the quarantine.
    for (let i = 0; i < quarantineAfter + 2; i++) await makeIncident(t, { name: `Incident ${i}` })
    await w.settle()

    const subs = await t.deps.db.execute(
      'SELECT id, status, quarantined_at FROM subscribers WHERE channel = ? ORDER BY id',
      ['webhook'],
    )
    for (const s of subs.rows) expect(s.status, s.id as string).toBe('quarantined')
    const events = await t.deps.db.execute(
      "SELECT aggregate_id, payload FROM outbox WHERE type = 'subscriber.quarantined' ORDER BY aggregate_id",
    )
    expect(events.rows.map((e) => e.aggregate_id).sort()).toEqual([en.id, zh.id].sort())
    const host = new URL(r.url).host
    for (const e of events.rows)
      expect(JSON.parse(e.payload as string)).toEqual({
        subscriber_id: e.aggregate_id,
        error: `${host} answered 410`,
      })

    const mails = w.sink.to('ops@example.org')
    expect(mails).toHaveLength(1)
    const mail = await simpleParser(mails[0]!.raw)
    expect(mail.subject).toMatch(
      /^\[Example Status\] Updates to Webhook · 127\.0\.0\.1:\d+\/…ATH1 are paused$/,
    )
    expect(mail.text).toContain(`${host} answered 410`)
    expect(mail.text).toContain('https://status.example.com/manage/')
    expect(mail.text).toContain('https://status.example.com/subscribe')
    expect(`${mail.subject} ${mail.text} ${String(mail.html)}`).not.toContain('SECRETPATH')
    const zhMails = w.sink.to('ops-zh@example.org')
    expect(zhMails).toHaveLength(1)
    const zhMail = await simpleParser(zhMails[0]!.raw)
    expect(zhMail.subject).toContain('已暂停向 Webhook · ')
    expect(zhMail.text).toContain('重新订阅')
    expect(w.sink.messages).toHaveLength(2)

    // Each endpoint was tried at least N times (later ones raced the quarantine), then never again.
    for (const sub of [en, zh, silent]) {
      const tries = r.received.filter((x) =>
        x.headers['webhook-id'] === undefined
          ? false
          : String(x.headers['webhook-id']).endsWith(`_${sub.id}`),
      ).length
      expect(tries).toBeGreaterThanOrEqual(quarantineAfter)
      expect(tries).toBeLessThanOrEqual(quarantineAfter + 2)
    }
    const before = r.received.length
    await makeIncident(t, { name: 'Later' })
    await w.settle()
    expect(r.received.length).toBe(before)
  })

  it('a private http target without the opt-in is refused before connecting, naming the host only', async () => {
    const r = await receiver()
    const w = await createMailWorld()
    const { t } = w
    await addWebhookSubscriber(t.deps, `${r.url}/hooks/SECRETPATH`, { email: 'ops@example.org' })
    for (let i = 0; i < 3; i++) await makeIncident(t, { name: `Incident ${i}` })
    await w.settle()
    expect(r.received).toHaveLength(0)
    const rows = await t.deps.db.execute(
      "SELECT last_error FROM deliveries WHERE channel = 'webhook'",
    )
    expect(rows.rows).toHaveLength(3)
    for (const row of rows.rows) {
      expect(row.last_error as string).toMatch(/^127\.0\.0\.1:\d+: Must be an https:\/\/ URL$/)
    }
    expect(w.sink.to('ops@example.org')).toHaveLength(1)
  })
})
