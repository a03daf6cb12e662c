import { describe, expect, it } from 'vitest'
import {
  componentUptime,
  dayWindows,
  groupUptime,
  incidentsByDay,
  uptimeBetween,
  type ComponentUptime,
  type StatusChange,
  type UptimeStatus,
} from '../../core/uptime.ts'

const DAY = 86_400
const t = (iso: string): Date => new Date(iso)
const change = (status: UptimeStatus, iso: string): StatusChange => ({ status, at: t(iso) })

// A clock just past midnight on 2024-03-11, so "yesterday" (2024-03-10) is a complete day.
const NOW = t('2024-03-11T00:00:00Z')
const yesterday = (history: StatusChange[]) =>
  componentUptime(history, { now: NOW, days: 2 }).days[0]

describe('uptimeBetween', () => {
  const from = t('2024-03-10T00:00:00Z')
  const to = t('2024-03-11T00:00:00Z')

  it('gives 100 for a day fully operational', () => {
    const totals = uptimeBetween([change('operational', '2024-01-01T00:00:00Z')], from, to)
    expect(totals).toEqual({
      uptime: 100,
      observed_seconds: DAY,
      down_seconds: 0,
      major_seconds: 0,
      partial_seconds: 0,
      degraded_seconds: 0,
      maintenance_seconds: 0,
    })
  })

  it('counts one hour of major outage fully as down', () => {
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('major_outage', '2024-03-10T10:00:00Z'),
      change('operational', '2024-03-10T11:00:00Z'),
    ]
    const totals = uptimeBetween(history, from, to)
    expect(totals.uptime).toBe(100 * (1 - 3600 / 86400))
    expect(totals.major_seconds).toBe(3600)
    expect(totals.down_seconds).toBe(3600)
  })

  it('counts one hour of partial outage at 30%', () => {
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('partial_outage', '2024-03-10T10:00:00Z'),
      change('operational', '2024-03-10T11:00:00Z'),
    ]
    const totals = uptimeBetween(history, from, to)
    expect(totals.partial_seconds).toBe(3600)
    expect(totals.down_seconds).toBe(0.3 * 3600)
    expect(totals.uptime).toBe(100 * (1 - (0.3 * 3600) / 86400))
  })

  it('counts degraded performance as up but reports its time', () => {
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('degraded_performance', '2024-03-10T10:00:00Z'),
      change('operational', '2024-03-10T12:00:00Z'),
    ]
    const totals = uptimeBetween(history, from, to)
    expect(totals.uptime).toBe(100)
    expect(totals.degraded_seconds).toBe(7200)
    expect(totals.down_seconds).toBe(0)
  })

  it('leaves maintenance out of the denominator', () => {
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('under_maintenance', '2024-03-10T02:00:00Z'),
      change('major_outage', '2024-03-10T03:00:00Z'),
      change('operational', '2024-03-10T04:00:00Z'),
    ]
    const totals = uptimeBetween(history, from, to)
    expect(totals.uptime).toBe(100 * (1 - 3600 / 82800))
    expect(totals.observed_seconds).toBe(DAY)
    expect(totals.maintenance_seconds).toBe(3600)
  })

  it('ignores time before the first history entry', () => {
    const history = [
      change('operational', '2024-03-10T12:00:00Z'),
      change('major_outage', '2024-03-10T18:00:00Z'),
    ]
    const totals = uptimeBetween(history, from, to)
    expect(totals.observed_seconds).toBe(DAY / 2)
    expect(totals.uptime).toBe(50)
  })

  it('gives null with no history or an empty window', () => {
    expect(uptimeBetween([], from, to).uptime).toBeNull()
    const history = [change('operational', '2024-01-01T00:00:00Z')]
    expect(uptimeBetween(history, to, to).uptime).toBeNull()
    expect(uptimeBetween(history, to, from).observed_seconds).toBe(0)
  })

  it('handles unsorted history', () => {
    const history = [
      change('operational', '2024-03-10T11:00:00Z'),
      change('major_outage', '2024-03-10T10:00:00Z'),
      change('operational', '2024-01-01T00:00:00Z'),
    ]
    expect(uptimeBetween(history, from, to).uptime).toBe(100 * (1 - 3600 / 86400))
  })

  it('does not reorder the caller’s array', () => {
    const history = [
      change('operational', '2024-03-10T11:00:00Z'),
      change('major_outage', '2024-03-10T10:00:00Z'),
    ]
    const copy = [...history]
    uptimeBetween(history, from, to)
    componentUptime(history, { now: NOW })
    expect(history).toEqual(copy)
  })
})

