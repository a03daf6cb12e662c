import { simpleParser, type ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { feedback } from '../../api/services/feedback.ts'
import { CANNED_REPLIES } from '../../core/canned-replies.ts'
import { newId, randomString } from '../../core/ids.ts'
import { insertFeedback, type FeedbackRecord } from '../../db/feedback.ts'
import { str } from '../../db/rows.ts'
import { EDITED, UNEDITED } from '../fixtures/canned-variants.ts'
import { createPerson, ORIGIN, signIn } from '../fixtures/console.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { createMailWorld, rawHeader } from '../notifier/world.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const key = () => randomString(24, 'abcdefghijklmnopqrstuvwxyz0123456789')

/** A report as the public form makes one (the service, without the form's per-address limit). */
async function report(
  t: TestApp,
  o: { message?: string; email?: string; incident?: string; component?: string } = {},
) {
  return feedback.report(t.deps, { message: 'Checkout fails', ...o })
}

/** A "still affected" answer to a follow-up, as the follow-up link stores it. */
async function followUpAnswer(t: TestApp, incident: string, message: string) {
  const f: FeedbackRecord = {
    id: newId(),
    incident_id: incident,
    component_id: null,
    subscriber_id: newId(),
    email: 'subscriber@example.org',
    message,
    source: 'follow_up',
    status: 'open',
    created_at: t.clock.now().toISOString(),
    first_answered_at: null,
    closed_at: null,
    assigned_to: null,
  }
  await t.deps.db.execute(insertFeedback(f))
  return f
}

async function person(t: TestApp, role: 'viewer' | 'editor' | 'admin', name = 'Ada Lovelace') {
  const email = `${role}.${newId()}@example.com`
  const p = await createPerson(t, { role, name, email })
  return { person: p, s: await signIn(t, email) }
}

/** The ids of the reports listed on an inbox page, in order. */
const listed = (page: string) =>
  [...page.matchAll(/<td class="lead"><a href="\/admin\/inbox\/([0-9a-z]{12})">/g)].map((m) => m[1])

/** Each listed report's answer cell, as text. */
const answers = (page: string) =>
  [...page.matchAll(/<td data-label="Answer">(.*?)<\/td>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, '').trim(),
  )

/** The message shown beside a field (forms.ts), or null. */
function errorBeside(page: string, name: string): string | null {
  const m = new RegExp(`<span class="field-error" id="f-${name}-error">([^<]*)</span>`).exec(page)
  if (!m) return null
  expect(page).toMatch(new RegExp(`id="f-${name}"[^>]*aria-describedby="[^"]*f-${name}-error`))
  return m[1]!
}

async function text(res: Response | Promise<Response>) {
  return (await res).text()
}

async function rows(t: TestApp, sql: string, args: string[] = []) {
  return (await t.deps.db.execute({ sql, args })).rows
}

describe('the inbox list', () => {
  it('shows every report and follow-up answer newest first, with the response clock in words', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { name: 'Checkout errors' })
    const comp = await makeComponent(t, { name: 'Payments API' })
    const overdue = await report(t, { message: 'Nothing loads', email: 'first@example.net' })
    t.clock.advance(22 * HOUR)
    const late = await report(t, { message: 'Card declined', incident: inc.id })
    t.clock.advance(HOUR)
    const answered = await report(t, { message: 'Refund missing', email: 'rf@example.net' })
    t.clock.advance(40 * MIN)
    await feedback.reply(
      t.deps,
      { actor: { id: null, name: 'x', scope: 'admin' } },
      answered.id,
      'Sent today.',
    )
    const closed = await report(t, { message: 'Spam', component: comp.id })
    await feedback.close(t.deps, { actor: { id: null, name: 'x', scope: 'admin' } }, closed.id)
    t.clock.advance(40 * MIN)
    const fresh = await followUpAnswer(t, inc.id, 'Still slow for me')
    t.clock.advance(30 * MIN)
    // now: overdue 24 h 50 min, late 2 h 50 min, answered, closed, fresh 30 min

    const { s } = await person(t, 'viewer')
    const page = await text(s.get('/admin/inbox'))
    expect(listed(page)).toEqual([fresh.id, closed.id, answered.id, late.id, overdue.id])
    expect(answers(page)).toEqual([
      'Open Answer due in 1 h 30 min',
      'Closed Closed without an answer',
      'Answered Answered in 40 min',
      'Open Late: waiting 2 h 50 min',
      'Open Overdue: waiting 24 h 50 min',
    ])
    // Late and overdue are said in words, and marked (colour is the second signal).
    expect(page).toContain('<span class="clock late">Late: waiting 2 h 50 min</span>')
    expect(page).toContain(
      `<tr class="r-overdue"><td class="lead"><a href="/admin/inbox/${overdue.id}"`,
    )
    // What each is about, from the follow-up to the incident; addresses masked for a viewer.
    expect(page).toContain(`<a href="/admin/incidents/${inc.id}">Checkout errors</a>`)
    expect(page).toContain('Payments API')
    expect(page).toContain('s***@example.org · follow-up answer')
    expect(page).toContain('f***@example.net')
    expect(page).not.toContain('first@example.net')
    // The menu counts the three waiting for a first answer, with an accessible name.
    expect(page).toContain(
      '<a href="/admin/inbox" aria-current="page" aria-label="Inbox, 3 waiting">Inbox <span class="badge" aria-hidden="true">3</span></a>',
    )

    // An admin sees whole addresses.
    const admin = await person(t, 'admin')
    const full = await text(admin.s.get('/admin/inbox'))
    expect(full).toContain('first@example.net')
  })

  it('filters open, late, mine and by incident, counts each, and pages 25 at a time', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { name: 'Checkout errors' })
    const other = await makeIncident(t, { name: 'Login slow' })
    const { person: me, s } = await person(t, 'editor')
    const ctx = { actor: { id: null, name: 'x', scope: 'admin' as const } }
    const old = await report(t, { message: 'old', incident: inc.id })
    t.clock.advance(3 * HOUR)
    const mine = await report(t, { message: 'mine', incident: other.id })
    await feedback.assign(t.deps, ctx, mine.id, { assigned_to: me.id })
    t.clock.advance(MIN)
    const done = await report(t, { message: 'done', incident: inc.id })
    await feedback.reply(t.deps, ctx, done.id, 'Answered.')
    t.clock.advance(MIN)

    const ids = async (query: string) => listed(await text(s.get(`/admin/inbox${query}`)))
    expect(await ids('')).toEqual([done.id, mine.id, old.id])
    expect(await ids('?show=open')).toEqual([mine.id, old.id])
    expect(await ids('?show=late')).toEqual([old.id])
    expect(await ids('?show=mine')).toEqual([mine.id])
    expect(await ids(`?incident=${inc.id}`)).toEqual([done.id, old.id])
    expect(await ids(`?show=open&incident=${inc.id}`)).toEqual([old.id])
    // A filter that is not one, or an id that is not an id, shows everything.
    expect(await ids('?show=toString&incident=..%2F')).toEqual([done.id, mine.id, old.id])

    const page = await text(s.get(`/admin/inbox?show=late&incident=${inc.id}`))
    const counts = [...page.matchAll(/>(Open|Late|Mine|All) <span class="count">\((\d+)\)/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    )
    expect(counts).toEqual(['Open 1', 'Late 1', 'Mine 0', 'All 2'])
    expect(page).toContain(
      `href="/admin/inbox?show=late&amp;incident=${inc.id}" aria-current="true"`,
    )
    expect(page).toContain(`<option value="${inc.id}" selected>Checkout errors</option>`)

    for (let i = 0; i < 25; i++) {
      t.clock.advance(MIN)
      await report(t, { message: `bulk ${i}` })
    }
    const first = await text(s.get('/admin/inbox'))
    expect(listed(first)).toHaveLength(25)
    expect(first).toContain('Page 1 of 2')
    const second = await text(s.get('/admin/inbox?page=2'))
    expect(listed(second)).toEqual([done.id, mine.id, old.id])
    expect(second).toContain('<a href="/admin/inbox" rel="prev">← Newer</a>')
  })

  it('shows a viewer no forms, and refuses a viewer’s posts', async () => {
    const t = await createTestApp()
    const f = await report(t, { email: 'r@example.net' })
    const { s } = await person(t, 'viewer')
    for (const path of [
      '/admin/inbox',
      `/admin/inbox/${f.id}`,
      `/admin/inbox/${f.id}?canned=fixed`,
    ]) {
      const page = await text(s.get(path))
      // The only form that writes is the menu's sign-out (the incident filter is a GET).
      expect(page.match(/<form method="post"/g), path).toHaveLength(1)
      expect(page).not.toContain('<textarea')
    }
    const admin = await person(t, 'admin')
    const attempts: [string, Record<string, string>][] = [
      [`/admin/inbox/${f.id}/replies`, { body: 'Hello, fixed now.', _idem: key() }],
      [`/admin/inbox/${f.id}/assign`, { assigned_to: admin.person.id, _idem: key() }],
      [`/admin/inbox/${f.id}/close`, { _idem: key() }],
      [`/admin/inbox/${f.id}/reopen`, { _idem: key() }],
    ]
    const before = await dumpTables(t.deps.db)
    for (const [path, fields] of attempts) {
      expect((await s.post(path, fields)).status, path).toBe(403)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })
})

