import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { afterEach, describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { signingSecret } from '../../api/services/secrets.ts'
import { commit, systemActor } from '../../api/services/write.ts'
import { verifyToken } from '../../core/signed-token.ts'
import { openDatabase } from '../../db/open.node.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import type { TestApp } from '../fixtures/test-app.ts'
import { addSubscriber, createMailWorld, rawHeader, type MailWorld } from './world.ts'
import { str } from '../../db/rows.ts'

// These tests are about what is sent, not about leases running out: a 2 s lease can end while a
// send is still in flight on a loaded machine, and the row is then sent again by design (the
// at-least-once case tests/notifier/crash.test.ts covers). A lease no send outlasts keeps them exact.
const STEADY = { leaseMs: 60_000 }

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  const mails = await Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
  return mails.sort((a, b) => a.date!.getTime() - b.date!.getTime())
}

async function eventsOf(t: TestApp, type: string) {
  const rs = await t.deps.db.execute({
    sql: 'SELECT aggregate_id, payload, created_at FROM outbox WHERE type = ? ORDER BY id',
    args: [type],
  })
  return rs.rows.map((r) => ({
    id: str(r, 'aggregate_id'),
    payload: JSON.parse(str(r, 'payload')) as Record<string, unknown>,
    at: str(r, 'created_at'),
  }))
}

/** Moves the fake clock and runs the scheduler twice: the second pass must add nothing. */
async function tickAt(t: TestApp, ms: number) {
  t.clock.advance(ms)
  const scheduler = createScheduler(t.deps)
  await scheduler.tick()
  await scheduler.tick()
}

