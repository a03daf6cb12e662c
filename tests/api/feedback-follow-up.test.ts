import { HtmlValidate } from 'html-validate'
import { describe, expect, it } from 'vitest'
import { followUpLinks, subscriberLinks } from '../../api/services/links.ts'
import { signingSecret } from '../../api/services/secrets.ts'
import { signToken } from '../../core/signed-token.ts'
import { makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { str } from '../../db/rows.ts'

// Step 5 of service recovery: some days after the fix, affected subscribers are asked whether
// everything works again. The email's links lead here; only a submitted form records an answer.

const DAY = 86_400_000

async function call(t: TestApp, method: string, path: string, fields?: [string, string][]) {
  const res = await t.app.request(path, {
    method,
    headers: fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: fields ? new URLSearchParams(fields).toString() : undefined,
  })
  return { status: res.status, html: await res.text(), headers: res.headers }
}

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'form-dup-name': ['error', { shared: ['radio'] }], 'void-style': 'off' },
})
async function expectValidHtml(html: string) {
  const report = await validator.validateString(html)
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual(
    [],
  )
}

/** A confirmed subscriber (imported by staff), an incident, and the two follow-up link paths. */
async function world(t: TestApp, email = 'ana@example.com') {
  const imported = await t.api('POST', '/api/v1/subscribers/import', undefined, {
    raw: `email\n${email}\n`,
    headers: { 'content-type': 'text/csv' },
  })
  expect(imported.status, JSON.stringify(imported.body)).toBe(200)
  const rs = await t.deps.db.execute('SELECT id, token_version FROM subscribers WHERE email = ?', [
    email,
  ])
  const s = { id: str(rs.rows[0]!, 'id'), token_version: Number(rs.rows[0]!.token_version) }
  const inc = await makeIncident(t, { name: 'Refunds <delayed> & "stuck"' })
  const links = await followUpLinks(t.deps, s, inc.id, t.clock.now())
  const path = (u: string) => new URL(u).pathname
  return {
    s,
    inc,
    good: path(links.all_good),
    affected: path(links.still_affected),
  }
}

async function answers(t: TestApp) {
  return (await t.deps.db.execute('SELECT * FROM follow_up_answers')).rows.map((r) => ({ ...r }))
}

async function feedbackRows(t: TestApp) {
  return (await t.deps.db.execute('SELECT * FROM feedback ORDER BY rowid')).rows.map((r) => ({
    ...r,
  }))
}

async function receivedEvents(t: TestApp) {
  const rs = await t.deps.db.execute(
    "SELECT payload FROM outbox WHERE type = 'feedback.received' ORDER BY id",
  )
  return rs.rows.map((r) => JSON.parse(str(r, 'payload')) as { feedback_id: string })
}

