import { describe, expect, it } from 'vitest'
import { createPerson, signIn, type ConsoleSession } from '../fixtures/console.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { auditCount, snapshot } from '../fixtures/people.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

/** A fresh idempotency key, as each rendered form carries. */
const idem = () => Math.random().toString(36).slice(2).padEnd(24, '0').slice(0, 24)

async function session(t: TestApp, role: 'viewer' | 'editor' | 'admin') {
  const p = await createPerson(t, { role, email: `${role}@example.com`, name: `Pat ${role}` })
  return signIn(t, p.email)
}

/** A draft opened the way monitoring opens one: a generic alert naming the component. */
async function draftFromAlert(t: TestApp, component = 'Payments API') {
  const c = await makeComponent(t, { name: component })
  const res = await t.api('POST', '/api/v1/alerts/generic', {
    status: 'firing',
    component,
    severity: 'critical',
    summary: 'p99 latency 9s on payments-7f9',
    id: 'latency',
  })
  expect(res.status, JSON.stringify(res.body)).toBe(202)
  return { component: c, id: (res.body as { drafts: { id: string }[] }).drafts[0]!.id }
}

async function count(t: TestApp, table: 'incidents' | 'alert_rules') {
  const rs = await t.deps.db.execute(`SELECT COUNT(*) AS n FROM ${table}`)
  return Number(rs.rows[0]!.n)
}

async function draftState(t: TestApp, id: string) {
  const res = await t.api('GET', `/api/v1/drafts/${id}`)
  return res.body as { state: string; proposal: any; dismissed_reason: string | null }
}

const publish = (s: ConsoleSession, id: string, key = idem()) =>
  s.post(`/admin/drafts/${id}/publish`, { _idem: key })

describe('drafts on the Now page', () => {
  it('lists an open draft first, with its origin, age, signals and both actions', async () => {
    const t = await createTestApp()
    const { id } = await draftFromAlert(t)
    t.clock.advance(7 * 60_000)
    const s = await session(t, 'editor')
    const html = await (await s.get('/admin/')).text()
    expect(html).toContain(`<a href="/admin/drafts/${id}">Payments API</a>`)
    expect(html).toContain('From Generic webhook · first signal 7 min ago · 1 of 1 signal firing')
    expect(html).toContain(`action="/admin/drafts/${id}/publish"`)
    expect(html).toMatch(/>Publish as is<span class="vh">: Payments API<\/span>/)
    expect(html).toContain('Review<span class="vh"> Payments API</span>')
    // First: above the page status and the open incidents.
    expect(html.indexOf('id="drafts-h"')).toBeLessThan(html.indexOf('id="page-status-h"'))
    expect(html.indexOf('id="drafts-h"')).toBeLessThan(html.indexOf('id="open-h"'))
  })

  it('a viewer sees drafts without the publish button', async () => {
    const t = await createTestApp()
    const { id } = await draftFromAlert(t)
    const s = await session(t, 'viewer')
    const html = await (await s.get('/admin/')).text()
    expect(html).toContain(`href="/admin/drafts/${id}"`)
    expect(html).not.toContain(`/admin/drafts/${id}/publish`)
    const page = await (await s.get(`/admin/drafts/${id}`)).text()
    expect(page).toContain('On the status page')
    expect(page).not.toContain('<form method="post" action="/admin/drafts/')
  })

  it('a cleared draft says so; a published one whose alerts resolved asks to resolve the incident', async () => {
    const t = await createTestApp()
    const { id } = await draftFromAlert(t)
    const s = await session(t, 'editor')
    const resolved = { status: 'resolved', component: 'Payments API', id: 'latency' }
    const published = await publish(s, id)
    const incidentId = /\/admin\/incidents\/([^?]+)/.exec(published.headers.get('location')!)![1]
    expect((await t.api('POST', '/api/v1/alerts/generic', resolved)).status).toBe(202)
    const html = await (await s.get('/admin/')).text()
    expect(html).toContain('<span class="pill s-cleared">cleared</span>')
    expect(html).toContain('— resolve the incident?')
    expect(html).toContain(`href="/admin/incidents/${incidentId}#resolve"`)
  })
})

