import { z } from 'zod'
import { ComponentStatus } from './component.ts'
import { AffectedComponent } from './incident.ts'

/**
 * The public Status API v2 shapes, field for field as Statuspage publishes them (see
 * tests/fixtures/statuspage-v2). Existing widgets and aggregators parse these, so names,
 * nesting and nulls must not drift; extra fields are tolerated by clients, unknown enums are not.
 */
const Ts = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'ISO-8601 with ms')

export const V2Page = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  time_zone: z.string(),
  updated_at: Ts,
})

export const V2Status = z.object({
  indicator: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  description: z.string(),
})

export const V2Component = z.object({
  id: z.string(),
  name: z.string(),
  status: ComponentStatus,
  created_at: Ts,
  updated_at: Ts,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z.string().nullable(),
  group_id: z.string().nullable(),
  page_id: z.string(),
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(z.string()).optional(),
})
export type V2Component = z.infer<typeof V2Component>

export const V2IncidentUpdate = z.object({
  id: z.string(),
  status: z.string(),
  body: z.string(),
  incident_id: z.string(),
  created_at: Ts,
  updated_at: Ts,
  display_at: Ts,
  affected_components: z.array(AffectedComponent).nullable(),
  deliver_notifications: z.boolean(),
  custom_tweet: z.null(),
  tweet_id: z.null(),
})

export const V2Incident = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']),
  created_at: Ts,
  updated_at: Ts,
  monitoring_at: Ts.nullable(),
  resolved_at: Ts.nullable(),
  impact: z.enum(['none', 'minor', 'major', 'critical']),
  shortlink: z.string(),
  started_at: Ts,
  page_id: z.string(),
  incident_updates: z.array(V2IncidentUpdate),
  components: z.array(V2Component),
})
export type V2Incident = z.infer<typeof V2Incident>

export const V2Maintenance = V2Incident.extend({
  status: z.enum(['scheduled', 'in_progress', 'verifying', 'completed']),
  impact: z.enum(['none', 'minor', 'major', 'critical', 'maintenance']),
  scheduled_for: Ts,
  scheduled_until: Ts,
})
export type V2Maintenance = z.infer<typeof V2Maintenance>

export const V2Summary = z.object({
  page: V2Page,
  components: z.array(V2Component),
  incidents: z.array(V2Incident),
  scheduled_maintenances: z.array(V2Maintenance),
  status: V2Status,
})
export type V2Summary = z.infer<typeof V2Summary>

export const V2StatusDoc = z.object({ page: V2Page, status: V2Status })
export const V2ComponentsDoc = z.object({ page: V2Page, components: z.array(V2Component) })
export const V2IncidentsDoc = z.object({ page: V2Page, incidents: z.array(V2Incident) })
export const V2MaintenancesDoc = z.object({
  page: V2Page,
  scheduled_maintenances: z.array(V2Maintenance),
})