describe('follow-up answers', () => {
  it('GET shows the form with the linked answer chosen, and writes nothing', async () => {
    const t = await createTestApp()
    const w = await world(t)
    const before = await dumpTables(t.deps.db)
    for (const [path, chosen] of [
      [w.good, 'all_good'],
      [w.affected, 'still_affected'],
    ] as const) {
      const page = await call(t, 'GET', path)
      expect(page.status).toBe(200)
      expect(page.html).toMatch(/Is everything working again\?/)
      expect(page.html).toMatch(new RegExp(`value="${chosen}" checked`))
      expect(page.html.match(/ checked/g)).toHaveLength(1)
      expect(page.html).toContain('<textarea id="comment" name="comment"')
      // The incident name is staff text: escaped.
      expect(page.html).toContain('Refunds &lt;delayed&gt; &amp; &quot;stuck&quot;')
      expect(page.html).toContain(`href="https://status.example.com/incidents/${w.inc.id}/"`)
      expect(page.headers.get('cache-control')).toBe('no-store')
      expect(page.headers.get('referrer-policy')).toBe('no-referrer')
      await expectValidHtml(page.html)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('POST records the answer; answering again updates the one row', async () => {
    const t = await createTestApp()
    const w = await world(t)
    const saved = await call(t, 'POST', w.good, [['answer', 'all_good']])
    expect(saved.status).toBe(200)
    expect(saved.html).toMatch(/glad everything works again/)
    await expectValidHtml(saved.html)
    expect(await answers(t)).toEqual([
      {
        incident_id: w.inc.id,
        subscriber_id: w.s.id,
        answer: 'all_good',
        comment: null,
        answered_at: '2026-03-10T12:00:00.000Z',
      },
    ])
    expect(await feedbackRows(t)).toEqual([])
    expect(await receivedEvents(t)).toEqual([])

    // The page now says what was answered before.
    expect((await call(t, 'GET', w.good)).html).toMatch(/You answered before: Everything works/)

    // Either link's form can carry either answer: the person decides on the page.
    t.clock.advance(DAY)
    const changed = await call(t, 'POST', w.good, [
      ['answer', 'still_affected'],
      ['comment', 'Two refunds <still> pending'],
    ])
    expect(changed.status).toBe(200)
    expect(changed.html).toMatch(/within 24 hours/)
    expect(changed.html).toContain('ana@example.com')
    expect(await answers(t)).toEqual([
      {
        incident_id: w.inc.id,
        subscriber_id: w.s.id,
        answer: 'still_affected',
        comment: 'Two refunds <still> pending',
        answered_at: '2026-03-11T12:00:00.000Z',
      },
    ])
  })

  it('"still affected" opens a feedback item for staff, once per distinct answer', async () => {
    const t = await createTestApp()
    const w = await world(t)
    expect((await call(t, 'POST', w.affected, [['answer', 'still_affected']])).status).toBe(200)
    const rows = await feedbackRows(t)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      incident_id: w.inc.id,
      subscriber_id: w.s.id,
      email: 'ana@example.com',
      source: 'follow_up',
      status: 'open',
      component_id: null,
    })
    expect(str(rows[0]!, 'message')).toMatch(/still affected/)
    expect(await receivedEvents(t)).toEqual([{ feedback_id: rows[0]!.id }])

    // The same form sent twice opens nothing new.
    await call(t, 'POST', w.affected, [['answer', 'still_affected']])
    expect(await feedbackRows(t)).toHaveLength(1)
    // A new comment does reach staff.
    await call(t, 'POST', w.affected, [
      ['answer', 'still_affected'],
      ['comment', 'Now the export fails too'],
    ])
    const after = await feedbackRows(t)
    expect(after.map((r) => r.message).at(-1)).toBe('Now the export fails too')
    expect(await receivedEvents(t)).toHaveLength(2)

    // Staff see it in their list, with the subscriber.
    const list = await t.api('GET', '/api/v1/feedback?status=open')
    expect(list.body.map((f: any) => [f.source, f.subscriber_id])).toEqual([
      ['follow_up', w.s.id],
      ['follow_up', w.s.id],
    ])
    expect((await answers(t)).length).toBe(1)
  })

  it('rejects forged, expired, other-purpose and revoked links with a 400 page, writing nothing', async () => {
    const t = await createTestApp()
    const w = await world(t)
    const secret = await signingSecret(t.deps)
    const now = Math.floor(t.clock.now().getTime() / 1000)
    const sign = (p: Parameters<typeof signToken>[1]) => signToken(secret, p)
    const bad = [
      '/follow-up/nonsense',
      `${w.good}x`,
      `/follow-up/${await sign({ p: 'manage', s: w.s.id, v: w.s.token_version, e: 0, x: `${w.inc.id}:all_good` })}`,
      `/follow-up/${await sign({ p: 'feedback', s: w.s.id, v: w.s.token_version, e: 0 })}`,
      `/follow-up/${await sign({ p: 'feedback', s: w.s.id, v: w.s.token_version, e: 0, x: `${w.inc.id}:maybe` })}`,
      `/follow-up/${await sign({ p: 'feedback', s: w.s.id, v: w.s.token_version, e: 0, x: 'aaaaaaaaaaaa:all_good' })}`,
      `/follow-up/${await sign({ p: 'feedback', s: 'aaaaaaaaaaaa', v: 1, e: 0, x: `${w.inc.id}:all_good` })}`,
      `/follow-up/${await sign({ p: 'feedback', s: w.s.id, v: w.s.token_version, e: now - 1, x: `${w.inc.id}:all_good` })}`,
    ]
    const before = await dumpTables(t.deps.db)
    for (const path of bad) {
      for (const method of ['GET', 'POST']) {
        const res = await call(
          t,
          method,
          path,
          method === 'POST' ? [['answer', 'still_affected']] : undefined,
        )
        expect(res.status, `${method} ${path}`).toBe(400)
        expect(res.html).toMatch(/This link does not work/)
      }
    }
    const invalid = await call(t, 'GET', bad[0]!)
    await expectValidHtml(invalid.html)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    // Links expire 30 days after the email.
    t.clock.advance(31 * DAY)
    expect((await call(t, 'GET', w.good)).status).toBe(400)
    t.clock.advance(-31 * DAY)
    expect((await call(t, 'GET', w.good)).status).toBe(200)

    // Unsubscribing bumps the token version and so revokes the links.
    const unsubscribe = new URL((await subscriberLinks(t.deps, w.s)).unsubscribe).pathname
    expect((await call(t, 'POST', unsubscribe)).status).toBe(200)
    const revoked = await dumpTables(t.deps.db)
    expect((await call(t, 'GET', w.affected)).status).toBe(400)
    expect((await call(t, 'POST', w.affected, [['answer', 'still_affected']])).status).toBe(400)
    expect(await dumpTables(t.deps.db)).toEqual(revoked)
  })

  it('a bad form gives the page back with the comment kept, writing nothing', async () => {
    const t = await createTestApp()
    const w = await world(t)
    const before = await dumpTables(t.deps.db)
    const res = await call(t, 'POST', w.affected, [
      ['answer', 'all_good'],
      ['comment', `<i>${'x'.repeat(5_001)}</i>`],
    ])
    expect(res.status).toBe(400)
    expect(res.html).toMatch(/keep it to 5,000 characters/)
    expect(res.html).toMatch(/value="all_good" checked/)
    expect(res.html).toContain('&lt;i&gt;xxx')
    const none = await call(t, 'POST', w.affected, [['answer', 'perhaps']])
    expect(none.status).toBe(400)
    expect(none.html).toMatch(/Choose one of the two answers/)
    expect(none.html).toMatch(/value="still_affected" checked/)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })
})
