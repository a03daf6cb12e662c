// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone and style.
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key)
  if (!f) {
    f = make()
    formatters.set(key, f)
  }
  return f
}

/** Formats an instant in a time zone, always naming the zone: "23 Nov 2026, 04:12 UTC". */
export function formatTime(iso: string, timeZone = 'UTC'): string {
  const d = new Date(iso)
  const parts = formatter(
    `time ${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      }),
  ).formatToParts(d)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return `${get('day')} ${get('month')} ${get('year')}, ${get('hour')}:${get('minute')} ${get('timeZoneName')}`
}

/** A calendar date label: "23 Nov 2026". */
export function formatDate(isoOrDate: string, timeZone = 'UTC'): string {
  const d = new Date(isoOrDate.length === 10 ? `${isoOrDate}T12:00:00Z` : isoOrDate)
  return formatter(
    `date ${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
      }),
  ).format(d)
}

/** "November 2026" for `2026-11`. */
export function formatMonth(month: string): string {
  return formatter(
    'month',
    () => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
  ).format(new Date(`${month}-15T00:00:00Z`))
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

/** A human duration: "45 min", "3 h 12 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  return durationParts(ms)
    .map((p) => `${p.n} ${p.unit}`)
    .join(' ')
}

/** An uptime percentage for people: "99.95%", never rounding a real outage up to 100%. */
export function formatUptime(percent: number | null): string {
  if (percent === null) return 'No data'
  if (percent >= 100) return '100%'
  return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`
}
