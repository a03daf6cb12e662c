import { formatDuration, formatTime } from '../../core/format.ts'
import { toLocalDate } from '../../core/local-time.ts'

/** "in 3 h 12 min", "40 min ago" or "just now", from the app's clock. */
export function fromNow(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime()
  if (Math.abs(ms) < 60_000) return 'just now'
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`
}

/** A window in the page's zone: "11 Mar 2026, 02:00 CET – 04:00 CET" (the end's date if another day). */
export function windowText(from: string, until: string, timeZone: string): string {
  const end = formatTime(until, timeZone)
  const sameDay = toLocalDate(from, timeZone) === toLocalDate(until, timeZone)
  return `${formatTime(from, timeZone)} – ${sameDay ? end.slice(end.indexOf(', ') + 2) : end}`
}
