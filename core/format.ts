// Dates, durations and figures for people, in a language (`lang`, a BCP 47 tag such as a
// catalog's `lang`) and a time zone. English keeps the house style ("23 Nov 2026, 04:12 UTC");
// other languages get Intl's own order and words. Callers that give no language get English.

import { memoized } from './memo.ts'

// Building an Intl formatter costs far more than using one: keep one per language, zone and style.
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(
  lang: string,
  timeZone: string,
  style: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${style}`
  let f = formatters.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(isEnglish(lang) ? 'en-GB' : lang, { timeZone, ...options })
    formatters.set(key, f)
  }
  return f
}

const isEnglish = (lang: string) => lang === 'en' || lang.startsWith('en-')

const CLOCK: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
}
const DAY: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' }

/** A time of day with its zone named: "04:12 UTC" (the end of a range on the same day). */
export function formatClock(iso: string, timeZone = 'UTC', lang = 'en'): string {
  return clock(`${lang} ${timeZone} ${iso}`)
}

// Pages show the same instants and days over and over (every uptime bar names its 90 days).
const clock = memoized(20_000, (key) => {
  const [lang = 'en', timeZone = 'UTC', iso = ''] = key.split(' ')
  const parts = formatter(lang, timeZone, 'clock', CLOCK).formatToParts(new Date(iso))
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('hour')}:${get('minute')} ${get('timeZoneName')}`
})

/**
 * An instant in a time zone, always naming the zone: "23 Nov 2026, 04:12 UTC",
 * "2026年11月23日 04:12 UTC".
 */
export function formatTime(iso: string, timeZone = 'UTC', lang = 'en'): string {
  const sep = isEnglish(lang) ? ', ' : ' '
  return `${formatDate(iso, timeZone, lang)}${sep}${formatClock(iso, timeZone, lang)}`
}

/** A calendar date label: "23 Nov 2026", "2026年11月23日"; a `YYYY-MM-DD` is that day as is. */
export function formatDate(isoOrDate: string, timeZone = 'UTC', lang = 'en'): string {
  return date(`${lang} ${timeZone} ${isoOrDate}`)
}

const date = memoized(20_000, (key) => {
  const [lang = 'en', timeZone = 'UTC', isoOrDate = ''] = key.split(' ')
  const day = isoOrDate.length === 10
  const d = new Date(day ? `${isoOrDate}T12:00:00Z` : isoOrDate)
  // A calendar date names no instant: noon UTC is that day in UTC.
  return formatter(lang, day ? 'UTC' : timeZone, 'date', DAY).format(d)
})

/** "November 2026", "2026年11月" for `2026-11`. */
export function formatMonth(month: string, lang = 'en'): string {
  return formatter(lang, 'UTC', 'month', { month: 'long', year: 'numeric' }).format(
    new Date(`${month}-15T00:00:00Z`),
  )
}

/** A month's name alone, as a year's list of months shows it: "November", "11月". */
export function formatMonthName(month: string, lang = 'en'): string {
  return formatter(lang, 'UTC', 'month-name', {
    month: isEnglish(lang) ? 'long' : 'short',
  }).format(new Date(`${month}-15T00:00:00Z`))
}

/** The `YYYY-MM` an instant falls in, in a time zone (the history's months are the page's). */
export function monthIn(iso: string, timeZone = 'UTC'): string {
  const parts = formatter('en', timeZone, 'ym', {
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(new Date(iso))
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('year')}-${get('month')}`
}

/**
 * The instant a `YYYY-MM` begins in a time zone (ISO, UTC): midnight on the 1st there. The zone's
 * offset is read at that moment, then checked once more (a DST change at midnight moves it).
 */
export function monthStartIn(month: string, timeZone = 'UTC'): string {
  const wall = Date.parse(`${month}-01T00:00:00.000Z`)
  let t = wall - offsetAt(wall, timeZone)
  t = wall - offsetAt(t, timeZone)
  return new Date(t).toISOString()
}

/** The month after `YYYY-MM`. */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

/** How far a zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(t: number, timeZone: string): number {
  const parts = formatter('en', timeZone, 'wall', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(t))
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'))
  return wall - Math.floor(t / 1000) * 1000
}

/**
 * A duration as people say it, in at most two units: minutes under an hour, hours and minutes
 * under two days, then days and hours (the minute rounded). Each language names the units.
 */
export function durationParts(ms: number): { unit: 'd' | 'h' | 'min'; n: number }[] {
  const minutes = Math.max(0, Math.round(ms / 60_000))
  if (minutes < 60) return [{ unit: 'min', n: minutes }]
  const hours = Math.floor(minutes / 60)
  if (hours < 48) {
    const h = { unit: 'h', n: hours } as const
    return minutes % 60 ? [h, { unit: 'min', n: minutes % 60 }] : [h]
  }
  const d = { unit: 'd', n: Math.floor(hours / 24) } as const
  return hours % 24 ? [d, { unit: 'h', n: hours % 24 }] : [d]
}

// Intl.DurationFormat is in Node 24 and every current browser; TypeScript's ES2023 lib lacks it.
type DurationFormatter = { format(d: Record<string, number>): string }
const DurationFormat = (
  Intl as unknown as {
    DurationFormat: new (
      lang: string,
      o: { style: 'short'; minutesDisplay?: 'always' },
    ) => DurationFormatter
  }
).DurationFormat
const durations = new Map<string, DurationFormatter>()
const DURATION_FIELD = { d: 'days', h: 'hours', min: 'minutes' } as const

/** A human duration: "45 min", "3 h 12 min", "2 d 4 h"; "3小时12分钟" in Chinese. */
export function formatDuration(ms: number, lang = 'en'): string {
  const parts = durationParts(ms)
  if (isEnglish(lang)) return parts.map((p) => `${p.n} ${p.unit}`).join(' ')
  // A zero duration still says "0 minutes": DurationFormat leaves zero fields out unless told.
  const zero = parts[0]!.n === 0
  const key = `${lang}|${zero}`
  let f = durations.get(key)
  if (!f) {
    f = new DurationFormat(
      lang,
      zero ? { style: 'short', minutesDisplay: 'always' } : { style: 'short' },
    )
    durations.set(key, f)
  }
  return f.format(Object.fromEntries(parts.map((p) => [DURATION_FIELD[p.unit], p.n])))
}

/** An uptime percentage for people: "99.95%", never rounding a real outage up to 100%. */
export function formatUptime(percent: number | null): string {
  if (percent === null) return 'No data'
  if (percent >= 100) return '100%'
  return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`
}