describe('a report’s thread', () => {
  it('shows the report, what it is about, its replies with who and when; assigns to any active person', async () => {
    const t = await createTestApp({ env: { TIME_ZONE: 'Europe/Berlin' } })
    const comp = await makeComponent(t, { name: 'Payments API' })
    const inc = await makeIncident(t, {
      name: 'Checkout errors',
      components: { [comp.id]: 'major_outage' },
    })
    const f = await report(t, {
      message: 'My card was charged twice.\n<script>alert(1)</script>',
      email: 'reporter@example.net',
      incident: inc.id,
      component: comp.id,
    })
    const { person: ada, s } = await person(t, 'editor', 'Ada Lovelace')
    const grace = await createPerson(t, {
      role: 'viewer',
      name: 'Grace Hopper',
      email: 'grace@example.com',
    })
    const gone = await createPerson(t, {
      role: 'editor',
      name: 'Old Hand',
      email: 'old@example.com',
      status: 'disabled',
    })
    t.clock.advance(20 * MIN)

    const page = await text(s.get(`/admin/inbox/${f.id}`))
    expect(page).toContain('<h1>Report from r***@example.net</h1>')
    expect(page).toContain('My card was charged twice.\n&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page).not.toContain('<script>alert')
    expect(page).toContain(`<a href="/admin/incidents/${inc.id}">Checkout errors</a>`)
    expect(page).toContain('Payments API')
    expect(page).toContain('Answer due in 1 h 40 min')
    expect(page).toContain('10 Mar 2026, 13:00 CET')
    expect(page).toContain('No reply yet.')
    // Any active person, whatever their role; nobody disabled.
    expect(page).toContain(`<option value="${grace.id}">Grace Hopper (viewer)</option>`)
    expect(page).toContain(`<option value="${ada.id}">Ada Lovelace (editor)</option>`)
    expect(page).not.toContain(gone.id)

    const assigned = await s.post(`/admin/inbox/${f.id}/assign`, {
      assigned_to: grace.id,
      _idem: key(),
    })
    expect(assigned.status).toBe(303)
    expect(assigned.headers.get('location')).toBe(`/admin/inbox/${f.id}?notice=assigned`)
    expect((await t.api('GET', `/api/v1/feedback/${f.id}`)).body.assigned_to).toBe(grace.id)
    const audit = await rows(
      t,
      "SELECT actor_email, details FROM audit_log WHERE action = 'feedback.assign'",
    )
    expect(audit.map((r) => [r.actor_email, JSON.parse(str(r, 'details')).assigned_to])).toEqual([
      [ada.email, grace.id],
    ])
    const shown = await text(s.get(`/admin/inbox/${f.id}?notice=assigned`))
    expect(shown).toContain('<p class="flash" role="status">Assigned.</p>')
    expect(shown).toContain('<dt>Assigned to</dt><dd>Grace Hopper</dd>')
    // Grace sees it under "Mine".
    const g = await signIn(t, 'grace@example.com')
    expect(listed(await text(g.get('/admin/inbox?show=mine')))).toEqual([f.id])

    // A disabled person, or an id nobody has: refused beside the field, nothing written.
    const before = await dumpTables(t.deps.db)
    for (const who of [gone.id, newId(), 'not an id']) {
      const res = await s.post(`/admin/inbox/${f.id}/assign`, { assigned_to: who, _idem: key() })
      expect(res.status, who).toBe(400)
      expect(errorBeside(await res.text(), 'assigned_to'), who).toBeTruthy()
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    // Nobody again.
    const none = await s.post(`/admin/inbox/${f.id}/assign`, { assigned_to: '', _idem: key() })
    expect(none.headers.get('location')).toBe(`/admin/inbox/${f.id}?notice=unassigned`)
    expect((await t.api('GET', `/api/v1/feedback/${f.id}`)).body.assigned_to).toBeNull()

    // Replies: who wrote each and when, oldest first, markdown made safe.
    const r1 = await s.post(`/admin/inbox/${f.id}/replies`, {
      body: 'We **refunded** the second charge.',
      _idem: key(),
    })
    expect(r1.status).toBe(303)
    t.clock.advance(5 * MIN)
    const bob = await person(t, 'admin', 'Bob Okafor')
    await bob.s.post(`/admin/inbox/${f.id}/replies`, {
      body: 'Following up: <img src=x onerror=alert(1)> all done.',
      _idem: key(),
    })
    const thread = await text(s.get(`/admin/inbox/${f.id}`))
    const replies = [
      ...thread.matchAll(
        /<li><h3>(.*?)<\/h3><p class="small muted"><time datetime="[^"]+">([^<]+)<\/time><\/p><div class="md">(.*?)<\/div><\/li>/g,
      ),
    ].map((m) => [m[1], m[2], m[3]])
    expect(replies).toEqual([
      [
        'Ada Lovelace, Example Status team',
        '10 Mar 2026, 13:20 CET',
        '<p>We <strong>refunded</strong> the second charge.</p>',
      ],
      [
        'Bob Okafor, Example Status team',
        '10 Mar 2026, 13:25 CET',
        '<p>Following up: &lt;img /&gt; all done.</p>',
      ],
    ])
    expect(thread).toContain('Answered in 20 min')
  })

  it('sends a reply from the page’s address, Reply-To SUPPORT_EMAIL, signed, in the thank-you’s thread', async () => {
    const w = await createMailWorld({ env: { SUPPORT_EMAIL: 'help@example.com' } })
    const { t } = w
    const inc = await makeIncident(t, { name: 'Checkout errors' })
    const res = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: 'Card declined twice', email: 'Reporter@Example.net', incident: inc.id },
      { token: null },
    )
    expect(res.status).toBe(202)
    const f = (await t.api('GET', '/api/v1/feedback')).body[0] as { id: string }
    await w.settle()
    const { s } = await person(t, 'editor', 'Ada Lovelace')
    t.clock.advance(25 * MIN)

    const page = await text(s.get(`/admin/inbox/${f.id}?canned=looking`))
    expect(page).toContain('Signed “— Ada Lovelace, Example Status team”')
    expect(page).toContain(
      'Emailed to R***@Example.net from Example Status &lt;status@status.example.com&gt;; their answer goes to help@example.com.',
    )
    const sent = await s.post(`/admin/inbox/${f.id}/replies`, {
      body: `Hi, thank you for the details. ${CANNED_REPLIES[0]!.body}`,
      _idem: key(),
    })
    expect(sent.status).toBe(303)
    expect(sent.headers.get('location')).toBe(`/admin/inbox/${f.id}?notice=replied`)
    const stored = await rows(t, 'SELECT author FROM feedback_replies')
    expect(stored.map((r) => r.author)).toEqual(['Ada Lovelace, Example Status team'])
    await w.settle()

    const mails = await Promise.all(
      w.sink.to('Reporter@example.net').map((m) => simpleParser(m.raw)),
    )
    expect(mails).toHaveLength(2)
    const [thanks, reply] = mails as [ParsedMail, ParsedMail]
    expect(thanks.text).toContain('Thank you for telling us.')
    expect(reply.from?.value).toEqual([
      { address: 'status@status.example.com', name: 'Example Status' },
    ])
    expect(reply.replyTo?.value).toEqual([{ address: 'help@example.com', name: '' }])
    expect(thanks.replyTo?.value).toEqual([{ address: 'help@example.com', name: '' }])
    expect(reply.inReplyTo).toBe(thanks.messageId)
    expect(reply.references).toBe(thanks.messageId)
    expect(reply.text).toContain(
      'thank you for the details. Thank you for telling us. We are looking into it now',
    )
    expect(reply.text).toContain('— Ada Lovelace, Example Status team')
    expect(reply.html).toContain(
      '<p style="margin:0 0 12px">— Ada Lovelace, Example Status team</p>',
    )

    // A second reply continues the thread: it answers the first, and references both.
    t.clock.advance(HOUR)
    await s.post(`/admin/inbox/${f.id}/replies`, {
      body: 'It is fixed now: please try again.',
      _idem: key(),
    })
    await w.settle()
    const second = await simpleParser(w.sink.to('Reporter@example.net')[2]!.raw)
    expect(second.inReplyTo).toBe(reply.messageId)
    expect(second.references).toEqual([thanks.messageId, reply.messageId])
    expect(rawHeader(w.sink.to('Reporter@example.net')[2]!.raw, 'Reply-To')).toBe(
      'help@example.com',
    )
  })

  it('without SUPPORT_EMAIL sends no Reply-To; a report without an address keeps the reply unsent', async () => {
    const w = await createMailWorld()
    const { t } = w
    const mailed = await report(t, { email: 'r@example.net' })
    const silent = await report(t, { message: 'No address given' })
    const { s } = await person(t, 'editor')
    const a = await s.post(`/admin/inbox/${mailed.id}/replies`, {
      body: 'Fixed it, Sam.',
      _idem: key(),
    })
    const b = await s.post(`/admin/inbox/${silent.id}/replies`, { body: 'Fixed it.', _idem: key() })
    expect(b.headers.get('location')).toBe(`/admin/inbox/${silent.id}?notice=kept`)
    expect(await text(s.get(b.headers.get('location')!))).toContain(
      'Reply saved. The reporter left no address, so it is not mailed.',
    )
    expect(a.status).toBe(303)
    await w.settle()
    expect(w.sink.messages.map((m) => m.to)).toEqual([['r@example.net'], ['r@example.net']])
    for (const m of w.sink.messages) expect(rawHeader(m.raw, 'Reply-To')).toBeNull()
  })

  it('refuses an unedited canned reply beside the field, however it is spaced or cased, writing and sending nothing', async () => {
    const t = await createTestApp()
    const f = await report(t, { email: 'r@example.net' })
    const { s } = await person(t, 'editor')
    const writer = await t.token('write')
    const before = await dumpTables(t.deps.db)
    let tried = 0
    for (const canned of CANNED_REPLIES) {
      for (const [name, vary] of UNEDITED) {
        const body = vary(canned.body)
        const res = await s.post(`/admin/inbox/${f.id}/replies`, { body, _idem: key() })
        expect([canned.id, name, res.status]).toEqual([canned.id, name, 400])
        const page = await res.text()
        expect(errorBeside(page, 'body'), name).toContain(
          `the “${canned.label}” template unchanged`,
        )
        expect(page.replace(/\s+/g, ' ')).toContain(
          'One thing needs fixing before this can be saved; nothing was saved.',
        )
        const api = await t.api(
          'POST',
          `/api/v1/feedback/${f.id}/replies`,
          { body },
          { token: writer },
        )
        expect([canned.id, name, api.status, api.body.error?.code]).toEqual([
          canned.id,
          name,
          400,
          'unedited_template',
        ])
        tried += 2
      }
    }
    // 24 variants x 3 templates x 2 ways in (console, API): 0 got through.
    expect(tried).toBe(144)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    // Made to fit the reader, each goes through.
    for (const [name, vary] of EDITED) {
      const res = await s.post(`/admin/inbox/${f.id}/replies`, {
        body: vary(CANNED_REPLIES[1]!.body),
        _idem: key(),
      })
      expect([name, res.status]).toEqual([name, 303])
    }
    expect(await rows(t, 'SELECT id FROM feedback_replies')).toHaveLength(EDITED.length)
  })

  it('a closed report takes no reply until it is reopened', async () => {
    const t = await createTestApp()
    const f = await report(t, { email: 'r@example.net' })
    const { s } = await person(t, 'editor')
    const closed = await s.post(`/admin/inbox/${f.id}/close`, { _idem: key() })
    expect(closed.headers.get('location')).toBe(`/admin/inbox/${f.id}?notice=closed`)
    const page = await text(s.get(`/admin/inbox/${f.id}`))
    expect(page).toContain('This report is closed: it takes no replies. Reopen it to answer.')
    expect(page).not.toContain('<textarea')
    expect(page).toContain('Reopen this report')
    expect(listed(await text(s.get('/admin/inbox?show=open')))).toEqual([])

    const before = await dumpTables(t.deps.db)
    const refused = await s.post(`/admin/inbox/${f.id}/replies`, {
      body: 'Hello again, fixed.',
      _idem: key(),
    })
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('This feedback is closed; it takes no more replies')
    const twice = await s.post(`/admin/inbox/${f.id}/close`, { _idem: key() })
    expect(twice.status).toBe(409)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const reopened = await s.post(`/admin/inbox/${f.id}/reopen`, { _idem: key() })
    expect(reopened.headers.get('location')).toBe(`/admin/inbox/${f.id}?notice=reopened`)
    expect((await t.api('GET', `/api/v1/feedback/${f.id}`)).body).toMatchObject({
      status: 'open',
      closed_at: null,
    })
    expect(listed(await text(s.get('/admin/inbox?show=open')))).toEqual([f.id])
    const again = await s.post(`/admin/inbox/${f.id}/reopen`, { _idem: key() })
    expect(again.status).toBe(409)
    const replied = await s.post(`/admin/inbox/${f.id}/replies`, {
      body: 'Hello again, fixed.',
      _idem: key(),
    })
    expect(replied.status).toBe(303)
    const actions = await rows(
      t,
      "SELECT action FROM audit_log WHERE target_type = 'feedback' AND action != 'feedback.create' ORDER BY id",
    )
    expect(actions.map((r) => r.action)).toEqual([
      'feedback.close',
      'feedback.reopen',
      'feedback.reply',
    ])
  })

  it('refuses a form without the session token or from another site, and writes a double submit once', async () => {
    const t = await createTestApp()
    const f = await report(t, { email: 'r@example.net' })
    const { s } = await person(t, 'editor')
    const before = await dumpTables(t.deps.db)
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      [`/admin/inbox/${f.id}/replies`, { body: 'Fixed, Sam.', _csrf: '' }, {}],
      [`/admin/inbox/${f.id}/replies`, { body: 'Fixed, Sam.', _csrf: 'x'.repeat(32) }, {}],
      [`/admin/inbox/${f.id}/close`, {}, { origin: 'https://evil.example' }],
      [`/admin/inbox/${f.id}/assign`, { assigned_to: '' }, { origin: 'null' }],
    ]
    for (const [path, fields, headers] of attempts) {
      expect((await s.post(path, fields, headers)).status, path).toBe(403)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect(ORIGIN).toBe('https://status.example.com')

    const fields = { body: 'Fixed now, Sam: please try again.', _idem: key() }
    const one = await s.post(`/admin/inbox/${f.id}/replies`, fields)
    const two = await s.post(`/admin/inbox/${f.id}/replies`, fields)
    expect([one.status, two.status]).toEqual([303, 303])
    expect(two.headers.get('location')).toBe(one.headers.get('location'))
    // Sent at once (a double tap), one commits and the other answers with its outcome.
    const same = { body: 'And the refund is on its way.', _idem: key() }
    const both = await Promise.all([1, 2].map(() => s.post(`/admin/inbox/${f.id}/replies`, same)))
    expect(both.map((r) => r.status)).toEqual([303, 303])
    expect(
      (await rows(t, 'SELECT body FROM feedback_replies ORDER BY created_at, rowid')).map(
        (r) => r.body,
      ),
    ).toEqual([fields.body, same.body])
    const events = await rows(t, "SELECT id FROM outbox WHERE type = 'feedback.answered'")
    expect(events).toHaveLength(2)
  })

  it('is a console 404 for an unknown or malformed id', async () => {
    const t = await createTestApp()
    const { s } = await person(t, 'viewer')
    for (const id of [newId(), 'x', 'toString', 'ABCDEFGHIJKL']) {
      const res = await s.get(`/admin/inbox/${id}`)
      expect([id, res.status]).toEqual([id, 404])
      expect(await res.text()).toContain('<h1>Not found</h1>')
    }
  })
})