describe('componentUptime', () => {
  it('gives 100 for a full operational day', () => {
    const day = yesterday([change('operational', '2024-01-01T00:00:00Z')])
    expect(day?.date).toBe('2024-03-10')
    expect(day?.uptime).toBe(100)
    expect(day?.observed_seconds).toBe(DAY)
  })

  it('splits an outage crossing midnight exactly between the two days', () => {
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('major_outage', '2024-03-09T23:00:00Z'),
      change('operational', '2024-03-10T02:00:00Z'),
    ]
    const result = componentUptime(history, { now: NOW, days: 3 })
    const [before, after] = result.days
    expect(before?.date).toBe('2024-03-09')
    expect(before?.major_seconds).toBe(3600)
    expect(before?.uptime).toBe(100 * (1 - 3600 / 86400))
    expect(after?.date).toBe('2024-03-10')
    expect(after?.major_seconds).toBe(7200)
    expect(after?.uptime).toBe(100 * (1 - 7200 / 86400))
  })

  it('counts today only up to now', () => {
    const now = t('2024-03-10T06:00:00Z')
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('major_outage', '2024-03-10T05:00:00Z'),
    ]
    const today = componentUptime(history, { now, days: 1 }).days[0]
    expect(today?.date).toBe('2024-03-10')
    expect(today?.observed_seconds).toBe(6 * 3600)
    expect(today?.major_seconds).toBe(3600)
    expect(today?.uptime).toBe(100 * (1 - 3600 / 21600))
  })

  it('gives null for a today with no time observed yet (now exactly at midnight)', () => {
    const result = componentUptime([change('operational', '2024-01-01T00:00:00Z')], {
      now: NOW,
      days: 1,
    })
    expect(result.days[0]).toMatchObject({ date: '2024-03-11', uptime: null, observed_seconds: 0 })
    expect(result.uptime).toBeNull()
  })

  it('gives null, not 100, for days before the first history entry', () => {
    const history = [change('operational', '2024-03-09T12:00:00Z')]
    const result = componentUptime(history, { now: NOW, days: 4 })
    expect(result.days.map((d) => d.uptime)).toEqual([null, 100, 100, null])
    expect(result.days[0]).toMatchObject({ date: '2024-03-08', observed_seconds: 0 })
    expect(result.days[1]?.observed_seconds).toBe(DAY / 2)
  })

  it('observes nothing before the creation time', () => {
    const history = [
      change('major_outage', '2024-01-01T00:00:00Z'),
      change('operational', '2024-03-09T18:00:00Z'),
    ]
    const since = t('2024-03-09T12:00:00Z')
    const result = componentUptime(history, { now: NOW, days: 4, since })
    expect(result.days.map((d) => d.uptime)).toEqual([null, 50, 100, null])
    expect(result.days[1]?.observed_seconds).toBe(DAY / 2)
    expect(result.days[1]?.major_seconds).toBe(6 * 3600)
  })

  it('gives null when created after now', () => {
    const history = [change('operational', '2024-01-01T00:00:00Z')]
    const result = componentUptime(history, { now: NOW, since: t('2024-04-01T00:00:00Z') })
    expect(result.uptime).toBeNull()
    expect(result.days.every((d) => d.uptime === null)).toBe(true)
  })

  it('reports a day wholly under maintenance as no figure with maintenance time', () => {
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('under_maintenance', '2024-03-10T00:00:00Z'),
      change('operational', '2024-03-11T00:00:00Z'),
    ]
    const day = yesterday(history)
    expect(day).toEqual({
      date: '2024-03-10',
      uptime: null,
      observed_seconds: DAY,
      down_seconds: 0,
      major_seconds: 0,
      partial_seconds: 0,
      degraded_seconds: 0,
      maintenance_seconds: DAY,
    })
  })

  it('weights the overall figure by time, not as a mean of days', () => {
    // Day 1: half observed (created at noon), 6 h major → 50% for the day.
    // Day 2: full, 1 h major. Mean of days would differ from the time-weighted figure.
    const history = [
      change('operational', '2024-03-09T12:00:00Z'),
      change('major_outage', '2024-03-09T18:00:00Z'),
      change('operational', '2024-03-10T00:00:00Z'),
      change('major_outage', '2024-03-10T12:00:00Z'),
      change('operational', '2024-03-10T13:00:00Z'),
    ]
    const result = componentUptime(history, { now: NOW })
    expect(result.days).toHaveLength(90)
    const expected = 100 * (1 - (6 * 3600 + 3600) / (DAY / 2 + DAY))
    expect(result.uptime).toBe(expected)
    const observed = result.days.flatMap((d) => (d.uptime === null ? [] : [d.uptime]))
    const meanOfDays = observed.reduce((a, b) => a + b, 0) / observed.length
    expect(result.uptime).not.toBe(meanOfDays)
  })

  it('keeps maintenance out of the overall denominator', () => {
    const history = [
      change('operational', '2024-03-09T00:00:00Z'),
      change('under_maintenance', '2024-03-10T00:00:00Z'),
      change('operational', '2024-03-10T12:00:00Z'),
      change('partial_outage', '2024-03-10T18:00:00Z'),
      change('operational', '2024-03-10T20:00:00Z'),
    ]
    const result = componentUptime(history, { now: NOW, days: 3 })
    expect(result.uptime).toBe(100 * (1 - (0.3 * 7200) / (DAY + DAY / 2)))
  })

  it('labels a window of `days` days ending with today’s UTC date', () => {
    const now = t('2024-03-01T23:30:00Z')
    const result = componentUptime([change('operational', '2024-01-01T00:00:00Z')], { now })
    expect(result.days).toHaveLength(90)
    expect(result.days.at(-1)?.date).toBe('2024-03-01')
    expect(result.days[0]?.date).toBe('2023-12-03')
    expect(result.days.find((d) => d.date === '2024-02-29')).toBeDefined()

    const week = componentUptime([], { now, days: 7 })
    expect(week.days.map((d) => d.date)).toEqual([
      '2024-02-24',
      '2024-02-25',
      '2024-02-26',
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ])
  })

  it('uses the UTC date even when local midnight would differ', () => {
    const result = componentUptime([], { now: t('2024-03-10T23:59:59-05:00'), days: 1 })
    expect(result.days[0]?.date).toBe('2024-03-11')
  })

  it('ignores history entries in the future relative to now', () => {
    const now = t('2024-03-10T12:00:00Z')
    const history = [
      change('operational', '2024-01-01T00:00:00Z'),
      change('major_outage', '2024-03-10T18:00:00Z'),
      change('major_outage', '2024-03-12T00:00:00Z'),
    ]
    const result = componentUptime(history, { now, days: 2 })
    expect(result.days.map((d) => d.uptime)).toEqual([100, 100])
    expect(result.days[1]?.observed_seconds).toBe(DAY / 2)
    expect(result.uptime).toBe(100)
  })

  it('rejects a window that is not a positive whole number of days', () => {
    expect(() => componentUptime([], { now: NOW, days: 0 })).toThrow(RangeError)
    expect(() => componentUptime([], { now: NOW, days: 1.5 })).toThrow(RangeError)
  })
})

