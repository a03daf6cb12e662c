import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  V2ComponentsDoc,
  V2IncidentsDoc,
  V2MaintenancesDoc,
  V2StatusDoc,
  V2Summary,
} from '../../core/schemas/statuspage-v2.ts'
import { V2_PATHS } from '../../api/routes/public-v2.ts'
import { makeComponent, makeGroup, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const FIXTURES = join(import.meta.dirname, '../fixtures/statuspage-v2')
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))
const github = fixture('github-summary-during-incident.json')
const groupRow = fixture('group-component-row.json')
const maintenance = fixture('upcoming-maintenance-in-summary.json')

const keys = (o: object) => Object.keys(o).sort()
const get = async (t: TestApp, path: string) => {
  const res = await t.api('GET', `/api/v2/${path}`, undefined, { token: null })
  expect(res.status, path).toBe(200)
  return res
}

/** A page in the middle of an incident, with a group, an active and an upcoming maintenance. */
async function busyPage(t: TestApp) {
  const api = await makeComponent(t, { name: 'API' })
  const web = await makeComponent(t, { name: 'Web' })
  const g = await makeGroup(t, { name: 'Core', components: [api.id, web.id] })
  const lone = await makeComponent(t, { name: 'Webhooks' })
  const inc = await makeIncident(t, { impact: 'major', components: { [api.id]: 'partial_outage' } })
  t.clock.advance(60_000)
  await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
    status: 'identified',
    body: 'Found it.',
  })
  const upcoming = await makeMaintenance(t, { components: [web.id] })
  const active = await makeMaintenance(t, {
    name: 'Now',
    scheduled_for: new Date(t.clock.now().getTime() - 60_000).toISOString(),
    components: [lone.id],
  })
  await t.api('POST', `/api/v1/maintenances/${active.id}/updates`, {
    status: 'in_progress',
    body: 'Started.',
  })
  return { api, web, g, lone, inc, upcoming, active }
}

