import type { z } from 'zod'
import type {
  CommunicationSummary,
  FirstMessage,
  IncidentCommunication,
  PostmortemClock,
  ReportResponse,
  UpdateGap,
} from './schemas/metrics.ts'

/**
 * Communication promises during and after an incident (PRODUCT.md, emergency communication and
 * customer feedback): publish early, keep updating on the promised cadence, write the
 * post-mortem, answer every report. Pure functions of a timeline and `now`.
 *
 * The rules, each decided here and nowhere else:
 * - First public message: measured from the start of impact (`started_at`) to the first public
 *   update. An incident not backdated starts the moment its opening message is posted, so its
 *   figure is 0 by construction: it is `opened_at_impact_start` and counts in no rate or median.
 *   The API accepts a start up to a minute ahead of its clock, so a start less than a minute
 *   after the first message is the same case. A first message more than a minute before the
 *   start (the start moved later) told customers ahead of the impact: 0, on time.
 * - Cadence: every silence between two public updates is held against the configured gap
 *   (`updateGapMinutes`); while unresolved, the silence since the last update is one more, running
 *   gap. A silence after a resolving update promised nothing (a reopening ends it) and is not
 *   counted. The playbooks' `next_update` var is free text ("14:45 UTC", "after the failover"),
 *   written once when the incident is opened and reused by later wording, so it is not read as a
 *   per-update promise: the configured cadence is the one promise every update makes.
 * - Post-mortem: major and critical incidents owe one within `postmortemDays` of resolution;
 *   unpublished ones are `due` or `late` (with the delay so far), never counted as met.
 * - Reports: the first reply within 2 h feels like a conversation, 24 h is the limit; unanswered
 *   ones are `open`, `late` after 2 h and `overdue` after 24 h. One closed without a reply is
 *   counted apart, in no rate.
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

/** Feedback: within 2 hours feels like a conversation; 24 hours is the limit (PRODUCT.md). */
export const REPORT_GOAL_S = 2 * 3600
export const REPORT_LIMIT_S = 24 * 3600

export interface IncidentTimeline {
  impact: string
  started_at: string
  created_at: string
  resolved_at: string | null
  /** Public update times, any order. */
  update_times: readonly string[]
  /** Those of them that resolved the incident: the silence after one promised nothing. */
  resolved_update_times?: readonly string[]
  postmortem_published_at: string | null
}

export type FirstMessage = z.infer<typeof FirstMessage>
export type UpdateGap = z.infer<typeof UpdateGap>
export type PostmortemClock = z.infer<typeof PostmortemClock>
export type IncidentSlo = z.infer<typeof IncidentCommunication>
export type ReportResponse = z.infer<typeof ReportResponse>
export type CommunicationSummary = z.infer<typeof CommunicationSummary>

const ms = (iso: string) => Date.parse(iso)
const iso = (t: number) => new Date(t).toISOString()
const MIN = 60_000
const DAY = 86_400_000
/** How far ahead of the server's clock the API accepts a start (clock skew). */
const START_SKEW_MS = 60_000

export function postmortemRequired(impact: string): boolean {
  return impact === 'major' || impact === 'critical'
}

function firstMessage(
  start: number,
  first: number | undefined,
  resolved: boolean,
  targetS: number,
  now: Date,
): FirstMessage {
  if (first === undefined) {
    if (resolved) return { state: 'never', at: null, seconds: null, met: false }
    const waited = Math.max(0, now.getTime() - start) / 1000
    return { state: 'waiting', at: null, seconds: waited, met: waited > targetS ? false : null }
  }
  const lead = first - start
  const at = iso(first)
  if (lead > 0) return { state: 'measured', at, seconds: lead / 1000, met: lead / 1000 <= targetS }
  if (lead >= -START_SKEW_MS)
    return { state: 'opened_at_impact_start', at, seconds: null, met: null }
  return { state: 'ahead_of_impact', at, seconds: 0, met: true }
}

