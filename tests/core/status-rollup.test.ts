import { describe, expect, it } from 'vitest'
import { rollUpStatus, worstStatus } from '../../core/status-rollup.ts'

describe('page status roll-up', () => {
  it.each([
    [[], 'none', 'All Systems Operational'],
    [['operational', 'operational'], 'none', 'All Systems Operational'],
    [['operational', 'degraded_performance'], 'minor', 'Partially Degraded Service'],
    [['operational', 'partial_outage', 'degraded_performance'], 'minor', 'Minor Service Outage'],
    [['operational', 'major_outage'], 'major', 'Partial System Outage'],
    [['major_outage', 'major_outage'], 'critical', 'Major Service Outage'],
    [['operational', 'under_maintenance'], 'maintenance', 'Service Under Maintenance'],
    [['under_maintenance', 'partial_outage'], 'minor', 'Minor Service Outage'],
  ] as const)('%j → %s', (statuses, indicator, description) => {
    expect(rollUpStatus(statuses)).toEqual({ indicator, description })
  })

  it('worst status ranks maintenance below any degradation', () => {
    expect(worstStatus(['under_maintenance', 'degraded_performance'])).toBe('degraded_performance')
    expect(worstStatus(['operational', 'under_maintenance'])).toBe('under_maintenance')
    expect(worstStatus([])).toBe('operational')
  })
})