describe('follow-up after an incident', () => {
  it('asks affected subscribers only, N days after resolution, once, with signed answer links', async () => {
    const w = await createMailWorld({ timing: STEADY, env: { LOCALES: 'en,zh-CN' } })
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    const payFan = await addSubscriber(t.deps.db, { components: [pay.id] })
    const dashFan = await addSubscriber(t.deps.db, { components: [dash.id] })
    const everyone = await addSubscriber(t.deps.db)
    const zh = await addSubscriber(t.deps.db, { components: [pay.id], locale: 'zh-CN' })
    const pending = await addSubscriber(t.deps.db, { components: [pay.id], status: 'pending' })
    const inc = await makeIncident(t, {
      name: { en: 'Card payments failing', 'zh-CN': '银行卡支付失败' },
      components: { [pay.id]: 'major_outage' },
    })
    t.clock.advance(30 * MIN)
    const resolved = await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {
      body: 'Fixed.',
      apology: { en: 'We are **sorry** for the failed payments.', 'zh-CN': '支付失败，非常抱歉。' },
    })
    expect(resolved.status).toBe(201)
    const resolvedAt = t.clock.now().getTime()

    // Three days by default: not a minute before.
    await tickAt(t, 3 * DAY - MIN)
    expect(await eventsOf(t, 'incident.follow_up')).toEqual([])
    await tickAt(t, MIN)
    await tickAt(t, HOUR)
    const events = await eventsOf(t, 'incident.follow_up')
    expect(events).toHaveLength(1)
    expect(events[0]!.at).toBe(new Date(resolvedAt + 3 * DAY).toISOString())
    await w.settle()

    const root = (s: { id: string }) => `<incident.${inc.id}.${s.id}@status.example.com>`
    const followUps = async (s: { email: string }) =>
      (await mailsTo(w, s.email)).filter((m) => m.text!.includes('Is everything working again?'))
    expect(await followUps(dashFan)).toHaveLength(0)
    expect(w.sink.to(pending.email)).toHaveLength(0)
    expect(await followUps(everyone)).toHaveLength(1)
    const [m] = await followUps(payFan)
    expect(await followUps(payFan)).toHaveLength(1)
    expect(m!.subject).toBe('[Example Status] Resolved: Card payments failing')
    expect(m!.inReplyTo).toBe(root(payFan))
    expect(m!.messageId).not.toBe(root(payFan))
    expect(m!.text).toContain('Was affected: Payments API')
    expect(m!.text).toContain('Our apology:\nWe are sorry for the failed payments.')
    expect(m!.html).toContain('We are <strong>sorry</strong>')
    expect(m!.text).toContain(`https://status.example.com/incidents/${inc.id}/`)
    expect(m!.text).toMatch(/Unsubscribe: https:\/\/status\.example\.com\/unsubscribe\/\S+/)
    expect(rawHeader(w.sink.to(payFan.email).at(-1)!.raw, 'List-Unsubscribe')).toBeTruthy()

    // The one-click answers are signed for this subscriber, this incident and each answer.
    const secret = await signingSecret(t.deps)
    const links = [...m!.text!.matchAll(/https:\/\/status\.example\.com\/follow-up\/(\S+)/g)]
    expect(links).toHaveLength(2)
    const payloads = await Promise.all(
      links.map((l) => verifyToken(secret, l[1]!, 'feedback', t.clock.now())),
    )
    expect(payloads.map((p) => p?.x)).toEqual([`${inc.id}:all_good`, `${inc.id}:still_affected`])
    expect(payloads.every((p) => p?.s === payFan.id && p.v === 1)).toBe(true)
    expect(m!.text!.indexOf('Yes, everything works')).toBeLessThan(
      m!.text!.indexOf('No, I still have a problem'),
    )
    expect(m!.html).toContain(`href="${links[0]![0]}"`)

    // In the reader's language.
    const [mz, ...moreZh] = (await mailsTo(w, zh.email)).filter((x) =>
      x.text!.includes('一切都恢复正常了吗？'),
    )
    expect(moreZh).toHaveLength(0)
    expect(mz!.subject).toBe('[Example Status] 已解决：银行卡支付失败')
    expect(mz!.text).toContain('支付失败，非常抱歉。')
    expect(mz!.text).toContain('是的，一切正常')
    expect(mz!.text).toContain('不，我仍然遇到问题')
    expect(mz!.text).toContain('我们的致歉')

    // Nothing more, however long the scheduler keeps ticking.
    await tickAt(t, 5 * DAY)
    expect(await eventsOf(t, 'incident.follow_up')).toHaveLength(1)
  })

  it('does not mail old history, nor subscribers who were never told of the resolution', async () => {
    const w = await createMailWorld({ timing: STEADY })
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const sub = await addSubscriber(t.deps.db)
    const old = await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    await t.api('POST', `/api/v1/incidents/${old.id}/resolve`, {})
    // Resolved long before the scheduler ever looked: too late for "is everything fine?".
    t.clock.advance(20 * DAY)
    const quiet = await makeIncident(t, {
      components: { [pay.id]: 'degraded_performance' },
      deliver_notifications: false,
    })
    await t.api('POST', `/api/v1/incidents/${quiet.id}/resolve`, { deliver_notifications: false })
    const noComponents = await makeIncident(t)
    await t.api('POST', `/api/v1/incidents/${noComponents.id}/resolve`, {})
    await tickAt(t, 3 * DAY)
    const events = await eventsOf(t, 'incident.follow_up')
    expect(events.map((e) => e.id)).toEqual([quiet.id])
    expect(events[0]!.payload.deliver_notifications).toBe(false)
    await w.settle()
    const mails = await mailsTo(w, sub.email)
    expect(mails.some((m) => m.text!.includes('Is everything working again?'))).toBe(false)
  })
})

describe('the notice ledger', () => {
  it('two schedulers ticking at once on their own connections emit each follow-up once', async () => {
    const w = await createMailWorld({ timing: STEADY })
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const sub = await addSubscriber(t.deps.db)
    for (let i = 0; i < 5; i++) {
      const inc = await makeIncident(t, { components: { [pay.id]: 'partial_outage' } })
      await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    }
    t.clock.advance(3 * DAY)
    const db2 = await openDatabase(t.testDb.url)
    try {
      const results = await Promise.allSettled([
        createScheduler(t.deps).tick(),
        createScheduler({ ...t.deps, db: db2 }).tick(),
        createScheduler(t.deps).tick(),
      ])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
    } finally {
      db2.close()
    }
    const events = await eventsOf(t, 'incident.follow_up')
    expect(events).toHaveLength(5)
    expect(new Set(events.map((e) => e.id)).size).toBe(5)
    const ledger = await t.deps.db.execute(
      "SELECT COUNT(*) AS n FROM notices_sent WHERE kind = 'follow_up'",
    )
    expect(Number(ledger.rows[0]!.n)).toBe(5)
    await w.settle()
    const followUps = (await mailsTo(w, sub.email)).filter((m) =>
      m.text!.includes('Is everything working again?'),
    )
    expect(followUps).toHaveLength(5)
  })
})

