import { incidentSlo, type IncidentSlo } from '../../core/communication-slo.ts'
import {
  feedbackTimings,
  incidentTimelines,
  type FeedbackTiming,
  type TimelineRow,
} from '../../db/metrics.ts'
import type { Deps } from '../deps.ts'

const DAY = 86_400_000
/** Feedback: within 2 hours feels like a conversation; 24 hours is the limit (PRODUCT.md). */
export const FEEDBACK_GOAL_S = 2 * 3600
export const FEEDBACK_LIMIT_S = 24 * 3600

function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const rate = (hit: number, of: number) => (of === 0 ? null : hit / of)

export type IncidentMetrics = TimelineRow & IncidentSlo

function summarise(rows: IncidentMetrics[], feedback: FeedbackTiming[], now: Date) {
  const required = rows.filter((r) => r.postmortem_required && r.postmortem_met !== null)
  const seriousResolved = rows.filter(
    (r) => r.resolved_at && (r.impact === 'major' || r.impact === 'critical'),
  )
  const responses = feedback.flatMap((f) =>
    f.first_answered_at
      ? [(Date.parse(f.first_answered_at) - Date.parse(f.created_at)) / 1000]
      : [],
  )
  return {
    incidents: rows.length,
    median_time_to_first_update_s: median(rows.map((r) => r.time_to_first_update_s)),
    first_update_met_rate: rate(rows.filter((r) => r.first_update_met).length, rows.length),
    median_longest_gap_s: median(rows.map((r) => r.longest_gap_s)),
    cadence_met_rate: rate(rows.filter((r) => r.cadence_met).length, rows.length),
    median_time_to_resolve_s: median(
      rows.flatMap((r) => (r.time_to_resolve_s === null ? [] : [r.time_to_resolve_s])),
    ),
    postmortems_due: required.length,
    postmortems_on_time: required.filter((r) => r.postmortem_met).length,
    apologies_given: seriousResolved.filter((r) => r.apology).length,
    resolved_without_apology: seriousResolved.filter((r) => !r.apology).length,
    follow_up: {
      all_good: rows.reduce((n, r) => n + r.follow_up_all_good, 0),
      still_affected: rows.reduce((n, r) => n + r.follow_up_still_affected, 0),
    },
    feedback: {
      received: feedback.length,
      answered: responses.length,
      median_first_response_s: median(responses),
      within_2h: responses.filter((s) => s <= FEEDBACK_GOAL_S).length,
      within_24h: responses.filter((s) => s <= FEEDBACK_LIMIT_S).length,
      overdue: feedback.filter(
        (f) =>
          !f.first_answered_at &&
          f.status === 'open' &&
          now.getTime() - Date.parse(f.created_at) > FEEDBACK_LIMIT_S * 1000,
      ).length,
    },
  }
}

export type CommunicationSummary = ReturnType<typeof summarise>

/** The communication promises, per incident and over the rolling 30 and 90 days. */
export async function communicationMetrics(deps: Deps) {
  const now = deps.clock.now()
  const to = new Date(now.getTime() + 1).toISOString()
  const from90 = new Date(now.getTime() - 90 * DAY).toISOString()
  const from30 = new Date(now.getTime() - 30 * DAY).toISOString()
  const [timelines, feedback] = await Promise.all([
    incidentTimelines(deps.db, from90, to),
    feedbackTimings(deps.db, from90, to),
  ])
  const rows: IncidentMetrics[] = timelines.map((t) => ({
    ...t,
    ...incidentSlo(
      {
        impact: t.impact,
        started_at: t.started_at,
        created_at: t.created_at,
        resolved_at: t.resolved_at,
        update_times: t.update_times,
        postmortem_published_at: t.postmortem_published_at,
      },
      deps.config.recovery.slo,
      now,
    ),
  }))
  return {
    generated_at: now.toISOString(),
    targets: {
      first_update_minutes: deps.config.recovery.slo.firstUpdateMinutes,
      update_gap_minutes: deps.config.recovery.slo.updateGapMinutes,
      postmortem_days: deps.config.recovery.slo.postmortemDays,
      feedback_goal_s: FEEDBACK_GOAL_S,
      feedback_limit_s: FEEDBACK_LIMIT_S,
    },
    rolling: {
      '30d': summarise(
        rows.filter((r) => r.started_at >= from30),
        feedback.filter((f) => f.created_at >= from30),
        now,
      ),
      '90d': summarise(rows, feedback, now),
    },
    incidents: rows.map(({ update_times: _u, ...r }) => r),
  }
}