describe('groupUptime', () => {
  const NO_STATES = { major_seconds: 0, partial_seconds: 0, degraded_seconds: 0 }
  const day = (date: string, uptime: number | null, maintenance = 0) => ({
    date,
    uptime,
    observed_seconds: 0,
    down_seconds: 0,
    major_seconds: 0,
    partial_seconds: 0,
    degraded_seconds: 0,
    maintenance_seconds: maintenance,
  })

  it('takes the mean of the components, per day and overall, ignoring nulls', () => {
    const a: ComponentUptime = {
      uptime: 90,
      days: [day('2024-03-09', 80), day('2024-03-10', 100)],
    }
    const b: ComponentUptime = {
      uptime: 99,
      days: [day('2024-03-09', null), day('2024-03-10', 96)],
    }
    const c: ComponentUptime = {
      uptime: null,
      days: [day('2024-03-09', null), day('2024-03-10', null)],
    }
    const group = groupUptime([a, b, c])
    expect(group.uptime).toBe((90 + 99) / 2)
    expect(group.days).toEqual([
      { date: '2024-03-09', uptime: 80, maintenance_seconds: 0, ...NO_STATES },
      { date: '2024-03-10', uptime: 98, maintenance_seconds: 0, ...NO_STATES },
    ])
  })

  it('gives null for a day where every component is null, keeping maintenance time', () => {
    const a: ComponentUptime = { uptime: null, days: [day('2024-03-10', null, DAY)] }
    const b: ComponentUptime = { uptime: null, days: [day('2024-03-10', null)] }
    expect(groupUptime([a, b])).toEqual({
      uptime: null,
      days: [{ date: '2024-03-10', uptime: null, maintenance_seconds: DAY, ...NO_STATES }],
    })
  })

  it('gives null and no days for an empty group', () => {
    expect(groupUptime([])).toEqual({ uptime: null, days: [] })
  })

  it('combines real component results', () => {
    const now = NOW
    const allUp = componentUptime([change('operational', '2024-01-01T00:00:00Z')], { now, days: 2 })
    const outage = componentUptime(
      [
        change('operational', '2024-01-01T00:00:00Z'),
        change('major_outage', '2024-03-10T00:00:00Z'),
        change('operational', '2024-03-10T12:00:00Z'),
      ],
      { now, days: 2 },
    )
    const notYet = componentUptime([], { now, days: 2 })
    const group = groupUptime([allUp, outage, notYet])
    expect(group.days.map((d) => d.date)).toEqual(['2024-03-10', '2024-03-11'])
    expect(group.days[0]?.uptime).toBe(75)
    expect(group.days[1]?.uptime).toBeNull()
    expect(group.uptime).toBe(75)
  })
})