describe('public Status API v2', () => {
  it('every document parses with the Statuspage shapes', async () => {
    const t = await createTestApp()
    await busyPage(t)
    const schemas: Record<string, { parse(x: unknown): unknown }> = {
      'summary.json': V2Summary,
      'status.json': V2StatusDoc,
      'components.json': V2ComponentsDoc,
      'incidents.json': V2IncidentsDoc,
      'incidents/unresolved.json': V2IncidentsDoc,
      'scheduled-maintenances.json': V2MaintenancesDoc,
      'scheduled-maintenances/upcoming.json': V2MaintenancesDoc,
      'scheduled-maintenances/active.json': V2MaintenancesDoc,
    }
    expect(keys(schemas)).toEqual([...V2_PATHS].sort())
    for (const path of V2_PATHS) schemas[path]!.parse((await get(t, path)).body)
  })

  it('our schemas accept the real Statuspage responses (the contract is theirs, not ours)', () => {
    V2Summary.parse(github)
  })

  it('objects carry every field the real Statuspage objects carry, nested the same way', async () => {
    const t = await createTestApp()
    await busyPage(t)
    const summary = (await get(t, 'summary.json')).body
    expect(keys(summary)).toEqual(keys(github))
    expect(keys(summary.page)).toEqual(keys(github.page))
    const plain = summary.components.find((c: any) => !c.group)
    expect(keys(plain)).toEqual(keys(github.components[0]))
    const group = summary.components.find((c: any) => c.group)
    expect(keys(group)).toEqual(keys(groupRow))
    const inc = summary.incidents[0]
    expect(keys(inc)).toEqual(keys(github.incidents[0]))
    expect(keys(inc.incident_updates[0])).toEqual(keys(github.incidents[0].incident_updates[0]))
    expect(keys(summary.scheduled_maintenances[0])).toEqual(keys(maintenance))
    expect(keys(summary.scheduled_maintenances[0].incident_updates[0])).toEqual(
      keys(maintenance.incident_updates[0]),
    )
  })

  it('reports the page state the way Statuspage does', async () => {
    const t = await createTestApp()
    const { api, web, g, lone, inc, upcoming, active } = await busyPage(t)
    const summary = (await get(t, 'summary.json')).body
    expect(summary.page).toMatchObject({
      id: 'amends',
      name: 'Example Status',
      url: 'https://status.example.com',
      time_zone: 'Etc/UTC',
    })
    expect(summary.status).toEqual({ indicator: 'minor', description: 'Minor Service Outage' })
    expect(summary.components.map((c: any) => c.name)).toEqual(['Core', 'API', 'Web', 'Webhooks'])
    expect(summary.components[0]).toMatchObject({
      id: g.id,
      group: true,
      components: [api.id, web.id],
      status: 'partial_outage',
      group_id: null,
    })
    expect(summary.components[1]).toMatchObject({ group_id: g.id, status: 'partial_outage' })
    expect(summary.components[3]).toMatchObject({ id: lone.id, status: 'under_maintenance' })
    expect(summary.incidents.map((i: any) => i.id)).toEqual([inc.id])
    expect(summary.incidents[0].incident_updates.map((u: any) => u.status)).toEqual([
      'identified',
      'investigating',
    ])
    expect(summary.incidents[0].incident_updates[1].affected_components).toEqual([
      { code: api.id, name: 'API', old_status: 'operational', new_status: 'partial_outage' },
    ])
    expect(summary.incidents[0].incident_updates[0].affected_components).toBeNull()
    expect(summary.incidents[0].components.map((c: any) => c.id)).toEqual([api.id])
    expect(summary.scheduled_maintenances.map((m: any) => [m.id, m.status, m.impact])).toEqual([
      [active.id, 'in_progress', 'maintenance'],
      [upcoming.id, 'scheduled', 'maintenance'],
    ])
    expect(
      (await get(t, 'scheduled-maintenances/upcoming.json')).body.scheduled_maintenances.map(
        (m: any) => m.id,
      ),
    ).toEqual([upcoming.id])
    expect(
      (await get(t, 'scheduled-maintenances/active.json')).body.scheduled_maintenances.map(
        (m: any) => m.id,
      ),
    ).toEqual([active.id])
    expect((await get(t, 'status.json')).body).toEqual({
      page: summary.page,
      status: summary.status,
    })
  })

  it('timestamps are ISO-8601 UTC with milliseconds', async () => {
    const t = await createTestApp()
    await busyPage(t)
    const text = JSON.stringify((await get(t, 'summary.json')).body)
    const stamps = text.match(/"\w+_(at|for|until)":"[^"]+"/g) ?? []
    expect(stamps.length).toBeGreaterThan(10)
    for (const s of stamps) expect(s).toMatch(/"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"$/)
  })

  it('an empty page still has every array, and says all is well', async () => {
    const t = await createTestApp()
    const summary = (await get(t, 'summary.json')).body
    expect(summary).toMatchObject({ components: [], incidents: [], scheduled_maintenances: [] })
    expect(summary.status).toEqual({ indicator: 'none', description: 'All Systems Operational' })
    expect(summary.page.updated_at).toBe('2026-03-10T12:00:00.000Z')
    for (const path of V2_PATHS) await get(t, path)
  })

  it('resolved incidents leave unresolved.json but stay in incidents.json; cancelled windows leave upcoming', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t)
    const m = await makeMaintenance(t)
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    await t.api('POST', `/api/v1/maintenances/${m.id}/cancel`, {})
    expect((await get(t, 'incidents/unresolved.json')).body.incidents).toEqual([])
    expect(
      (await get(t, 'incidents.json')).body.incidents.map((i: any) => [i.id, i.status]),
    ).toEqual([[inc.id, 'resolved']])
    expect(
      (await get(t, 'scheduled-maintenances/upcoming.json')).body.scheduled_maintenances,
    ).toEqual([])
    expect(
      (await get(t, 'scheduled-maintenances.json')).body.scheduled_maintenances.map(
        (x: any) => x.status,
      ),
    ).toEqual(['completed'])
  })

  it('no auth, open CORS, CDN-friendly caching with ETag revalidation, fresh after a write', async () => {
    const t = await createTestApp()
    const first = await t.api('GET', '/api/v2/summary.json', undefined, {
      token: null,
      headers: { origin: 'https://example.org' },
    })
    expect(first.headers.get('access-control-allow-origin')).toBe('*')
    expect(first.headers.get('cache-control')).toMatch(
      /max-age=\d+.*stale-while-revalidate=\d+.*stale-if-error=\d+/,
    )
    expect(first.headers.get('content-type')).toMatch(/application\/json/)
    const etag = first.headers.get('etag')!
    const again = await t.api('GET', '/api/v2/summary.json', undefined, {
      token: null,
      headers: { 'if-none-match': etag },
    })
    expect(again.status).toBe(304)
    await makeComponent(t, { name: 'New one' })
    const after = await t.api('GET', '/api/v2/summary.json', undefined, {
      token: null,
      headers: { 'if-none-match': etag },
    })
    expect(after.status).toBe(200)
    expect(after.body.components.map((c: any) => c.name)).toEqual(['New one'])
    expect(after.headers.get('etag')).not.toBe(etag)
  })
})
