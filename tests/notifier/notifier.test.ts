import { simpleParser, type ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { deliveryCounts } from '../../db/deliveries.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { addSubscriber, createMailWorld, rawHeader } from './world.ts'

describe('notifier: who gets what', () => {
  it('mails only subscribers of affected components, all-components subscribers always', async () => {
    const w = await createMailWorld()
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    const payFan = await addSubscriber(t.deps.db, { components: [pay.id] })
    const dashFan = await addSubscriber(t.deps.db, { components: [dash.id] })
    const both = await addSubscriber(t.deps.db, { components: [pay.id, dash.id] })
    const everyone = await addSubscriber(t.deps.db)
    const pending = await addSubscriber(t.deps.db, { status: 'pending' })
    const gone = await addSubscriber(t.deps.db, { status: 'unsubscribed' })
    const dead = await addSubscriber(t.deps.db, { status: 'quarantined' })

    await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    await w.settle()

    const to = (s: { email: string }) => w.sink.to(s.email).length
    expect(to(payFan)).toBe(1)
    expect(to(both)).toBe(1)
    expect(to(everyone)).toBe(1)
    expect(to(dashFan)).toBe(0)
    expect(to(pending)).toBe(0)
    expect(to(gone)).toBe(0)
    expect(to(dead)).toBe(0)
    expect(w.sink.messages).toHaveLength(3)
  })

  it('sends nothing for deliver_notifications: false, and nothing for edits', async () => {
    const w = await createMailWorld()
    const { t } = w
    await addSubscriber(t.deps.db)
    const inc = await makeIncident(t, { deliver_notifications: false })
    await t.api('PATCH', `/api/v1/incidents/${inc.id}`, { name: 'Renamed' })
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Quiet fix.',
      deliver_notifications: false,
    })
    await w.settle()
    expect(w.sink.messages).toHaveLength(0)
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: 0, failed: 0 })
  })

  it('sends exactly one confirmation request to a pending subscriber, and nothing else', async () => {
    const w = await createMailWorld()
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const p = await addSubscriber(t.deps.db, { status: 'pending', components: [pay.id] })
    await t.deps.db.execute({
      sql: `INSERT INTO outbox (type, aggregate_type, aggregate_id, payload, created_at)
            VALUES ('subscriber.confirmation_requested', 'subscriber', ?, ?, ?)`,
      args: [p.id, JSON.stringify({ subscriber_id: p.id }), '2026-03-10T12:00:00.000Z'],
    })
    await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    await w.settle()
    expect(w.sink.messages).toHaveLength(1)
    const m = await simpleParser(w.sink.messages[0]!.raw)
    expect(m.subject).toBe('[Example Status] Confirm your subscription')
    expect(m.text).toContain('email updates from Example Status about Payments API')
    expect(m.text).toMatch(/https:\/\/status\.example\.com\/confirm\/\S+/)
    expect(m.text).toContain('This link expires on 17 Mar 2026, 12:00 UTC.')
    expect(m.text).toContain('If you did not ask for this, ignore this email')
    expect(m.html).toContain('Confirm subscription</a>')
  })
})

