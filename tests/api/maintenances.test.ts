import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const HOUR = 3_600_000

describe('maintenance windows', () => {
  it('schedules a window with its components and first update', async () => {
    const t = await createTestApp()
    const db = await makeComponent(t, { name: 'Database' })
    const m = await makeMaintenance(t, { components: [db.id], auto_transition: false })
    expect(m).toMatchObject({
      status: 'scheduled',
      impact: 'maintenance',
      scheduled_for: '2026-03-10T13:00:00.000Z',
      scheduled_until: '2026-03-10T14:00:00.000Z',
      auto_transition: false,
      started_at: null,
      shortlink: `https://status.example.com/maintenance/${m.id}/`,
      components: [{ id: db.id, name: 'Database', status: 'under_maintenance' }],
    })
    expect(m.incident_updates[0]).toMatchObject({
      status: 'scheduled',
      body: 'We will upgrade the database.',
    })
    expect((await t.api('GET', `/api/v1/components/${db.id}`)).body.status).toBe('operational')
  })

  it('the scheduler starts and completes windows on time, driven by the clock', async () => {
    const t = await createTestApp()
    const db = await makeComponent(t)
    const other = await makeComponent(t)
    const m = await makeMaintenance(t, { components: [db.id] })
    const manual = await makeMaintenance(t, { components: [other.id], auto_transition: false })
    const scheduler = createScheduler(t.deps)
    expect(await scheduler.tick()).toEqual([])

    t.clock.advance(HOUR - 1)
    expect(await scheduler.tick()).toEqual([])
    t.clock.advance(1)
    expect(await scheduler.tick()).toEqual([{ id: m.id, status: 'in_progress' }])
    expect((await t.api('GET', `/api/v1/components/${db.id}`)).body.status).toBe(
      'under_maintenance',
    )
    const started = (await t.api('GET', `/api/v1/maintenances/${m.id}`)).body
    expect(started).toMatchObject({ status: 'in_progress', started_at: '2026-03-10T13:00:00.000Z' })
    expect(
      (await t.api('GET', '/api/v2/status.json', undefined, { token: null })).body.status.indicator,
    ).toBe('maintenance')

    t.clock.advance(HOUR)
    expect(await scheduler.tick()).toEqual([{ id: m.id, status: 'completed' }])
    const done = (await t.api('GET', `/api/v1/maintenances/${m.id}`)).body
    expect(done).toMatchObject({ status: 'completed', resolved_at: '2026-03-10T14:00:00.000Z' })
    expect(done.incident_updates.map((u: any) => u.status)).toEqual([
      'completed',
      'in_progress',
      'scheduled',
    ])
    expect((await t.api('GET', `/api/v1/components/${db.id}`)).body.status).toBe('operational')
    expect((await t.api('GET', `/api/v1/maintenances/${manual.id}`)).body.status).toBe('scheduled')
    const events = (
      await t.deps.db.execute('SELECT type FROM outbox WHERE aggregate_id = ? ORDER BY id', [m.id])
    ).rows.map((r) => r.type)
    expect(events).toEqual([
      'maintenance.scheduled',
      'maintenance.started',
      'maintenance.completed',
    ])
    const actors = (
      await t.deps.db.execute(
        "SELECT DISTINCT actor_name FROM audit_log WHERE target_id = ? AND action != 'maintenance.schedule'",
        [m.id],
      )
    ).rows
    expect(actors.map((r) => r.actor_name)).toEqual(['scheduler'])
  })

  it('a window missed entirely (server down) is started and completed in one tick', async () => {
    const t = await createTestApp()
    const m = await makeMaintenance(t)
    t.clock.advance(5 * HOUR)
    expect(await createScheduler(t.deps).tick()).toEqual([
      { id: m.id, status: 'in_progress' },
      { id: m.id, status: 'completed' },
    ])
  })

  it('completing does not hide an outage another incident still causes', async () => {
    const t = await createTestApp()
    const db = await makeComponent(t)
    const m = await makeMaintenance(t, { components: [db.id] })
    await t.api('POST', `/api/v1/maintenances/${m.id}/updates`, {
      status: 'in_progress',
      body: 'Starting early.',
    })
    await makeIncident(t, { components: { [db.id]: 'major_outage' } })
    const done = await t.api('POST', `/api/v1/maintenances/${m.id}/updates`, {
      status: 'completed',
      body: 'Done.',
    })
    expect(done.status).toBe(201)
    expect((await t.api('GET', `/api/v1/components/${db.id}`)).body.status).toBe('major_outage')
  })

  it('moves only forward; cancel only before it starts', async () => {
    const t = await createTestApp()
    const m = await makeMaintenance(t)
    const c = await t.api('POST', `/api/v1/maintenances/${m.id}/cancel`, {
      body: 'Postponed to next week.',
    })
    expect(c.status).toBe(201)
    expect(c.body).toMatchObject({ status: 'completed', cancelled_at: '2026-03-10T12:00:00.000Z' })
    expect((await t.api('POST', `/api/v1/maintenances/${m.id}/cancel`, {})).status).toBe(409)
    expect(
      (
        await t.api('POST', `/api/v1/maintenances/${m.id}/updates`, {
          status: 'in_progress',
          body: 'x',
        })
      ).status,
    ).toBe(409)
    t.clock.advance(2 * HOUR)
    expect(await createScheduler(t.deps).tick()).toEqual([])
  })

  it('edits: reschedule before start, only extend after, never after completion', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const m = await makeMaintenance(t)
    const moved = await t.api('PATCH', `/api/v1/maintenances/${m.id}`, {
      scheduled_for: '2026-03-11T13:00:00Z',
      scheduled_until: '2026-03-11T15:00:00Z',
      components: [a.id],
    })
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({
      scheduled_for: '2026-03-11T13:00:00.000Z',
      components: [{ id: a.id }],
    })
    const inverted = await t.api('PATCH', `/api/v1/maintenances/${m.id}`, {
      scheduled_until: '2026-03-11T12:00:00Z',
    })
    expect(inverted.status).toBe(400)
    expect(inverted.body.error.details[0].path).toBe('scheduled_until')
    await t.api('POST', `/api/v1/maintenances/${m.id}/updates`, {
      status: 'in_progress',
      body: 'Early start.',
    })
    expect(
      (
        await t.api('PATCH', `/api/v1/maintenances/${m.id}`, {
          scheduled_for: '2026-03-11T10:00:00Z',
        })
      ).status,
    ).toBe(409)
    expect(
      (
        await t.api('PATCH', `/api/v1/maintenances/${m.id}`, {
          scheduled_until: '2026-03-11T18:00:00Z',
        })
      ).status,
    ).toBe(200)
    await t.api('POST', `/api/v1/maintenances/${m.id}/updates`, {
      status: 'completed',
      body: 'Done.',
    })
    expect((await t.api('PATCH', `/api/v1/maintenances/${m.id}`, { name: 'x' })).status).toBe(409)
  })

  it('rejects an inverted window and unknown components', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/maintenances', {
      name: 'x',
      scheduled_for: '2026-03-11T13:00:00Z',
      scheduled_until: '2026-03-11T12:00:00Z',
      body: 'x',
      components: ['aaaaaaaaaaaa'],
    })
    expect(res.status).toBe(400)
    expect(res.body.error.details).toEqual([
      { path: 'scheduled_until', message: 'Must be after scheduled_for' },
    ])
    const unknown = await t.api('POST', '/api/v1/maintenances', {
      name: 'x',
      scheduled_for: '2026-03-11T13:00:00Z',
      scheduled_until: '2026-03-11T14:00:00Z',
      body: 'x',
      components: ['aaaaaaaaaaaa'],
    })
    expect(unknown.body.error.code).toBe('unknown_component')
  })

  it('lists upcoming, active and by status', async () => {
    const t = await createTestApp()
    const later = await makeMaintenance(t, {
      name: 'Later',
      scheduled_for: '2026-03-12T00:00:00Z',
      scheduled_until: '2026-03-12T01:00:00Z',
    })
    const sooner = await makeMaintenance(t, { name: 'Sooner' })
    const now = await makeMaintenance(t, { name: 'Now' })
    await t.api('POST', `/api/v1/maintenances/${now.id}/updates`, {
      status: 'in_progress',
      body: 'x',
    })
    expect(
      (await t.api('GET', '/api/v1/maintenances?status=upcoming')).body.map((m: any) => m.id),
    ).toEqual([sooner.id, later.id])
    expect(
      (await t.api('GET', '/api/v1/maintenances?status=active')).body.map((m: any) => m.id),
    ).toEqual([now.id])
    const all = await t.api('GET', '/api/v1/maintenances?per_page=2')
    expect(all.headers.get('x-total-count')).toBe('3')
    expect(all.body).toHaveLength(2)
  })
})