function updateGaps(
  times: readonly number[],
  resolvedTimes: ReadonlySet<number>,
  open: boolean,
  gapMs: number,
  now: Date,
): UpdateGap[] {
  const gaps: UpdateGap[] = []
  const gap = (from: number, to: number | null): UpdateGap => {
    const end = to ?? now.getTime()
    return {
      from: iso(from),
      to: to === null ? null : iso(to),
      seconds: Math.max(0, end - from) / 1000,
      due_at: iso(from + gapMs),
      late: end - from > gapMs,
    }
  }
  for (let i = 1; i < times.length; i++) {
    if (!resolvedTimes.has(times[i - 1]!)) gaps.push(gap(times[i - 1]!, times[i]!))
  }
  const last = times.at(-1)
  if (open && last !== undefined && !resolvedTimes.has(last)) gaps.push(gap(last, null))
  return gaps
}

function postmortemClock(t: IncidentTimeline, days: number, now: Date): PostmortemClock {
  const required = postmortemRequired(t.impact)
  const published = t.postmortem_published_at
  const resolved = t.resolved_at ? ms(t.resolved_at) : null
  const delay = (until: number) => (resolved === null ? null : Math.max(0, until - resolved) / 1000)
  const seconds = published ? delay(ms(published)) : required ? delay(now.getTime()) : null
  const base = { required, published_at: published, seconds }
  if (!required) return { ...base, state: 'not_required', due_at: null }
  if (resolved === null)
    return { ...base, state: 'awaiting_resolution', due_at: null, seconds: null }
  const due = resolved + days * DAY
  const state = published
    ? ms(published) <= due
      ? 'on_time'
      : 'published_late'
    : now.getTime() > due
      ? 'late'
      : 'due'
  return { ...base, state, due_at: iso(due) }
}

/** Every communication figure of one incident as of `now`. */
export function incidentSlo(t: IncidentTimeline, targets: SloTargets, now: Date): IncidentSlo {
  const times = [...new Set(t.update_times.map(ms))].sort((a, b) => a - b)
  const start = ms(t.started_at)
  const open = !t.resolved_at
  const gapMs = targets.updateGapMinutes * MIN
  const gaps = updateGaps(times, new Set((t.resolved_update_times ?? []).map(ms)), open, gapMs, now)
  const last = times.at(-1)
  return {
    first_message: firstMessage(start, times[0], !open, targets.firstUpdateMinutes * 60, now),
    gaps,
    longest_gap_s: Math.max(0, ...gaps.map((g) => g.seconds)),
    broken_promises: gaps.filter((g) => g.late).length,
    next_update_due_at: open && last !== undefined ? iso(last + gapMs) : null,
    time_to_resolve_s: t.resolved_at ? Math.max(0, ms(t.resolved_at) - start) / 1000 : null,
    postmortem: postmortemClock(t, targets.postmortemDays, now),
  }
}

/** How a customer's report was answered, or how long it has been waiting. */
export function reportResponse(
  r: { created_at: string; first_answered_at: string | null; status: string },
  now: Date,
): ReportResponse {
  const received = ms(r.created_at)
  if (r.first_answered_at) {
    const s = Math.max(0, ms(r.first_answered_at) - received) / 1000
    return {
      state: s <= REPORT_GOAL_S ? 'within_2h' : s <= REPORT_LIMIT_S ? 'within_24h' : 'after_24h',
      seconds: s,
    }
  }
  if (r.status === 'closed') return { state: 'closed_unanswered', seconds: null }
  const waited = Math.max(0, now.getTime() - received) / 1000
  const state = waited > REPORT_LIMIT_S ? 'overdue' : waited > REPORT_GOAL_S ? 'late' : 'open'
  return { state, seconds: waited }
}

