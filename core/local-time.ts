/**
 * Wall-clock times in a named zone (what people type into a form) to instants and back. People
 * enter times in the status page's zone; the API stores UTC. Daylight saving makes this more than
 * an offset: in spring an hour does not exist (02:30 in Berlin on the last Sunday of March), in
 * autumn an hour happens twice. The first is refused with the time people probably meant, the
 * second is read as its first occurrence (the earlier instant), and pages show the zone's
 * abbreviation beside every time, so the reading is visible.
 */

import { memoized } from './memo.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

const partsFormatters = new Map<string, Intl.DateTimeFormat>()
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    partsFormatters.set(timeZone, f)
  }
  return f
}

interface Wall {
  year: number
  month: number
  day: number
  hour: number
  minute: number
}

function wallAt(t: number, timeZone: string): Wall {
  const parts = partsFormatter(timeZone).formatToParts(new Date(t))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? NaN)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  }
}

const asUtc = (w: Wall) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute)

/** The zone's offset from UTC at instant `t`, in ms (Berlin in summer: +2 h). */
function offsetAt(t: number, timeZone: string): number {
  return asUtc(wallAt(t - (t % 60_000), timeZone)) - (t - (t % 60_000))
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** The wall-clock value of an `<input type="datetime-local">`: "2026-03-29T03:30". */
export function toLocalInput(iso: string, timeZone: string): string {
  return localInput(`${timeZone} ${iso}`)
}

// Every publish places the same incidents on the same days.
const localInput = memoized(20_000, (key) => {
  const [timeZone = 'UTC', iso = ''] = key.split(' ')
  const w = wallAt(Date.parse(iso), timeZone)
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`
})

/** A calendar day in the zone, as `<input type="date">` holds it: "2026-03-29". */
export function toLocalDate(iso: string, timeZone: string): string {
  return toLocalInput(iso, timeZone).slice(0, 10)
}

export type LocalTimeResult =
  | { ok: true; iso: string }
  | { ok: false; reason: 'invalid' }
  /** In the hour skipped when clocks go forward; `suggestion` is the same clock time an hour on. */
  | { ok: false; reason: 'skipped'; suggestion: string }

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/

/**
 * The instant that wall-clock time `local` ("YYYY-MM-DDTHH:MM", seconds ignored) names in
 * `timeZone`. Of two (autumn) the earlier; none (spring): refused with a suggestion.
 */
export function fromLocalInput(local: string, timeZone: string): LocalTimeResult {
  const m = LOCAL.exec(local.trim())
  if (!m) return { ok: false, reason: 'invalid' }
  const wall: Wall = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
  }
  const guess = asUtc(wall)
  // Date.UTC rolls over (31 Feb → 3 Mar): a wall time that does not round-trip is no date.
  const back = new Date(guess)
  if (
    back.getUTCDate() !== wall.day ||
    back.getUTCMonth() !== wall.month - 1 ||
    wall.hour > 23 ||
    wall.minute > 59
  ) {
    return { ok: false, reason: 'invalid' }
  }
  // Every zone's offset is within ±1 day, and changes at most once around a given day: the
  // offsets a day before and after are the only candidates.
  const earlier = offsetAt(guess - DAY, timeZone)
  const later = offsetAt(guess + DAY, timeZone)
  const hits = [...new Set([guess - earlier, guess - later])]
    .filter((t) => asUtc(wallAt(t, timeZone)) === guess)
    .sort((a, b) => a - b)
  if (hits.length) return { ok: true, iso: new Date(hits[0]!).toISOString() }
  // Skipped: read with the offset from before the change, the clock shows the time after it.
  const suggestion = toLocalInput(new Date(guess - earlier).toISOString(), timeZone)
  return { ok: false, reason: 'skipped', suggestion }
}

/**
 * The instant a calendar day ("YYYY-MM-DD") begins in the zone: its midnight, or, where clocks
 * jump over midnight (Santiago, Havana), the first minute that exists that day. Null if no date.
 */
export function startOfLocalDay(date: string, timeZone: string): string | null {
  return dayStart(`${timeZone} ${date}`)
}

// Asked for the same 90 days of the same zone at every publish, and each costs a few Intl calls.
const dayStart = memoized(20_000, (key) => {
  const [timeZone = 'UTC', date = ''] = key.split(' ')
  const r = fromLocalInput(`${date}T00:00`, timeZone)
  if (r.ok) return r.iso
  if (r.reason === 'invalid') return null
  const again = fromLocalInput(r.suggestion, timeZone)
  return again.ok ? again.iso : null
})

/** The calendar day after `date` ("YYYY-MM-DD"). */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString().slice(0, 10)
}

/** The zone's short name at an instant: "CET", "CEST", "UTC", "GMT+5:30". */
export function zoneAbbreviation(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(
    new Date(iso),
  )
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone
}
