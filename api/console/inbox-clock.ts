// The response clock of a customer report: due within 2 hours (a conversation), late after
// that, overdue after 24 (the promise: PRODUCT.md). Said in words; colour only repeats it.
import { REPORT_GOAL_S, REPORT_LIMIT_S, reportResponse } from '../../core/communication-slo.ts'
import { formatDuration } from '../../core/format.ts'
import type { FeedbackRecord } from '../../db/feedback.ts'

const MIN = 60_000

export type ResponseState = 'due' | 'late' | 'overdue' | 'answered' | 'closed'

export interface ResponseClock {
  state: ResponseState
  /** "Answer due in 1 h 12 min", "Late: waiting 3 h 5 min", "Answered in 40 min". */
  text: string
  /** What comes next, when something does: "overdue in 20 h 55 min". */
  next: string | null
}

/** Whole minutes, never rounded up: "due in 59 min" at 59 min 50 s, not "in 1 h". */
const span = (ms: number) => formatDuration(Math.floor(Math.max(0, ms) / MIN) * MIN)

/** Where a report stands against the 2 h / 24 h response promises at `now` (the rule: core). */
export function responseClock(
  f: Pick<FeedbackRecord, 'status' | 'created_at' | 'first_answered_at'>,
  now: Date,
): ResponseClock {
  const r = reportResponse(f, now)
  const took = (r.seconds ?? 0) * 1000
  switch (r.state) {
    case 'within_2h':
      return { state: 'answered', text: `Answered in ${span(took)}`, next: null }
    case 'within_24h':
      return { state: 'answered', text: `Answered in ${span(took)} (late)`, next: null }
    case 'after_24h':
      return { state: 'answered', text: `Answered in ${span(took)} (overdue)`, next: null }
    case 'closed_unanswered':
      return { state: 'closed', text: 'Closed without an answer', next: null }
    case 'overdue':
      return { state: 'overdue', text: `Overdue: waiting ${span(took)}`, next: null }
    case 'late':
      return {
        state: 'late',
        text: `Late: waiting ${span(took)}`,
        next: `overdue in ${span(REPORT_LIMIT_S * 1000 - took)}`,
      }
    case 'open':
      return {
        state: 'due',
        text: `Answer due in ${span(REPORT_GOAL_S * 1000 - took)}`,
        next: `waiting ${span(took)}`,
      }
  }
}