describe('maintenance reminders', () => {
  it('reminds 24 h and 1 h before, only 1 h for a window announced 2 h ahead, overrun once', async () => {
    const w = await createMailWorld({ timing: STEADY })
    const { t } = w
    const db = await makeComponent(t, { name: 'Database' })
    const sub = await addSubscriber(t.deps.db, { components: [db.id] })
    const other = await addSubscriber(t.deps.db, { components: [(await makeComponent(t)).id] })
    const t0 = t.clock.now().getTime()
    const at = (ms: number) => new Date(t0 + ms).toISOString()
    const far = await makeMaintenance(t, {
      name: 'Database upgrade',
      scheduled_for: at(72 * HOUR),
      scheduled_until: at(73 * HOUR),
      components: [db.id],
    })
    const soon = await makeMaintenance(t, {
      name: 'Cache flush',
      scheduled_for: at(2 * HOUR),
      scheduled_until: at(3 * HOUR),
      components: [db.id],
    })
    const manual = await makeMaintenance(t, {
      name: 'Network move',
      scheduled_for: at(4 * HOUR),
      scheduled_until: at(5 * HOUR),
      components: [db.id],
      auto_transition: false,
    })
    const reminders = async () =>
      (await eventsOf(t, 'maintenance.reminder')).map((e) => `${e.id}:${String(e.payload.notice)}`)

    await tickAt(t, 0)
    expect(await reminders()).toEqual([])
    await tickAt(t, HOUR - MIN)
    expect(await reminders()).toEqual([])
    await tickAt(t, MIN) // t0 + 1 h: the short-notice window's 1 h reminder, no 24 h one
    expect(await reminders()).toEqual([`${soon.id}:reminder_1h`])
    // Sent now: once the window has begun, a late reminder is dropped rather than sent.
    await w.settle()
    await tickAt(t, 2 * HOUR) // t0 + 3 h: the manual window's 1 h reminder
    expect(await reminders()).toEqual([`${soon.id}:reminder_1h`, `${manual.id}:reminder_1h`])

    // The manual window starts by hand and runs past its end: one overrun notice.
    t.clock.advance(HOUR)
    const started = await t.api('POST', `/api/v1/maintenances/${manual.id}/updates`, {
      status: 'in_progress',
      body: 'Started.',
    })
    expect(started.status).toBe(201)
    await tickAt(t, HOUR) // t0 + 5 h: exactly at the end, not over yet
    expect(await eventsOf(t, 'maintenance.overrun')).toEqual([])
    await tickAt(t, MIN)
    await tickAt(t, HOUR)
    expect((await eventsOf(t, 'maintenance.overrun')).map((e) => e.id)).toEqual([manual.id])

    t.clock.set(at(48 * HOUR))
    await tickAt(t, 0)
    t.clock.set(at(71 * HOUR + 30 * MIN))
    await tickAt(t, 0)
    expect(await reminders()).toEqual([
      `${soon.id}:reminder_1h`,
      `${manual.id}:reminder_1h`,
      `${far.id}:reminder_24h`,
      `${far.id}:reminder_1h`,
    ])
    await w.settle()

    expect(w.sink.to(other.email)).toHaveLength(0)
    const mails = await mailsTo(w, sub.email)
    const about = (name: string) => mails.filter((m) => m.subject!.endsWith(name))
    const farMails = about('Database upgrade')
    // Announcement, 24 h and 1 h reminders.
    expect(farMails).toHaveLength(3)
    const farRoot = `<maintenance.${far.id}.${sub.id}@status.example.com>`
    expect(farMails[0]!.messageId).toBe(farRoot)
    for (const m of farMails.slice(1)) {
      expect(m.subject).toBe('[Example Status] Maintenance scheduled: Database upgrade')
      expect(m.inReplyTo).toBe(farRoot)
      expect(m.text).toContain('Status: Scheduled')
    }
    expect(farMails[1]!.text).toContain(
      'Reminder: this maintenance starts in 24 hours, at 13 Mar 2026, 12:00 UTC.',
    )
    expect(farMails[2]!.text).toContain(
      'Reminder: this maintenance starts in 1 hour, at 13 Mar 2026, 12:00 UTC.',
    )
    const soonMails = about('Cache flush')
    expect(soonMails.filter((m) => m.text!.includes('Reminder:'))).toHaveLength(1)
    expect(soonMails.some((m) => m.text!.includes('starts in 24 hours'))).toBe(false)
    const overrun = about('Network move').filter((m) => m.text!.includes('longer than planned'))
    expect(overrun).toHaveLength(1)
    expect(overrun[0]!.text).toContain('it was due to end at 10 Mar 2026, 17:00 UTC')
    expect(overrun[0]!.text).toContain('Status: In progress')
  })
})

