import { simpleParser, type ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { newId } from '../../core/ids.ts'
import { str } from '../../db/rows.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import type { TestApp } from '../fixtures/test-app.ts'
import { createMailWorld, type MailWorld } from './world.ts'

// Reporters whose reports opened a draft are thanked once it is published as an incident: by
// email, in the thread of the thank-you they already had, once, and only if they left an address.

const STEADY = { leaseMs: 60_000 }

async function world(): Promise<MailWorld> {
  return createMailWorld({ timing: STEADY, env: { TRUST_PROXY: 'true' } })
}

/** A report from its own address (the form's rate limit is per address). */
async function report(t: TestApp, n: number, body: Record<string, unknown>): Promise<string> {
  const res = await t.api(
    'POST',
    '/api/v1/feedback',
    { message: `Checkout fails for me (${n})`, ...body },
    { token: null, headers: { 'x-forwarded-for': `198.51.100.${n}` } },
  )
  expect(res.status, JSON.stringify(res.body)).toBe(202)
  // The form's answer names no id (it would tell a stranger which reports exist).
  const rs = await t.deps.db.execute({
    sql: 'SELECT id FROM feedback WHERE message = ?',
    args: [`Checkout fails for me (${n})`],
  })
  return str(rs.rows[0]!, 'id')
}

async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  return Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
}

async function onlyDraft(t: TestApp) {
  const list = (await t.api('GET', '/api/v1/drafts')).body as any[]
  expect(list).toHaveLength(1)
  return list[0]
}

const helped = (m: ParsedMail) => m.text!.includes('you helped us find this')

