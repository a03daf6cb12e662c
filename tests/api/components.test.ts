import { describe, expect, it } from 'vitest'
import { makeComponent, makeGroup } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'

describe('components and groups', () => {
  it('creates with Statuspage field names and sensible defaults', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/components', {
      name: 'Payments API',
      description: 'Charges',
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      name: 'Payments API',
      description: 'Charges',
      group_id: null,
      position: 1,
      sla_target: 99.9,
      status: 'operational',
      created_at: '2026-03-10T12:00:00.000Z',
    })
    expect(res.body.id).toMatch(/^[0-9a-z]{12}$/)
    expect((await makeComponent(t)).position).toBe(2)
  })

  it('updates fields; a status change is recorded in history', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    t.clock.advance(1000)
    const res = await t.api('PATCH', `/api/v1/components/${c.id}`, {
      status: 'degraded_performance',
      sla_target: 99.5,
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      status: 'degraded_performance',
      sla_target: 99.5,
      updated_at: '2026-03-10T12:00:01.000Z',
    })
    await t.api('PATCH', `/api/v1/components/${c.id}`, { name: 'Renamed' })
    const history = (
      await t.deps.db.execute(
        'SELECT status, at FROM component_status_changes WHERE component_id = ? ORDER BY id',
        [c.id],
      )
    ).rows
    expect(history.map((r) => [r.status, r.at])).toEqual([
      ['operational', '2026-03-10T12:00:00.000Z'],
      ['degraded_performance', '2026-03-10T12:00:01.000Z'],
    ])
  })

  it('rejects bad values with paths', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/components', {
      name: 'x',
      sla_target: 120,
      status: 'broken',
      group_id: 'nope',
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details.map((d: any) => d.path).sort()).toEqual([
      'group_id',
      'sla_target',
      'status',
    ])
    const unknownGroup = await t.api('POST', '/api/v1/components', {
      name: 'x',
      group_id: 'aaaaaaaaaaaa',
    })
    expect(unknownGroup.status).toBe(400)
    expect(unknownGroup.body.error).toMatchObject({
      code: 'unknown_group',
      details: [{ path: 'group_id' }],
    })
  })

  it('groups hold components; deleting a group keeps its components', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const b = await makeComponent(t)
    const g = await makeGroup(t, { name: 'Core', components: [a.id, b.id] })
    expect(g.components).toEqual([a.id, b.id])
    expect((await t.api('GET', `/api/v1/components/${a.id}`)).body.group_id).toBe(g.id)
    const patched = await t.api('PATCH', `/api/v1/component-groups/${g.id}`, { components: [b.id] })
    expect(patched.body.components).toEqual([b.id])
    expect((await t.api('GET', `/api/v1/components/${a.id}`)).body.group_id).toBeNull()
    const c = await makeComponent(t, { group_id: g.id })
    expect((await t.api('GET', `/api/v1/component-groups/${g.id}`)).body.components).toEqual([
      b.id,
      c.id,
    ])
    expect((await t.api('DELETE', `/api/v1/component-groups/${g.id}`)).status).toBe(200)
    expect((await t.api('GET', `/api/v1/component-groups/${g.id}`)).status).toBe(404)
    expect((await t.api('GET', `/api/v1/components/${b.id}`)).body.group_id).toBeNull()
    expect((await t.api('GET', '/api/v1/components')).body).toHaveLength(3)
  })

  it('a group cannot list a component that does not exist', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/component-groups', {
      name: 'G',
      components: ['aaaaaaaaaaaa'],
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toEqual([
      { path: 'components.aaaaaaaaaaaa', message: 'No component with this id' },
    ])
  })

  it('deletes a component (404 afterwards, history kept)', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    expect((await t.api('DELETE', `/api/v1/components/${c.id}`)).status).toBe(200)
    expect((await t.api('GET', `/api/v1/components/${c.id}`)).status).toBe(404)
    expect((await t.api('DELETE', `/api/v1/components/${c.id}`)).status).toBe(404)
    const kept = await t.deps.db.execute(
      'SELECT COUNT(*) AS n FROM component_status_changes WHERE component_id = ?',
      [c.id],
    )
    expect(Number(kept.rows[0]!.n)).toBe(1)
  })

  it('reports daily uptime through the API: time-weighted, no data before creation', async () => {
    const t = await createTestApp({ now: '2026-03-10T00:00:00.000Z' })
    const a = await makeComponent(t)
    const b = await makeComponent(t)
    const g = await makeGroup(t, { components: [a.id, b.id] })
    t.clock.set('2026-03-10T06:00:00.000Z')
    await t.api('PATCH', `/api/v1/components/${a.id}`, { status: 'major_outage' })
    t.clock.set('2026-03-10T08:24:00.000Z')
    await t.api('PATCH', `/api/v1/components/${a.id}`, { status: 'operational' })
    t.clock.set('2026-03-11T00:00:00.000Z')
    const one = await t.api('GET', `/api/v1/components/${a.id}/uptime?days=3`)
    expect(one.status).toBe(200)
    expect(one.body.days.map((d: any) => d.date)).toEqual([
      '2026-03-09',
      '2026-03-10',
      '2026-03-11',
    ])
    expect(one.body.days[0].uptime).toBeNull()
    expect(one.body.days[1].uptime).toBeCloseTo(90, 10)
    expect(one.body.uptime).toBeCloseTo(90, 10)
    const all = await t.api('GET', '/api/v1/uptime?days=3')
    const group = all.body.groups.find((x: any) => x.id === g.id)
    expect(group.days[1].uptime).toBeCloseTo(95, 10)
    expect((await t.api('GET', `/api/v1/components/${a.id}/uptime?days=0`)).status).toBe(400)
  })
})
