import { describe, expect, it } from 'vitest'
import type { IncidentRecord, UpdateRecord } from '../../core/records.ts'
import type { Component } from '../../core/schemas/component.ts'
import { V2Component, V2Incident, V2Maintenance } from '../../core/schemas/statuspage-v2.ts'
import {
  componentsAsOf,
  webhookComponentUpdate,
  webhookIncident,
  webhookPage,
} from '../../core/statuspage-webhook.ts'

const page = { id: 'page1', name: 'Example', url: 'https://status.example.com', time_zone: 'UTC' }

const component = (id: string, status: Component['status'], created = '2026-01-01T00:00:00.000Z') =>
  ({
    id,
    name: `Component ${id}`,
    description: null,
    group_id: null,
    position: 1,
    sla_target: 99.9,
    status,
    only_show_if_degraded: false,
    created_at: created,
    updated_at: '2026-03-10T13:00:00.000Z',
  }) satisfies Component

const update = (id: string, status: UpdateRecord['status'], at: string): UpdateRecord => ({
  id,
  incident_id: 'inc1',
  status,
  body: `Update ${id}`,
  workaround: null,
  deliver_notifications: true,
  affected_components: null,
  created_at: at,
  display_at: at,
})

const record = (over: Partial<IncidentRecord> = {}): IncidentRecord => ({
  id: 'inc1',
  kind: 'incident',
  name: 'Payments failing',
  status: 'resolved',
  impact: 'major',
  workaround: null,
  started_at: '2026-03-10T12:00:00.000Z',
  identified_at: null,
  monitoring_at: null,
  resolved_at: '2026-03-10T12:30:00.000Z',
  scheduled_for: null,
  scheduled_until: null,
  auto_transition: false,
  cancelled_at: null,
  created_at: '2026-03-10T12:00:00.000Z',
  updated_at: '2026-03-10T12:30:00.000Z',
  components: [{ id: 'a', status: 'major_outage' }],
  updates: [
    update('u3', 'resolved', '2026-03-10T12:30:00.000Z'),
    update('u2', 'identified', '2026-03-10T12:10:00.000Z'),
    update('u1', 'investigating', '2026-03-10T12:00:00.000Z'),
  ],
  apology: null,
  compensation: null,
  short_notice: false,
  postmortem: null,
  ...over,
})

const history = [
  { component_id: 'a', status: 'operational' as const, at: '2026-01-01T00:00:00.000Z' },
  { component_id: 'a', status: 'major_outage' as const, at: '2026-03-10T12:00:00.000Z' },
  { component_id: 'a', status: 'operational' as const, at: '2026-03-10T12:30:00.000Z' },
  { component_id: 'b', status: 'operational' as const, at: '2026-01-01T00:00:00.000Z' },
]

describe('Statuspage webhook bodies, as of the event', () => {
  it('take each component’s status from the history at the event’s time', () => {
    const now = [component('a', 'operational'), component('b', 'operational')]
    const at1210 = componentsAsOf(now, history, '2026-03-10T12:10:00.000Z')
    expect(at1210.map((c) => [c.id, c.status, c.updated_at])).toEqual([
      ['a', 'major_outage', '2026-03-10T12:00:00.000Z'],
      ['b', 'operational', '2026-01-01T00:00:00.000Z'],
    ])
    expect(webhookPage('page1', at1210)).toEqual({
      id: 'page1',
      status_indicator: 'major',
      status_description: 'Partial System Outage',
    })
    // Later changes do not reach back; a component created afterwards is not there yet.
    const later = [...now, component('c', 'major_outage', '2026-03-11T00:00:00.000Z')]
    expect(componentsAsOf(later, history, '2026-03-10T12:10:00.000Z')).toEqual(at1210)
    expect(webhookPage('page1', componentsAsOf(now, history, '2026-03-10T12:31:00.000Z'))).toEqual({
      id: 'page1',
      status_indicator: 'none',
      status_description: 'All Systems Operational',
    })
  })

  it('carry the v2 incident with the updates posted until the event and its status', () => {
    const comps = componentsAsOf(
      [component('a', 'operational')],
      history,
      '2026-03-10T12:10:00.000Z',
    )
    const i = webhookIncident(record(), page, comps, '2026-03-10T12:10:00.000Z', 'u2')
    expect(V2Incident.parse(i)).toBeTruthy()
    expect(i.status).toBe('identified')
    expect(i.incident_updates.map((u) => u.id)).toEqual(['u2', 'u1'])
    expect(i.components.map((c) => [c.id, c.status])).toEqual([['a', 'major_outage']])
    expect(i.shortlink).toBe('https://status.example.com/incidents/inc1/')
    // The same event rendered again (a retry) is the same bytes.
    expect(
      JSON.stringify(webhookIncident(record(), page, comps, '2026-03-10T12:10:00.000Z', 'u2')),
    ).toBe(JSON.stringify(i))
  })

  it('maps a maintenance window to the v2 maintenance shape', () => {
    const m = record({
      kind: 'maintenance',
      impact: 'maintenance',
      status: 'scheduled',
      scheduled_for: '2026-03-12T01:00:00.000Z',
      scheduled_until: '2026-03-12T02:00:00.000Z',
      updates: [update('m1', 'scheduled', '2026-03-10T12:00:00.000Z')],
    })
    const body = webhookIncident(m, page, [], '2026-03-10T12:00:00.000Z', 'm1')
    expect(V2Maintenance.parse(body)).toBeTruthy()
    expect(body).toMatchObject({ impact: 'maintenance', status: 'scheduled' })
  })

  it('describes a component change as Statuspage’s component_update and component', () => {
    const parts = webhookComponentUpdate(component('a', 'operational'), 'page1', {
      id: '42',
      old_status: 'operational',
      new_status: 'partial_outage',
      at: '2026-03-10T12:00:00.000Z',
    })
    expect(parts.component_update).toEqual({
      old_status: 'operational',
      new_status: 'partial_outage',
      created_at: '2026-03-10T12:00:00.000Z',
      component_type: 'Component',
      id: '42',
      component_id: 'a',
    })
    expect(V2Component.parse(parts.component)).toMatchObject({
      id: 'a',
      status: 'partial_outage',
      updated_at: '2026-03-10T12:00:00.000Z',
      page_id: 'page1',
    })
  })
})
