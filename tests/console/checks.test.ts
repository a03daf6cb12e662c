import { describe, expect, it } from 'vitest'
import { checkApp, createCheck, tick } from '../fixtures/checks.ts'
import { createPerson, signIn } from '../fixtures/console.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { flakyHttpServer } from '../fixtures/flaky-servers.ts'
import { auditCount, snapshot } from '../fixtures/people.ts'
import type { TestApp } from '../fixtures/test-app.ts'

/** A fresh idempotency key, as each rendered form carries. */
const idem = () => Math.random().toString(36).slice(2).padEnd(24, '0').slice(0, 24)

async function session(t: TestApp, role: 'viewer' | 'editor' | 'admin') {
  const p = await createPerson(t, { role, email: `${role}@example.com`, name: `Pat ${role}` })
  return signIn(t, p.email)
}

async function listChecks(t: TestApp) {
  const res = await t.api('GET', '/api/v1/checks')
  expect(res.status).toBe(200)
  return res.body as any[]
}

describe('adding checks from the console', () => {
  it('an admin adds an HTTP, a TCP and a heartbeat check through the form', async () => {
    const t = await checkApp()
    const api = await makeComponent(t, { name: 'Public API' })
    const s = await session(t, 'admin')

    const form = await (await s.get('/admin/checks?kind=tcp')).text()
    expect(form).toContain('<input type="hidden" name="kind" value="tcp">')
    expect(form).toMatch(/name="port"/)
    expect(form).not.toMatch(/name="url"/)

    const http = await s.post('/admin/checks', {
      _idem: idem(),
      kind: 'http',
      name: 'API health',
      url: 'http://127.0.0.1:8080/health',
      expected_status: '200',
      keyword: 'ok',
      timeout_ms: '2000',
      interval_seconds: '30',
      component_id: api.id,
      component_status: 'partial_outage',
      confirm_after: '2',
    })
    expect(http.status, await http.clone().text()).toBe(303)
    expect(http.headers.get('location')).toMatch(/^\/admin\/checks\/[^/?]+\?notice=added$/)

    const tcp = await s.post('/admin/checks', {
      _idem: idem(),
      kind: 'tcp',
      name: 'Database port',
      host: '127.0.0.1',
      port: '5432',
      component_id: api.id,
      component_status: 'major_outage',
      // Left empty: the API's defaults apply.
      interval_seconds: '',
      timeout_ms: '',
      confirm_after: '',
    })
    expect(tcp.status).toBe(303)

    const beat = await s.post('/admin/checks', {
      _idem: idem(),
      kind: 'heartbeat',
      name: 'Nightly billing export',
      interval_seconds: '86400',
      grace_seconds: '1800',
      component_id: api.id,
      component_status: 'degraded_performance',
    })
    // The ping URL is shown on this answer itself, once: not a redirect to a URL someone keeps.
    expect(beat.status).toBe(200)
    const page = await beat.text()
    const url = /<code class="secret">([^<]+)<\/code>/.exec(page)![1]!
    expect(url).toMatch(/^https?:\/\/[^/]+\/api\/v1\/heartbeats\/amdbeat_\w+$/)
    // A daily heartbeat gets a daily crontab line (cron has no "every 86400 s").
    expect(page).toContain(`0 3 * * * your-job &amp;&amp; curl -fsS -m 10 --retry 3 -X POST ${url}`)

    const order = ['http', 'tcp', 'heartbeat']
    const all = (await listChecks(t)).sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))
    expect(all).toMatchObject([
      {
        kind: 'http',
        name: 'API health',
        url: 'http://127.0.0.1:8080/health',
        expected_status: '200',
        keyword: 'ok',
        timeout_ms: 2000,
        interval_seconds: 30,
        confirm_after: 2,
        component_status: 'partial_outage',
      },
      { kind: 'tcp', host: '127.0.0.1', port: 5432, interval_seconds: 60, confirm_after: 3 },
      { kind: 'heartbeat', interval_seconds: 86400, grace_seconds: 1800, confirm_after: 1 },
    ])
    expect(all.every((c) => c.component_id === api.id)).toBe(true)
    expect(await auditCount(t, 'check.created')).toBe(3)
    // The token in the URL is the heartbeat's: a ping counts.
    const ping = await t.app.request(new URL(url).pathname, { method: 'POST' })
    expect(ping.status).toBe(200)

    // The list: each kind's target in words, waiting or up, and a heartbeat's period.
    const list = await (await s.get('/admin/checks')).text()
    expect(list).toContain('<code>http://127.0.0.1:8080/health</code>')
    expect(list).toContain('<code>127.0.0.1:5432</code>')
    expect(list).toContain('<td data-label="Target" class="target">pinged every 24 h</td>')
    expect(list).toContain('Waiting<span class="vh"> for a first result</span>')
    expect(list).toMatch(/<span class="pill s-check-up">Up<\/span>/)
    // The list never shows the token again.
    expect(list).not.toContain(url)

    // Lost or leaked: a new ping URL from the check's page, shown once; the old one stops.
    const beatId = all.find((c) => c.kind === 'heartbeat')!.id
    expect(await (await s.get(`/admin/checks/${beatId}`)).text()).toContain('New ping URL')
    const renew = { _idem: idem() }
    const again = await s.post(`/admin/checks/${beatId}/token`, renew)
    expect(again.status).toBe(200)
    const fresh = await again.text()
    expect(fresh).toContain('New ping URL for “Nightly billing export”: copy it now')
    const newUrl = /<code class="secret">([^<]+)<\/code>/.exec(fresh)![1]!
    expect(newUrl).not.toBe(url)
    expect((await t.app.request(new URL(url).pathname, { method: 'POST' })).status).toBe(404)
    expect((await t.app.request(new URL(newUrl).pathname, { method: 'POST' })).status).toBe(200)
    // Sent twice: one new URL, and no second secret on the page.
    const resent = await s.post(`/admin/checks/${beatId}/token`, renew)
    expect(resent.status).toBe(303)
    expect((await t.app.request(new URL(newUrl).pathname, { method: 'POST' })).status).toBe(200)
    expect(await auditCount(t, 'check.token_rotated')).toBe(1)
    // An HTTP check has no ping URL to renew, and its page offers none.
    const httpId = all.find((c) => c.kind === 'http')!.id
    expect(await (await s.get(`/admin/checks/${httpId}`)).text()).not.toContain('New ping URL')
  })

  it('refuses bad input beside its field, and creates nothing', async () => {
    const t = await checkApp()
    const api = await makeComponent(t)
    const s = await session(t, 'admin')
    const before = await snapshot(t)
    const base = { component_id: api.id, component_status: 'major_outage' }
    const bad: [Record<string, string>, string, RegExp][] = [
      [{ kind: 'http', name: 'Site', url: 'not a url' }, 'url', /./],
      [{ kind: 'http', name: '', url: 'https://example.com/' }, 'name', /Must not be empty/],
      [{ kind: 'http', name: 'Site' }, 'url', /Required/],
      [
        { kind: 'tcp', name: 'DB', host: 'db.example.com', port: '70000' },
        'port',
        /^At most 65535$/,
      ],
      [{ kind: 'tcp', name: 'DB', host: 'db.example.com', port: '0' }, 'port', /^At least 1$/],
      [{ kind: 'tcp', name: 'DB', host: 'db.example.com', port: 'eighty' }, 'port', /whole/],
      [
        { kind: 'http', name: 'Site', url: 'https://x.example/', expected_status: '299-200' },
        'expected_status',
        /low to high/,
      ],
      [
        { kind: 'heartbeat', name: 'Job', interval_seconds: '5' },
        'interval_seconds',
        /^At least \d+$/,
      ],
      [
        { kind: 'http', name: 'Site', url: 'https://x.example/', component_id: 'nope' },
        'component_id',
        /./,
      ],
    ]
    for (const [fields, field, message] of bad) {
      const res = await s.post('/admin/checks', { _idem: idem(), ...base, ...fields })
      const label = JSON.stringify(fields)
      expect([400, 422], label).toContain(res.status)
      const html = await res.text()
      expect(html, label).toContain('nothing was saved')
      const id = `f-${field}`
      expect(html, label).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true"`))
      const error = new RegExp(`id="${id}-error">([^<]*)<`).exec(html)
      expect(error?.[1], label).toMatch(message)
      // The form comes back as typed.
      if (fields.name) expect(html, label).toContain(`value="${fields.name}"`)
    }
    expect(await snapshot(t)).toEqual(before)
    expect(await listChecks(t)).toEqual([])
  })
})