interface HookCall {
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

/** A local webhook receiver that answers `statuses` in turn, then 204. */
async function startHook(statuses: number[] = []) {
  const calls: HookCall[] = []
  const server = createServer((req, res) => {
    let data = ''
    req.on('data', (c: Buffer) => (data += c.toString()))
    req.on('end', () => {
      calls.push({ headers: req.headers, body: JSON.parse(data) as Record<string, unknown> })
      res.statusCode = statuses.shift() ?? 204
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  hooks.push(() => new Promise<void>((r) => server.close(() => r())))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hooks/oncall`, calls }
}

const hooks: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of hooks.splice(0)) await close()
})

describe('on-call nudges', () => {
  it('emails on-call and POSTs the webhook once, before the update is due, retrying the POST', async () => {
    const hook = await startHook([503])
    const w = await createMailWorld({
      timing: STEADY,
      // The hook is http://127.0.0.1: allowed only with the opt-in for private targets.
      env: {
        ONCALL_EMAIL: 'oncall@example.com',
        ONCALL_WEBHOOK_URL: hook.url,
        OUTBOUND_ALLOW_PRIVATE: 'true',
      },
    })
    const { t } = w
    const sub = await addSubscriber(t.deps.db)
    const inc = await makeIncident(t, { name: 'Card payments failing', impact: 'critical' })
    const t0 = t.clock.now().getTime()
    const due = new Date(t0 + HOUR).toISOString()

    await tickAt(t, 49 * MIN)
    expect(await eventsOf(t, 'oncall.nudge')).toEqual([])
    await tickAt(t, MIN)
    await tickAt(t, 5 * MIN)
    const nudges = await eventsOf(t, 'oncall.nudge')
    expect(nudges).toHaveLength(1)
    expect(nudges[0]!.payload).toEqual({ incident_id: inc.id, kind: 'update_due', due_at: due })
    expect(nudges[0]!.at < due).toBe(true)
    await w.settle()

    const [mail, ...more] = await mailsTo(w, 'oncall@example.com')
    expect(more).toHaveLength(0)
    expect(mail!.subject).toBe('[Example Status] Update due: Card payments failing')
    expect(mail!.text).toContain('is due by 10 Mar 2026, 13:00 UTC')
    expect(mail!.text).toContain(`https://status.example.com/incidents/${inc.id}/`)
    expect(rawHeader(w.sink.to('oncall@example.com')[0]!.raw, 'List-Unsubscribe')).toBeNull()
    // Subscribers hear about the incident, not about the team's reminders.
    expect(w.sink.to(sub.email)).toHaveLength(1)

    // The first POST got a 503: retried with the same idempotency key, then accepted once.
    expect(hook.calls).toHaveLength(2)
    expect(hook.calls[0]!.headers['idempotency-key']).toBe(
      hook.calls[1]!.headers['idempotency-key'],
    )
    expect(hook.calls[1]!.headers['content-type']).toBe('application/json')
    expect(hook.calls[1]!.body).toMatchObject({
      type: 'oncall.nudge',
      kind: 'update_due',
      due_at: due,
      incident: { id: inc.id, name: 'Card payments failing', impact: 'critical' },
    })
    const rows = await t.deps.db.execute(
      'SELECT channel, status, attempts, subscriber_id FROM deliveries WHERE subscriber_id IS NULL ORDER BY channel',
    )
    expect(rows.rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'sent', 1],
      ['webhook', 'sent', 2],
    ])

    // The next promise gets its own nudge; the first is not repeated.
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found it.',
    })
    await tickAt(t, 50 * MIN)
    expect((await eventsOf(t, 'oncall.nudge')).map((e) => e.payload.due_at)).toEqual([
      due,
      new Date(t0 + 55 * MIN + HOUR).toISOString(),
    ])
  })

  it('records nothing when no on-call channel is configured', async () => {
    const w = await createMailWorld({ timing: STEADY })
    await makeIncident(w.t)
    await tickAt(w.t, 2 * HOUR)
    expect(await eventsOf(w.t, 'oncall.nudge')).toEqual([])
  })
})

async function addFeedback(
  t: TestApp,
  f: { email: string | null; message: string; subscriberId?: string },
) {
  const id = `fb${Math.random().toString(36).slice(2, 10)}`
  await t.deps.db.execute({
    sql: `INSERT INTO feedback (id, subscriber_id, email, message, source, status, created_at)
          VALUES (?, ?, ?, ?, 'form', 'open', ?)`,
    args: [id, f.subscriberId ?? null, f.email, f.message, t.clock.now().toISOString()],
  })
  await emit(t, 'feedback.received', id, { feedback_id: id })
  return id
}

