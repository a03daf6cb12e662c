import { describe, expect, it } from 'vitest'
import { pageStatus, rollUpStatus, worstStatus } from '../../core/status-rollup.ts'

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

describe('the status our own pages show (pageStatus)', () => {
  const impacts = ['none', 'minor', 'major', 'critical'] as const
  const statuses = [
    'operational',
    'under_maintenance',
    'degraded_performance',
    'partial_outage',
    'major_outage',
  ] as const
  const rank = { none: 0, maintenance: 1, minor: 2, major: 3, critical: 4 }

  it('is never better than the components nor than any open incident (every combination)', () => {
    let checked = 0
    for (const a of statuses)
      for (const b of statuses)
        for (const i of impacts)
          for (const j of [...impacts, null]) {
            const open = j === null ? [i] : [i, j]
            const s = pageStatus([a, b], open)
            const byComponents = rollUpStatus([a, b])
            expect(rank[s.indicator]).toBeGreaterThanOrEqual(rank[byComponents.indicator])
            for (const impact of open)
              if (impact !== 'none') expect(rank[s.indicator]).toBeGreaterThanOrEqual(rank[impact])
            if (s.indicator === byComponents.indicator) expect(s).toEqual(byComponents)
            if (s.indicator !== 'none') expect(s.description).not.toBe('All Systems Operational')
            checked++
          }
    expect(checked).toBe(500)
  })

  it.each([
    [['operational'], ['critical'], 'critical', 'Major Service Outage'],
    [['operational', 'partial_outage'], ['major'], 'major', 'Partial System Outage'],
    [['operational'], ['minor'], 'minor', 'Minor Service Outage'],
    [['operational'], ['none'], 'none', 'All Systems Operational'],
    [['under_maintenance'], ['minor'], 'minor', 'Minor Service Outage'],
    [['major_outage'], ['minor'], 'critical', 'Major Service Outage'],
    [['degraded_performance'], [], 'minor', 'Partially Degraded Service'],
  ] as const)('%j with open impacts %j → %s', (components, open, indicator, description) => {
    expect(pageStatus(components, open)).toEqual({ indicator, description })
  })
})