describe('who may do what', () => {
  it('a viewer sees the list and a check, without forms, and gets 403 on every write', async () => {
    const t = await checkApp()
    const api = await makeComponent(t)
    const made = await createCheck(t, {
      kind: 'http',
      name: 'Site',
      url: 'https://example.com/',
      component_id: api.id,
    })
    const id = made.id as string
    const viewer = await session(t, 'viewer')
    const editor = await session(t, 'editor')
    const list = await viewer.get('/admin/checks')
    expect(list.status).toBe(200)
    const html = await list.text()
    expect(html).toContain(`href="/admin/checks/${id}"`)
    expect(html).toContain('<a href="/admin/checks" aria-current="page">Checks</a>')
    expect(html).not.toContain('Add a check')
    const page = await viewer.get(`/admin/checks/${id}`)
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain('<form method="post" action="/admin/checks/')
    const before = await snapshot(t)
    const body = { kind: 'http', name: 'X', url: 'https://example.com/', component_id: api.id }
    for (const s of [viewer, editor]) {
      for (const [path, fields] of [
        ['/admin/checks', body],
        [`/admin/checks/${id}`, { name: 'Renamed' }],
        [`/admin/checks/${id}/pause`, {}],
        [`/admin/checks/${id}/resume`, {}],
        [`/admin/checks/${id}/delete`, {}],
      ] as const) {
        const res = await s.post(path, { ...fields, _idem: idem() })
        expect(res.status, path).toBe(403)
      }
    }
    expect(await snapshot(t)).toEqual(before)
  })

  it('an unknown check is the console 404 page', async () => {
    const t = await checkApp()
    const s = await session(t, 'admin')
    for (const path of ['/admin/checks/nosuchcheck0000000000', '/admin/checks/%3Cscript%3E']) {
      const res = await s.get(path)
      expect(res.status, path).toBe(404)
      const html = await res.text()
      expect(html).toContain('<h1>Not found</h1>')
      expect(html).not.toContain('<script>')
    }
  })
})

