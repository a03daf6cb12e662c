import { prng } from '../fixtures/prng.ts'
import { describe, expect, it } from 'vitest'
import { componentCredit, monthWindow, parseCreditPolicy } from '../../core/compensation.ts'
import {
  DOWNTIME_WEIGHTS,
  downtimeWeightsText,
  uptimeBetween,
  weightedDownSeconds,
  type StatusChange,
  type UptimeStatus,
} from '../../core/uptime.ts'

const STATUSES: UptimeStatus[] = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
]

describe('downtime weights: one table for uptime, credits and impact', () => {
  it('counts a major outage in full, a partial outage at 30%, the rest not at all', () => {
    expect(DOWNTIME_WEIGHTS).toEqual({
      major_outage: 1,
      partial_outage: 0.3,
      degraded_performance: 0,
      operational: 0,
      under_maintenance: 0,
    })
    expect(
      weightedDownSeconds({ major_seconds: 3600, partial_seconds: 1800, degraded_seconds: 7200 }),
    ).toBe(3600 + 0.3 * 1800)
    expect(downtimeWeightsText()).toBe(
      'a major outage counts in full, a partial outage at 30%, degraded performance not at all; maintenance is left out',
    )
  })

  it('gives the same weighted downtime through uptime and through the credit, for 200 histories', () => {
    // The same histories on every run.
    const { next } = prng(11)
    const month = monthWindow(new Date('2026-03-15T00:00:00Z'), 'UTC')
    const policy = parseCreditPolicy('sla:10,99:25,95:100')
    let checked = 0
    for (let n = 0; n < 200; n++) {
      // 1 to 12 changes at whole seconds through March, each to any status.
      const history: StatusChange[] = Array.from({ length: 1 + Math.floor(next() * 12) }, () => ({
        at: new Date(month.start.getTime() + Math.floor(next() * 31 * 86_400) * 1000),
        status: STATUSES[Math.floor(next() * STATUSES.length)]!,
      })).sort((a, b) => a.at.getTime() - b.at.getTime())
      const t = uptimeBetween(history, month.start, month.end)
      expect(t.down_seconds).toBe(weightedDownSeconds(t))
      const credit = componentCredit(
        { id: 'c1', name: 'Search', sla_target: 99.9 },
        history,
        policy,
        month,
        month.end,
      )
      expect(credit.down_seconds).toBe(t.down_seconds)
      // Maintenance is neither up nor down: it leaves the base the availability is taken of.
      const base = t.observed_seconds - t.maintenance_seconds
      expect(t.uptime).toBe(base > 0 ? 100 * (1 - t.down_seconds / base) : null)
      checked++
    }
    expect(checked).toBe(200)
  })

  it('leaves maintenance out of the downtime and the base', () => {
    const at = (iso: string) => new Date(`2026-03-01T${iso}:00Z`)
    const t = uptimeBetween(
      [
        { at: at('00:00'), status: 'under_maintenance' },
        { at: at('02:00'), status: 'major_outage' },
        { at: at('03:00'), status: 'operational' },
      ],
      at('00:00'),
      at('06:00'),
    )
    expect(t).toMatchObject({ maintenance_seconds: 7200, down_seconds: 3600 })
    expect(t.uptime).toBe(100 * (1 - 3600 / (4 * 3600)))
  })
})
