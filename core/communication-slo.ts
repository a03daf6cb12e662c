/**
 * Communication promises during an incident (PRODUCT.md, emergency communication): publish
 * early, keep updating, write the post-mortem. Pure functions of an incident's timeline and now.
 */
export interface SloTargets {
  firstUpdateMinutes: number
  updateGapMinutes: number
  postmortemDays: number
}

export const DEFAULT_SLO_TARGETS: SloTargets = {
  firstUpdateMinutes: 15,
  updateGapMinutes: 60,
  postmortemDays: 5,
}

export interface IncidentTimeline {
  impact: string
  started_at: string
  created_at: string
  resolved_at: string | null
  /** Public update times, any order. */
  update_times: readonly string[]
  postmortem_published_at: string | null
}

export interface IncidentSlo {
  time_to_first_update_s: number
  first_update_met: boolean
  /** Longest silence between updates; while unresolved it includes the silence until now. */
  longest_gap_s: number
  cadence_met: boolean
  time_to_resolve_s: number | null
  next_update_due_at: string | null
  postmortem_required: boolean
  postmortem_due_at: string | null
  /** null until it is due or published. */
  postmortem_met: boolean | null
}

const ms = (iso: string) => Date.parse(iso)
const MIN = 60_000
const DAY = 86_400_000

export function postmortemRequired(impact: string): boolean {
  return impact === 'major' || impact === 'critical'
}

/** Every communication figure of one incident as of `now`. */
export function incidentSlo(t: IncidentTimeline, targets: SloTargets, now: Date): IncidentSlo {
  const times = [...t.update_times].map(ms).sort((a, b) => a - b)
  const start = ms(t.started_at)
  const first = times[0] ?? now.getTime()
  const timeToFirst = Math.max(0, first - start) / 1000
  let longest = 0
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!)
  const last = times.at(-1)
  if (!t.resolved_at && last !== undefined) longest = Math.max(longest, now.getTime() - last)
  const required = postmortemRequired(t.impact)
  const pmDue = required && t.resolved_at ? ms(t.resolved_at) + targets.postmortemDays * DAY : null
  let pmMet: boolean | null = null
  if (pmDue !== null) {
    if (t.postmortem_published_at) pmMet = ms(t.postmortem_published_at) <= pmDue
    else if (now.getTime() > pmDue) pmMet = false
  }
  return {
    time_to_first_update_s: timeToFirst,
    first_update_met: timeToFirst <= targets.firstUpdateMinutes * 60,
    longest_gap_s: longest / 1000,
    cadence_met: longest <= targets.updateGapMinutes * MIN,
    time_to_resolve_s: t.resolved_at ? Math.max(0, ms(t.resolved_at) - start) / 1000 : null,
    next_update_due_at:
      !t.resolved_at && last !== undefined
        ? new Date(last + targets.updateGapMinutes * MIN).toISOString()
        : null,
    postmortem_required: required,
    postmortem_due_at: pmDue === null ? null : new Date(pmDue).toISOString(),
    postmortem_met: pmMet,
  }
}

export type NudgeKind = 'update_due' | 'postmortem_due'

export interface Nudge {
  kind: NudgeKind
  due_at: string
}

/**
 * Nudges on-call *before* a promise is missed: an update due within `warnMinutes`, or a
 * post-mortem due within a day. Each nudge is keyed by its due time, so the caller can record
 * which ones it has sent and never send the same one twice.
 */
export function dueNudges(s: IncidentSlo, now: Date, warnMinutes = 10): Nudge[] {
  const out: Nudge[] = []
  if (s.next_update_due_at && now.getTime() >= ms(s.next_update_due_at) - warnMinutes * MIN) {
    out.push({ kind: 'update_due', due_at: s.next_update_due_at })
  }
  if (
    s.postmortem_due_at &&
    s.postmortem_met === null &&
    now.getTime() >= ms(s.postmortem_due_at) - DAY
  ) {
    out.push({ kind: 'postmortem_due', due_at: s.postmortem_due_at })
  }
  return out
}
