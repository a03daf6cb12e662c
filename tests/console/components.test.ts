import { describe, expect, it } from 'vitest'
import { makeComponent, makeGroup, makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { createPerson, signIn, type ConsoleSession } from '../fixtures/console.ts'

async function editor(t: TestApp): Promise<ConsoleSession> {
  await createPerson(t, { role: 'editor', email: 'co@example.com', name: 'Cora Ops' })
  return signIn(t, 'co@example.com')
}

const list = async (t: TestApp) => (await t.api('GET', '/api/v1/components')).body as any[]
const groupsOf = async (t: TestApp) =>
  (await t.api('GET', '/api/v1/component-groups')).body as any[]
const auditCount = async (t: TestApp) =>
  Number((await t.deps.db.execute('SELECT count(*) AS n FROM audit_log')).rows[0]!.n)
const lastAudit = async (t: TestApp) => {
  const row: any = (
    await t.deps.db.execute(
      'SELECT action, actor_email, target_id, details FROM audit_log ORDER BY id DESC LIMIT 1',
    )
  ).rows[0]
  return { ...row, details: row.details ? JSON.parse(String(row.details)) : null }
}

const add = (over: Record<string, string> = {}) => ({
  name: 'Checkout API',
  description: 'Card payments and refunds',
  group_id: '',
  position: '',
  status: 'operational',
  sla_target: '99.95',
  ...over,
})

/** The component names in the order the list page shows them. */
const shownOrder = (page: string) =>
  [...page.matchAll(/<td class="lead"><a href="\/admin\/components\/[0-9a-z]{12}">([^<]+)</g)].map(
    (m) => m[1],
  )

describe('console: components and groups', () => {
  it('adds a component, attributed to the person', async () => {
    const t = await createTestApp()
    const s = await editor(t)
    const form = await (await s.get('/admin/components/new')).text()
    expect(form).toContain('value="99.9"')
    const res = await s.post('/admin/components/new', add())
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/components?notice=created')
    const [c] = await list(t)
    expect(c).toMatchObject({
      name: 'Checkout API',
      description: 'Card payments and refunds',
      group_id: null,
      status: 'operational',
      sla_target: 99.95,
      only_show_if_degraded: false,
    })
    expect(await lastAudit(t)).toMatchObject({
      action: 'component.create',
      actor_email: 'co@example.com',
      target_id: c.id,
    })
    const page = await (await s.get('/admin/components?notice=created')).text()
    expect(page).toContain('Component added.')
    expect(shownOrder(page)).toEqual(['Checkout API'])
  })

  it('shows validation errors beside the fields with 400 and writes nothing', async () => {
    const t = await createTestApp()
    const s = await editor(t)
    const before = await auditCount(t)
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ name: '' }, 'name', /Must not be empty/],
      [{ name: 'x'.repeat(201) }, 'name', /200/],
      [{ description: 'y'.repeat(1001) }, 'description', /1000/],
      [{ position: 'first' }, 'position', /Enter a whole number/],
      [{ position: '-1' }, 'position', /Enter a whole number/],
      [{ position: '100001' }, 'position', /100000/],
      [{ sla_target: '' }, 'sla_target', /Enter the availability target/],
      [{ sla_target: 'high' }, 'sla_target', /Enter a number/],
      [{ sla_target: '101' }, 'sla_target', /100/],
      [{ sla_target: '0' }, 'sla_target', /0/],
      [{ status: 'on_fire' }, 'status', /Invalid option/],
      [{ group_id: 'nope' }, 'group_id', /12-character id/],
      [{ group_id: 'zzzzzzzzzzzz' }, 'group_id', /No group with this id/],
    ]
    for (const [over, field, message] of cases) {
      const label = JSON.stringify(over).slice(0, 60)
      const res = await s.post('/admin/components/new', add(over))
      expect(res.status, label).toBe(400)
      const page = await res.text()
      expect(new RegExp(`id="f-${field}-error">([^<]*)<`).exec(page)?.[1], label).toMatch(message)
      expect(page, label).toMatch(/nothing was saved/)
    }
    expect(await list(t)).toHaveLength(0)
    expect(await auditCount(t)).toBe(before)
  })

  it('edits only what changed (the audit says from → to), and reorders by position', async () => {
    const t = await createTestApp()
    const g = await makeGroup(t, { name: 'Payments', position: 10 })
    const [a, b, c] = [
      await makeComponent(t, { name: 'Alpha', position: 1 }),
      await makeComponent(t, { name: 'Bravo', position: 2 }),
      await makeComponent(t, { name: 'Charlie', position: 3 }),
    ]
    const s = await editor(t)
    expect(shownOrder(await (await s.get('/admin/components')).text())).toEqual([
      'Alpha',
      'Bravo',
      'Charlie',
    ])
    const page = await (await s.get(`/admin/components/${c.id}`)).text()
    expect(page).toContain('value="Charlie"')
    const current = {
      name: 'Charlie',
      description: '',
      group_id: '',
      position: '3',
      status: 'operational',
      sla_target: '99.9',
    }
    const nothing = await s.post(`/admin/components/${c.id}`, current)
    expect(nothing.status).toBe(400)
    expect(await nothing.text()).toContain('Nothing was changed')

    // Move Charlie to the top.
    const moved = await s.post(`/admin/components/${c.id}`, { ...current, position: '0' })
    expect(moved.status).toBe(303)
    expect(shownOrder(await (await s.get('/admin/components')).text())).toEqual([
      'Charlie',
      'Alpha',
      'Bravo',
    ])
    expect((await lastAudit(t)).details).toEqual({ position: 0, previous: { position: 3 } })

    // Rename and put into a group: the group's section lists it.
    const res = await s.post(`/admin/components/${b.id}`, {
      ...current,
      name: 'Bravo payments',
      position: '2',
      group_id: g.id,
      description: 'Card <b>payments</b>',
    })
    expect(res.status).toBe(303)
    expect(await lastAudit(t)).toMatchObject({
      action: 'component.update',
      actor_email: 'co@example.com',
      details: {
        name: 'Bravo payments',
        group_id: g.id,
        description: 'Card <b>payments</b>',
        previous: { name: 'Bravo', group_id: null, description: null },
      },
    })
    const after = await (await s.get('/admin/components')).text()
    expect(after).toMatch(
      /Payments <span class="muted small">group · position 10<\/span>[\s\S]*Bravo payments/,
    )
    expect(after).toContain('Card &lt;b&gt;payments&lt;/b&gt;')
    expect(a.id).toBeTruthy()
  })

  it('sets a status from the list in one step', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Search' })
    const s = await editor(t)
    const page = await (await s.get('/admin/components')).text()
    expect(page).toContain(`<label class="vh" for="st-${c.id}">Status of Search</label>`)
    const res = await s.post(`/admin/components/${c.id}/status`, { status: 'partial_outage' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/components?notice=status')
    expect((await t.api('GET', `/api/v1/components/${c.id}`)).body.status).toBe('partial_outage')
    expect(await lastAudit(t)).toMatchObject({
      actor_email: 'co@example.com',
      details: { status: 'partial_outage', previous: { status: 'operational' } },
    })
    const bad = await s.post(`/admin/components/${c.id}/status`, { status: 'exploded' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/<tr class="row-error">[\s\S]*Invalid option/)
    expect((await t.api('GET', `/api/v1/components/${c.id}`)).body.status).toBe('partial_outage')
  })

  it('creates and edits groups, and deletes a group leaving its components', async () => {
    const t = await createTestApp()
    const [a, b] = [await makeComponent(t, { name: 'A' }), await makeComponent(t, { name: 'B' })]
    const s = await editor(t)
    const created = await s.post('/admin/component-groups/new', {
      name: 'Core',
      description: '',
      position: '',
      components: [a.id],
    })
    expect(created.status).toBe(303)
    const [g] = await groupsOf(t)
    expect(g).toMatchObject({ name: 'Core', components: [a.id] })
    expect(await lastAudit(t)).toMatchObject({
      action: 'component_group.create',
      actor_email: 'co@example.com',
    })

    const bad = await s.post(`/admin/component-groups/${g.id}`, {
      name: '',
      position: 'x',
      components: [a.id],
    })
    expect(bad.status).toBe(400)
    const badPage = await bad.text()
    expect(badPage).toMatch(/id="f-name-error">Must not be empty</)
    expect(badPage).toMatch(/id="f-position-error">Enter a whole number/)

    const edited = await s.post(`/admin/component-groups/${g.id}`, {
      name: 'Core services',
      description: 'What everything needs',
      position: String(g.position),
      components: [a.id, b.id],
    })
    expect(edited.status).toBe(303)
    expect((await groupsOf(t))[0]).toMatchObject({
      name: 'Core services',
      components: [a.id, b.id],
    })
    expect((await lastAudit(t)).details.previous).toEqual({
      name: 'Core',
      description: null,
      components: [a.id],
    })

    const del = await s.post(`/admin/component-groups/${g.id}/delete`, {})
    expect(del.headers.get('location')).toBe('/admin/components?notice=group_deleted')
    expect(await groupsOf(t)).toEqual([])
    expect((await list(t)).map((c) => [c.name, c.group_id])).toEqual([
      ['A', null],
      ['B', null],
    ])
  })

  it('deletes a component, but not one an open incident holds', async () => {
    const t = await createTestApp()
    const [free, held] = [
      await makeComponent(t, { name: 'Free' }),
      await makeComponent(t, { name: 'Held' }),
    ]
    await makeIncident(t, { components: { [held.id]: 'major_outage' } })
    const s = await editor(t)
    const refused = await s.post(`/admin/components/${held.id}/delete`, {})
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('The component is affected by open incident')
    const ok = await s.post(`/admin/components/${free.id}/delete`, {})
    expect(ok.headers.get('location')).toBe('/admin/components?notice=deleted')
    expect((await list(t)).map((c) => c.name)).toEqual(['Held'])
  })

  it('a viewer sees the pages without forms and is refused every write', async () => {
    const t = await createTestApp()
    const g = await makeGroup(t, { name: 'Core' })
    const c = await makeComponent(t, { name: 'API', group_id: g.id })
    await createPerson(t, { role: 'viewer', email: 'vi@example.com' })
    const v = await signIn(t, 'vi@example.com')
    for (const path of [
      '/admin/components',
      `/admin/components/${c.id}`,
      `/admin/component-groups/${g.id}`,
    ]) {
      const res = await v.get(path)
      expect(res.status, path).toBe(200)
      const page = await res.text()
      expect(page.match(/<form/g), path).toHaveLength(1)
      expect(page, path).not.toContain('Add a component')
    }
    for (const path of ['/admin/components/new', '/admin/component-groups/new']) {
      expect((await v.get(path)).status).toBe(403)
    }
    const before = await auditCount(t)
    for (const [path, fields] of [
      ['/admin/components/new', add()],
      [`/admin/components/${c.id}`, add()],
      [`/admin/components/${c.id}/status`, { status: 'major_outage' }],
      [`/admin/components/${c.id}/delete`, {}],
      ['/admin/component-groups/new', { name: 'X' }],
      [`/admin/component-groups/${g.id}`, { name: 'X', position: '1' }],
      [`/admin/component-groups/${g.id}/delete`, {}],
    ] as const) {
      expect((await v.post(path, fields)).status, path).toBe(403)
    }
    expect(await auditCount(t)).toBe(before)
    expect((await t.api('GET', `/api/v1/components/${c.id}`)).body.status).toBe('operational')
  })

  it('refuses a form without the session token, and writes a double submit once', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'API' })
    const s = await editor(t)
    const forged = await s.post(`/admin/components/${c.id}/status`, {
      status: 'major_outage',
      _csrf: '',
    })
    expect(forged.status).toBe(403)
    expect((await t.api('GET', `/api/v1/components/${c.id}`)).body.status).toBe('operational')

    const fields = { ...add({ name: 'Once' }), _idem: 'd'.repeat(24) }
    const first = await s.post('/admin/components/new', fields)
    const second = await s.post('/admin/components/new', fields)
    expect([first.status, second.status]).toEqual([303, 303])
    expect((await list(t)).filter((x) => x.name === 'Once')).toHaveLength(1)
  })
})
