import { describe, expect, it } from 'vitest'
import { randomString } from '../../core/ids.ts'
import { str } from '../../db/rows.ts'
import { createPerson, signIn, type ConsoleSession } from '../fixtures/console.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { addSubscriber } from '../notifier/world.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const key = () => randomString(24, 'abcdefghijklmnopqrstuvwxyz0123456789')

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

/** The editor's text as the page holds it. */
function editorText(page: string): string | null {
  const m = /<textarea id="f-body" name="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(page)
  return m ? unescape(m[1]!) : null
}

async function person(t: TestApp, role: 'viewer' | 'editor' | 'admin') {
  const p = await createPerson(t, { role, name: `Kim ${role}`, email: `kim.${role}@example.com` })
  return { person: p, s: await signIn(t, p.email) }
}

/**
 * A major outage on a Berlin page: opened at 21:40 CET with a backdated start, identified,
 * resolved 3 h 12 min after the start. Returns its id.
 */
async function outage(t: TestApp, o: { resolve?: boolean; impact?: string } = {}) {
  t.clock.set('2026-03-10T20:40:00.000Z')
  const pay = await makeComponent(t, { name: 'Payments API' })
  const opened = await t.api('POST', '/api/v1/incidents', {
    name: 'Card payments failing',
    status: 'investigating',
    impact: o.impact ?? 'major',
    body: 'Card charges are failing.',
    components: { [pay.id]: 'major_outage' },
  })
  expect(opened.status).toBe(201)
  const id = opened.body.id as string
  t.clock.advance(40 * MIN)
  await t.api('POST', `/api/v1/incidents/${id}/updates`, {
    status: 'identified',
    body: 'A network change at our processor.',
  })
  t.clock.set('2026-03-10T23:52:00.000Z')
  if (o.resolve !== false) {
    await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: 'Charges succeed again.',
      apology: 'We are sorry.',
    })
  }
  return { id, component: pay.id }
}

const BERLIN = { env: { TIME_ZONE: 'Europe/Berlin' } }

async function outboxOf(t: TestApp, id: string) {
  const rs = await t.deps.db.execute({
    sql: "SELECT type, payload FROM outbox WHERE aggregate_id = ? AND type LIKE 'incident.postmortem%' ORDER BY id",
    args: [id],
  })
  return rs.rows.map((r) => ({ type: str(r, 'type'), payload: JSON.parse(str(r, 'payload')) }))
}

async function auditOf(t: TestApp, action: string) {
  const rs = await t.deps.db.execute({
    sql: 'SELECT actor_name, actor_email FROM audit_log WHERE action = ? ORDER BY rowid',
    args: [action],
  })
  return rs.rows.map((r) => ({ ...r }))
}

const post = (s: ConsoleSession, id: string, fields: Record<string, string>) =>
  s.post(`/admin/incidents/${id}/postmortem`, { _idem: key(), ...fields })

