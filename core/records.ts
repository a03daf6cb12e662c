import type { ComponentStatus } from './schemas/component.ts'
import type { AffectedComponent, Impact, IncidentStatus } from './schemas/incident.ts'
import type { MaintenanceStatus } from './schemas/maintenance.ts'
import type { Translations } from './localized.ts'
import type { Locale } from './schemas/subscription.ts'

/**
 * Incidents and maintenance windows share one record (as in Statuspage, where a maintenance is
 * an incident with impact "maintenance"), so updates, timelines and feeds handle both alike.
 */
export type IncidentKind = 'incident' | 'maintenance'

export interface UpdateRecord {
  id: string
  incident_id: string
  status: IncidentStatus | MaintenanceStatus
  body: string
  workaround: string | null
  deliver_notifications: boolean
  affected_components: AffectedComponent[] | null
  created_at: string
  display_at: string
  /** body and workaround in the other configured locales (core/localized.ts). */
  translations?: Translations<'body' | 'workaround'>
}

export interface IncidentRecord {
  id: string
  kind: IncidentKind
  name: string
  status: IncidentStatus | MaintenanceStatus
  impact: Impact | 'maintenance'
  workaround: string | null
  started_at: string
  identified_at: string | null
  monitoring_at: string | null
  resolved_at: string | null
  scheduled_for: string | null
  scheduled_until: string | null
  auto_transition: boolean
  cancelled_at: string | null
  created_at: string
  updated_at: string
  /** Affected components with their status during this incident. */
  components: { id: string; status: ComponentStatus }[]
  /** Newest first. */
  updates: UpdateRecord[]
  /** A sincere apology, shown on the page and in the resolution and post-mortem emails. */
  apology: string | null
  /** The team's decision on a make-good, if any. */
  compensation: CompensationDecision | null
  /** A maintenance window announced with less than the configured notice. */
  short_notice: boolean
  postmortem: Postmortem | null
  /** The playbook the incident was opened from and what it was filled with (none: absent or null). */
  playbook?: PlaybookRef | null
  /** name, workaround and apology in the other configured locales (core/localized.ts). */
  translations?: Translations<'name' | 'workaround' | 'apology'>
}

export interface PlaybookRef {
  id: string
  locale: Locale
  vars: Record<string, string>
}

export interface CompensationDecision {
  decision: 'accepted' | 'override' | 'custom'
  /** Credit in percent per component id (accepted: as computed; override: as set). */
  credits: Record<string, number>
  /** The team's own make-good in words (custom), or a note. */
  text: string | null
  decided_at: string
}

export interface Postmortem {
  body: string
  status: 'draft' | 'published'
  created_at: string
  updated_at: string
  published_at: string | null
  /** The body in the other configured locales (core/localized.ts). */
  translations?: Translations<'body'>
}
