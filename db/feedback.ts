import type { Row } from '@libsql/client'
import type { Db, Statement } from './client.ts'
import { placeholders } from './client.ts'
import { num, oneOf, str, strOrNull } from './rows.ts'
import { updateAtVersion } from './versions.ts'

export const FEEDBACK_STATUSES = ['open', 'answered', 'closed'] as const
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number]
export const FEEDBACK_SOURCES = ['form', 'follow_up'] as const
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number]
export const FOLLOW_UP_ANSWERS = ['all_good', 'still_affected'] as const
export type FollowUpAnswerValue = (typeof FOLLOW_UP_ANSWERS)[number]

/** A customer's report, from the public form or from a "still affected" follow-up answer. */
export interface FeedbackRecord {
  id: string
  incident_id: string | null
  component_id: string | null
  subscriber_id: string | null
  email: string | null
  message: string
  source: FeedbackSource
  status: FeedbackStatus
  created_at: string
  first_answered_at: string | null
  closed_at: string | null
  /** The person answering it (a user id), or null while nobody is. */
  assigned_to: string | null
}

export interface ReplyRecord {
  id: string
  feedback_id: string
  body: string
  author: string
  created_at: string
}

export interface FollowUpAnswerRecord {
  incident_id: string
  subscriber_id: string
  answer: FollowUpAnswerValue
  comment: string | null
  answered_at: string
}

const COLS = `id, incident_id, component_id, subscriber_id, email, message, source, status,
  created_at, first_answered_at, closed_at, assigned_to`

function rowToFeedback(row: Row): FeedbackRecord {
  return {
    id: str(row, 'id'),
    incident_id: strOrNull(row, 'incident_id'),
    component_id: strOrNull(row, 'component_id'),
    subscriber_id: strOrNull(row, 'subscriber_id'),
    email: strOrNull(row, 'email'),
    message: str(row, 'message'),
    source: oneOf(row, 'source', FEEDBACK_SOURCES),
    status: oneOf(row, 'status', FEEDBACK_STATUSES),
    created_at: str(row, 'created_at'),
    first_answered_at: strOrNull(row, 'first_answered_at'),
    closed_at: strOrNull(row, 'closed_at'),
    assigned_to: strOrNull(row, 'assigned_to'),
  }
}

function rowToReply(row: Row): ReplyRecord {
  return {
    id: str(row, 'id'),
    feedback_id: str(row, 'feedback_id'),
    body: str(row, 'body'),
    author: str(row, 'author'),
    created_at: str(row, 'created_at'),
  }
}