describe('the waiting count in the menu', () => {
  it('counts open reports without a first answer, read for each page', async () => {
    const t = await createTestApp()
    const { s } = await person(t, 'viewer')
    const badge = async (path = '/admin/') => {
      const page = await text(s.get(path))
      const m =
        /aria-label="Inbox, (\d+) waiting">Inbox <span class="badge" aria-hidden="true">(\d+\+?)<\/span>/.exec(
          page,
        )
      if (m) expect(m[2]).toBe(m[1])
      else expect(page).toContain('<a href="/admin/inbox">Inbox</a>')
      return m?.[1] ?? null
    }
    expect(await badge()).toBeNull()
    const a = await report(t)
    await report(t)
    expect(await badge()).toBe('2')
    expect(await badge('/admin/audit')).toBe('2')
    await feedback.reply(
      t.deps,
      { actor: { id: null, name: 'x', scope: 'admin' } },
      a.id,
      'Answered.',
    )
    expect(await badge('/admin/incidents')).toBe('1')
    // Error pages keep the menu and its count.
    expect(await badge('/admin/no-such-page')).toBe('1')
    await t.deps.db.execute("UPDATE feedback SET status = 'closed' WHERE first_answered_at IS NULL")
    expect(await badge()).toBeNull()
  })
})

describe('the digest choice on the account page', () => {
  it('turns the email about new reports on and off for the person', async () => {
    const t = await createTestApp()
    const { person: p, s } = await person(t, 'viewer')
    const checked = async () =>
      /<input id="f-inbox_digest" name="inbox_digest" type="checkbox" value="on"( checked)?/.exec(
        await text(s.get('/admin/account')),
      )?.[1] === ' checked'
    expect(await checked()).toBe(false)
    const on = await s.post('/admin/account/inbox-digest', { inbox_digest: 'on', _idem: key() })
    expect(on.headers.get('location')).toBe('/admin/account?notice=digest_on')
    expect(await checked()).toBe(true)
    const stored = await rows(t, 'SELECT inbox_digest FROM users WHERE id = ?', [p.id])
    expect(stored[0]!.inbox_digest).toBe(1)
    const off = await s.post('/admin/account/inbox-digest', { _idem: key() })
    expect(off.headers.get('location')).toBe('/admin/account?notice=digest_off')
    expect(await checked()).toBe(false)
    const audit = await rows(
      t,
      "SELECT actor_email, details FROM audit_log WHERE action = 'user.inbox_digest' ORDER BY id",
    )
    expect(audit.map((r) => [r.actor_email, r.details])).toEqual([
      [p.email, '{"inbox_digest":true}'],
      [p.email, '{"inbox_digest":false}'],
    ])
    expect(
      (await s.post('/admin/account/inbox-digest', { inbox_digest: 'on', _csrf: '' })).status,
    ).toBe(403)
  })
})