/** The web side's events, written the way every write is: one commit with its audit row. */
async function emit(t: TestApp, type: string, id: string, payload: Record<string, unknown>) {
  await commit(
    t.deps,
    { actor: systemActor('test') },
    {
      statements: [],
      action: type,
      target: { type: 'feedback', id },
      events: [{ type, aggregateType: 'feedback', aggregateId: id, payload }],
      status: 200,
      body: null,
    },
  )
}

describe('feedback emails to a plain address', () => {
  it('thanks the reporter, then mails the answer in the same thread, sanitised', async () => {
    const w = await createMailWorld({ timing: STEADY })
    const { t } = w
    const fb = await addFeedback(t, {
      email: 'Reporter@Example.net',
      message: 'Checkout fails with error 502.\nSince 10:00.',
    })
    await addFeedback(t, { email: null, message: 'Anonymous: it is slow.' })
    const zh = await addSubscriber(t.deps.db, { locale: 'zh-CN' })
    await addFeedback(t, { email: zh.email, message: '结账失败', subscriberId: zh.id })
    t.clock.advance(40 * MIN)
    await t.deps.db.execute({
      sql: `INSERT INTO feedback_replies (id, feedback_id, body, author, created_at)
            VALUES ('r1', ?, ?, 'Grace from Support', ?)`,
      args: [fb, 'It is **fixed** now. <script>alert(1)</script>', t.clock.now().toISOString()],
    })
    await emit(t, 'feedback.answered', fb, { feedback_id: fb, reply_id: 'r1' })
    await w.settle()

    // The SMTP server lower-cases the domain; the local part is kept as written.
    const mails = await mailsTo(w, 'Reporter@example.net')
    expect(mails).toHaveLength(2)
    const [thanks, answer] = mails as [ParsedMail, ParsedMail]
    expect(thanks.subject).toBe('[Example Status] Your message to Example Status')
    expect(thanks.text).toContain('Thank you for telling us.')
    expect(thanks.text).not.toContain('Checkout fails')
    expect(thanks.text).toContain(
      'See the current status of our services:\nhttps://status.example.com/',
    )
    expect(thanks.inReplyTo).toBeUndefined()
    expect(answer.subject).toBe(thanks.subject)
    expect(answer.inReplyTo).toBe(thanks.messageId)
    expect(answer.messageId).not.toBe(thanks.messageId)
    expect(answer.text).toContain('It is fixed now.')
    expect(answer.text).toContain('— Grace from Support')
    expect(answer.html).toContain('<strong>fixed</strong>')
    expect(answer.html).not.toContain('<script')
    expect(answer.text).toContain('Tell us here: https://status.example.com/report')
    for (const { raw } of w.sink.to('Reporter@example.net')) {
      expect(rawHeader(raw, 'List-Unsubscribe')).toBeNull()
      expect(rawHeader(raw, 'Auto-Submitted')).toBe('auto-generated')
    }
    // The feedback left by a subscriber is answered in the subscriber's language.
    const [mz] = await mailsTo(w, zh.email)
    expect(mz!.text).toContain('感谢您告诉我们')
    // No address, no mail; nothing else was sent.
    expect(w.sink.messages).toHaveLength(3)
    const rows = await t.deps.db.execute(
      'SELECT address, subscriber_id, status FROM deliveries ORDER BY id',
    )
    expect(rows.rows.map((r) => [r.address, r.subscriber_id, r.status])).toEqual([
      ['Reporter@Example.net', null, 'sent'],
      [zh.email, null, 'sent'],
      ['Reporter@Example.net', null, 'sent'],
    ])
  })

  it('one delivery per event and address, however the address is cased', async () => {
    const w = await createMailWorld({ timing: STEADY })
    const { t } = w
    await addFeedback(t, { email: 'a@example.net', message: 'Hi' })
    await t.deps.db.execute({
      sql: `INSERT INTO deliveries (event_id, address, status, next_attempt_at, created_at)
            SELECT id, 'A@example.net', 'pending', created_at, created_at FROM outbox
            WHERE type = 'feedback.received' ON CONFLICT DO NOTHING`,
    })
    await w.settle()
    expect(w.sink.to('a@example.net').length + w.sink.to('A@example.net').length).toBe(1)
  })
})