describe('notifier: the emails', () => {
  it('threads created → updated → resolved under one subject, personal and multipart', async () => {
    const w = await createMailWorld()
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    await makeComponent(t, { name: 'Login' })
    const sub = await addSubscriber(t.deps.db, { components: [pay.id, dash.id] })
    const inc = await makeIncident(t, {
      name: 'Card payments failing',
      impact: 'critical',
      body: 'Charges fail for **all** cards.',
      components: { [pay.id]: 'major_outage' },
      workaround: 'Pay by **bank transfer** meanwhile.',
    })
    t.clock.advance(10 * 60_000)
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found the cause.',
    })
    t.clock.advance(10 * 60_000)
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {
      body: 'All card payments work again.',
    })
    await w.settle()

    const mails = await Promise.all(w.sink.to(sub.email).map((m) => simpleParser(m.raw)))
    expect(mails).toHaveLength(3)
    mails.sort((a, b) => a.date!.getTime() - b.date!.getTime())
    const [created, updated, resolved] = mails as [ParsedMail, ParsedMail, ParsedMail]
    const root = `<incident.${inc.id}.${sub.id}@status.example.com>`

    // The subject says where the story is; the thread still chains under the first email.
    expect(mails.map((m) => m.subject)).toEqual([
      '[Example Status] Investigating: Card payments failing',
      '[Example Status] Identified: Card payments failing',
      '[Example Status] Resolved: Card payments failing',
    ])
    expect(created.messageId).toBe(root)
    expect(created.inReplyTo).toBeUndefined()
    for (const later of [updated, resolved]) {
      expect(later.messageId).not.toBe(root)
      expect(later.messageId).toMatch(
        new RegExp(`^<incident\\.${inc.id}\\.\\d+\\.${sub.id}@status\\.example\\.com>$`),
      )
      expect(later.inReplyTo).toBe(root)
      expect(later.references).toBe(root)
    }
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(3)

    for (const { raw } of w.sink.to(sub.email)) {
      expect(rawHeader(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
      expect(rawHeader(raw, 'Auto-Submitted')).toBe('auto-generated')
      expect(rawHeader(raw, 'List-Id')).toBe('Example Status <amends.status.example.com>')
      expect(rawHeader(raw, 'List-Unsubscribe')).toMatch(
        /^<https:\/\/status\.example\.com\/unsubscribe\/[\w-]+\.[\w-]+>$/,
      )
    }
    for (const m of mails) {
      expect(m.text).toBeTruthy()
      expect(m.html).toBeTruthy()
      expect(m.text).toContain(`https://status.example.com/incidents/${inc.id}/`)
      expect(m.text).toMatch(/Change what you receive: https:\/\/status\.example\.com\/manage\/\S+/)
      expect(m.html).toContain(`href="https://status.example.com/incidents/${inc.id}/"`)
    }
    const raw = w.sink.to(sub.email)[0]!.raw.toString()
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i)

    // Personal: the subscriber's own components, what is hit and what still works.
    expect(created.text).toContain('Status: Investigating · Critical impact')
    expect(created.text).toContain('Posted 10 Mar 2026, 12:00 UTC')
    expect(created.text).toContain('Charges fail for all cards.')
    expect(created.html).toContain('Charges fail for <strong>all</strong> cards.')
    expect(created.text).toContain('Affected for you: Payments API')
    expect(created.text).toContain('Working normally: Dashboard')
    expect(created.text).not.toContain('Login')
    expect(created.text).toContain('What you can do meanwhile:\nPay by bank transfer meanwhile.')
    expect(created.html).toContain('<strong>bank transfer</strong>')
    expect(created.text).toContain('updates about Payments API and Dashboard')
    expect(updated.text).toContain('Status: Identified')
    expect(updated.text).toContain('Posted 10 Mar 2026, 12:10 UTC')
    expect(resolved.text).toContain('Status: Resolved')
    expect(resolved.text).toContain('Was affected: Payments API')
    expect(resolved.text).toContain(
      'Was affected: Payments API\nWorking normally again: Payments API\nWorking normally: Dashboard',
    )
  })

  it('writes in the subscriber’s language, with the time in the page’s zone', async () => {
    const w = await createMailWorld({ env: { TIME_ZONE: 'Asia/Shanghai', LOCALES: 'en,zh-CN' } })
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    const zh = await addSubscriber(t.deps.db, { locale: 'zh-CN' })
    const en = await addSubscriber(t.deps.db, { locale: 'en' })
    await makeIncident(t, {
      name: { en: 'Card payments failing', 'zh-CN': '银行卡支付失败' },
      body: { en: 'Charges fail.', 'zh-CN': '扣款失败。' },
      components: { [pay.id]: 'major_outage' },
    })
    await w.settle()
    const [mz] = await Promise.all(w.sink.to(zh.email).map((m) => simpleParser(m.raw)))
    const [me] = await Promise.all(w.sink.to(en.email).map((m) => simpleParser(m.raw)))
    expect(mz!.subject).toBe('[Example Status] 正在调查：银行卡支付失败')
    expect(me!.subject).toBe('[Example Status] Investigating: Card payments failing')
    expect(mz!.text).toContain('状态：正在调查')
    expect(mz!.text).toContain('您关注的服务中受影响的：Payments API')
    expect(mz!.text).toContain('运行正常：Dashboard')
    expect(mz!.text).toContain('发布于 2026年3月10日 20:00')
    expect(mz!.text).toContain('退订')
    expect(mz!.html).toContain('lang="zh-CN"')
    expect(me!.text).toContain('Posted 10 Mar 2026, 20:00 GMT+8')
    expect(me!.text).toContain('Affected for you: Payments API')
    void dash
  })

  it('mails maintenance with its own subject and window', async () => {
    const w = await createMailWorld()
    const { t } = w
    const db = await makeComponent(t, { name: 'Database' })
    const sub = await addSubscriber(t.deps.db, { components: [db.id] })
    await makeMaintenance(t, { name: 'Database upgrade', components: [db.id] })
    await w.settle()
    const [m] = await Promise.all(w.sink.to(sub.email).map((x) => simpleParser(x.raw)))
    expect(m!.subject).toBe('[Example Status] Maintenance scheduled: Database upgrade')
    expect(m!.text).toContain('Status: Scheduled')
    expect(m!.text).toContain('Scheduled from 10 Mar 2026, 13:00 UTC to 10 Mar 2026, 14:00 UTC')
    expect(m!.text).toContain('Your services in this maintenance: Database')
    expect(m!.messageId).toMatch(/^<maintenance\./)
  })

  it('carries the apology with the resolution, and mails the published post-mortem in the thread', async () => {
    const w = await createMailWorld()
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const sub = await addSubscriber(t.deps.db)
    const inc = await makeIncident(t, {
      components: { [pay.id]: 'major_outage' },
      workaround: 'Pay later.',
    })
    t.clock.advance(30 * 60_000)
    const res = await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {
      body: 'Fixed.',
      apology: 'We are **sorry** for the failed payments.',
    })
    expect(res.status).toBe(201)
    expect(
      (
        await t.api('PUT', `/api/v1/incidents/${inc.id}/postmortem`, {
          body: '## Root cause\n\nAn expired certificate.',
        })
      ).status,
    ).toBe(200)
    expect((await t.api('POST', `/api/v1/incidents/${inc.id}/postmortem/publish`, {})).status).toBe(
      201,
    )
    await w.settle()
    const mails = await Promise.all(w.sink.to(sub.email).map((m) => simpleParser(m.raw)))
    expect(mails).toHaveLength(3)
    const resolved = mails.find((m) => m.text!.includes('Status: Resolved'))!
    expect(resolved.text).toContain('Our apology:\nWe are sorry for the failed payments.')
    expect(resolved.html).toContain('We are <strong>sorry</strong>')
    expect(resolved.text).not.toContain('What you can do meanwhile')
    const pm = mails.find((m) => m.text!.includes('Post-mortem published'))!
    expect(pm.subject).toBe('[Example Status] Post-mortem published: Payments are failing')
    expect(pm.inReplyTo).toBe(`<incident.${inc.id}.${sub.id}@status.example.com>`)
    expect(pm.text).toMatch(/^Post-mortem: what happened and what we are changing\n=+$/m)
    expect(pm.text).toContain('An expired certificate.')
    expect(pm.text).toContain('Our apology:')
    expect(pm.text).not.toContain('Fixed.')
  })

  it('two notifiers side by side send every message once', async () => {
    const w = await createMailWorld()
    const { t } = w
    for (let i = 0; i < 150; i++) await addSubscriber(t.deps.db)
    const second = await w.another('test-2')
    second.start()
    w.notifier.start()
    const inc = await makeIncident(t)
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found it.',
    })
    await w.settle()
    await second.stop()
    expect(w.sink.messages).toHaveLength(300)
    expect(new Set(w.sink.messages.map((m) => m.messageId)).size).toBe(300)
    // Both did part of the work.
    expect(w.notifier.stats.sent).toBeGreaterThan(0)
    expect(second.stats.sent).toBeGreaterThan(0)
    expect(w.notifier.stats.sent + second.stats.sent).toBe(300)
  })
})
