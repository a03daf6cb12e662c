import {
  incidentSlo,
  median,
  REPORT_GOAL_S,
  REPORT_LIMIT_S,
  reportResponse,
  reportSummary,
  summarise,
  type IncidentSlo,
} from '../../core/communication-slo.ts'
import { notFound } from '../../core/errors.ts'
import type {
  CommunicationMetrics as CommunicationMetricsSchema,
  CommunicationWindow,
  DraftTimingRow,
  IncidentCommunicationMetrics as IncidentCommunicationSchema,
  IncidentCommunicationRow,
  ReportResponseRow,
} from '../../core/schemas/metrics.ts'
import type { z } from 'zod'
import { draftRow, signalToMessage } from '../../core/signal-to-message.ts'
import {
  draftTimings,
  feedbackTimings,
  incidentFeedbackTimings,
  incidentTimeline,
  incidentTimelines,
  type FeedbackTiming,
  type TimelineRow,
} from '../../db/metrics.ts'
import type { Deps } from '../deps.ts'

const DAY = 86_400_000
/** The rolling windows the metrics are given for. */
export const WINDOWS = [30, 90] as const
export type WindowDays = (typeof WINDOWS)[number]

/**
 * One incident's figures as the API gives them: its facts, the figures (core/communication-slo.ts)
 * and, for clients of the first version, the same figures under their old flat names.
 */
export type IncidentMetrics = z.infer<typeof IncidentCommunicationRow>
export type ReportMetrics = z.infer<typeof ReportResponseRow>
export type DraftMetrics = z.infer<typeof DraftTimingRow>
export type WindowMetrics = z.infer<typeof CommunicationWindow>
export type CommunicationMetrics = z.infer<typeof CommunicationMetricsSchema>
export type IncidentCommunicationMetrics = z.infer<typeof IncidentCommunicationSchema>

function incidentRow(t: TimelineRow, s: IncidentSlo): IncidentMetrics {
  const { update_times: _u, resolved_update_times: _r, ...facts } = t
  return {
    ...facts,
    ...s,
    time_to_first_update_s: s.first_message.seconds,
    first_update_met: s.first_message.met,
    cadence_met: s.broken_promises === 0,
    postmortem_required: s.postmortem.required,
    postmortem_due_at: s.postmortem.due_at,
    postmortem_met:
      s.postmortem.state === 'on_time'
        ? true
        : s.postmortem.state === 'late' || s.postmortem.state === 'published_late'
          ? false
          : null,
  }
}

function reportRow(f: FeedbackTiming, now: Date): ReportMetrics {
  return { ...f, response: reportResponse(f, now) }
}

/** A window's summary, with the first version's flat names beside the new figures. */
function windowSummary(
  rows: readonly IncidentMetrics[],
  reports: readonly ReportMetrics[],
  drafts: readonly DraftMetrics[],
): WindowMetrics {
  const s = summarise(
    rows,
    reports.map((r) => r.response),
  )
  const withGaps = rows.filter((r) => r.gaps.length > 0)
  return {
    ...s,
    median_time_to_first_update_s: s.first_message.median_s,
    first_update_met_rate: s.first_message.on_time_rate,
    median_longest_gap_s: median(withGaps.map((r) => r.longest_gap_s)),
    cadence_met_rate: withGaps.length
      ? withGaps.filter((r) => r.broken_promises === 0).length / withGaps.length
      : null,
    postmortems_due: s.postmortems.on_time + s.postmortems.published_late + s.postmortems.late,
    postmortems_on_time: s.postmortems.on_time,
    apologies_given: rows.filter((r) => r.resolved_at && r.postmortem.required && r.apology).length,
    resolved_without_apology: rows.filter(
      (r) => r.resolved_at && r.postmortem.required && !r.apology,
    ).length,
    follow_up: {
      all_good: rows.reduce((n, r) => n + r.follow_up_all_good, 0),
      still_affected: rows.reduce((n, r) => n + r.follow_up_still_affected, 0),
    },
    feedback: {
      received: s.reports.received,
      answered: s.reports.answered,
      median_first_response_s: s.reports.median_first_response_s,
      within_2h: s.reports.within_2h,
      within_24h: s.reports.within_2h + s.reports.within_24h,
      overdue: s.reports.overdue,
    },
    signal_to_message: signalToMessage(drafts),
  }
}

function targets(deps: Deps) {
  const slo = deps.config.recovery.slo
  return {
    first_update_minutes: slo.firstUpdateMinutes,
    update_gap_minutes: slo.updateGapMinutes,
    postmortem_days: slo.postmortemDays,
    feedback_goal_s: REPORT_GOAL_S,
    feedback_limit_s: REPORT_LIMIT_S,
  }
}

const figures = (deps: Deps, t: TimelineRow, now: Date) =>
  incidentRow(t, incidentSlo(t, deps.config.recovery.slo, now))

/**
 * The communication promises over the rolling 30 and 90 days, with every incident that started
 * and every report received in the last 90 days (newest first).
 */
export async function communicationMetrics(deps: Deps): Promise<CommunicationMetrics> {
  const now = deps.clock.now()
  const to = new Date(now.getTime() + 1).toISOString()
  const since = (days: number) => new Date(now.getTime() - days * DAY).toISOString()
  const [timelines, feedback, draftTimes] = await Promise.all([
    incidentTimelines(deps.db, since(90), to),
    feedbackTimings(deps.db, since(90), to),
    draftTimings(deps.db, since(90), to),
  ])
  const incidents = timelines.map((t) => figures(deps, t, now))
  const reports = feedback.map((f) => reportRow(f, now))
  const drafts = draftTimes.map(draftRow)
  const rolling = (days: WindowDays) =>
    windowSummary(
      incidents.filter((r) => r.started_at >= since(days)),
      reports.filter((r) => r.created_at >= since(days)),
      drafts.filter((r) => r.first_signal_at >= since(days)),
    )
  return {
    generated_at: now.toISOString(),
    targets: targets(deps),
    rolling: { '30d': rolling(30), '90d': rolling(90) },
    incidents,
    reports,
    drafts,
  }
}

/** One incident's communication, whenever it happened, with the reports about it. */
export async function incidentCommunication(
  deps: Deps,
  id: string,
): Promise<IncidentCommunicationMetrics> {
  const now = deps.clock.now()
  const [t, feedback] = await Promise.all([
    incidentTimeline(deps.db, id),
    incidentFeedbackTimings(deps.db, id),
  ])
  if (!t) throw notFound('incident', id)
  const reports = feedback.map((f) => reportRow(f, now))
  return {
    generated_at: now.toISOString(),
    targets: targets(deps),
    incident: figures(deps, t, now),
    reports,
    summary: reportSummary(reports.map((r) => r.response)),
  }
}
