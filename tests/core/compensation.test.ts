import { describe, expect, it } from 'vitest'
import {
  componentCredit,
  creditSentence,
  monthWindow,
  parseCreditPolicy,
} from '../../core/compensation.ts'
import type { StatusChange } from '../../core/uptime.ts'

const policy = parseCreditPolicy('sla:10,99:25,95:100')
const search = { id: 'c1', name: 'Search', sla_target: 99.9, created_at: '2026-01-01T00:00:00Z' }
const h = (...xs: [string, StatusChange['status']][]): StatusChange[] =>
  xs.map(([at, status]) => ({ at: new Date(at), status }))
const BERLIN = 'Europe/Berlin'
const utcMarch = monthWindow(new Date('2026-03-15T00:00:00Z'), 'UTC')

describe('the policy', () => {
  it('parses the tiers and names a bad one', () => {
    expect(policy).toEqual([
      { below: 'sla', credit: 10 },
      { below: 99, credit: 25 },
      { below: 95, credit: 100 },
    ])
    expect(() => parseCreditPolicy('sla:10,ninety:5')).toThrow(/ninety/)
    expect(() => parseCreditPolicy('99:150')).toThrow(/between 0 and 100/)
  })

  it('uses each component its own SLA for the first tier, and names the tier that applies', () => {
    const history = h(
      ['2026-03-01T00:00:00Z', 'operational'],
      ['2026-03-10T00:00:00Z', 'major_outage'],
      ['2026-03-10T00:05:00Z', 'operational'],
    )
    const at = new Date('2026-03-20T00:00:00Z')
    const loose = componentCredit(search, history, policy, utcMarch, at)
    expect(loose).toMatchObject({ credit: 0, tier: null, down_minutes: 5 })
    const strict = componentCredit({ ...search, sla_target: 99.99 }, history, policy, utcMarch, at)
    expect(strict).toMatchObject({ credit: 10, tier: { below: 'sla', credit: 10 } })
    expect(strict.availability).toBe(100 * (1 - 300 / (19 * 86400)))
  })
})

describe('the measurement window: the calendar month in the page zone', () => {
  it('starts at local midnight on the 1st, daylight saving included', () => {
    expect(monthWindow(new Date('2026-03-15T00:00:00Z'), BERLIN)).toEqual({
      month: '2026-03',
      start: new Date('2026-02-28T23:00:00Z'),
      // Clocks go forward on 29 March: April starts at 22:00 UTC.
      end: new Date('2026-03-31T22:00:00Z'),
    })
    expect(utcMarch).toEqual({
      month: '2026-03',
      start: new Date('2026-03-01T00:00:00Z'),
      end: new Date('2026-04-01T00:00:00Z'),
    })
    // 23:30 UTC on 28 Feb is already March in Berlin, still February in UTC.
    expect(monthWindow(new Date('2026-02-28T23:30:00Z'), BERLIN).month).toBe('2026-03')
    expect(monthWindow(new Date('2026-02-28T23:30:00Z'), 'UTC').month).toBe('2026-02')
    expect(monthWindow(new Date('2026-12-15T00:00:00Z'), BERLIN)).toMatchObject({
      month: '2026-12',
      start: new Date('2026-11-30T23:00:00Z'),
      end: new Date('2026-12-31T23:00:00Z'),
    })
  })

  // 23:00 on 28 Feb to 00:30 on 1 Mar, Berlin time: one hour in February, 30 min in March.
  const spanning = h(
    ['2026-01-01T00:00:00Z', 'operational'],
    ['2026-02-28T22:00:00Z', 'major_outage'],
    ['2026-02-28T23:30:00Z', 'operational'],
  )

  it('counts only the part of an incident inside the month (Berlin)', () => {
    const now = new Date('2026-03-01T01:00:00Z') // 02:00 on 1 March in Berlin
    const march = monthWindow(now, BERLIN)
    const c = componentCredit(search, spanning, policy, march, now)
    expect(c).toMatchObject({
      window_start: '2026-02-28T23:00:00.000Z',
      window_end: '2026-03-01T01:00:00.000Z',
      added_at: null,
      down_seconds: 1800,
      down_minutes: 30,
      availability: 75,
      tier: { below: 95, credit: 100 },
      credit: 100,
    })
    const february = componentCredit(
      search,
      spanning,
      policy,
      monthWindow(new Date('2026-02-15T00:00:00Z'), BERLIN),
      new Date('2026-03-10T00:00:00Z'),
    )
    // A past month is measured to its end: 28 Berlin days, one hour of them down.
    expect(february).toMatchObject({
      window_start: '2026-01-31T23:00:00.000Z',
      window_end: '2026-02-28T23:00:00.000Z',
      down_seconds: 3600,
      down_minutes: 60,
      tier: { below: 'sla', credit: 10 },
      credit: 10,
    })
    expect(february.availability).toBe(100 * (1 - 3600 / (28 * 86400)))
  })

  it('differs from the UTC month: at the same instant, UTC March has seen no downtime', () => {
    const now = new Date('2026-03-01T01:00:00Z')
    const c = componentCredit(search, spanning, policy, monthWindow(now, 'UTC'), now)
    expect(c).toMatchObject({
      window_start: '2026-03-01T00:00:00.000Z',
      down_seconds: 0,
      availability: 100,
      credit: 0,
      tier: null,
    })
  })
})

