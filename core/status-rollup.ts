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
