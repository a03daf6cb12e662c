import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { str } from '../../db/rows.ts'

describe('incidents API', () => {
  it('opens an incident in one call and moves its components', async () => {
    const t = await createTestApp()
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    const res = await t.api('POST', '/api/v1/incidents', {
      name: 'Card payments failing',
      status: 'investigating',
      impact: 'critical',
      body: 'Charges fail for **all** cards.',
      components: { [pay.id]: 'major_outage' },
      workaround: 'Retry later; no card is charged twice.',
    })
    expect(res.status).toBe(201)
    const inc = res.body
    expect(inc).toMatchObject({
      name: 'Card payments failing',
      status: 'investigating',
      impact: 'critical',
      workaround: 'Retry later; no card is charged twice.',
      started_at: '2026-03-10T12:00:00.000Z',
      resolved_at: null,
      shortlink: `https://status.example.com/incidents/${inc.id}/`,
      components: [{ id: pay.id, name: 'Payments API', status: 'major_outage' }],
    })
    expect(inc.incident_updates).toHaveLength(1)
    expect(inc.incident_updates[0]).toMatchObject({
      status: 'investigating',
      body: 'Charges fail for **all** cards.',
      deliver_notifications: true,
      affected_components: [
        {
          code: pay.id,
          name: 'Payments API',
          old_status: 'operational',
          new_status: 'major_outage',
        },
      ],
    })
    expect((await t.api('GET', `/api/v1/components/${pay.id}`)).body.status).toBe('major_outage')
    expect((await t.api('GET', `/api/v1/components/${dash.id}`)).body.status).toBe('operational')
    expect((await t.api('GET', `/api/v1/incidents/${inc.id}`)).body).toEqual(inc)
  })

  it('posts updates newest first, stamps stage times and changes components', async () => {
    const t = await createTestApp()
    const pay = await makeComponent(t)
    const inc = await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    t.clock.advance(10 * 60_000)
    const u1 = await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found it.',
      components: { [pay.id]: 'partial_outage' },
    })
    expect(u1.status).toBe(201)
    expect(u1.body.update.affected_components).toEqual([
      { code: pay.id, name: pay.name, old_status: 'major_outage', new_status: 'partial_outage' },
    ])
    t.clock.advance(10 * 60_000)
    const u2 = await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'monitoring',
      body: 'Fix deployed.',
    })
    expect(u2.body.update.affected_components).toBeNull()
    const got = (await t.api('GET', `/api/v1/incidents/${inc.id}`)).body
    expect(got.incident_updates.map((u: any) => u.status)).toEqual([
      'monitoring',
      'identified',
      'investigating',
    ])
    expect(got.identified_at).toBe('2026-03-10T12:10:00.000Z')
    expect(got.monitoring_at).toBe('2026-03-10T12:20:00.000Z')
    expect(got.components).toEqual([{ id: pay.id, name: pay.name, status: 'partial_outage' }])
  })

  it('resolving returns components to operational unless another open incident still holds them', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const b = await makeComponent(t)
    const first = await makeIncident(t, {
      components: { [a.id]: 'major_outage', [b.id]: 'partial_outage' },
    })
    await makeIncident(t, { name: 'Other', components: { [b.id]: 'degraded_performance' } })
    t.clock.advance(60_000)
    const res = await t.api('POST', `/api/v1/incidents/${first.id}/resolve`, {})
    expect(res.status).toBe(201)
    expect(res.body.incident.status).toBe('resolved')
    expect(res.body.incident.resolved_at).toBe('2026-03-10T12:01:00.000Z')
    expect(res.body.update.body).toBe('This incident has been resolved.')
    expect((await t.api('GET', `/api/v1/components/${a.id}`)).body.status).toBe('operational')
    expect((await t.api('GET', `/api/v1/components/${b.id}`)).body.status).toBe(
      'degraded_performance',
    )
    // The incident remembers what its components went through.
    expect(res.body.incident.components.map((c: any) => c.status).sort()).toEqual([
      'major_outage',
      'partial_outage',
    ])
  })

  it('a resolved incident takes no updates (409) until reopened; reopening restores its components', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const inc = await makeIncident(t, { components: { [a.id]: 'major_outage' } })
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, { body: 'Fixed.' })
    const late = await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'monitoring',
      body: 'x',
    })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('incident_resolved')
    expect((await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})).status).toBe(409)

    const re = await t.api('POST', `/api/v1/incidents/${inc.id}/reopen`, { body: 'It is back.' })
    expect(re.status).toBe(201)
    expect(re.body.incident).toMatchObject({ status: 'investigating', resolved_at: null })
    expect((await t.api('GET', `/api/v1/components/${a.id}`)).body.status).toBe('major_outage')
    expect(
      (await t.api('POST', `/api/v1/incidents/${inc.id}/reopen`, { body: 'again' })).status,
    ).toBe(409)
  })

  it('posting a resolved update resolves the incident', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const inc = await makeIncident(t, { components: { [a.id]: 'partial_outage' } })
    const res = await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'resolved',
      body: 'All good.',
    })
    expect(res.body.incident.status).toBe('resolved')
    expect((await t.api('GET', `/api/v1/components/${a.id}`)).body.status).toBe('operational')
  })

  it('edits name, impact, start and workaround without a timeline entry', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t)
    const res = await t.api('PATCH', `/api/v1/incidents/${inc.id}`, {
      name: 'Renamed',
      impact: 'minor',
      started_at: '2026-03-10T11:30:00+00:00',
      workaround: 'Use the mobile app.',
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      name: 'Renamed',
      impact: 'minor',
      started_at: '2026-03-10T11:30:00.000Z',
      workaround: 'Use the mobile app.',
    })
    expect(res.body.incident_updates).toHaveLength(1)
    expect((await t.api('PATCH', `/api/v1/incidents/${inc.id}`, {})).status).toBe(400)
  })

  it('accepts a backdated start, records history from then, and refuses a future one', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    t.clock.advance(3_600_000)
    const inc = await makeIncident(t, {
      started_at: '2026-03-10T12:30:00Z',
      components: { [a.id]: 'major_outage' },
    })
    expect(inc.started_at).toBe('2026-03-10T12:30:00.000Z')
    const up = await t.api('GET', `/api/v1/components/${a.id}/uptime?days=1`)
    expect(up.body.days[0].major_seconds).toBe(30 * 60)
    const future = await t.api('POST', '/api/v1/incidents', {
      name: 'x',
      status: 'investigating',
      impact: 'minor',
      body: 'x',
      components: {},
      started_at: '2026-03-11T00:00:00Z',
    })
    expect(future.status).toBe(400)
    expect(future.body.error.details).toEqual([
      { path: 'started_at', message: 'Must not be in the future' },
    ])
  })

  it('names every unknown component in the error and writes nothing', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/incidents', {
      name: 'x',
      status: 'investigating',
      impact: 'minor',
      body: 'x',
      components: { aaaaaaaaaaaa: 'major_outage' },
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({
      code: 'unknown_component',
      details: [{ path: 'components.aaaaaaaaaaaa' }],
    })
    expect((await t.api('GET', '/api/v1/incidents')).body).toEqual([])
  })

  it('lists with filters and pagination', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      t.clock.advance(60_000)
      ids.push(
        (
          await makeIncident(t, {
            name: `Incident ${i}`,
            impact: i % 2 ? 'minor' : 'major',
            components: i === 4 ? { [a.id]: 'partial_outage' } : {},
          })
        ).id,
      )
    }
    await t.api('POST', `/api/v1/incidents/${ids[0]}/resolve`, {})
    const page1 = await t.api('GET', '/api/v1/incidents?per_page=2')
    expect(page1.body.map((i: any) => i.name)).toEqual(['Incident 4', 'Incident 3'])
    expect(page1.headers.get('x-total-count')).toBe('5')
    const page3 = await t.api('GET', '/api/v1/incidents?per_page=2&page=3')
    expect(page3.body.map((i: any) => i.name)).toEqual(['Incident 0'])
    expect((await t.api('GET', '/api/v1/incidents?status=unresolved')).body).toHaveLength(4)
    expect(
      (await t.api('GET', '/api/v1/incidents?status=resolved')).body.map((i: any) => i.id),
    ).toEqual([ids[0]])
    expect((await t.api('GET', '/api/v1/incidents?impact=minor')).body).toHaveLength(2)
    expect(
      (await t.api('GET', `/api/v1/incidents?component=${a.id}`)).body.map((i: any) => i.id),
    ).toEqual([ids[4]])
    expect((await t.api('GET', '/api/v1/incidents?q=dent%203')).body.map((i: any) => i.id)).toEqual(
      [ids[3]],
    )
    expect((await t.api('GET', '/api/v1/incidents?q=100%25')).body).toEqual([])
    const bad = await t.api('GET', '/api/v1/incidents?per_page=1000&status=bogus')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['per_page', 'status'])
  })

  it('404s an unknown incident and 400s a malformed id', async () => {
    const t = await createTestApp()
    const missing = await t.api('GET', '/api/v1/incidents/zzzzzzzzzzzz')
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('not_found')
    expect(
      (
        await t.api('POST', '/api/v1/incidents/zzzzzzzzzzzz/updates', {
          status: 'identified',
          body: 'x',
        })
      ).status,
    ).toBe(404)
    expect((await t.api('GET', '/api/v1/incidents/NOT-AN-ID')).status).toBe(400)
  })

  it('records an audit row and an outbox event in the same write', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { deliver_notifications: false })
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, { status: 'identified', body: 'x' })
    const outbox = (
      await t.deps.db.execute(
        "SELECT type, aggregate_id, payload FROM outbox WHERE aggregate_type = 'incident' ORDER BY id",
      )
    ).rows
    expect(outbox.map((r) => r.type)).toEqual(['incident.created', 'incident.updated'])
    expect(JSON.parse(str(outbox[0]!, 'payload'))).toMatchObject({
      incident_id: inc.id,
      deliver_notifications: false,
    })
    expect(JSON.parse(str(outbox[1]!, 'payload'))).toMatchObject({ deliver_notifications: true })
    const audit = (
      await t.deps.db.execute(
        "SELECT actor_name, action, target_id, at FROM audit_log WHERE target_type = 'incident' ORDER BY id",
      )
    ).rows
    expect(audit.map((r) => [r.actor_name, r.action, r.target_id])).toEqual([
      ['admin (AMENDS_ADMIN_TOKEN)', 'incident.create', inc.id],
      ['admin (AMENDS_ADMIN_TOKEN)', 'incident.update', inc.id],
    ])
  })

  it('keeps what a PATCH changed in the audit row: the new values and the ones before', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { name: 'Errors', impact: 'major' })
    const res = await t.api('PATCH', `/api/v1/incidents/${inc.id}`, {
      name: 'Checkout errors',
      workaround: 'Pay by invoice.',
    })
    expect(res.status).toBe(200)
    const row = (
      await t.deps.db.execute(
        "SELECT details FROM audit_log WHERE action = 'incident.edit' ORDER BY id DESC LIMIT 1",
      )
    ).rows[0]!
    expect(JSON.parse(str(row, 'details'))).toEqual({
      name: 'Checkout errors',
      workaround: 'Pay by invoice.',
      previous: { name: 'Errors', workaround: null },
    })
  })

  it('corrects the text of a posted update: no new entry, no email, before and after audited', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { body: 'Payments fial.' })
    const updateId = inc.incident_updates[0].id
    const res = await t.api('PATCH', `/api/v1/incidents/${inc.id}/updates/${updateId}`, {
      body: 'Payments fail.',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.incident_updates).toHaveLength(1)
    expect(res.body.incident_updates[0]).toMatchObject({ id: updateId, body: 'Payments fail.' })
    const got = (await t.api('GET', `/api/v1/incidents/${inc.id}`)).body
    expect(got.incident_updates[0].body).toBe('Payments fail.')
    const audit = (
      await t.deps.db.execute(
        "SELECT details FROM audit_log WHERE action = 'incident.update_edit' ORDER BY id",
      )
    ).rows
    expect(audit.map((r) => JSON.parse(str(r, 'details')))).toEqual([
      { update_id: updateId, body: 'Payments fail.', previous: { body: 'Payments fial.' } },
    ])
    const last = (await t.deps.db.execute('SELECT type FROM outbox ORDER BY id DESC LIMIT 1'))
      .rows[0]!
    // An edit re-publishes the page; edits are not in the notifier's map, so nobody is mailed.
    expect(last.type).toBe('incident.edited')

    const other = await makeIncident(t)
    const before = await dumpTables(t.deps.db)
    for (const [path, body, status] of [
      [`/api/v1/incidents/${inc.id}/updates/${other.incident_updates[0].id}`, { body: 'x' }, 404],
      [`/api/v1/incidents/${inc.id}/updates/${updateId}`, { body: '   ' }, 400],
      [`/api/v1/incidents/${inc.id}/updates/${updateId}`, { body: 'x', status: 'resolved' }, 400],
      [`/api/v1/incidents/${inc.id}/updates/nope`, { body: 'x' }, 400],
    ] as const) {
      const r = await t.api('PATCH', path, body)
      expect(r.status, JSON.stringify(r.body)).toBe(status)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })
})
