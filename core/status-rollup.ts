import type { ComponentStatus } from './schemas/component.ts'

export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance'

export interface PageStatus {
  indicator: Indicator
  description: string
}

const SEVERITY: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
}

/** The more severe of two statuses (maintenance ranks below any degradation). */
export function worstStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = 'operational'
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[worst]) worst = s
  return worst
}

/**
 * Page status from component statuses, the way Statuspage blends them: the indicator follows the
 * components, not incident impact (a "major" incident with one partial outage reads "minor").
 * Every component down at once is "critical"; only maintenance in progress is "maintenance".
 */
export function rollUpStatus(statuses: readonly ComponentStatus[]): PageStatus {
  const worst = worstStatus(statuses)
  switch (worst) {
    case 'operational':
      return { indicator: 'none', description: 'All Systems Operational' }
    case 'under_maintenance':
      return { indicator: 'maintenance', description: 'Service Under Maintenance' }
    case 'degraded_performance':
      return { indicator: 'minor', description: 'Partially Degraded Service' }
    case 'partial_outage':
      return { indicator: 'minor', description: 'Minor Service Outage' }
    case 'major_outage':
      return statuses.every((s) => s === 'major_outage')
        ? { indicator: 'critical', description: 'Major Service Outage' }
        : { indicator: 'major', description: 'Partial System Outage' }
  }
}

const RANK: Record<Indicator, number> = { none: 0, maintenance: 1, minor: 2, major: 3, critical: 4 }

/** What an open incident's impact says about the page, in the indicator's own terms. */
const IMPACT_INDICATOR: Record<string, Indicator> = {
  minor: 'minor',
  major: 'major',
  critical: 'critical',
}

/** Statuspage's description of each indicator when the incidents, not the components, set it. */
const IMPACT_DESCRIPTION: Record<'minor' | 'major' | 'critical', string> = {
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major Service Outage',
}

/**
 * The status people read on our own pages (the site's banner, the console's "Now"): the worse of
 * the component roll-up and the open incidents' impact, so an open "major" incident never sits
 * under "Minor Service Outage" or "All Systems Operational". The Statuspage v2 JSON keeps
 * `rollUpStatus` (components only), as real Statuspage pages do (tests/fixtures/statuspage-v2).
 */
export function pageStatus(
  statuses: readonly ComponentStatus[],
  openImpacts: readonly string[],
): PageStatus {
  const byComponents = rollUpStatus(statuses)
  let worst: Indicator = byComponents.indicator
  for (const impact of openImpacts) {
    const i = IMPACT_INDICATOR[impact]
    if (i && RANK[i] > RANK[worst]) worst = i
  }
  if (worst === byComponents.indicator) return byComponents
  return {
    indicator: worst,
    description: IMPACT_DESCRIPTION[worst as 'minor' | 'major' | 'critical'],
  }
}
