import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { followUpLinks } from '../../api/services/links.ts'
import { str } from '../../db/rows.ts'
import { createPerson, signIn } from '../fixtures/console.ts'
import { makeComponent } from '../fixtures/factories.ts'
import type { TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { addSubscriber, createMailWorld } from '../notifier/world.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

async function page(t: TestApp, role: 'viewer' | 'editor' | 'admin', id: string) {
  const email = `lee.${role}@example.com`
  const exists = await t.deps.db.execute('SELECT 1 FROM users WHERE email = ?', [email])
  if (!exists.rows.length) await createPerson(t, { role, email, name: `Lee ${role}` })
  // Signed in afresh: the clock jumps days in these tests, past a session's idle limit.
  const s = await signIn(t, email)
  const res = await s.get(`/admin/incidents/${id}/follow-up`)
  return { status: res.status, html: await res.text() }
}

/** Answers a follow-up as the subscriber would: the link from the email, the form on its page. */
async function answer(
  t: TestApp,
  sub: { id: string },
  incidentId: string,
  choice: 'all_good' | 'still_affected',
  comment = '',
) {
  const rs = await t.deps.db.execute('SELECT token_version FROM subscribers WHERE id = ?', [sub.id])
  const links = await followUpLinks(
    t.deps,
    { id: sub.id, token_version: Number(rs.rows[0]!.token_version) },
    incidentId,
    t.clock.now(),
  )
  const res = await t.app.request(new URL(links[choice]).pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ answer: choice, comment }).toString(),
  })
  expect(res.status).toBe(200)
}

/** The text of the page without tags, spaces collapsed: what a reader sees. */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')

