import type { Db } from './client.ts'
import {
  FEEDBACK_STATUSES,
  FOLLOW_UP_ANSWERS,
  type FeedbackStatus,
  type FollowUpAnswerValue,
} from './feedback.ts'
import { num, oneOf, str, strOrNull } from './rows.ts'

/** The follow-up of an incident as the scheduler recorded it: its notice and its outbox event. */
export interface FollowUpSent {
  due_at: string
  sent_at: string
  /** The `incident.follow_up` event (null if the outbox was pruned). */
  event_id: number | null
  /** false when it was recorded silently (the resolution was not emailed either). */
  mailed: boolean
}

export async function followUpSent(db: Db, incidentId: string): Promise<FollowUpSent | null> {
  const [notice, event] = await db.batch(
    [
      {
        sql: `SELECT due_at, sent_at FROM notices_sent WHERE target_id = ? AND kind = 'follow_up'
              ORDER BY sent_at DESC LIMIT 1`,
        args: [incidentId],
      },
      {
        sql: `SELECT id, payload FROM outbox
              WHERE aggregate_type = 'incident' AND aggregate_id = ? AND type = 'incident.follow_up'
              ORDER BY id DESC LIMIT 1`,
        args: [incidentId],
      },
    ],
    'read',
  )
  const n = notice!.rows[0]
  if (!n) return null
  const e = event!.rows[0]
  const payload = e ? (JSON.parse(str(e, 'payload')) as Record<string, unknown>) : {}
  return {
    due_at: str(n, 'due_at'),
    sent_at: str(n, 'sent_at'),
    event_id: e ? num(e, 'id') : null,
    mailed: payload.deliver_notifications !== false,
  }
}

/** One subscriber's answer to a follow-up, with their address and the feedback item it opened. */
export interface FollowUpAnswerRow {
  subscriber_id: string
  /** null once the subscriber was erased. */
  email: string | null
  answer: FollowUpAnswerValue
  comment: string | null
  answered_at: string
  /** The newest feedback item a "still affected" answer opened (source `follow_up`). */
  feedback: { id: string; status: FeedbackStatus } | null
}

/** Every answer to an incident's follow-up, newest first. */
export async function followUpAnswers(db: Db, incidentId: string): Promise<FollowUpAnswerRow[]> {
  const rs = await db.execute({
    sql: `SELECT a.subscriber_id, s.email, a.answer, a.comment, a.answered_at, f.id AS feedback_id,
            f.status AS feedback_status
          FROM follow_up_answers a
          LEFT JOIN subscribers s ON s.id = a.subscriber_id
          LEFT JOIN feedback f ON f.id = (
            SELECT id FROM feedback x
            WHERE x.source = 'follow_up' AND x.incident_id = a.incident_id
              AND x.subscriber_id = a.subscriber_id
            ORDER BY x.created_at DESC, x.rowid DESC LIMIT 1)
          WHERE a.incident_id = ?
          ORDER BY a.answered_at DESC, a.subscriber_id`,
    args: [incidentId],
  })
  return rs.rows.map((r) => {
    const feedbackId = strOrNull(r, 'feedback_id')
    return {
      subscriber_id: str(r, 'subscriber_id'),
      email: strOrNull(r, 'email'),
      answer: oneOf(r, 'answer', FOLLOW_UP_ANSWERS),
      comment: strOrNull(r, 'comment'),
      answered_at: str(r, 'answered_at'),
      feedback: feedbackId
        ? { id: feedbackId, status: oneOf(r, 'feedback_status', FEEDBACK_STATUSES) }
        : null,
    }
  })
}
