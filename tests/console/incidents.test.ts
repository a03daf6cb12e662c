import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { randomString } from '../../core/ids.ts'
import { str } from '../../db/rows.ts'
import { createPerson, inputValue, signIn, type ConsoleSession } from '../fixtures/console.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { addSubscriber, createMailWorld } from '../notifier/world.ts'

const key = () => randomString(24, 'abcdefghijklmnopqrstuvwxyz0123456789')

const count = async (t: TestApp) =>
  Number((await t.deps.db.execute('SELECT COUNT(*) AS n FROM incidents')).rows[0]!.n)

/** The message shown beside a field (forms.ts: `f-<name>-error`), or null. */
function errorBeside(page: string, name: string): string | null {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const m = new RegExp(`<span class="field-error" id="${id}-error">([^<]*)</span>`).exec(page)
  if (!m) return null
  // The field points at it, so a screen reader reads it with the field.
  expect(page).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="[^"]*${id}-error`))
  return m[1]!
}

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

/**
 * The email text in a preview (the `<pre class="mail">`), unescaped; the incident's id in links
 * as `ID` (a preview of a new incident plans a new id each time).
 */
function previewMail(page: string): string | null {
  const m = /<pre class="mail">([\s\S]*?)<\/pre>/.exec(page)
  return m ? sameIds(unescape(m[1]!)) : null
}
const sameIds = (s: string) => s.replace(/\/incidents\/[0-9a-z]{12}\//g, '/incidents/ID/')

async function editorSession(t: TestApp, role: 'editor' | 'admin' | 'viewer' = 'editor') {
  const p = await createPerson(t, { role, name: `Sam ${role}`, email: `sam.${role}@example.com` })
  return { person: p, s: await signIn(t, p.email) }
}

const openFields = (component: string, extra: Record<string, string> = {}) => ({
  _idem: key(),
  name: 'Checkout errors',
  status: 'investigating',
  impact: 'major',
  body: 'Some payments **fail**. We are looking into it.',
  [`components.${component}`]: 'major_outage',
  notify: 'on',
  ...extra,
})

async function open(s: ConsoleSession, fields: Record<string, string>): Promise<string> {
  const res = await s.post('/admin/incidents/new', fields)
  expect(res.status, await res.clone().text()).toBe(303)
  const m = /^\/admin\/incidents\/([0-9a-z]{12})\?notice=opened$/.exec(
    res.headers.get('location') ?? '',
  )
  expect(m, res.headers.get('location') ?? '').not.toBeNull()
  return m![1]!
}

describe('console: opening an incident', () => {
  it('opens one from scratch with the API’s service, attributed to the person', async () => {
    const t = await createTestApp()
    const { person, s } = await editorSession(t)
    const checkout = await makeComponent(t, { name: 'Checkout' })
    const form = await (await s.get('/admin/incidents/new')).text()
    expect(form).toContain('action="/admin/incidents/new"')
    expect(form).toContain(`name="components.${checkout.id}"`)
    expect(inputValue(form, '_idem')).toMatch(/^[a-z0-9]{24}$/)

    const id = await open(s, openFields(checkout.id, { workaround: 'Pay by invoice.' }))
    const got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got).toMatchObject({
      name: 'Checkout errors',
      impact: 'major',
      status: 'investigating',
      workaround: 'Pay by invoice.',
      components: [{ id: checkout.id, status: 'major_outage' }],
      playbook: null,
    })
    expect(got.incident_updates[0]).toMatchObject({ deliver_notifications: true })
    const audit = (
      await t.deps.db.execute(
        "SELECT actor_name, actor_email, actor_user_id FROM audit_log WHERE action = 'incident.create'",
      )
    ).rows
    expect(audit.map((r) => ({ ...r }))).toEqual([
      { actor_name: 'Sam editor', actor_email: person.email, actor_user_id: person.id },
    ])
    const page = await (await s.get(`/admin/incidents/${id}?notice=opened`)).text()
    expect(page).toContain('The incident is open and published.')
    expect(page).toContain('<strong>fail</strong>')
    // Not emailed when the box is unticked.
    const quiet = await open(s, { ...openFields(checkout.id), notify: '' })
    const q = (await t.api('GET', `/api/v1/incidents/${quiet}`)).body
    expect(q.incident_updates[0].deliver_notifications).toBe(false)
  })

  it('shows each problem beside its field with 400, and writes nothing', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    const checkout = await makeComponent(t, { name: 'Checkout' })
    const before = await dumpTables(t.deps.db)
    const cases: { fields: Record<string, string>; field: string; message: RegExp }[] = [
      { fields: { name: '' }, field: 'name', message: /^Required$/ },
      { fields: { body: '   ' }, field: 'body', message: /^Required$/ },
      { fields: { impact: '' }, field: 'impact', message: /^Required$/ },
      { fields: { impact: 'huge' }, field: 'impact', message: /./ },
      { fields: { name: 'a\u0000b' }, field: 'name', message: /./ },
      { fields: { name: 'x'.repeat(201) }, field: 'name', message: /200/ },
      {
        fields: { [`components.${checkout.id}`]: 'on_fire' },
        field: `components.${checkout.id}`,
        message: /./,
      },
      { fields: { template: 'database-outage' }, field: 'vars.component', message: /^Required/ },
    ]
    for (const c of cases) {
      const fields = { ...openFields(checkout.id), ...c.fields }
      if (c.fields.template) {
        delete (fields as Record<string, string>)[`components.${checkout.id}`]
        delete (fields as Record<string, string>).name
        delete (fields as Record<string, string>).body
      }
      const res = await s.post('/admin/incidents/new', fields)
      const page = await res.text()
      expect(res.status, JSON.stringify(c.fields)).toBe(400)
      expect(errorBeside(page, c.field), `${JSON.stringify(c.fields)}\n${page}`).toMatch(c.message)
      expect(page).toContain('nothing was saved')
      // What was typed is kept.
      if (c.fields.name === '') expect(page).toContain('Some payments **fail**')
    }
    // An unknown component id is the service's refusal, shown the same way.
    const ghost = await s.post('/admin/incidents/new', {
      ...openFields(checkout.id),
      'components.zzzzzzzzzzzz': 'major_outage',
    })
    expect(ghost.status).toBe(400)
    expect(await ghost.text()).toContain('No component with this id')
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('writes once when the same form is sent twice (its idempotency key)', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    const c = await makeComponent(t)
    const fields = openFields(c.id)
    const first = await s.post('/admin/incidents/new', fields)
    const second = await s.post('/admin/incidents/new', fields)
    expect(first.status).toBe(303)
    expect(second.status).toBe(303)
    expect(second.headers.get('location')).toBe(first.headers.get('location'))
    expect(await count(t)).toBe(1)
    // A fresh form (a new key) is a new incident.
    await open(s, { ...fields, _idem: key() })
    expect(await count(t)).toBe(2)
  })

  it('opens one from a playbook: its variables as fields, vars.component from the components, a preview that writes nothing', async () => {
    const w = await createMailWorld()
    const { t } = w
    const { s } = await editorSession(t)
    const checkout = await makeComponent(t, { name: 'Checkout' })
    const payments = await makeComponent(t, { name: 'Payments API' })
    await addSubscriber(t.deps.db, { email: 'ops@acme.example' })

    const form = await (await s.get('/admin/incidents/new?playbook=database-outage')).text()
    expect(form).toContain('<input type="hidden" name="template" value="database-outage">')
    for (const v of ['component', 'region', 'workaround', 'eta', 'next_update'])
      expect(form).toContain(`name="vars.${v}"`)
    expect(form).toContain('data-preview="/admin/incidents/new/preview"')

    const fields = {
      _idem: key(),
      template: 'database-outage',
      locale: 'en',
      'vars.region': 'EU (Frankfurt)',
      'vars.workaround': 'place urgent orders by phone',
      [`components.${checkout.id}`]: 'major_outage',
      [`components.${payments.id}`]: 'partial_outage',
      status: 'investigating',
      impact: 'major',
      notify: 'on',
    }
    const before = await dumpTables(t.deps.db)
    const previewed = await s.post('/admin/incidents/new', { ...fields, _action: 'preview' })
    expect(previewed.status).toBe(200)
    const page = await previewed.text()
    expect(page).toContain('Checkout and Payments API unavailable in EU (Frankfurt)')
    expect(page).toContain('“Checkout and Payments API”, the affected components')
    expect(page).toContain(
      'Subject:</strong> [Example Status] Investigating: Checkout and Payments API unavailable',
    )
    // The form comes back as typed, ready to publish.
    expect(page).toContain('value="place urgent orders by phone"')
    // The live preview: the same fragment from its own endpoint (CSRF-checked, writes nothing).
    const live = await s.post('/admin/incidents/new/preview', fields)
    expect(live.status).toBe(200)
    const fragment = await live.text()
    expect(fragment).not.toContain('<html')
    expect(previewMail(fragment)).toBe(previewMail(page))
    expect((await s.post('/admin/incidents/new/preview', { ...fields, _csrf: 'x' })).status).toBe(
      403,
    )
    const incomplete = await s.post('/admin/incidents/new/preview', {
      ...fields,
      [`components.${checkout.id}`]: '',
      [`components.${payments.id}`]: '',
    })
    expect(await incomplete.text()).toMatch(/Component: Required/)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const id = await open(s, fields)
    const got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got.name).toBe('Checkout and Payments API unavailable in EU (Frankfurt)')
    expect(got.playbook).toEqual({
      id: 'database-outage',
      locale: 'en',
      vars: {
        component: 'Checkout and Payments API',
        region: 'EU (Frankfurt)',
        workaround: 'place urgent orders by phone',
      },
    })
    // The preview said what the email says: the same text, up to the personal footer.
    await w.settle()
    const mail = await simpleParser(w.sink.messages.at(-1)!.raw)
    expect(mail.subject).toBe(
      '[Example Status] Investigating: Checkout and Payments API unavailable in EU (Frankfurt)',
    )
    const body = (text: string) => text.split('\n--\n')[0]!.trim()
    expect(body(previewMail(page)!)).toBe(body(sameIds(mail.text!)))
    expect(body(mail.text!)).toContain('What you can do meanwhile:')
  })
})

describe('console: what people write is shown as text', () => {
  const PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '"><svg onload=alert(1)>',
    '[click](javascript:alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    "'><iframe src=//evil.example>",
  ]
  const FIELDS = ['name', 'body', 'workaround'] as const
  /** Markup that would mean a payload became HTML. */
  const LIVE = /<script>alert|<img src=x|<svg|<iframe|href="javascript:|onerror=alert\(1\)>/i

  it(`escapes ${PAYLOADS.length} payloads x ${FIELDS.length} fields on every incident page and preview`, async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    const c = await makeComponent(t, { name: 'Checkout' })
    let through = 0
    for (const payload of PAYLOADS) {
      for (const field of FIELDS) {
        const fields = { ...openFields(c.id), [field]: `Text ${payload} text` }
        const preview = await s.post('/admin/incidents/new/preview', fields)
        const id = await open(s, fields)
        const pages = [
          await preview.text(),
          await (await s.get(`/admin/incidents/${id}`)).text(),
          await (await s.get('/admin/')).text(),
          await (await s.get('/admin/incidents')).text(),
        ]
        through += pages.filter((p) => LIVE.test(p)).length
      }
    }
    expect(through, 'pages where a payload became markup').toBe(0)
  })
})

describe('console: during an incident', () => {
  it('posts an update, corrects its text, edits the name, all audited as the person', async () => {
    const t = await createTestApp()
    const { person, s } = await editorSession(t)
    const api = await makeComponent(t, { name: 'Public API' })
    const hooks = await makeComponent(t, { name: 'Webhooks' })
    const id = await open(s, openFields(api.id, { name: 'API errors' }))
    const page = await (await s.get(`/admin/incidents/${id}`)).text()
    expect(page).toContain(`action="/admin/incidents/${id}/updates"`)

    const posted = await s.post(`/admin/incidents/${id}/updates`, {
      _idem: key(),
      status: 'identified',
      body: 'A bad deploy; rolling back.',
      [`components.${api.id}`]: 'partial_outage',
      [`components.${hooks.id}`]: 'degraded_performance',
      workaround: 'Retry after a second.',
      notify: 'on',
    })
    expect(posted.status).toBe(303)
    expect(posted.headers.get('location')).toBe(`/admin/incidents/${id}?notice=updated`)
    let got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got.status).toBe('identified')
    expect(got.workaround).toBe('Retry after a second.')
    expect(Object.fromEntries(got.components.map((c: any) => [c.id, c.status]))).toEqual({
      [api.id]: 'partial_outage',
      [hooks.id]: 'degraded_performance',
    })

    // Unchanged components and an unchanged workaround are left out: no noise in the timeline.
    // Sent twice (a double tap, a resend), the same form posts one update.
    const again = {
      _idem: key(),
      status: 'monitoring',
      body: 'Rolled back; watching.',
      [`components.${api.id}`]: 'partial_outage',
      workaround: 'Retry after a second.',
    }
    for (let n = 0; n < 2; n++) {
      const res = await s.post(`/admin/incidents/${id}/updates`, again)
      expect(res.headers.get('location')).toBe(`/admin/incidents/${id}?notice=updated`)
    }
    got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got.incident_updates).toHaveLength(3)
    expect(got.incident_updates[0].affected_components).toBeNull()
    expect(got.incident_updates[0].deliver_notifications).toBe(false)

    const update = got.incident_updates[0].id
    const fixed = await s.post(`/admin/incidents/${id}/updates/${update}/text`, {
      _idem: key(),
      body: 'Rolled back; watching closely.',
    })
    expect(fixed.headers.get('location')).toBe(`/admin/incidents/${id}?notice=corrected`)
    const edited = await s.post(`/admin/incidents/${id}/edit`, {
      _idem: key(),
      name: 'Public API errors',
      impact: 'major',
    })
    expect(edited.status).toBe(303)
    got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got.name).toBe('Public API errors')
    expect(got.incident_updates[0].body).toBe('Rolled back; watching closely.')

    const audit = (
      await t.deps.db.execute({
        sql: 'SELECT action, actor_email, details FROM audit_log WHERE target_id = ? ORDER BY id',
        args: [id],
      })
    ).rows
    expect(audit.map((r) => r.action)).toEqual([
      'incident.create',
      'incident.update',
      'incident.update',
      'incident.update_edit',
      'incident.edit',
    ])
    expect(new Set(audit.map((r) => r.actor_email))).toEqual(new Set([person.email]))
    // The edit names only what changed, with what it was before.
    expect(JSON.parse(str(audit[4]!, 'details'))).toEqual({
      name: 'Public API errors',
      previous: { name: 'API errors' },
    })
    expect(JSON.parse(str(audit[3]!, 'details')).previous).toEqual({
      body: 'Rolled back; watching.',
    })

    // Errors stay beside their form's fields, nothing written.
    const before = await dumpTables(t.deps.db)
    const empty = await s.post(`/admin/incidents/${id}/updates`, {
      _idem: key(),
      status: 'identified',
      body: '',
    })
    expect(empty.status).toBe(400)
    expect(errorBeside(await empty.text(), 'update-body')).toBe('Required')
    const blankText = await s.post(`/admin/incidents/${id}/updates/${update}/text`, {
      _idem: key(),
      body: ' ',
    })
    expect(blankText.status).toBe(400)
    const same = await s.post(`/admin/incidents/${id}/edit`, {
      _idem: key(),
      name: 'Public API errors',
      impact: 'major',
    })
    expect(same.status).toBe(400)
    expect(await same.text()).toContain('Give at least one field to change')
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('asks for the apology when resolving a major incident, prefilled from the playbook; reopens', async () => {
    const t = await createTestApp()
    const { person, s } = await editorSession(t)
    const checkout = await makeComponent(t, { name: 'Checkout' })
    const id = await open(s, {
      _idem: key(),
      template: 'database-outage',
      [`components.${checkout.id}`]: 'major_outage',
      status: 'investigating',
      impact: 'major',
      notify: 'on',
    })
    t.clock.advance(47 * 60_000)
    const page = await (await s.get(`/admin/incidents/${id}`)).text()
    expect(page).toContain('name="apology"')
    expect(page).toContain('Checkout was unavailable for 47 minutes')
    expect(page).toContain('This incident is resolved: Checkout has been working normally')

    const before = await dumpTables(t.deps.db)
    const missing = await s.post(`/admin/incidents/${id}/resolve`, {
      _idem: key(),
      body: 'Fixed.',
      apology: '  ',
      notify: 'on',
    })
    expect(missing.status).toBe(400)
    expect(errorBeside(await missing.text(), 'resolve-apology')).toMatch(
      /^Required for a major incident/,
    )
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const resolved = await s.post(`/admin/incidents/${id}/resolve`, {
      _idem: key(),
      body: 'Fixed.',
      apology: 'We are sorry: checkout failed for 47 minutes.',
      notify: 'on',
    })
    expect(resolved.headers.get('location')).toBe(`/admin/incidents/${id}?notice=resolved`)
    let got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got).toMatchObject({
      status: 'resolved',
      apology: 'We are sorry: checkout failed for 47 minutes.',
    })
    expect(got.components[0].status).toBe('major_outage')

    // Resolved: the page offers reopening, and a stale update form gets a 409, nothing written.
    const after = await (await s.get(`/admin/incidents/${id}`)).text()
    expect(after).toContain(`action="/admin/incidents/${id}/reopen"`)
    expect(after).not.toContain(`action="/admin/incidents/${id}/updates"`)
    const stable = await dumpTables(t.deps.db)
    for (const path of ['updates', 'resolve']) {
      const stale = await s.post(`/admin/incidents/${id}/${path}`, {
        _idem: key(),
        status: 'identified',
        body: 'Late news.',
        apology: 'Sorry.',
      })
      expect(stale.status, path).toBe(409)
      const text = await stale.text()
      expect(text).toContain('role="alert"')
      expect(text).toContain('reopen it to post an update')
    }
    expect(await dumpTables(t.deps.db)).toEqual(stable)

    const reopened = await s.post(`/admin/incidents/${id}/reopen`, {
      _idem: key(),
      status: 'identified',
      body: 'Errors are back.',
      notify: 'on',
    })
    expect(reopened.headers.get('location')).toBe(`/admin/incidents/${id}?notice=reopened`)
    got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got.status).toBe('identified')
    const stillOpen = await s.post(`/admin/incidents/${id}/reopen`, {
      _idem: key(),
      status: 'identified',
      body: 'Again?',
    })
    expect(stillOpen.status).toBe(409)
    const emails = (
      await t.deps.db.execute({
        sql: 'SELECT DISTINCT actor_email FROM audit_log WHERE target_id = ?',
        args: [id],
      })
    ).rows.map((r) => r.actor_email)
    expect(emails).toEqual([person.email])
  })

  it('a minor incident resolves without an apology field', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    const c = await makeComponent(t)
    const id = await open(s, openFields(c.id, { impact: 'minor' }))
    const page = await (await s.get(`/admin/incidents/${id}`)).text()
    expect(page).not.toContain('name="apology"')
    const res = await s.post(`/admin/incidents/${id}/resolve`, {
      _idem: key(),
      body: 'Fixed.',
    })
    expect(res.status).toBe(303)
  })

  it('previews an update without writing it', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    const c = await makeComponent(t, { name: 'Login' })
    const id = await open(s, openFields(c.id, { name: 'Login failures' }))
    const before = await dumpTables(t.deps.db)
    const fields = { _form: 'update', status: 'monitoring', body: 'A fix is out.', notify: 'on' }
    const res = await s.post(`/admin/incidents/${id}/updates`, { ...fields, _action: 'preview' })
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(previewMail(page)).toContain('Status: Monitoring · Major impact')
    expect(previewMail(page)).toContain('A fix is out.')
    const live = await (await s.post(`/admin/incidents/${id}/preview`, fields)).text()
    expect(previewMail(live)).toBe(previewMail(page))
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })
})

describe('console: who may do what', () => {
  it('a viewer sees every page without a single write form, and a write is 403', async () => {
    const t = await createTestApp()
    const { s: editor } = await editorSession(t)
    const { s } = await editorSession(t, 'viewer')
    const c = await makeComponent(t, { name: 'Checkout' })
    const id = await open(editor, openFields(c.id))
    const writeForm = /<form method="post" action="\/admin\/(?!sign-out)/
    for (const path of ['/admin/', '/admin/incidents', `/admin/incidents/${id}`]) {
      const res = await s.get(path)
      expect(res.status, path).toBe(200)
      const page = await res.text()
      expect(page, path).not.toMatch(writeForm)
      expect(page, path).not.toContain('Open an incident</a>')
    }
    expect(await (await s.get(`/admin/incidents/${id}`)).text()).toContain('Checkout errors')
    expect((await s.get('/admin/incidents/new')).status).toBe(403)
    const before = await dumpTables(t.deps.db)
    for (const [path, fields] of [
      ['/admin/incidents/new', openFields(c.id)],
      ['/admin/incidents/new/preview', openFields(c.id)],
      [`/admin/incidents/${id}/updates`, { status: 'identified', body: 'x' }],
      [`/admin/incidents/${id}/resolve`, { body: 'x' }],
      [`/admin/incidents/${id}/edit`, { name: 'x' }],
    ] as const) {
      expect((await s.post(path, fields)).status, path).toBe(403)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('refuses a post without the CSRF token or from another origin, writing nothing', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    const c = await makeComponent(t)
    const id = await open(s, openFields(c.id))
    const before = await dumpTables(t.deps.db)
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      ['/admin/incidents/new', { ...openFields(c.id), _csrf: '' }, {}],
      [`/admin/incidents/${id}/updates`, { _csrf: '', status: 'identified', body: 'x' }, {}],
      [`/admin/incidents/${id}/resolve`, { body: 'x' }, { origin: 'https://evil.example' }],
      [`/admin/incidents/${id}/edit`, { _csrf: s.csrf.slice(1) + 'x', name: 'x' }, {}],
    ]
    for (const [path, fields, headers] of attempts) {
      expect((await s.post(path, fields, headers)).status, path).toBe(403)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('without a session, pages send to sign-in and posts are refused', async () => {
    const t = await createTestApp()
    for (const path of ['/admin/', '/admin/incidents', '/admin/incidents/new']) {
      const res = await t.app.request(path)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toMatch(/^\/admin\/sign-in\?next=/)
    }
  })
})

describe('console: Now and the incidents list', () => {
  it('puts the most overdue update first, with the page status, maintenance and reports', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    const api = await makeComponent(t, { name: 'Public API' })
    const hooks = await makeComponent(t, { name: 'Webhooks' })
    await makeIncident(t, { name: 'API errors', components: { [api.id]: 'partial_outage' } })
    t.clock.advance(46 * 60_000)
    await open(s, openFields(hooks.id, { name: 'Slow webhooks', impact: 'minor' }))
    // An hour and 30 s after the first one's update: it is late, the other is not.
    t.clock.advance(14 * 60_000 + 30_000)
    await makeMaintenance(t, { name: 'Database upgrade' })
    const report = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: 'Checkout shows <b>error 503</b> for me', email: 'ann@acme.example' },
      { token: null },
    )
    expect(report.status).toBe(202)

    const res = await s.get('/admin/')
    expect(res.status).toBe(200)
    const page = await res.text()
    // The page status as the public page rolls it up: a major and a partial outage.
    expect(page).toContain('Partial System Outage')
    const late = page.indexOf('Update overdue by 1 min')
    const soon = page.indexOf('Next update due in 45 min')
    expect(late).toBeGreaterThan(0)
    expect(soon).toBeGreaterThan(late)
    expect(page.indexOf('API errors')).toBeLessThan(page.indexOf('Slow webhooks'))
    expect(page).toContain('Open an incident</a>')
    expect(page).toContain('Database upgrade')
    expect(page).toMatch(/Starts in 1 h/)
    expect(page).toContain('Checkout shows &lt;b&gt;error 503&lt;/b&gt; for me')
    expect(page).not.toContain('ann@acme.example')
  })

  it('lists open incidents first, then resolved ones a page at a time', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t, 'viewer')
    for (let i = 0; i < 22; i++) {
      const inc = await makeIncident(t, { name: `Old incident ${i}`, impact: 'minor' })
      await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
      t.clock.advance(60_000)
    }
    await makeIncident(t, { name: 'Still open' })
    const first = await (await s.get('/admin/incidents')).text()
    expect(first.indexOf('Still open')).toBeLessThan(first.indexOf('Old incident 21'))
    expect(first).toContain('Resolved <span class="count">(22)</span>')
    expect(first).toContain('Page 1 of 2')
    expect(first).toContain('href="/admin/incidents?page=2"')
    expect(first).not.toContain('Old incident 1<')
    const second = await (await s.get('/admin/incidents?page=2')).text()
    expect(second).toContain('Old incident 1<')
    expect(second).toContain('Old incident 0<')
    expect(second).toContain('Still open')
    expect((await s.get('/admin/incidents?page=abc')).status).toBe(200)
  })

  it('answers a console 404 for an unknown or malformed incident', async () => {
    const t = await createTestApp()
    const { s } = await editorSession(t)
    for (const id of ['zzzzzzzzzzzz', 'nope', '..%2F']) {
      const res = await s.get(`/admin/incidents/${id}`)
      expect(res.status, id).toBe(404)
      expect(await res.text()).toContain('<h1>Not found</h1>')
    }
  })
})