describe('console: the follow-up', () => {
  it('says when it goes out, how many it went to, the answers, and links each still-affected answer to its inbox item', async () => {
    const w = await createMailWorld({ env: { TIME_ZONE: 'Europe/Berlin' } })
    const { t } = w
    t.clock.set('2026-03-10T09:00:00.000Z')
    const pay = await makeComponent(t, { name: 'Payments API' })
    const other = await makeComponent(t, { name: 'Dashboard' })
    const ana = await addSubscriber(t.deps.db, { email: 'ana@shop.example', components: [pay.id] })
    const bo = await addSubscriber(t.deps.db, { email: 'bo@shop.example' })
    const cy = await addSubscriber(t.deps.db, { email: 'cy@shop.example', components: [pay.id] })
    await addSubscriber(t.deps.db, { email: 'dee@shop.example', components: [other.id] })
    await addSubscriber(t.deps.db, { email: 'eve@shop.example' }) // asked, never answers
    const opened = await t.api('POST', '/api/v1/incidents', {
      name: 'Card payments failing',
      status: 'investigating',
      impact: 'major',
      body: 'Failing.',
      components: { [pay.id]: 'major_outage' },
    })
    const id = opened.body.id as string

    const open = await page(t, 'viewer', id)
    expect(open.status).toBe(200)
    expect(visible(open.html)).toContain('Goes out 3 days after the incident is resolved')
    expect(visible(open.html)).toContain('To the 4 subscribers who follow its components')
    expect(open.html).toContain(`<a href="/admin/incidents/${id}/follow-up" aria-current="page">`)

    t.clock.set('2026-03-10T12:12:00.000Z')
    await t.api('POST', `/api/v1/incidents/${id}/resolve`, { body: 'Fixed.', apology: 'Sorry.' })
    t.clock.advance(HOUR)
    const scheduled = visible((await page(t, 'viewer', id)).html)
    expect(scheduled).toContain(
      'Goes out 13 Mar 2026, 13:12 CET (in 2 d 23 h), 3 days after the resolution',
    )
    expect(scheduled).toContain('To 4 subscribers')
    expect(scheduled).toContain('No answers yet.')

    // Three days after the resolution the scheduler sends it; the notifier delivers it.
    t.clock.set('2026-03-13T12:12:00.000Z')
    await createScheduler(t.deps).tick()
    await w.settle()
    t.clock.advance(2 * HOUR)
    const sent = visible((await page(t, 'viewer', id)).html)
    expect(sent).toContain('Went out 13 Mar 2026, 13:12 CET (2 h ago)')
    expect(sent).toContain('Sent to 4 subscribers.')

    await answer(t, ana, id, 'still_affected', 'Two refunds <b>still</b> pending.')
    t.clock.advance(HOUR)
    await answer(t, bo, id, 'all_good')
    t.clock.advance(HOUR)
    await answer(t, cy, id, 'still_affected')
    const items = (
      await t.deps.db.execute(
        "SELECT id, subscriber_id FROM feedback WHERE source = 'follow_up' ORDER BY created_at",
      )
    ).rows.map((r) => ({ id: str(r, 'id'), subscriber: str(r, 'subscriber_id') }))
    expect(items.map((i) => i.subscriber)).toEqual([ana.id, cy.id])

    await w.settle() // the thank-you mails of the answers, so only this page could change more
    const before = await dumpTables(t.deps.db)
    const viewer = await page(t, 'viewer', id)
    const v = visible(viewer.html)
    expect(v).toContain('1 “All good”')
    expect(v).toContain('2 “Still affected”')
    expect(v).toContain('75% answered, of 4 people asked')
    // Newest first, each linked to its feedback item; what a customer wrote is escaped.
    const body = viewer.html.slice(viewer.html.indexOf('<tbody>'))
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!)
    expect(rows).toHaveLength(2)
    expect(rows[0]).toContain(`<a href="/admin/inbox/${items[1]!.id}">`)
    expect(rows[0]).toContain('No comment')
    expect(rows[1]).toContain(`<a href="/admin/inbox/${items[0]!.id}">`)
    expect(rows[1]).toContain('Two refunds &lt;b&gt;still&lt;/b&gt; pending.')
    expect(rows[1]).toContain('<span class="pill s-open">Open</span>')
    // A viewer and an editor see masked addresses; an admin sees them whole.
    expect(rows[1]).toContain('a***@shop.example')
    expect(viewer.html).not.toContain('ana@shop.example')
    expect((await page(t, 'editor', id)).html).not.toContain('ana@shop.example')
    const admin = (await page(t, 'admin', id)).html
    expect(admin).toContain('ana@shop.example')
    expect(admin).toContain('cy@shop.example')
    // The page has no form and writes nothing but the sign-ins above.
    expect(viewer.html).not.toMatch(/<form method="post" action="\/admin\/incidents/)
    const after = await dumpTables(t.deps.db)
    for (const table of ['follow_up_answers', 'feedback', 'notices_sent', 'outbox', 'deliveries'])
      expect(after[table], table).toEqual(before[table])
  })

  it('a silent resolution is asked about silently; no components, nobody to ask; too old, none', async () => {
    const w = await createMailWorld()
    const { t } = w
    t.clock.set('2026-03-10T09:00:00.000Z')
    const pay = await makeComponent(t, { name: 'Payments API' })
    await addSubscriber(t.deps.db, { email: 'ana@shop.example' })
    const quiet = await t.api('POST', '/api/v1/incidents', {
      name: 'Quiet',
      status: 'investigating',
      impact: 'minor',
      body: 'x',
      components: { [pay.id]: 'degraded_performance' },
    })
    await t.api('POST', `/api/v1/incidents/${quiet.body.id}/resolve`, {
      body: 'Fine.',
      deliver_notifications: false,
    })
    const bare = await t.api('POST', '/api/v1/incidents', {
      name: 'Nothing named',
      status: 'investigating',
      impact: 'minor',
      body: 'x',
      components: {},
    })
    await t.api('POST', `/api/v1/incidents/${bare.body.id}/resolve`, { body: 'Fine.' })
    expect(visible((await page(t, 'viewer', quiet.body.id)).html)).toContain(
      'Recorded without email: the resolution was not emailed, so nobody will be asked.',
    )
    expect(visible((await page(t, 'viewer', bare.body.id)).html)).toContain(
      'This incident names no component, so there is nobody to ask.',
    )
    t.clock.advance(3 * DAY)
    await createScheduler(t.deps).tick()
    await w.settle()
    const sent = visible((await page(t, 'viewer', quiet.body.id)).html)
    expect(sent).toContain('Went out')
    expect(sent).toContain(
      'Recorded without email: the resolution was not emailed, so nobody was asked.',
    )
    expect(
      w.sink.messages.filter((m) => m.raw.toString().includes('Is everything working')),
    ).toEqual([])

    // Resolved long before anything ran (a restored backup, the feature newly on): never sent.
    const old = await t.api('POST', '/api/v1/incidents', {
      name: 'Old',
      status: 'investigating',
      impact: 'minor',
      body: 'x',
      components: { [pay.id]: 'degraded_performance' },
    })
    await t.api('POST', `/api/v1/incidents/${old.body.id}/resolve`, { body: 'Fine.' })
    t.clock.advance(18 * DAY)
    expect(visible((await page(t, 'viewer', old.body.id)).html)).toContain(
      'It was resolved too long ago: follow-ups are not sent for old incidents.',
    )
  })

  it('needs a signed-in person; an unknown incident is a 404', async () => {
    const w = await createMailWorld()
    const { t } = w
    const anon = await t.app.request('/admin/incidents/abcdefghijkl/follow-up')
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toMatch(/^\/admin\/sign-in\?next=/)
    expect((await page(t, 'viewer', 'abcdefghijkl')).status).toBe(404)
    expect((await page(t, 'viewer', 'not-an-id')).status).toBe(404)
  })
})
