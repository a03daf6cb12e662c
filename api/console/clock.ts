// How the console says when: relative to the app's clock (deps.clock), windows in the page's zone.
import { incidentSlo, type SloTargets } from '../../core/communication-slo.ts'
import { formatDuration, formatTime } from '../../core/format.ts'
import { toLocalDate } from '../../core/local-time.ts'
import type { Incident } from '../../core/schemas/incident.ts'

const MIN = 60_000

/** "12 min", "1 h 5 min": whole minutes, rounded the way that never flatters us. */
const minutes = (ms: number, up: boolean) =>
  formatDuration((up ? Math.ceil(ms / MIN) : Math.floor(ms / MIN)) * MIN)

export interface UpdateClock {
  late: boolean
  /** "Next update due in 12 min", "Update overdue by 3 min". */
  text: string
  /** The same under a "Next update" heading: "due in 12 min", "overdue by 3 min". */
  short: string
  /** Milliseconds until it is due (negative: overdue), for putting the most urgent first. */
  dueInMs: number
}

/**
 * The communication clock of an open incident, from the configured promises
 * (core/communication-slo.ts): when the next public update is due, or how late it is. null once
 * resolved. Opening an incident posts its first update, so the clock is always the next one's.
 */
export function updateClock(i: Incident, targets: SloTargets, now: Date): UpdateClock | null {
  if (i.status === 'resolved') return null
  const s = incidentSlo(
    {
      impact: i.impact,
      started_at: i.started_at,
      created_at: i.created_at,
      resolved_at: null,
      update_times: i.incident_updates.map((u) => u.created_at),
      postmortem_published_at: null,
    },
    targets,
    now,
  )
  if (!s.next_update_due_at) return null
  const left = Date.parse(s.next_update_due_at) - now.getTime()
  if (left < 0) {
    const late = `overdue by ${minutes(-left, true)}`
    return { late: true, text: `Update ${late}`, short: late, dueInMs: left }
  }
  const due = `due in ${minutes(left, false)}`
  return { late: false, text: `Next update ${due}`, short: due, dueInMs: left }
}

/** "21 min ago", "3 h 4 min ago", "just now". */
export function ago(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso)
  return ms < MIN ? 'just now' : `${minutes(ms, false)} ago`
}

/**
 * "in 3 h 12 min", "40 min ago"; within a minute "now" ahead and "just now" behind. Whole minutes,
 * never rounded up.
 */
export function fromNow(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime()
  if (ms >= 0) return ms < MIN ? 'now' : `in ${minutes(ms, false)}`
  return ago(iso, now)
}

/** A window in the page's zone: "11 Mar 2026, 02:00 CET – 04:00 CET" (the end's date if another day). */
export function windowText(from: string, until: string, timeZone: string): string {
  const end = formatTime(until, timeZone)
  const sameDay = toLocalDate(from, timeZone) === toLocalDate(until, timeZone)
  return `${formatTime(from, timeZone)} – ${sameDay ? end.slice(end.indexOf(', ') + 2) : end}`
}