describe('one check: results, pause, edit, delete', () => {
  it('shows the results of runs against a real server: strip, chart, table, uptime, draft', async () => {
    const t = await checkApp()
    const api = await makeComponent(t, { name: 'Public API' })
    const server = await flakyHttpServer('all systems go')
    const made = await createCheck(t, {
      kind: 'http',
      name: 'API health',
      url: server.url,
      keyword: 'all systems go',
      timeout_ms: 300,
      component_id: api.id,
      confirm_after: 2,
    })
    const id = made.id as string
    await tick(t)
    await tick(t)
    await server.set('error')
    await tick(t)
    const s = await session(t, 'admin')
    // One failure short of confirmation: not green, not down either.
    const early = await (await s.get('/admin/checks')).text()
    expect(early).toContain('<span class="pill s-check-failing">Failing</span>')
    expect(early).toMatch(/>1 of 2 failed</)
    expect(early).not.toContain('s-check-up')
    await tick(t)
    const html = await (await s.get(`/admin/checks/${id}`)).text()
    expect(html).toContain('<span class="pill s-check-down">Down</span>')
    expect(html).toContain('2 up, <strong class="late">2 down</strong> in the last 4 runs')
    expect(html.match(/<li class="up" title=/g)).toHaveLength(2)
    expect(html.match(/<li class="down" title=/g)).toHaveLength(2)
    // Uptime over both windows; the table's errors say why (escaped like any text).
    expect(html.match(/<span class="n">50\.00%<\/span>/g)).toHaveLength(2)
    expect(html).toContain('answered 500')
    expect(html).toMatch(/<td data-label="Response" class="num">\d+ ms<\/td>/)
    expect(html).toContain('<svg viewBox=')
    expect(html).toContain('Slowest response per hour')
    const drafts = (await t.api('GET', '/api/v1/drafts')).body as any[]
    expect(drafts).toHaveLength(1)
    expect(html).toContain(`<a href="/admin/drafts/${drafts[0].id}">a draft</a>`)

    // The list shows its state, last result and day's uptime.
    const list = await (await s.get('/admin/checks')).text()
    expect(list).toContain('<span class="pill s-check-down">Down</span>')
    expect(list).toMatch(/class="num">50\.00%<\/td>/)
  })

  it('pauses, resumes, edits and deletes, each once for a resent form', async () => {
    const t = await checkApp()
    const api = await makeComponent(t)
    const other = await makeComponent(t, { name: 'Website' })
    const made = await createCheck(t, {
      kind: 'tcp',
      name: 'Database port',
      host: 'db.example.com',
      port: 5432,
      component_id: api.id,
    })
    const id = made.id as string
    const s = await session(t, 'admin')
    const get = async () => (await t.api('GET', `/api/v1/checks/${id}`)).body

    const key = idem()
    const paused = await s.post(`/admin/checks/${id}/pause`, { _idem: key })
    expect(paused.headers.get('location')).toBe(`/admin/checks/${id}?notice=paused`)
    // The same form again (a double click): the same answer, nothing written.
    const again = await s.post(`/admin/checks/${id}/pause`, { _idem: key })
    expect(again.headers.get('location')).toBe(`/admin/checks/${id}?notice=paused`)
    expect(await auditCount(t, 'check.updated')).toBe(1)
    expect((await get()).enabled).toBe(false)
    const page = await (await s.get(`/admin/checks/${id}?notice=paused`)).text()
    expect(page).toContain('<span class="pill s-check-paused">Paused</span>')
    expect(page).toContain('Resume the check')

    expect((await s.post(`/admin/checks/${id}/resume`, { _idem: idem() })).status).toBe(303)
    expect((await get()).enabled).toBe(true)

    // The edit form starts from the stored settings; a bad port is refused beside it.
    expect(page).toMatch(/name="host" type="text" value="db.example.com"/)
    const fields = {
      name: 'Primary database',
      host: 'db2.example.com',
      port: '6432',
      interval_seconds: '120',
      timeout_ms: '5000',
      confirm_after: '4',
      component_id: other.id,
      component_status: 'partial_outage',
    }
    const before = await snapshot(t)
    const bad = await s.post(`/admin/checks/${id}`, { ...fields, port: '99999', _idem: idem() })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/id="f-port"[^>]*aria-invalid="true"/)
    expect(await snapshot(t)).toEqual(before)
    const saved = await s.post(`/admin/checks/${id}`, { ...fields, _idem: idem() })
    expect(saved.headers.get('location')).toBe(`/admin/checks/${id}?notice=saved`)
    expect(await get()).toMatchObject({
      name: 'Primary database',
      host: 'db2.example.com',
      port: 6432,
      interval_seconds: 120,
      timeout_ms: 5000,
      confirm_after: 4,
      component_id: other.id,
      component_status: 'partial_outage',
    })

    const del = await s.post(`/admin/checks/${id}/delete`, { _idem: idem() })
    expect(del.headers.get('location')).toBe('/admin/checks?notice=deleted')
    expect((await t.api('GET', `/api/v1/checks/${id}`)).status).toBe(404)
    // Deleted again (an older page): what was asked for holds.
    const twice = await s.post(`/admin/checks/${id}/delete`, { _idem: idem() })
    expect(twice.headers.get('location')).toBe('/admin/checks?notice=deleted')
    expect(await auditCount(t, 'check.deleted')).toBe(1)
    const empty = await (await s.get('/admin/checks?notice=deleted')).text()
    expect(empty).toContain('No checks yet.')
  })

  it('escapes what a check holds: its name, keyword and error text', async () => {
    const t = await checkApp()
    const api = await makeComponent(t)
    const hostile = '<img src=x onerror=alert(1)>'
    const made = await createCheck(t, {
      kind: 'http',
      name: hostile,
      url: 'http://127.0.0.1:1/',
      keyword: hostile,
      timeout_ms: 200,
      component_id: api.id,
    })
    await tick(t)
    const s = await session(t, 'admin')
    for (const path of ['/admin/checks', `/admin/checks/${made.id}`]) {
      const html = await (await s.get(path)).text()
      expect(html, path).not.toContain('<img src=x')
      expect(html, path).toContain('&lt;img src=x onerror=alert(1)&gt;')
    }
  })
})