describe('a component created during the month', () => {
  const added = { ...search, created_at: '2026-03-12T09:00:00.000Z' }

  it('is measured from its creation, and the credit says so', () => {
    const history = h(
      ['2026-03-12T09:00:00Z', 'operational'],
      ['2026-03-20T10:00:00Z', 'major_outage'],
      ['2026-03-20T11:04:00Z', 'operational'],
    )
    const march = monthWindow(new Date('2026-03-20T10:00:00Z'), BERLIN)
    const c = componentCredit(added, history, policy, march, new Date('2026-04-02T00:00:00Z'))
    // 12 Mar 09:00 UTC to 31 Mar 22:00 UTC: 19 days 13 hours; 64 minutes down.
    expect(c).toMatchObject({
      window_start: '2026-03-12T09:00:00.000Z',
      window_end: '2026-03-31T22:00:00.000Z',
      added_at: '2026-03-12T09:00:00.000Z',
      down_seconds: 3840,
      down_minutes: 64,
      tier: { below: 'sla', credit: 10 },
      credit: 10,
    })
    expect(c.availability).toBe(100 * (1 - 3840 / (19 * 86400 + 13 * 3600)))
    expect(creditSentence(c, c.credit, BERLIN)).toBe(
      'Because Search was unavailable for 1 h 4 min since it was added on 12 Mar 2026, your account receives a 10% service credit.',
    )
  })

  it('a 1-second blip minutes after creation earns no credit (was 95.9% and 25%)', () => {
    const history = h(
      ['2026-03-12T09:00:00Z', 'operational'],
      ['2026-03-12T09:00:23Z', 'major_outage'],
      ['2026-03-12T09:00:24Z', 'operational'],
    )
    const march = monthWindow(new Date('2026-03-12T09:00:00Z'), BERLIN)
    const c = componentCredit(added, history, policy, march, new Date('2026-03-12T09:00:24.400Z'))
    expect(c.availability).toBeCloseTo(95.9, 1)
    expect(c).toMatchObject({ down_seconds: 1, down_minutes: 0, tier: null, credit: 0 })
  })
})

