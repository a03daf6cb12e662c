// The response clock of a customer report: due within 2 hours (a conversation), late after
// that, overdue after 24 (the promise: PRODUCT.md). Said in words; colour only repeats it.
import { formatDuration } from '../../core/format.ts'
import type { FeedbackRecord } from '../../db/feedback.ts'
import { FEEDBACK_GOAL_S, FEEDBACK_LIMIT_S } from '../services/metrics.ts'

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

/** Where a report stands against the 2 h / 24 h response promises at `now`. */
export function responseClock(
  f: Pick<FeedbackRecord, 'status' | 'created_at' | 'first_answered_at'>,
  now: Date,
): ResponseClock {
  const created = Date.parse(f.created_at)
  if (f.first_answered_at) {
    const took = Date.parse(f.first_answered_at) - created
    const late =
      took > FEEDBACK_LIMIT_S * 1000 ? ' (overdue)' : took > FEEDBACK_GOAL_S * 1000 ? ' (late)' : ''
    return { state: 'answered', text: `Answered in ${span(took)}${late}`, next: null }
  }
  if (f.status === 'closed')
    return { state: 'closed', text: 'Closed without an answer', next: null }
  const age = now.getTime() - created
  if (age > FEEDBACK_LIMIT_S * 1000) {
    return { state: 'overdue', text: `Overdue: waiting ${span(age)}`, next: null }
  }
  if (age > FEEDBACK_GOAL_S * 1000) {
    return {
      state: 'late',
      text: `Late: waiting ${span(age)}`,
      next: `overdue in ${span(FEEDBACK_LIMIT_S * 1000 - age)}`,
    }
  }
  return {
    state: 'due',
    text: `Answer due in ${span(FEEDBACK_GOAL_S * 1000 - age)}`,
    next: `waiting ${span(age)}`,
  }
}
