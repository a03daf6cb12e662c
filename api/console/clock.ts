import { incidentSlo, type SloTargets } from '../../core/communication-slo.ts'
import { formatDuration } from '../../core/format.ts'
import type { Incident } from '../../core/schemas/incident.ts'

const MIN = 60_000

/** "12 min", "1 h 5 min": whole minutes, rounded the way that never flatters us. */
const minutes = (ms: number, up: boolean) =>
  formatDuration((up ? Math.ceil(ms / MIN) : Math.floor(ms / MIN)) * MIN)

export interface UpdateClock {
  late: boolean
  /** "Next update due in 12 min", "Update overdue by 3 min", "First update overdue by 2 min". */
  text: string
  /** Milliseconds until it is due (negative: overdue), for putting the most urgent first. */
  dueInMs: number
}

/**
 * The communication clock of an open incident, from the configured promises
 * (core/communication-slo.ts): when the next public update is due, or how late it is. null once
 * the incident is resolved.
 */
export function updateClock(i: Incident, targets: SloTargets, now: Date): UpdateClock | null {
  if (i.status === 'resolved') return null
  const times = i.incident_updates.map((u) => u.created_at)
  const first = times.length === 0
  const s = incidentSlo(
    {
      impact: i.impact,
      started_at: i.started_at,
      created_at: i.created_at,
      resolved_at: null,
      update_times: times,
      postmortem_published_at: null,
    },
    targets,
    now,
  )
  const due = first
    ? Date.parse(i.started_at) + targets.firstUpdateMinutes * MIN
    : Date.parse(s.next_update_due_at ?? i.started_at)
  const left = due - now.getTime()
  const what = first ? 'First update' : 'Update'
  return left < 0
    ? { late: true, text: `${what} overdue by ${minutes(-left, true)}`, dueInMs: left }
    : {
        late: false,
        text: `${first ? 'First update' : 'Next update'} due in ${minutes(left, false)}`,
        dueInMs: left,
      }
}

/** "21 min ago", "3 h 4 min ago", "just now". */
export function ago(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso)
  return ms < MIN ? 'just now' : `${minutes(ms, false)} ago`
}

/** "in 3 h", "in 2 d 4 h". */
export function fromNow(iso: string, now: Date): string {
  const ms = Date.parse(iso) - now.getTime()
  return ms < MIN ? 'now' : `in ${minutes(ms, false)}`
}
