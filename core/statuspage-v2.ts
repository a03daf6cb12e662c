import type { IncidentRecord, UpdateRecord } from './records.ts'
import type { Component } from './schemas/component.ts'
import type { V2Component, V2Incident, V2Maintenance, V2Summary } from './schemas/statuspage-v2.ts'
import type { StatusSnapshot } from './snapshot.ts'
import { rollUpStatus, worstStatus } from './status-rollup.ts'
import { incidentUrl } from './urls.ts'

/** Statuspage returns at most this many incidents or maintenances from the list endpoints. */
export const V2_LIST_LIMIT = 50

type Page = V2Summary['page']

export function v2Page(s: StatusSnapshot): Page {
  let updated = ''
  for (const c of s.components) if (c.updated_at > updated) updated = c.updated_at
  for (const g of s.groups) if (g.updated_at > updated) updated = g.updated_at
  for (const i of [...s.incidents, ...s.maintenances])
    if (i.updated_at > updated) updated = i.updated_at
  return { ...s.page, updated_at: updated || s.generated_at }
}

/**
 * Component rows in display order: top-level rows (ungrouped components and groups) by position,
 * each group row followed by its children, as Statuspage lists them.
 */
export function v2Components(s: StatusSnapshot): V2Component[] {
  const pageId = s.page.id
  const children = new Map<string, Component[]>()
  for (const c of s.components) {
    if (!c.group_id) continue
    const list = children.get(c.group_id) ?? []
    list.push(c)
    children.set(c.group_id, list)
  }
  type Top = { position: number; name: string; rows: V2Component[] }
  const top: Top[] = []
  for (const c of s.components) {
    if (!c.group_id)
      top.push({ position: c.position, name: c.name, rows: [componentRow(c, pageId)] })
  }
  for (const g of s.groups) {
    const kids = (children.get(g.id) ?? []).sort(byPosition)
    const row: V2Component = {
      id: g.id,
      name: g.name,
      status: worstStatus(kids.map((k) => k.status)),
      created_at: g.created_at,
      updated_at: g.updated_at,
      position: g.position,
      description: g.description,
      showcase: false,
      start_date: null,
      group_id: null,
      page_id: pageId,
      group: true,
      only_show_if_degraded: false,
      components: kids.map((k) => k.id),
    }
    top.push({
      position: g.position,
      name: g.name,
      rows: [row, ...kids.map((k) => componentRow(k, pageId))],
    })
  }
  return top.sort(byPosition).flatMap((t) => t.rows)
}

function byPosition(a: { position: number; name: string }, b: { position: number; name: string }) {
  return a.position - b.position || a.name.localeCompare(b.name)
}

export function componentRow(c: Component, pageId: string): V2Component {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: c.created_at,
    updated_at: c.updated_at,
    position: c.position,
    description: c.description,
    showcase: true,
    start_date: c.created_at.slice(0, 10),
    group_id: c.group_id,
    page_id: pageId,
    group: false,
    only_show_if_degraded: c.only_show_if_degraded,
  }
}

function v2Update(u: UpdateRecord) {
  return {
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: u.incident_id,
    created_at: u.created_at,
    updated_at: u.created_at,
    display_at: u.display_at,
    affected_components: u.affected_components,
    deliver_notifications: u.deliver_notifications,
    custom_tweet: null,
    tweet_id: null,
  }
}

function v2IncidentBase(r: IncidentRecord, s: StatusSnapshot) {
  const byId = new Map(s.components.map((c) => [c.id, c]))
  return {
    id: r.id,
    name: r.name,
    created_at: r.created_at,
    updated_at: r.updated_at,
    monitoring_at: r.monitoring_at,
    resolved_at: r.resolved_at,
    shortlink: incidentUrl(s.page.url, r),
    started_at: r.started_at,
    page_id: s.page.id,
    incident_updates: r.updates.map(v2Update),
    components: r.components.flatMap((a) => {
      const c = byId.get(a.id)
      return c ? [componentRow(c, s.page.id)] : []
    }),
  }
}

export function v2Incident(r: IncidentRecord, s: StatusSnapshot): V2Incident {
  return {
    ...v2IncidentBase(r, s),
    status: r.status as V2Incident['status'],
    impact: r.impact as V2Incident['impact'],
  }
}

export function v2Maintenance(r: IncidentRecord, s: StatusSnapshot): V2Maintenance {
  return {
    ...v2IncidentBase(r, s),
    status: r.status as V2Maintenance['status'],
    impact: 'maintenance',
    scheduled_for: r.scheduled_for ?? r.started_at,
    scheduled_until: r.scheduled_until ?? r.started_at,
  }
}

const isUnresolved = (r: IncidentRecord) => r.status !== 'resolved'
const isUpcoming = (r: IncidentRecord) => r.status === 'scheduled' && !r.cancelled_at
const isActive = (r: IncidentRecord) => r.status === 'in_progress' || r.status === 'verifying'

/** Every public v2 document, keyed by its path under /api/v2/. */
export function v2Documents(s: StatusSnapshot): Record<string, unknown> {
  const page = v2Page(s)
  const components = v2Components(s)
  const status = rollUpStatus(s.components.map((c) => c.status))
  const incidents = s.incidents.map((r) => v2Incident(r, s))
  const unresolved = s.incidents.filter(isUnresolved).map((r) => v2Incident(r, s))
  const maint = (f: (r: IncidentRecord) => boolean) =>
    s.maintenances.filter(f).map((r) => v2Maintenance(r, s))
  const upcoming = maint(isUpcoming)
  const active = maint(isActive)
  const summary: V2Summary = {
    page,
    components,
    incidents: unresolved,
    scheduled_maintenances: [...active, ...upcoming],
    status,
  }
  return {
    'summary.json': summary,
    'status.json': { page, status },
    'components.json': { page, components },
    'incidents.json': { page, incidents: incidents.slice(0, V2_LIST_LIMIT) },
    'incidents/unresolved.json': { page, incidents: unresolved },
    'scheduled-maintenances.json': {
      page,
      scheduled_maintenances: maint(() => true).slice(0, V2_LIST_LIMIT),
    },
    'scheduled-maintenances/upcoming.json': { page, scheduled_maintenances: upcoming },
    'scheduled-maintenances/active.json': { page, scheduled_maintenances: active },
  }
}