describe('"you helped us find this"', () => {
  it('thanks each reporter with an address once the draft is published, once', async () => {
    const w = await world()
    const { t } = w
    const checkout = await makeComponent(t, { name: 'Checkout' })
    const other = await makeComponent(t, { name: 'Search' })
    // An hour before: a report the spike's window does not hold.
    const early = await report(t, 1, { component: checkout.id, email: 'early@example.com' })
    t.clock.advance(60 * 60_000)
    const ids: string[] = []
    for (let n = 2; n <= 6; n++) {
      const email = n % 2 === 0 ? `reporter${n}@example.com` : undefined
      ids.push(await report(t, n, { component: checkout.id, ...(email ? { email } : {}) }))
      t.clock.advance(30_000)
    }
    const elsewhere = await report(t, 7, { component: other.id, email: 'search@example.com' })
    // A report arriving while the draft is open joins it.
    ids.push(await report(t, 8, { component: checkout.id, email: 'late@example.com' }))

    const draft = await onlyDraft(t)
    expect(draft).toMatchObject({ origin: 'reports', component_id: checkout.id, report_count: 6 })
    const attached = (await t.api('GET', `/api/v1/drafts/${draft.id}/reports`)).body as any[]
    expect(attached.map((r) => r.id)).toEqual(ids)
    expect(attached.map((r) => r.has_email)).toEqual([true, false, true, false, true, true])
    expect(attached.every((r) => r.incident_id === null)).toBe(true)
    expect(JSON.stringify(attached)).not.toContain('@example.com')

    // Staff name the incident; its name is the only text the thank-you carries.
    const proposal = {
      name: 'Checkout <b>payments</b> failing & slow',
      status: 'investigating',
      impact: 'major',
      body: 'We are looking into failed payments at checkout.',
      components: draft.proposal.components,
    }
    const patched = await t.api('PATCH', `/api/v1/drafts/${draft.id}`, { proposal })
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)

    await w.settle()
    // Before publishing: only the thank-you for the report itself.
    for (const a of ['reporter2@example.com', 'late@example.com'])
      expect((await mailsTo(w, a)).filter(helped)).toHaveLength(0)

    const published = await t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {})
    expect(published.status, JSON.stringify(published.body)).toBe(201)
    const incident = published.body
    await w.settle()

    for (const a of [
      'reporter2@example.com',
      'reporter4@example.com',
      'reporter6@example.com',
      'late@example.com',
    ]) {
      const mails = await mailsTo(w, a)
      const [first, ...rest] = mails
      const thanks = mails.filter(helped)
      expect(thanks, a).toHaveLength(1)
      expect(rest).toEqual(thanks)
      const m = thanks[0]!
      // The same thread as the first thank-you: same subject, a reply to it.
      expect(m.subject).toBe(first!.subject)
      expect(m.inReplyTo).toBe(first!.messageId)
      expect(m.text).toContain('Thank you — you helped us find this.')
      expect(m.text).toContain('“Checkout <b>payments</b> failing & slow”')
      expect(m.text).toContain(`https://status.example.com/incidents/${incident.id}`)
      expect(String(m.html)).toContain('Checkout &lt;b&gt;payments&lt;/b&gt; failing &amp; slow')
      expect(String(m.html)).not.toContain('<b>payments')
      // Nothing the reporter wrote is quoted back.
      expect(m.text).not.toContain('Checkout fails for me')
    }
    // Not part of the spike: no thanks, and still about no incident.
    for (const a of ['early@example.com', 'search@example.com'])
      expect((await mailsTo(w, a)).filter(helped), a).toHaveLength(0)
    for (const id of [early, elsewhere])
      expect((await t.api('GET', `/api/v1/feedback/${id}`)).body.incident_id).toBeNull()
    // The reports are now about the incident (the inbox shows them under it).
    for (const id of ids)
      expect((await t.api('GET', `/api/v1/feedback/${id}`)).body.incident_id).toBe(incident.id)

    // A restarted notifier that reads the events again sends nothing twice.
    const before = w.sink.messages.length
    await w.notifier.stop()
    await t.deps.db.execute(
      "UPDATE consumer_positions SET event_id = 0 WHERE consumer = 'notifier'",
    )
    await w.settle()
    expect(w.sink.messages.length).toBe(before)
    // Publishing again is refused: the draft became one incident, the thanks went once.
    expect((await t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {})).status).toBe(409)
  })

  it('a dismissed draft thanks nobody, and its reports do not join the next draft', async () => {
    const w = await world()
    const { t } = w
    const c = await makeComponent(t, { name: 'Checkout' })
    for (let n = 1; n <= 5; n++) await report(t, n, { component: c.id, email: `r${n}@example.com` })
    const first = await onlyDraft(t)
    expect(first.report_count).toBe(5)
    const dismissed = await t.api('POST', `/api/v1/drafts/${first.id}/dismiss`, {
      reason: 'A customer shared a broken link on social media',
    })
    expect(dismissed.status).toBe(200)
    await w.settle()
    for (let n = 1; n <= 5; n++)
      expect((await mailsTo(w, `r${n}@example.com`)).filter(helped)).toHaveLength(0)

    // Later, a spike of its own: a new draft with only the new reports.
    t.clock.advance(30 * 60_000)
    for (let n = 11; n <= 15; n++) await report(t, n, { component: c.id })
    const list = (await t.api('GET', '/api/v1/drafts?state=open')).body as any[]
    expect(list).toHaveLength(1)
    expect(list[0].id).not.toBe(first.id)
    expect(list[0].report_count).toBe(5)
    const again = (await t.api('GET', `/api/v1/drafts/${first.id}/reports`)).body as any[]
    expect(again).toHaveLength(5)
  })

  it('reports about an incident already public stay with it, and are not thanked again', async () => {
    const w = await world()
    const { t } = w
    const c = await makeComponent(t, { name: 'Checkout' })
    const known = await makeIncident(t, { components: { [c.id]: 'degraded_performance' } })
    for (let n = 1; n <= 5; n++)
      await report(t, n, { incident: known.id, email: `k${n}@example.com` })
    const draft = await onlyDraft(t)
    expect(draft.report_count).toBe(5)
    const published = await t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {})
    expect(published.status).toBe(201)
    await w.settle()
    for (let n = 1; n <= 5; n++)
      expect((await mailsTo(w, `k${n}@example.com`)).filter(helped)).toHaveLength(0)
    const reports = (await t.api('GET', `/api/v1/drafts/${draft.id}/reports`)).body as any[]
    expect(reports.every((r) => r.incident_id === known.id)).toBe(true)
  })

  it('the reports of a draft nobody can see are a 404, and need a token', async () => {
    const w = await world()
    const { t } = w
    const path = `/api/v1/drafts/${newId()}/reports`
    expect((await t.api('GET', path)).status).toBe(404)
    expect((await t.api('GET', path, undefined, { token: null })).status).toBe(401)
  })
})