/**
 * The nearest-rank percentile (p in 0..100): the smallest value at least p % of the values are at
 * or below, always one of the values (p90 of 10 values is the 9th smallest).
 */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

const rate = (hit: number, of: number) => (of === 0 ? null : hit / of)
const count = <T>(xs: readonly T[], p: (x: T) => boolean) => xs.filter(p).length

const ANSWERED: readonly ReportResponse['state'][] = ['within_2h', 'within_24h', 'after_24h']

/** Reports' response figures against 2 h and 24 h, the unanswered ones included. */
export function reportSummary(reports: readonly ReportResponse[]): CommunicationSummary['reports'] {
  const answered = reports.flatMap((r) => (ANSWERED.includes(r.state) ? [r.seconds!] : []))
  const rs = (s: ReportResponse['state']) => count(reports, (r) => r.state === s)
  return {
    received: reports.length,
    answered: answered.length,
    within_2h: rs('within_2h'),
    within_24h: rs('within_24h'),
    after_24h: rs('after_24h'),
    open: rs('open'),
    late: rs('late'),
    overdue: rs('overdue'),
    closed_unanswered: rs('closed_unanswered'),
    median_first_response_s: median(answered),
    within_2h_rate: rate(rs('within_2h'), answered.length + rs('late') + rs('overdue')),
    within_24h_rate: rate(rs('within_2h') + rs('within_24h'), answered.length + rs('overdue')),
  }
}

/** The figures of a window: incidents that started in it, reports received in it. */
export function summarise(
  incidents: readonly IncidentSlo[],
  reports: readonly ReportResponse[],
): CommunicationSummary {
  const firsts = incidents.map((i) => i.first_message)
  const measured = firsts.filter((f) => f.state === 'measured' || f.state === 'ahead_of_impact')
  const onTime = count(firsts, (f) => f.met === true)
  const late = count(firsts, (f) => f.met === false)
  const gaps = incidents.flatMap((i) => i.gaps)
  const kept = count(gaps, (g) => !g.late && g.to !== null)
  const broken = count(gaps, (g) => g.late)
  const pms = incidents.map((i) => i.postmortem).filter((p) => p.required)
  const pm = (s: PostmortemClock['state']) => count(pms, (p) => p.state === s)
  return {
    incidents: incidents.length,
    first_message: {
      measured: measured.length,
      not_measured: count(firsts, (f) => f.state === 'opened_at_impact_start'),
      pending: count(firsts, (f) => f.state === 'waiting' && f.met === null),
      on_time: onTime,
      late,
      median_s: median(measured.map((f) => f.seconds!)),
      on_time_rate: rate(onTime, onTime + late),
    },
    cadence: {
      gaps: gaps.length,
      kept,
      broken,
      incidents_with_broken_promises: count(incidents, (i) => i.broken_promises > 0),
      median_gap_s: median(gaps.map((g) => g.seconds)),
      longest_gap_s: gaps.length ? Math.max(...gaps.map((g) => g.seconds)) : null,
      kept_rate: rate(kept, kept + broken),
    },
    postmortems: {
      required: pms.length,
      on_time: pm('on_time'),
      published_late: pm('published_late'),
      due: pm('due'),
      late: pm('late'),
      awaiting_resolution: pm('awaiting_resolution'),
      median_delay_s: median(pms.flatMap((p) => (p.published_at ? [p.seconds ?? 0] : []))),
      on_time_rate: rate(pm('on_time'), pm('on_time') + pm('published_late') + pm('late')),
    },
    reports: reportSummary(reports),
    median_time_to_resolve_s: median(
      incidents.flatMap((i) => (i.time_to_resolve_s === null ? [] : [i.time_to_resolve_s])),
    ),
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
  const pm = s.postmortem
  if (pm.state === 'due' && pm.due_at && now.getTime() >= ms(pm.due_at) - DAY) {
    out.push({ kind: 'postmortem_due', due_at: pm.due_at })
  }
  return out
}