export function insertFeedback(f: FeedbackRecord): Statement {
  return {
    sql: `INSERT INTO feedback (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      f.id,
      f.incident_id,
      f.component_id,
      f.subscriber_id,
      f.email,
      f.message,
      f.source,
      f.status,
      f.created_at,
      f.first_answered_at,
      f.closed_at,
      f.assigned_to,
    ],
  }
}

/** Writes the fields staff actions change (status, its timestamps, the assignee). */
export function updateFeedbackState(f: FeedbackRecord, version: number): Statement[] {
  return updateAtVersion(
    'feedback',
    f.id,
    version,
    'status = ?, first_answered_at = ?, closed_at = ?, assigned_to = ?',
    [f.status, f.first_answered_at, f.closed_at, f.assigned_to],
  )
}

export function insertReply(r: ReplyRecord): Statement {
  return {
    sql: 'INSERT INTO feedback_replies (id, feedback_id, body, author, created_at) VALUES (?, ?, ?, ?, ?)',
    args: [r.id, r.feedback_id, r.body, r.author, r.created_at],
  }
}

export async function getFeedback(db: Db, id: string): Promise<FeedbackRecord | null> {
  const rs = await db.execute({ sql: `SELECT ${COLS} FROM feedback WHERE id = ?`, args: [id] })
  const row = rs.rows[0]
  return row ? rowToFeedback(row) : null
}

export interface FeedbackFilter {
  status?: FeedbackStatus | undefined
  incidentId?: string | undefined
  /**
   * `is: true`: only items still waiting for a first answer that were created before `cutoff`;
   * `is: false`: every other item.
   */
  overdue?: { cutoff: string; is: boolean } | undefined
  /** Only items still waiting for a first answer that were created before this instant. */
  lateBefore?: string | undefined
  /** Only items assigned to this person; null: assigned to nobody. */
  assignedTo?: string | null | undefined
}

/** Open and never answered: the reports the 2 h / 24 h response clock runs for. */
const WAITING = "status = 'open' AND first_answered_at IS NULL"

function where(f: FeedbackFilter): { sql: string; args: string[] } {
  const parts: string[] = []
  const args: string[] = []
  if (f.status) {
    parts.push('status = ?')
    args.push(f.status)
  }
  if (f.incidentId) {
    parts.push('incident_id = ?')
    args.push(f.incidentId)
  }
  if (f.overdue) {
    const waiting = `(${WAITING} AND created_at < ?)`
    parts.push(f.overdue.is ? waiting : `NOT ${waiting}`)
    args.push(f.overdue.cutoff)
  }
  if (f.lateBefore) {
    parts.push(`(${WAITING} AND created_at < ?)`)
    args.push(f.lateBefore)
  }
  if (f.assignedTo === null) parts.push('assigned_to IS NULL')
  else if (f.assignedTo !== undefined) {
    parts.push('assigned_to = ?')
    args.push(f.assignedTo)
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args }
}

/** How many reports wait for a first answer (an index count: the console reads it per page). */
export async function countWaiting(db: Db): Promise<number> {
  const rs = await db.execute(`SELECT COUNT(*) AS n FROM feedback WHERE ${WAITING}`)
  return num(rs.rows[0]!, 'n')
}

/** How many items each of several filters matches, in one read. */
export async function countFeedback(db: Db, filters: readonly FeedbackFilter[]): Promise<number[]> {
  if (filters.length === 0) return []
  const rs = await db.batch(
    filters.map((f) => {
      const w = where(f)
      return { sql: `SELECT COUNT(*) AS n FROM feedback ${w.sql}`, args: w.args }
    }),
    'read',
  )
  return rs.map((r) => num(r.rows[0]!, 'n'))
}

/** The incidents that reports are about (ids), for the inbox's filter. */
export async function incidentsWithFeedback(db: Db): Promise<string[]> {
  const rs = await db.execute(
    'SELECT DISTINCT incident_id FROM feedback WHERE incident_id IS NOT NULL',
  )
  return rs.rows.map((r) => str(r, 'incident_id'))
}

/** Newest first, one page of it, and the total that matches the filter. */
export async function listFeedback(
  db: Db,
  filter: FeedbackFilter,
  limit: number,
  offset: number,
): Promise<{ items: FeedbackRecord[]; total: number }> {
  const w = where(filter)
  const [page, count] = await db.batch(
    [
      {
        sql: `SELECT ${COLS} FROM feedback ${w.sql} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
        args: [...w.args, limit, offset],
      },
      { sql: `SELECT COUNT(*) AS n FROM feedback ${w.sql}`, args: w.args },
    ],
    'read',
  )
  return { items: page!.rows.map(rowToFeedback), total: num(count!.rows[0]!, 'n') }
}

/** The replies to each of the given feedback items, oldest first. */
export async function repliesFor(
  db: Db,
  feedbackIds: readonly string[],
): Promise<Map<string, ReplyRecord[]>> {
  const out = new Map<string, ReplyRecord[]>(feedbackIds.map((id) => [id, []]))
  for (let i = 0; i < feedbackIds.length; i += 500) {
    const chunk = feedbackIds.slice(i, i + 500)
    const rs = await db.execute({
      sql: `SELECT id, feedback_id, body, author, created_at FROM feedback_replies
            WHERE feedback_id IN (${placeholders(chunk.length)}) ORDER BY created_at, rowid`,
      args: [...chunk],
    })
    for (const row of rs.rows) {
      const r = rowToReply(row)
      out.get(r.feedback_id)?.push(r)
    }
  }
  return out
}

export async function getFollowUpAnswer(
  db: Db,
  incidentId: string,
  subscriberId: string,
): Promise<FollowUpAnswerRecord | null> {
  const rs = await db.execute({
    sql: `SELECT incident_id, subscriber_id, answer, comment, answered_at FROM follow_up_answers
          WHERE incident_id = ? AND subscriber_id = ?`,
    args: [incidentId, subscriberId],
  })
  const row = rs.rows[0]
  if (!row) return null
  return {
    incident_id: str(row, 'incident_id'),
    subscriber_id: str(row, 'subscriber_id'),
    answer: oneOf(row, 'answer', FOLLOW_UP_ANSWERS),
    comment: strOrNull(row, 'comment'),
    answered_at: str(row, 'answered_at'),
  }
}

/** One row per person and incident: answering again replaces the earlier answer. */
export function upsertFollowUpAnswer(a: FollowUpAnswerRecord): Statement {
  return {
    sql: `INSERT INTO follow_up_answers (incident_id, subscriber_id, answer, comment, answered_at)
          VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (incident_id, subscriber_id) DO UPDATE SET
            answer = excluded.answer, comment = excluded.comment, answered_at = excluded.answered_at`,
    args: [a.incident_id, a.subscriber_id, a.answer, a.comment, a.answered_at],
  }
}
