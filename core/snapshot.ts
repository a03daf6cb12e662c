import type { IncidentRecord } from './records.ts'
import type { Component, ComponentGroup } from './schemas/component.ts'

export interface PageInfo {
  id: string
  name: string
  url: string
  time_zone: string
}

/**
 * Everything the public views are computed from, read in one go. The API, the static site and
 * the notifier all derive their output from this, so they can never disagree.
 */
export interface StatusSnapshot {
  page: PageInfo
  generated_at: string
  components: Component[]
  groups: ComponentGroup[]
  /** Open incidents and the most recent closed ones, newest first. */
  incidents: IncidentRecord[]
  /** Upcoming, active and the most recent finished windows, soonest first. */
  maintenances: IncidentRecord[]
}