describe('publishing and dismissing from the console', () => {
  it('publishes once: a resent form and a second click make no second incident', async () => {
    const t = await createTestApp()
    const { id, component } = await draftFromAlert(t)
    const s = await session(t, 'editor')
    const key = idem()
    const first = await publish(s, id, key)
    expect(first.status).toBe(303)
    const location = first.headers.get('location')!
    expect(location).toMatch(/^\/admin\/incidents\/[^/]+\?notice=opened$/)
    expect(await count(t, 'incidents')).toBe(1)
    // The same form again (a double submit): the same answer, nothing written.
    const before = await snapshot(t)
    const again = await publish(s, id, key)
    expect(again.headers.get('location')).toBe(location)
    // Another click from a page rendered before: refused, in words, nothing written.
    const other = await publish(s, id)
    expect(other.status).toBe(409)
    expect(await other.text()).toContain('This draft is published')
    expect(await snapshot(t)).toEqual(before)
    const incident = await t.api('GET', location.split('?')[0]!.replace('/admin', '/api/v1'))
    expect(incident.body.components).toMatchObject([{ id: component.id, status: 'major_outage' }])
    expect((await draftState(t, id)).state).toBe('published')
  })

  it('dismissing needs a reason: without one the form says so and nothing changes', async () => {
    const t = await createTestApp()
    const { id } = await draftFromAlert(t)
    const s = await session(t, 'editor')
    const before = await snapshot(t)
    // Variants of "no reason": absent, empty, spaces, line breaks, tabs, wide spaces.
    const empties = [undefined, '', '   ', '\n\n', '\t', '\r\n ', '\u00a0\u3000']
    for (const reason of empties) {
      const fields: Record<string, string> = { _idem: idem() }
      if (reason !== undefined) fields.reason = reason
      const res = await s.post(`/admin/drafts/${id}/dismiss`, fields)
      expect(res.status, JSON.stringify(reason)).toBe(400)
      const html = await res.text()
      expect(html).toContain('nothing was saved')
      expect(html).toMatch(/id="f-dismiss-reason"[^>]*aria-invalid="true"/)
    }
    expect(await snapshot(t)).toEqual(before)
    expect(await auditCount(t, 'draft.dismissed')).toBe(0)

    const ok = await s.post(`/admin/drafts/${id}/dismiss`, { _idem: idem(), reason: 'Canary' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe(`/admin/drafts/${id}?notice=dismissed`)
    expect(await draftState(t, id)).toMatchObject({
      state: 'dismissed',
      dismissed_reason: 'Canary',
    })
    const page = await (await s.get(`/admin/drafts/${id}?notice=dismissed`)).text()
    expect(page).toContain('Draft dismissed')
    expect(page).toContain(': Canary</p>')
    expect(await count(t, 'incidents')).toBe(0)
  })

  it('edits the proposal through the same form as opening an incident', async () => {
    const t = await createTestApp()
    const { id, component } = await draftFromAlert(t)
    const s = await session(t, 'editor')
    const page = await (await s.get(`/admin/drafts/${id}`)).text()
    // The stored proposal, filled in and previewed as the status page would show it.
    expect(page).toContain('name="template" value="service-outage"')
    expect(page).toMatch(/name="vars.component" type="text" value="Payments API"/)
    expect(page).toContain('On the status page')
    expect(page).not.toContain('aria-label="Start from"')

    const fields = {
      template: 'service-outage',
      locale: 'en',
      'vars.component': 'Payments',
      [`components.${component.id}`]: 'partial_outage',
      status: 'identified',
      impact: 'major',
      notify: 'on',
      name: 'Card payments fail for some customers',
    }
    const preview = await s.post(`/admin/drafts/${id}`, { ...fields, _action: 'preview' })
    expect(preview.status).toBe(200)
    expect(await preview.text()).toContain('Card payments fail for some customers')
    expect((await draftState(t, id)).proposal.name).toBeUndefined()

    const saved = await s.post(`/admin/drafts/${id}`, { ...fields, _idem: idem() })
    expect(saved.status).toBe(303)
    expect((await draftState(t, id)).proposal).toMatchObject({
      name: 'Card payments fail for some customers',
      status: 'identified',
      components: { [component.id]: 'partial_outage' },
    })
    expect(await auditCount(t, 'draft.edited')).toBe(1)

    // A proposal the API would refuse is refused beside its field; nothing is saved.
    const before = await snapshot(t)
    const bad = await s.post(`/admin/drafts/${id}`, {
      ...fields,
      [`components.${component.id}`]: 'on_fire',
      _idem: idem(),
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('nothing was saved')
    expect(await snapshot(t)).toEqual(before)
  })
})

describe('who may do what, and forms from elsewhere', () => {
  it('a viewer gets 403 on every draft action; an editor on rules and tokens', async () => {
    const t = await createTestApp()
    const { id, component } = await draftFromAlert(t)
    const viewer = await session(t, 'viewer')
    const editor = await session(t, 'editor')
    const before = await snapshot(t)
    const rule = {
      match: 'service=payments',
      component_id: component.id,
      component_status: 'major_outage',
    }
    const attempts: [ConsoleSession, string, Record<string, string>][] = [
      [viewer, `/admin/drafts/${id}/publish`, {}],
      [viewer, `/admin/drafts/${id}/dismiss`, { reason: 'no' }],
      [viewer, `/admin/drafts/${id}`, { name: 'x' }],
      [viewer, '/admin/alert-rules', rule],
      [viewer, '/admin/alert-sources/generic/token', {}],
      [editor, '/admin/alert-rules', rule],
      [editor, '/admin/alert-sources/alertmanager/token', {}],
    ]
    for (const [s, path, fields] of attempts) {
      const res = await s.post(path, { ...fields, _idem: idem() })
      expect(res.status, path).toBe(403)
    }
    expect((await viewer.get('/admin/alert-rules')).status).toBe(403)
    expect(await snapshot(t)).toEqual(before)
    // The menu shows the rules page to admins only.
    expect(await (await editor.get('/admin/')).text()).not.toContain('/admin/alert-rules')
  })

  it('refuses a form without the session token or from another origin, writing nothing', async () => {
    const t = await createTestApp()
    const { id } = await draftFromAlert(t)
    const s = await session(t, 'admin')
    const before = await snapshot(t)
    const paths = [
      `/admin/drafts/${id}/publish`,
      `/admin/drafts/${id}/dismiss`,
      '/admin/alert-sources/grafana/token',
    ]
    for (const path of paths) {
      const noToken = await s.post(path, { _csrf: '', reason: 'x', _idem: idem() })
      expect(noToken.status, path).toBe(403)
      const foreign = await s.post(path, { reason: 'x' }, { origin: 'https://evil.example' })
      expect(foreign.status, path).toBe(403)
    }
    expect(await snapshot(t)).toEqual(before)
  })

  it('escapes what alerts say: 6 variants x 4 fields, none gets through as markup', async () => {
    const t = await createTestApp()
    const s = await session(t, 'editor')
    const hostile = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "'><svg onload=alert(1)>",
      '<a href="javascript:alert(1)">x</a>',
      '</td></tr></table><script>alert(2)</script>',
      '<iframe srcdoc="<script>alert(3)</script>">',
    ]
    const alerts = hostile.map((h, i) => ({
      status: 'firing',
      labels: { alertname: `A${i}`, [`k${i}${h}`.slice(0, 200)]: h, severity: h },
      annotations: { summary: h },
      fingerprint: `fp${i}`,
    }))
    const res = await t.api('POST', '/api/v1/alerts/alertmanager', { alerts })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const id = (res.body as { drafts: { id: string }[] }).drafts[0]!.id
    const pages = [
      await (await s.get(`/admin/drafts/${id}`)).text(),
      await (await s.get('/admin/')).text(),
    ]
    for (const html of pages) {
      expect(html).not.toMatch(/<(script|img|svg|iframe)[^>]*(alert|onerror|onload)/i)
      expect(html).not.toContain('<a href="javascript:')
    }
    // Shown, as text: label name, label value, summary and severity of every variant.
    const esc = (x: string) =>
      x
        .replaceAll('&', '&amp;')
        .replaceAll('<', '&lt;')
        .replaceAll('>', '&gt;')
        .replaceAll('"', '&quot;')
        .replaceAll("'", '&#39;')
    const page = pages[0]!
    for (const h of hostile) {
      expect(page.split(esc(h)).length - 1, h).toBeGreaterThanOrEqual(4)
    }
    expect(page).toContain('×1')
  })
})

describe('/admin/alert-rules', () => {
  it('adds, lists and deletes rules; a line without "=" is a form error', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Checkout' })
    const s = await session(t, 'admin')
    const bad = await s.post('/admin/alert-rules', {
      match: 'service payments',
      component_id: c.id,
      component_status: 'major_outage',
      _idem: idem(),
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Write each label as name=value')
    const none = await s.post('/admin/alert-rules', {
      match: '\n \n',
      component_id: c.id,
      component_status: 'major_outage',
      _idem: idem(),
    })
    expect(none.status).toBe(400)
    expect(await none.text()).toContain('Name at least one label')
    expect(await count(t, 'alert_rules')).toBe(0)

    const key = idem()
    const fields = {
      match: 'service=checkout\r\nenv = prod',
      source: 'alertmanager',
      component_id: c.id,
      component_status: 'partial_outage',
      auto_publish: 'on',
      _idem: key,
    }
    const added = await s.post('/admin/alert-rules', fields)
    expect(added.status).toBe(303)
    expect((await s.post('/admin/alert-rules', fields)).status).toBe(303)
    expect(await count(t, 'alert_rules')).toBe(1)
    const [rule] = (await t.api('GET', '/api/v1/alert-rules')).body as any[]
    expect(rule).toMatchObject({
      source: 'alertmanager',
      match: { service: 'checkout', env: 'prod' },
      component_status: 'partial_outage',
      auto_publish: true,
    })
    const html = await (await s.get('/admin/alert-rules?notice=added')).text()
    expect(html).toContain('Rule added')
    expect(html).toContain('<code>service=checkout</code>')
    expect(html).toContain('<strong>Automatic</strong>')
    expect(html).toContain('aria-current="page">Alert rules</a>')

    const gone = await s.post(`/admin/alert-rules/${rule.id}/delete`, { _idem: idem() })
    expect(gone.headers.get('location')).toBe('/admin/alert-rules?notice=deleted')
    expect(await count(t, 'alert_rules')).toBe(0)
    expect(await auditCount(t, 'alert_rule.deleted')).toBe(1)
    // Sent again (or deleted by someone else meanwhile): the rule is gone either way.
    const resent = await s.post(`/admin/alert-rules/${rule.id}/delete`, { _idem: idem() })
    expect(resent.headers.get('location')).toBe('/admin/alert-rules?notice=deleted')
    expect(await auditCount(t, 'alert_rule.deleted')).toBe(1)
  })

  it('rotates a source token: shown once with the URL and a config snippet; the old one stops', async () => {
    const t = await createTestApp()
    await makeComponent(t, { name: 'Search' })
    const s = await session(t, 'admin')
    const alert = { status: 'firing', component: 'Search' }
    const rotate = async () => {
      const res = await s.post('/admin/alert-sources/generic/token', { _idem: idem() })
      expect(res.status).toBe(200)
      const html = await res.text()
      return { html, token: /<code class="secret">(amdalert_[A-Za-z0-9]+)<\/code>/.exec(html)![1]! }
    }
    const first = await rotate()
    expect(first.html).toContain('https://status.example.com/api/v1/alerts/generic</code>')
    expect(first.html).toContain(`-H &#39;Authorization: Bearer ${first.token}&#39;`)
    const send = (token: string) =>
      t.api('POST', '/api/v1/alerts/generic', alert, { token }).then((r) => r.status)
    expect(await send(first.token)).toBe(202)
    const second = await rotate()
    expect(second.token).not.toBe(first.token)
    expect(await send(first.token)).toBe(401)
    expect(await send(second.token)).toBe(202)
    // Shown once: the rules page itself never shows it again.
    expect(await (await s.get('/admin/alert-rules')).text()).not.toContain(second.token)

    const am = await s.post('/admin/alert-sources/alertmanager/token', { _idem: idem() })
    const html = await am.text()
    expect(html).toContain('webhook_configs:')
    expect(html).toContain('send_resolved: true')
  })
})
