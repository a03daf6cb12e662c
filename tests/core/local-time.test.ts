import { describe, expect, it } from 'vitest'
import {
  fromLocalInput,
  nextDay,
  startOfLocalDay,
  toLocalDate,
  toLocalInput,
  zoneAbbreviation,
} from '../../core/local-time.ts'

const at = (local: string, zone: string) => {
  const r = fromLocalInput(local, zone)
  if (!r.ok) throw new Error(`${local} ${zone}: ${r.reason}`)
  return r.iso
}

describe('wall-clock times in a zone', () => {
  it('reads a time on either side of a change with the offset of that side', () => {
    // Berlin: CET (+1) until 29 Mar 2026 02:00, then CEST (+2).
    expect(at('2026-03-28T10:00', 'Europe/Berlin')).toBe('2026-03-28T09:00:00.000Z')
    expect(at('2026-03-29T01:59', 'Europe/Berlin')).toBe('2026-03-29T00:59:00.000Z')
    expect(at('2026-03-29T03:00', 'Europe/Berlin')).toBe('2026-03-29T01:00:00.000Z')
    expect(at('2026-03-30T10:00', 'Europe/Berlin')).toBe('2026-03-30T08:00:00.000Z')
    // New York: EDT from 8 Mar 2026.
    expect(at('2026-03-07T09:00', 'America/New_York')).toBe('2026-03-07T14:00:00.000Z')
    expect(at('2026-03-09T09:00', 'America/New_York')).toBe('2026-03-09T13:00:00.000Z')
    // Sydney: the southern summer ends on 5 Apr 2026 (AEDT +11 → AEST +10).
    expect(at('2026-04-04T12:00', 'Australia/Sydney')).toBe('2026-04-04T01:00:00.000Z')
    expect(at('2026-04-06T12:00', 'Australia/Sydney')).toBe('2026-04-06T02:00:00.000Z')
    // Half-hour zones, and a zone whose summer shift is half an hour.
    expect(at('2026-07-01T12:00', 'Asia/Kolkata')).toBe('2026-07-01T06:30:00.000Z')
    expect(at('2026-01-01T12:00', 'Australia/Lord_Howe')).toBe('2026-01-01T01:00:00.000Z')
    expect(at('2026-07-01T12:00', 'Australia/Lord_Howe')).toBe('2026-07-01T01:30:00.000Z')
    expect(at('2026-07-01T12:00', 'Etc/UTC')).toBe('2026-07-01T12:00:00.000Z')
  })

  it('refuses a time in the skipped hour, suggesting the clock time an hour on', () => {
    for (const [local, zone, suggestion] of [
      ['2026-03-29T02:30', 'Europe/Berlin', '2026-03-29T03:30'],
      ['2026-03-29T02:00', 'Europe/Berlin', '2026-03-29T03:00'],
      ['2026-03-08T02:15', 'America/New_York', '2026-03-08T03:15'],
      ['2026-10-04T02:30', 'Australia/Sydney', '2026-10-04T03:30'],
      ['2026-10-04T02:10', 'Australia/Lord_Howe', '2026-10-04T02:40'],
    ] as const) {
      expect(fromLocalInput(local, zone), `${local} ${zone}`).toEqual({
        ok: false,
        reason: 'skipped',
        suggestion,
      })
    }
  })

  it('reads a time in the repeated hour as its first occurrence', () => {
    // Berlin, 25 Oct 2026: 02:30 CEST (00:30Z) and then 02:30 CET (01:30Z).
    expect(at('2026-10-25T02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z')
    expect(at('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z')
    expect(at('2026-04-05T02:30', 'Australia/Sydney')).toBe('2026-04-04T15:30:00.000Z')
  })

  it('round-trips instants through the wall clock, across a year of hours, in several zones', () => {
    let checked = 0
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata']) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 3_600_000 * 7) {
        const iso = new Date(t).toISOString()
        const local = toLocalInput(iso, zone)
        const back = fromLocalInput(local, zone)
        // An instant in the repeated hour's second pass reads back as the first: an hour earlier.
        expect(back.ok).toBe(true)
        if (back.ok) expect([0, 3_600_000]).toContain(t - Date.parse(back.iso))
        if (back.ok && back.iso === iso) checked++
      }
    }
    expect(checked).toBeGreaterThan(4 * 1240)
  })

  it('refuses what is not a date and time', () => {
    for (const bad of [
      '',
      'tomorrow',
      '2026-02-30T10:00',
      '2026-13-01T10:00',
      '2026-04-31T10:00',
      '2026-03-10T24:00',
      '2026-03-10T10:60',
      '2026-03-10 10:00',
      '2026-3-10T10:00',
      '10:00',
      '2026-03-10',
    ]) {
      expect(fromLocalInput(bad, 'Europe/Berlin'), bad).toEqual({ ok: false, reason: 'invalid' })
    }
  })

  it('finds where a day begins, also where midnight is skipped', () => {
    expect(startOfLocalDay('2026-03-29', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z')
    expect(startOfLocalDay('2026-03-30', 'Europe/Berlin')).toBe('2026-03-29T22:00:00.000Z')
    // Santiago: clocks go from 00:00 to 01:00 on 6 Sep 2026; the day begins at 01:00 -03.
    expect(startOfLocalDay('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z')
    expect(startOfLocalDay('2026-02-30', 'Europe/Berlin')).toBeNull()
    expect(nextDay('2026-02-28')).toBe('2026-03-01')
    expect(nextDay('2026-12-31')).toBe('2027-01-01')
    expect(toLocalDate('2026-03-28T23:30:00Z', 'Europe/Berlin')).toBe('2026-03-29')
  })

  it('names the zone as it is at that moment', () => {
    expect(zoneAbbreviation('2026-01-10T12:00:00Z', 'Europe/Berlin')).toBe('CET')
    expect(zoneAbbreviation('2026-07-10T12:00:00Z', 'Europe/Berlin')).toBe('CEST')
    expect(zoneAbbreviation('2026-07-10T12:00:00Z', 'Etc/UTC')).toBe('UTC')
  })
})