describe("days in the page's time zone", () => {
  it("cuts days at the zone's midnight: an outage at 23:30 UTC is the next day in Shanghai", () => {
    const history = [
      change('operational', '2024-03-01T00:00:00Z'),
      change('major_outage', '2024-03-09T23:30:00Z'),
      change('operational', '2024-03-10T00:00:00Z'),
    ]
    const utc = componentUptime(history, { now: NOW, days: 3 })
    const sh = componentUptime(history, { now: NOW, days: 3, timeZone: 'Asia/Shanghai' })
    expect(utc.days.map((d) => [d.date, d.major_seconds])).toEqual([
      ['2024-03-09', 1800],
      ['2024-03-10', 0],
      ['2024-03-11', 0],
    ])
    // 2024-03-11T00:00Z is 08:00 in Shanghai: today there is 2024-03-11.
    expect(sh.days.map((d) => [d.date, d.major_seconds])).toEqual([
      ['2024-03-09', 0],
      ['2024-03-10', 1800],
      ['2024-03-11', 0],
    ])
  })

  it('a day across a clock change lasts 23 or 25 hours', () => {
    const spring = dayWindows(t('2026-03-30T12:00:00Z'), 3, 'Europe/Paris')
    expect(spring.map((w) => [w.date, (w.end - w.start) / 3_600_000])).toEqual([
      ['2026-03-28', 24],
      ['2026-03-29', 23],
      ['2026-03-30', 24],
    ])
    const autumn = dayWindows(t('2026-10-25T12:00:00Z'), 1, 'Europe/Paris')
    expect((autumn[0]!.end - autumn[0]!.start) / 3_600_000).toBe(25)
  })

  it('windows are contiguous, oldest first, ending with today in the zone (many zones)', () => {
    const zones = [
      'UTC',
      'Asia/Shanghai',
      'America/Los_Angeles',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Asia/Kolkata',
      'America/Santiago',
    ]
    const nows = [
      '2026-01-01T00:00:00Z',
      '2026-03-08T10:59:00Z',
      '2026-11-01T23:59:59Z',
      '2026-09-06T04:00:00Z',
    ]
    for (const zone of zones)
      for (const now of nows) {
        const w = dayWindows(t(now), 90, zone)
        expect(w).toHaveLength(90)
        for (let i = 1; i < w.length; i++) expect(w[i]!.start).toBe(w[i - 1]!.end)
        const last = w.at(-1)!
        expect(last.start).toBeLessThanOrEqual(t(now).getTime())
        expect(last.end).toBeGreaterThan(t(now).getTime())
      }
  })
})

describe('incidentsByDay', () => {
  const windows = dayWindows(NOW, 3)
  it('places an incident on every day it touched, for each component it affected', () => {
    const byDay = incidentsByDay(
      [
        {
          id: 'a',
          started_at: '2024-03-08T22:00:00Z',
          resolved_at: '2024-03-09T01:00:00Z',
          components: ['c1', 'c2'],
        },
        { id: 'b', started_at: '2024-03-10T10:00:00Z', resolved_at: null, components: ['c1'] },
        // Resolved exactly at midnight: it did not touch the next day.
        {
          id: 'c',
          started_at: '2024-03-09T23:00:00Z',
          resolved_at: '2024-03-10T00:00:00Z',
          components: ['c2'],
        },
        // Opened and resolved at once: still its day.
        {
          id: 'd',
          started_at: '2024-03-10T05:00:00Z',
          resolved_at: '2024-03-10T05:00:00Z',
          components: ['c2'],
        },
        {
          id: 'e',
          started_at: '2024-03-01T00:00:00Z',
          resolved_at: '2024-03-02T00:00:00Z',
          components: ['c1'],
        },
      ],
      windows,
      NOW,
    )
    // The window is 9, 10 and 11 March; "b" is open until now, midnight of the 11th.
    expect(Object.fromEntries(byDay.get('c1')!)).toEqual({
      '2024-03-09': ['a'],
      '2024-03-10': ['b'],
    })
    expect(Object.fromEntries(byDay.get('c2')!)).toEqual({
      '2024-03-09': ['a', 'c'],
      '2024-03-10': ['d'],
    })
  })
})