describe('downtime', () => {
  it('overlapping incidents on one component count each minute once', () => {
    // Incident A takes it down at 10:00, B (also major) opens at 10:30, A ends 11:00, B 11:30.
    const history = h(
      ['2026-03-01T00:00:00Z', 'operational'],
      ['2026-03-10T10:00:00Z', 'major_outage'],
      ['2026-03-10T10:30:00Z', 'major_outage'],
      ['2026-03-10T11:00:00Z', 'major_outage'],
      ['2026-03-10T11:30:00Z', 'operational'],
    )
    const c = componentCredit(search, history, policy, utcMarch, new Date('2026-03-20T00:00:00Z'))
    expect(c).toMatchObject({ down_seconds: 5400, down_minutes: 90 })
    // Partial then major while a second incident is open: 1 h at 30% plus 1 h in full.
    const mixed = h(
      ['2026-03-01T00:00:00Z', 'operational'],
      ['2026-03-10T00:00:00Z', 'partial_outage'],
      ['2026-03-10T01:00:00Z', 'major_outage'],
      ['2026-03-10T02:00:00Z', 'operational'],
    )
    const m = componentCredit(search, mixed, policy, utcMarch, new Date('2026-03-20T00:00:00Z'))
    expect(m).toMatchObject({ down_seconds: 3600 + 0.3 * 3600, down_minutes: 78 })
  })

  it('maintenance is neither downtime nor counted time', () => {
    const history = h(
      ['2026-03-01T00:00:00Z', 'operational'],
      ['2026-03-10T00:00:00Z', 'under_maintenance'],
      ['2026-03-10T04:00:00Z', 'major_outage'],
      ['2026-03-10T04:30:00Z', 'operational'],
    )
    const c = componentCredit(search, history, policy, utcMarch, new Date('2026-03-11T00:00:00Z'))
    expect(c).toMatchObject({ down_seconds: 1800, down_minutes: 30, credit: 10 })
    expect(c.availability).toBe(100 * (1 - 1800 / (10 * 86400 - 4 * 3600)))
  })

  it('downtime that rounds to under one minute gets no credit, whatever the availability', () => {
    const at = new Date('2026-03-01T00:10:00Z') // a ten-minute window makes seconds look large
    const blip = (seconds: number, status: StatusChange['status']) =>
      componentCredit(
        search,
        h(
          ['2026-03-01T00:00:00Z', 'operational'],
          ['2026-03-01T00:05:00Z', status],
          [
            new Date(Date.parse('2026-03-01T00:05:00Z') + seconds * 1000).toISOString(),
            'operational',
          ],
        ),
        policy,
        utcMarch,
        at,
      )
    for (const [seconds, status] of [
      [1, 'major_outage'],
      [29, 'major_outage'],
      [90, 'partial_outage'], // weighted to 27 s
      [600, 'degraded_performance'], // not down at all
    ] as const) {
      expect(blip(seconds, status)).toMatchObject({ down_minutes: 0, credit: 0, tier: null })
    }
    // 30 s rounds to one minute: availability 95%, below 99 → 25%.
    expect(blip(30, 'major_outage')).toMatchObject({
      down_minutes: 1,
      availability: 95,
      tier: { below: 99, credit: 25 },
      credit: 25,
    })
  })
})

describe('the sentence', () => {
  it('shows durations readably', () => {
    const s = (down: number) =>
      creditSentence(
        { component_name: 'Payments API', down_seconds: down, added_at: null },
        10,
        BERLIN,
      )
    expect(s(30)).toBe(
      'Because Payments API was unavailable for 1 min this month, your account receives a 10% service credit.',
    )
    expect(s(192 * 60)).toBe(
      'Because Payments API was unavailable for 3 h 12 min this month, your account receives a 10% service credit.',
    )
  })

  it('never says "0 min": a credit given for under a minute names the disruption instead', () => {
    const downs = [0, 0.3, 1, 10, 29, 29.99]
    const addedAts = [null, '2026-03-12T09:00:00.000Z', '2026-03-31T22:30:00.000Z']
    const credits = [10, 25, 100]
    const out = downs.flatMap((down) =>
      addedAts.flatMap((added) =>
        credits.map((credit) =>
          creditSentence(
            { component_name: 'Search', down_seconds: down, added_at: added },
            credit,
            BERLIN,
          ),
        ),
      ),
    )
    expect(out).toHaveLength(54)
    expect(out.filter((x) => /\b0 min|unavailable for/.test(x))).toEqual([])
    expect(out[0]).toBe(
      'Because of the disruption to Search this month, your account receives a 10% service credit.',
    )
    // 22:30 UTC on 31 March is 1 April in Berlin: the date is the page zone's.
    expect(out[6]).toBe(
      'Because of the disruption to Search since it was added on 1 Apr 2026, your account receives a 10% service credit.',
    )
  })
})
