import { describe, expect, it } from 'vitest'
import { makeComponent, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { createPerson, ORIGIN, signIn, type ConsoleSession } from '../fixtures/console.ts'

const ZONE = 'Europe/Berlin'
// 10 Mar 2026, 13:00 in Berlin (CET, UTC+1): 18 days before clocks go forward.
const app = () => createTestApp({ env: { TIME_ZONE: ZONE } })

async function editor(t: TestApp, email = 'ed@example.com'): Promise<ConsoleSession> {
  await createPerson(t, { role: 'editor', email, name: 'Eddie Editor' })
  return signIn(t, email)
}

const maintenances = async (t: TestApp) =>
  (await t.api('GET', '/api/v1/maintenances?per_page=100')).body as any[]

const auditCount = async (t: TestApp) =>
  Number((await t.deps.db.execute('SELECT count(*) AS n FROM audit_log')).rows[0]!.n)

const idem = (n: number) => String(n).padStart(24, 'k')

/** A window a week ahead (no short notice), as the form sends it. */
const schedule = (over: Record<string, string | string[]> = {}) => ({
  name: 'Database upgrade',
  scheduled_for: '2026-03-17T22:00',
  scheduled_until: '2026-03-18T01:00',
  body: 'Payments may be refused for up to five minutes.',
  deliver_notifications: 'on',
  auto_transition: 'on',
  ...over,
})

const idOf = (location: string | null) =>
  /\/admin\/maintenance\/([0-9a-z]{12})/.exec(location ?? '')![1]!

async function auditRows(t: TestApp, targetId: string) {
  return (
    await t.deps.db.execute({
      sql: 'SELECT action, actor_name, actor_email, actor_user_id, details FROM audit_log WHERE target_id = ? ORDER BY id',
      args: [targetId],
    })
  ).rows.map((r: any) => ({ ...r, details: r.details ? JSON.parse(String(r.details)) : null }))
}

describe('console: maintenance', () => {
  it('schedules a window entered in the page zone, attributed to the person', async () => {
    const t = await app()
    const api = await makeComponent(t, { name: 'API' })
    const s = await editor(t)
    const form = await (await s.get('/admin/maintenance/new')).text()
    expect(form).toContain('type="datetime-local"')
    expect(form).toContain('In Europe/Berlin time (CET now)')
    const res = await s.post('/admin/maintenance/new', schedule({ components: [api.id] }))
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toMatch(
      /^\/admin\/maintenance\/[0-9a-z]{12}\?notice=scheduled$/,
    )
    const id = idOf(res.headers.get('location'))
    const m = (await t.api('GET', `/api/v1/maintenances/${id}`)).body
    expect(m).toMatchObject({
      name: 'Database upgrade',
      status: 'scheduled',
      scheduled_for: '2026-03-17T21:00:00.000Z',
      scheduled_until: '2026-03-18T00:00:00.000Z',
      short_notice: false,
      auto_transition: true,
      components: [{ id: api.id, name: 'API' }],
    })
    expect(m.incident_updates[0].deliver_notifications).toBe(true)
    const page = await (await s.get(res.headers.get('location')!)).text()
    expect(page).toContain('Maintenance scheduled.')
    expect(page).toContain('17 Mar 2026, 22:00 CET – 18 Mar 2026, 01:00 CET')
    expect(page).toContain('starts in 7 d 9 h')
    const [row] = await auditRows(t, id)
    expect(row).toMatchObject({
      action: 'maintenance.schedule',
      actor_name: 'Eddie Editor',
      actor_email: 'ed@example.com',
    })
    expect(row!.actor_user_id).toMatch(/^[0-9a-z]{12}$/)
  })

  it('converts a window entered across the spring DST change, and refuses the skipped hour', async () => {
    const t = await createTestApp({ now: '2026-03-20T12:00:00.000Z', env: { TIME_ZONE: ZONE } })
    const s = await editor(t)
    // 22:00 CET on the 28th to 04:00 CEST on the 29th is five hours, not six.
    const res = await s.post(
      '/admin/maintenance/new',
      schedule({ scheduled_for: '2026-03-28T22:00', scheduled_until: '2026-03-29T04:00' }),
    )
    expect(res.status).toBe(303)
    const id = idOf(res.headers.get('location'))
    const m = (await t.api('GET', `/api/v1/maintenances/${id}`)).body
    expect([m.scheduled_for, m.scheduled_until]).toEqual([
      '2026-03-28T21:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ])
    const page = await (await s.get(`/admin/maintenance/${id}`)).text()
    expect(page).toContain('28 Mar 2026, 22:00 CET – 29 Mar 2026, 04:00 CEST (5 h)')
    // The edit form shows the same wall-clock times back.
    expect(page).toContain('value="2026-03-28T22:00"')
    expect(page).toContain('value="2026-03-29T04:00"')

    // 02:30 does not exist on the 29th in Berlin: said beside the field, nothing written.
    const gap = await s.post(
      '/admin/maintenance/new',
      schedule({ scheduled_for: '2026-03-29T02:30', scheduled_until: '2026-03-29T05:00' }),
    )
    expect(gap.status).toBe(400)
    const text = await gap.text()
    expect(text).toMatch(
      /id="f-scheduled_for-error">There is no 02:30 on 2026-03-29 in Europe\/Berlin: the clocks go forward an hour. Did you mean 2026-03-29 03:30\?/,
    )
    expect(await maintenances(t)).toHaveLength(1)

    // Autumn: 02:30 on 25 Oct happens twice; it is read as the first (CEST) and shown so.
    const autumn = await s.post(
      '/admin/maintenance/new',
      schedule({ scheduled_for: '2026-10-25T02:30', scheduled_until: '2026-10-25T03:30' }),
    )
    const a = (await t.api('GET', `/api/v1/maintenances/${idOf(autumn.headers.get('location'))}`))
      .body
    expect(a.scheduled_for).toBe('2026-10-25T00:30:00.000Z')
    expect(a.scheduled_until).toBe('2026-10-25T02:30:00.000Z')
  })

  it('warns about short notice before saving, and saves only once confirmed for that start', async () => {
    const t = await app()
    const s = await editor(t)
    const before = await auditCount(t)
    const soon = schedule({
      scheduled_for: '2026-03-10T15:00',
      scheduled_until: '2026-03-10T16:00',
    })
    const first = await s.post('/admin/maintenance/new', { ...soon, _idem: idem(1) })
    expect(first.status).toBe(200)
    const page = await first.text()
    expect(page).toContain('Short notice: this starts in 2 h')
    expect(page).toContain('customers are told at least 72 h ahead as a rule')
    expect(page).toContain('Nothing is saved yet.')
    expect(page).toContain('at 10 Mar 2026, 15:00 CET.')
    expect(page).toMatch(
      /<button type="submit" name="short_notice_ok" value="2026-03-10T14:00:00.000Z">Schedule anyway<\/button>/,
    )
    // The form keeps what was typed.
    expect(page).toContain('value="2026-03-10T15:00"')
    expect(page).toContain('Payments may be refused for up to five minutes.</textarea>')
    expect(await maintenances(t)).toHaveLength(0)
    expect(await auditCount(t)).toBe(before)

    // A confirmation for another start (the time was changed after the warning) warns again.
    const moved = await s.post('/admin/maintenance/new', {
      ...soon,
      scheduled_for: '2026-03-10T14:30',
      short_notice_ok: '2026-03-10T14:00:00.000Z',
    })
    expect(moved.status).toBe(200)
    expect(await moved.text()).toContain('Short notice: this starts in 1 h 30 min')
    expect(await maintenances(t)).toHaveLength(0)

    const confirmed = await s.post('/admin/maintenance/new', {
      ...soon,
      _idem: idem(1),
      short_notice_ok: '2026-03-10T14:00:00.000Z',
    })
    expect(confirmed.status).toBe(303)
    const list = await maintenances(t)
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ short_notice: true, scheduled_for: '2026-03-10T14:00:00.000Z' })
    // Resent (double click), the same confirmed form writes nothing more.
    const again = await s.post('/admin/maintenance/new', {
      ...soon,
      _idem: idem(1),
      short_notice_ok: '2026-03-10T14:00:00.000Z',
    })
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe(`/admin/maintenance/${list[0].id}`)
    expect(await maintenances(t)).toHaveLength(1)
  })

  it('shows validation errors beside the fields with 400 and writes nothing', async () => {
    const t = await app()
    const s = await editor(t)
    const before = await auditCount(t)
    const cases: [Record<string, string | string[]>, string, RegExp][] = [
      [{ name: '' }, 'name', /Must not be empty/],
      [{ name: 'a\u0000b' }, 'name', /./],
      [{ body: '   ' }, 'body', /Must not be empty/],
      [{ scheduled_for: '' }, 'scheduled_for', /Enter a date and time/],
      [{ scheduled_for: 'soon' }, 'scheduled_for', /Enter a date and time, such as/],
      [{ scheduled_for: '2026-02-30T10:00' }, 'scheduled_for', /Enter a date and time, such as/],
      [{ scheduled_until: '2026-03-17T21:00' }, 'scheduled_until', /Must be after scheduled_for/],
      [
        { scheduled_until: '2101-01-02T00:00' },
        'scheduled_until',
        /Must be between 1970-01-01 and 2100-12-31/,
      ],
      [{ components: ['nope'] }, 'components', /Expected a 12-character id/],
      [{ components: ['zzzzzzzzzzzz'] }, 'components', /No component with this id/],
    ]
    for (const [over, field, message] of cases) {
      const res = await s.post('/admin/maintenance/new', schedule(over))
      const label = JSON.stringify(over)
      expect(res.status, label).toBe(400)
      const page = await res.text()
      const error = new RegExp(`id="f-${field}-error">([^<]*)<`).exec(page)
      expect(error?.[1], label).toMatch(message)
      expect(page, label).toMatch(/before this can\s+be saved; nothing was saved\./)
      if (field !== 'components') {
        expect(page, label).toMatch(new RegExp(`name="${field}"[^>]*aria-invalid="true"`))
      }
    }
    expect(await maintenances(t)).toHaveLength(0)
    expect(await auditCount(t)).toBe(before)
  })

  it('starts early, posts an update, completes; each action audited with the email', async () => {
    const t = await app()
    const api = await makeComponent(t, { name: 'API' })
    const m = await makeMaintenance(t, {
      components: [api.id],
      scheduled_for: '2026-03-20T10:00:00Z',
      scheduled_until: '2026-03-20T12:00:00Z',
    })
    const s = await editor(t)
    const page = await (await s.get(`/admin/maintenance/${m.id}`)).text()
    for (const action of ['start', 'update', 'edit', 'cancel']) {
      expect(page).toContain(`action="/admin/maintenance/${m.id}/${action}"`)
    }
    expect(page).not.toContain(`/admin/maintenance/${m.id}/complete`)

    const start = await s.post(`/admin/maintenance/${m.id}/start`, {
      'start.body': 'We are starting early.',
      'start.deliver_notifications': 'on',
    })
    expect(start.status).toBe(303)
    expect(start.headers.get('location')).toBe(`/admin/maintenance/${m.id}?notice=started`)
    let now = (await t.api('GET', `/api/v1/maintenances/${m.id}`)).body
    expect(now.status).toBe('in_progress')
    expect((await t.api('GET', `/api/v1/components/${api.id}`)).body.status).toBe(
      'under_maintenance',
    )

    const started = await (await s.get(`/admin/maintenance/${m.id}?notice=started`)).text()
    expect(started).toContain('Maintenance started.')
    expect(started).toContain(`/admin/maintenance/${m.id}/complete`)
    expect(started).not.toContain(`/admin/maintenance/${m.id}/cancel`)
    // A started window's start and components cannot change: the form has no fields for them.
    expect(started).not.toContain('name="edit.scheduled_for"')
    expect(started).not.toContain('name="edit.components"')

    const update = await s.post(`/admin/maintenance/${m.id}/update`, {
      'update.status': 'verifying',
      'update.body': 'Checking **everything**.',
    })
    expect(update.status).toBe(303)
    now = (await t.api('GET', `/api/v1/maintenances/${m.id}`)).body
    expect(now.status).toBe('verifying')
    expect(now.incident_updates[0]).toMatchObject({
      body: 'Checking **everything**.',
      deliver_notifications: false,
    })
    expect(await (await s.get(`/admin/maintenance/${m.id}`)).text()).toContain(
      '<p>Checking <strong>everything</strong>.</p>',
    )

    const done = await s.post(`/admin/maintenance/${m.id}/complete`, {
      'complete.body': 'All done.',
      'complete.deliver_notifications': 'on',
    })
    expect(done.headers.get('location')).toBe(`/admin/maintenance/${m.id}?notice=completed`)
    now = (await t.api('GET', `/api/v1/maintenances/${m.id}`)).body
    expect(now.status).toBe('completed')
    expect((await t.api('GET', `/api/v1/components/${api.id}`)).body.status).toBe('operational')
    // Closed: no forms any more; a stale form is refused with the reason, nothing written.
    const closed = await s.get(`/admin/maintenance/${m.id}`)
    expect(await closed.text()).not.toContain(`action="/admin/maintenance/${m.id}/`)
    const late = await s.post(`/admin/maintenance/${m.id}/complete`, { 'complete.body': 'Again.' })
    expect(late.status).toBe(409)
    expect(await late.text()).toContain('This maintenance is already completed or cancelled')

    const rows = await auditRows(t, m.id)
    expect(rows.map((r) => [r.action, r.actor_email])).toEqual([
      ['maintenance.schedule', null],
      ['maintenance.started', 'ed@example.com'],
      ['maintenance.verifying', 'ed@example.com'],
      ['maintenance.completed', 'ed@example.com'],
    ])
  })

  it('edits only what changed (the audit says from → to), and cancels', async () => {
    const t = await app()
    const [a, b] = [await makeComponent(t, { name: 'A' }), await makeComponent(t, { name: 'B' })]
    const m = await makeMaintenance(t, {
      components: [a.id],
      scheduled_for: '2026-03-20T10:00:00Z',
      scheduled_until: '2026-03-20T12:00:00Z',
    })
    const s = await editor(t)
    const unchanged = {
      'edit.name': m.name,
      'edit.scheduled_for': '2026-03-20T11:00',
      'edit.scheduled_until': '2026-03-20T13:00',
      'edit.components': [a.id],
      'edit.auto_transition': 'on',
    }
    const nothing = await s.post(`/admin/maintenance/${m.id}/edit`, unchanged)
    expect(nothing.status).toBe(400)
    const nothingPage = await nothing.text()
    expect(nothingPage).toContain('Nothing was changed')
    expect(nothingPage).toMatch(/<details class="action" open>\s*<summary>Edit details<\/summary>/)

    const bad = await s.post(`/admin/maintenance/${m.id}/edit`, {
      ...unchanged,
      'edit.scheduled_until': '2026-03-20T10:00',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/id="f-edit-scheduled_until-error">Must be after the start</)

    const res = await s.post(`/admin/maintenance/${m.id}/edit`, {
      ...unchanged,
      'edit.name': 'Bigger upgrade',
      'edit.scheduled_until': '2026-03-20T14:00',
      'edit.components': [a.id, b.id],
    })
    expect(res.status).toBe(303)
    const now = (await t.api('GET', `/api/v1/maintenances/${m.id}`)).body
    expect(now).toMatchObject({
      name: 'Bigger upgrade',
      scheduled_until: '2026-03-20T13:00:00.000Z',
      scheduled_for: '2026-03-20T10:00:00.000Z',
    })
    const edit = (await auditRows(t, m.id)).find((r) => r.action === 'maintenance.edit')!
    expect(edit.actor_email).toBe('ed@example.com')
    expect(edit.details).toEqual({
      name: 'Bigger upgrade',
      scheduled_until: '2026-03-20T13:00:00.000Z',
      components: [a.id, b.id].sort(),
      previous: {
        name: 'Database upgrade',
        scheduled_until: '2026-03-20T12:00:00.000Z',
        components: [a.id],
      },
    })

    // Moving the start to within the notice period asks first, as scheduling does.
    const sooner = {
      ...unchanged,
      'edit.name': 'Bigger upgrade',
      'edit.scheduled_until': '2026-03-20T14:00',
      'edit.components': [a.id, b.id],
      'edit.scheduled_for': '2026-03-10T20:00',
    }
    const warned = await s.post(`/admin/maintenance/${m.id}/edit`, sooner)
    expect(warned.status).toBe(200)
    expect(await warned.text()).toContain('Save anyway')
    expect((await t.api('GET', `/api/v1/maintenances/${m.id}`)).body.scheduled_for).toBe(
      '2026-03-20T10:00:00.000Z',
    )

    const cancel = await s.post(`/admin/maintenance/${m.id}/cancel`, {
      'cancel.body': 'Postponed to next month.',
    })
    expect(cancel.headers.get('location')).toBe(`/admin/maintenance/${m.id}?notice=cancelled`)
    const cancelled = (await t.api('GET', `/api/v1/maintenances/${m.id}`)).body
    expect(cancelled.cancelled_at).toBe('2026-03-10T12:00:00.000Z')
    expect(cancelled.incident_updates[0]).toMatchObject({
      body: 'Postponed to next month.',
      deliver_notifications: false,
    })
    const list = await (await s.get('/admin/maintenance')).text()
    expect(list).toMatch(/Recent[\s\S]*Bigger upgrade[\s\S]*Cancelled/)
  })

  it('lists in progress, upcoming and recent windows with their clocks', async () => {
    const t = await app()
    const s = await editor(t)
    const upcoming = await makeMaintenance(t, {
      name: 'Network switch swap',
      scheduled_for: '2026-03-12T22:00:00Z',
      scheduled_until: '2026-03-13T00:00:00Z',
    })
    const running = await makeMaintenance(t, {
      name: 'Search reindex',
      scheduled_for: '2026-03-10T12:30:00Z',
      scheduled_until: '2026-03-10T14:00:00Z',
    })
    await t.api('POST', `/api/v1/maintenances/${running.id}/updates`, {
      status: 'in_progress',
      body: 'Started.',
    })
    t.clock.advance(2.5 * 3_600_000)
    const page = await (await s.get('/admin/maintenance')).text()
    const [, active, next] = page.split(/<h2[^>]*>/)
    expect(active).toContain('Search reindex')
    expect(active).toContain('overrunning by 30 min')
    expect(next).toContain('Network switch swap')
    expect(next).toContain('starts in 2 d 7 h')
    expect(page).toContain('href="/admin/maintenance/new"')
    expect(page).toContain(`href="/admin/maintenance/${upcoming.id}"`)
  })

  it('a viewer sees the pages without forms and is refused every write', async () => {
    const t = await app()
    const m = await makeMaintenance(t, {
      scheduled_for: '2026-03-20T10:00:00Z',
      scheduled_until: '2026-03-20T12:00:00Z',
    })
    await createPerson(t, { role: 'viewer', email: 'vi@example.com' })
    const v = await signIn(t, 'vi@example.com')
    for (const path of ['/admin/maintenance', `/admin/maintenance/${m.id}`]) {
      const res = await v.get(path)
      expect(res.status).toBe(200)
      const page = await res.text()
      // The only form is the menu's sign-out.
      expect(page.match(/<form/g)).toHaveLength(1)
      expect(page).not.toContain('/admin/maintenance/new')
    }
    expect((await v.get('/admin/maintenance/new')).status).toBe(403)
    const posts: [string, Record<string, string>][] = [
      ['/admin/maintenance/new', schedule()],
      [`/admin/maintenance/${m.id}/start`, { 'start.body': 'x' }],
      [`/admin/maintenance/${m.id}/update`, { 'update.status': 'scheduled', 'update.body': 'x' }],
      [`/admin/maintenance/${m.id}/edit`, { 'edit.name': 'x' }],
      [`/admin/maintenance/${m.id}/cancel`, { 'cancel.body': 'x' }],
    ]
    for (const [path, fields] of posts) expect((await v.post(path, fields)).status, path).toBe(403)
    expect(await maintenances(t)).toHaveLength(1)
    expect((await t.api('GET', `/api/v1/maintenances/${m.id}`)).body.incident_updates).toHaveLength(
      1,
    )
  })

  it('refuses a form without the session token or from another origin, writing nothing', async () => {
    const t = await app()
    const m = await makeMaintenance(t, {
      scheduled_for: '2026-03-20T10:00:00Z',
      scheduled_until: '2026-03-20T12:00:00Z',
    })
    const s = await editor(t)
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      ['/admin/maintenance/new', { ...schedule(), _csrf: '' }, {}],
      [`/admin/maintenance/${m.id}/cancel`, { 'cancel.body': 'x', _csrf: 'x'.repeat(32) }, {}],
      [
        `/admin/maintenance/${m.id}/start`,
        { 'start.body': 'x' },
        { origin: 'https://evil.example' },
      ],
    ]
    for (const [path, fields, headers] of attempts) {
      expect((await s.post(path, fields, headers)).status, path).toBe(403)
    }
    expect(await maintenances(t)).toHaveLength(1)
    expect((await t.api('GET', `/api/v1/maintenances/${m.id}`)).body.status).toBe('scheduled')
    expect(ORIGIN).toBe('https://status.example.com')
  })

  it('writes a double-submitted action once', async () => {
    const t = await app()
    const m = await makeMaintenance(t, {
      scheduled_for: '2026-03-20T10:00:00Z',
      scheduled_until: '2026-03-20T12:00:00Z',
    })
    const s = await editor(t)
    const fields = { 'update.status': 'scheduled', 'update.body': 'A note.', _idem: idem(7) }
    const [one, two] = [
      await s.post(`/admin/maintenance/${m.id}/update`, fields),
      await s.post(`/admin/maintenance/${m.id}/update`, fields),
    ]
    expect([one.status, two.status]).toEqual([303, 303])
    expect((await t.api('GET', `/api/v1/maintenances/${m.id}`)).body.incident_updates).toHaveLength(
      2,
    )
    const created = await Promise.all(
      [1, 2].map(() => s.post('/admin/maintenance/new', { ...schedule(), _idem: idem(8) })),
    )
    // Sent at once, one commits and the other answers with its outcome: the same redirect.
    expect(created.map((r) => r.status)).toEqual([303, 303])
    expect(idOf(created[0]!.headers.get('location'))).toBe(
      idOf(created[1]!.headers.get('location')),
    )
    expect((await maintenances(t)).filter((x) => x.name === 'Database upgrade')).toHaveLength(2)
  })
})