describe('console: the post-mortem', () => {
  it('prefills the five-section template with the timeline in the page zone, beside its preview', async () => {
    const t = await createTestApp(BERLIN)
    const { id } = await outage(t)
    const { s } = await person(t, 'editor')
    const res = await s.get(`/admin/incidents/${id}/postmortem`)
    expect(res.status).toBe(200)
    const page = await res.text()
    const text = editorText(page)!
    expect(text).toContain('## Summary')
    expect(text).toContain(
      '- **10 Mar 2026, 21:40 CET** — Investigating: Card charges are failing.',
    )
    expect(text).toContain('- **22:20 CET** — Identified: A network change at our processor.')
    expect(text).toContain('- **11 Mar 2026, 00:52 CET** — Resolved: Charges succeed again.')
    // No raw ISO time and no UTC anywhere on a Berlin page's template.
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/)
    expect(text).not.toContain('UTC')
    // The preview beside it is the rendered markdown, the live preview posts the form there.
    expect(page).toMatch(/<div id="pm-preview-body" class="md">\s*<h3>Summary<\/h3>/)
    expect(page).toContain(`data-preview="/admin/incidents/${id}/postmortem/preview"`)
    // The tab bar, the promise, the buttons.
    expect(page).toContain(`<a href="/admin/incidents/${id}/postmortem" aria-current="page">`)
    expect(page).toContain('<span class="clock">Due in 5 d</span>')
    for (const b of ['Preview', 'Save draft', 'Publish', 'Publish and notify'])
      expect(page).toContain(`>${b}</button>`)
    // The template in the other locale, on request; nothing is written by asking.
    const before = await dumpTables(t.deps.db)
    const zh = editorText(
      await (await s.get(`/admin/incidents/${id}/postmortem?template=zh-CN`)).text(),
    )!
    expect(zh).toContain('## 时间线')
    expect(zh).toContain('— 正在调查：Card charges are failing.')
    expect(zh).not.toMatch(/\d{4}-\d{2}-\d{2}T/)
    const api = await t.api('GET', `/api/v1/incidents/${id}/postmortem/template`)
    expect(api.body.body).toBe(text)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('save draft, publish, and publish and notify write what the API writes, signed by the person', async () => {
    const t = await createTestApp(BERLIN)
    const a = await outage(t)
    await addSubscriber(t.deps.db, { email: 'ana@shop.example', components: [a.component] })
    const { person: editor } = await person(t, 'editor')
    let s = await signIn(t, editor.email)
    const page = await (await s.get(`/admin/incidents/${a.id}/postmortem`)).text()
    expect(page).toContain('emails it to the 1 subscriber who follow')

    const saved = await post(s, a.id, { body: '## Summary\n\nA bad deploy.', _action: 'save' })
    expect(saved.status).toBe(303)
    expect(saved.headers.get('location')).toBe(`/admin/incidents/${a.id}/postmortem?notice=saved`)
    const draft = (await t.api('GET', `/api/v1/incidents/${a.id}/postmortem`)).body
    expect(draft).toMatchObject({ status: 'draft', body: '## Summary\n\nA bad deploy.' })
    expect(await outboxOf(t, a.id)).toEqual([])
    expect(await auditOf(t, 'postmortem.save')).toEqual([
      { actor_name: 'Kim editor', actor_email: editor.email },
    ])
    const after = await (await s.get(`/admin/incidents/${a.id}/postmortem?notice=saved`)).text()
    expect(after).toContain('Draft saved. Nothing is published yet.')
    expect(editorText(after)).toBe('## Summary\n\nA bad deploy.')
    expect(after).toContain('<span class="pill s-monitoring">Draft</span>')

    // Publish: what is in the editor now (edited since the draft), in one write, no email.
    t.clock.advance(DAY)
    s = await signIn(t, editor.email) // sessions end after 12 idle hours
    const published = await post(s, a.id, {
      body: '## Summary\n\nA bad deploy, caught late.',
      _action: 'publish',
    })
    expect(published.headers.get('location')).toBe(
      `/admin/incidents/${a.id}/postmortem?notice=published`,
    )
    expect((await t.api('GET', `/api/v1/incidents/${a.id}/postmortem`)).body).toMatchObject({
      status: 'published',
      body: '## Summary\n\nA bad deploy, caught late.',
      published_at: '2026-03-11T23:52:00.000Z',
    })
    expect(await outboxOf(t, a.id)).toEqual([
      {
        type: 'incident.postmortem_published',
        payload: { incident_id: a.id, deliver_notifications: false },
      },
    ])
    expect(await auditOf(t, 'postmortem.publish')).toEqual([
      { actor_name: 'Kim editor', actor_email: editor.email },
    ])
    const shown = await (await s.get(`/admin/incidents/${a.id}/postmortem`)).text()
    expect(shown).toContain('<span class="clock">Published on time</span>')
    expect(shown).toContain('>Save changes</button>')
    expect(shown).not.toContain('>Publish and notify</button>')

    // Editing a published one: re-published on the site, nobody emailed.
    const edited = await post(s, a.id, { body: '## Summary\n\nFixed wording.', _action: 'save' })
    expect(edited.headers.get('location')).toBe(
      `/admin/incidents/${a.id}/postmortem?notice=updated`,
    )
    expect((await outboxOf(t, a.id)).at(-1)).toEqual({
      type: 'incident.postmortem_updated',
      payload: { incident_id: a.id, deliver_notifications: false },
    })

    // Publish and notify, straight from the template with nothing saved before.
    const b = await outage(t)
    const text = editorText(await (await s.get(`/admin/incidents/${b.id}/postmortem`)).text())!
    const notified = await post(s, b.id, { body: text, _action: 'publish_notify' })
    expect(notified.headers.get('location')).toBe(
      `/admin/incidents/${b.id}/postmortem?notice=notified`,
    )
    expect(await outboxOf(t, b.id)).toEqual([
      {
        type: 'incident.postmortem_published',
        payload: { incident_id: b.id, deliver_notifications: true },
      },
    ])
    expect((await t.api('GET', `/api/v1/incidents/${b.id}/postmortem`)).body.body).toBe(text)
  })

  it('shows each refusal on the page with the text kept, and writes nothing', async () => {
    const t = await createTestApp(BERLIN)
    const open = await outage(t, { resolve: false })
    const { s } = await person(t, 'editor')
    await post(s, open.id, { body: 'The draft as saved.', _action: 'save' })
    const before = await dumpTables(t.deps.db)

    // An empty text: beside the field, 400.
    const empty = await post(s, open.id, { body: '   ', _action: 'save' })
    expect(empty.status).toBe(400)
    const emptyPage = await empty.text()
    expect(emptyPage).toMatch(/<span class="field-error" id="f-body-error">[^<]+<\/span>/)
    expect(emptyPage).toContain('nothing was saved')

    // Publishing an open incident: the service's 409, above the form, the typed text kept, and
    // the stored draft unchanged (the text and the publication are one write).
    const early = await post(s, open.id, { body: 'Typed, not saved.', _action: 'publish_notify' })
    expect(early.status).toBe(409)
    const earlyPage = await early.text()
    expect(earlyPage).toContain('<div class="alert" role="alert">')
    expect(earlyPage).toContain('Publish the post-mortem once the incident is resolved')
    expect(editorText(earlyPage)).toBe('Typed, not saved.')
    // An open incident's page offers no publish button at all.
    expect(earlyPage).not.toContain('>Publish and notify</button>')
    expect(earlyPage).toContain('You can publish once the incident is resolved')
    expect(await dumpTables(t.deps.db)).toEqual(before)

    // Published already: a second publish is refused the same way.
    await t.api('POST', `/api/v1/incidents/${open.id}/resolve`, { apology: 'Sorry.' })
    await post(s, open.id, { body: 'Final.', _action: 'publish' })
    const twice = await dumpTables(t.deps.db)
    const again = await post(s, open.id, { body: 'Final, again.', _action: 'publish' })
    expect(again.status).toBe(409)
    expect(await again.text()).toContain('This post-mortem is already published')
    expect(await dumpTables(t.deps.db)).toEqual(twice)

    // Preview: the typed text rendered, nothing written.
    const preview = await post(s, open.id, {
      body: '## Root cause\n\n<script>x</script>',
      _action: 'preview',
    })
    expect(preview.status).toBe(200)
    const previewPage = await preview.text()
    expect(previewPage).toMatch(/<div id="pm-preview-body" class="md">\s*<h3>Root cause<\/h3>/)
    expect(previewPage).toContain('&lt;script&gt;x&lt;/script&gt;')
    expect(previewPage).not.toContain('<script>x')
    expect(await dumpTables(t.deps.db)).toEqual(twice)
  })

  it('viewers read it without a form; a viewer’s or a CSRF-less post is refused; a double submit writes once', async () => {
    const t = await createTestApp(BERLIN)
    const { id } = await outage(t)
    const viewer = await person(t, 'viewer')
    const editor = await person(t, 'editor')
    const none = await (await viewer.s.get(`/admin/incidents/${id}/postmortem`)).text()
    expect(none).toContain('Nobody has started this post-mortem yet.')
    expect(none).not.toContain('<textarea')
    expect(none).not.toContain('method="post" action="/admin/incidents')

    const before = await dumpTables(t.deps.db)
    const refused = await post(viewer.s, id, { body: 'x', _action: 'publish' })
    expect(refused.status).toBe(403)
    const forged = await post(editor.s, id, { body: 'x', _action: 'publish', _csrf: 'nope' })
    expect(forged.status).toBe(403)
    const live = await editor.s.post(`/admin/incidents/${id}/postmortem/preview`, {
      body: '## Hi',
      _csrf: 'nope',
    })
    expect(live.status).toBe(403)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    // The same form twice (a double tap): one publication, the second answered like the first.
    const fields = { _idem: key(), body: '## Summary\n\nOnce.', _action: 'publish_notify' }
    const first = await editor.s.post(`/admin/incidents/${id}/postmortem`, fields)
    const second = await editor.s.post(`/admin/incidents/${id}/postmortem`, fields)
    expect(first.status).toBe(303)
    expect(second.status).toBe(303)
    expect(second.headers.get('location')).toBe(first.headers.get('location'))
    expect(await outboxOf(t, id)).toHaveLength(1)
    expect(await auditOf(t, 'postmortem.publish')).toHaveLength(1)

    const read = await (await viewer.s.get(`/admin/incidents/${id}/postmortem`)).text()
    expect(read).toContain('<h2 id="pm-doc-h">As published</h2>')
    expect(read).toMatch(/<h3>Summary<\/h3>\s*<p>Once.<\/p>/)
    expect(read).not.toContain('<textarea')

    // The live preview for an editor: the fragment alone, nothing written.
    const fragment = await editor.s.post(`/admin/incidents/${id}/postmortem/preview`, {
      body: '- one\n- two',
    })
    expect(fragment.status).toBe(200)
    const html = await fragment.text()
    expect(html).not.toContain('<html')
    expect(html).toContain('<li>one</li>')
  })

  it('the post-mortem clock: due, late, published late, not required', async () => {
    const t = await createTestApp(BERLIN)
    const { id } = await outage(t)
    const { person: editor } = await person(t, 'editor')
    // Sessions end after 12 idle hours: sign in again after each jump of the clock.
    const page = async (path: string) => (await (await signIn(t, editor.email)).get(path)).text()
    const clock = async () =>
      /<span class="clock( late)?">([^<]+)<\/span>/.exec(
        await page(`/admin/incidents/${id}/postmortem`),
      )
    t.clock.advance(2 * DAY + 3 * HOUR + 30 * MIN)
    expect((await clock())?.slice(1)).toEqual([undefined, 'Due in 2 d 20 h'])
    t.clock.advance(3 * DAY)
    expect((await clock())?.slice(1)).toEqual([' late', 'Late by 3 h 30 min'])
    await post(await signIn(t, editor.email), id, { body: 'Late but honest.', _action: 'publish' })
    expect((await clock())?.slice(1)).toEqual([' late', 'Published 3 h 30 min late'])
    expect(await page(`/admin/incidents/${id}/postmortem`)).toContain(
      '<dt>Due</dt><dd><time datetime="2026-03-15T23:52:00.000Z">16 Mar 2026, 00:52 CET</time>',
    )

    const minor = await outage(t, { impact: 'minor' })
    const m = await page(`/admin/incidents/${minor.id}/postmortem`)
    expect(m).toContain(
      '<span class="clock">Not required (minor impact: only major and critical)</span>',
    )
    expect(m).toContain('<dt>Due</dt><dd>No due date</dd>')
  })
})
