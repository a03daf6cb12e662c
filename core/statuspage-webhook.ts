import type { IncidentRecord } from './records.ts'
import type { Component, ComponentStatus } from './schemas/component.ts'
import type { V2Component, V2Incident, V2Maintenance } from './schemas/statuspage-v2.ts'
import type { PageInfo } from './snapshot.ts'
import { componentRow, v2Incident, v2Maintenance } from './statuspage-v2.ts'
import { rollUpStatus } from './status-rollup.ts'

/**
 * The parts of a webhook body in Statuspage's webhook format, so its consumers work unchanged:
 * `meta`, `page`, and `incident` (the Status API v2 incident, with its `incident_updates`) or
 * `component_update` + `component`. Everything is as of the event (its time `at`), so a retry
 * hours later carries what the first attempt carried: the updates posted until then, and each
 * component's status from the status history.
 */

export interface StatusChange {
  component_id: string
  status: ComponentStatus
  at: string
}

/**
 * The components as they stood at `at`: those created by then, each with the status of its last
 * change at or before it and that change's time as `updated_at` (one without any recorded change
 * keeps its status).
 */
export function componentsAsOf(
  components: readonly Component[],
  history: readonly StatusChange[],
  at: string,
): Component[] {
  const last = new Map<string, StatusChange>()
  for (const h of history) {
    if (h.at > at) continue
    const seen = last.get(h.component_id)
    if (!seen || h.at >= seen.at) last.set(h.component_id, h)
  }
  return components
    .filter((c) => c.created_at <= at)
    .map((c) => {
      const h = last.get(c.id)
      return h ? { ...c, status: h.status, updated_at: h.at } : { ...c, updated_at: c.created_at }
    })
}

export interface WebhookPage {
  id: string
  status_indicator: string
  status_description: string
}

/** The `page` block: the page's id and its overall status from the components' statuses. */
export function webhookPage(pageId: string, components: readonly Component[]): WebhookPage {
  const s = rollUpStatus(components.map((c) => c.status))
  return { id: pageId, status_indicator: s.indicator, status_description: s.description }
}

/**
 * The `incident` of a webhook about an incident or a maintenance window: the v2 shape, with the
 * updates posted until `at` and the status the event reported (`updateId`'s, else the record's).
 */
export function webhookIncident(
  r: IncidentRecord,
  page: PageInfo,
  components: Component[],
  at: string,
  updateId: string | null,
): V2Incident | V2Maintenance {
  const updates = r.updates.filter((u) => u.created_at <= at)
  const status = r.updates.find((u) => u.id === updateId)?.status ?? r.status
  const asOf: IncidentRecord = { ...r, status, updates }
  const snapshot = {
    page,
    generated_at: at,
    components,
    groups: [],
    incidents: [],
    maintenances: [],
  }
  return r.kind === 'maintenance' ? v2Maintenance(asOf, snapshot) : v2Incident(asOf, snapshot)
}

/** `component_update` and `component` of a webhook about a component's status change. */
export function webhookComponentUpdate(
  c: Component,
  pageId: string,
  change: { id: string; old_status: ComponentStatus; new_status: ComponentStatus; at: string },
): { component_update: Record<string, unknown>; component: V2Component } {
  return {
    component_update: {
      old_status: change.old_status,
      new_status: change.new_status,
      created_at: change.at,
      component_type: 'Component',
      id: change.id,
      component_id: c.id,
    },
    component: componentRow({ ...c, status: change.new_status, updated_at: change.at }, pageId),
  }
}
