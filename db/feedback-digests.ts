import { placeholders, type Db, type Statement } from './client.ts'
import { num, oneOf, str, strOrNull } from './rows.ts'
import { FEEDBACK_SOURCES, type FeedbackSource } from './feedback.ts'

/**
 * The ledger of the staff's digest of new reports (api/jobs/feedback-digest.ts): each digest
 * covers the `feedback.received` events after the previous one's last event, through its own.
 */
export interface DigestRecord {
  /** The last event of the previous digest (0 before the first): the row's key. */
  after_event: number
  through_event: number
  reports: number
  sent_at: string
}

/** The latest digest, or null before the first. */
export async function lastDigest(db: Db): Promise<DigestRecord | null> {
  const rs = await db.execute(
    'SELECT after_event, through_event, reports, sent_at FROM feedback_digests ORDER BY after_event DESC LIMIT 1',
  )
  const row = rs.rows[0]
  if (!row) return null
  return {
    after_event: num(row, 'after_event'),
    through_event: num(row, 'through_event'),
    reports: num(row, 'reports'),
    sent_at: str(row, 'sent_at'),
  }
}

/**
 * A plain INSERT on purpose: a digest after the same event recorded first by another scheduler
 * fails the primary key, and with it the whole batch, outbox event included.
 */
export function insertDigest(d: DigestRecord): Statement {
  return {
    sql: 'INSERT INTO feedback_digests (after_event, through_event, reports, sent_at) VALUES (?, ?, ?, ?)',
    args: [d.after_event, d.through_event, d.reports, d.sent_at],
  }
}

export async function digestExists(db: Db, afterEvent: number): Promise<boolean> {
  const rs = await db.execute({
    sql: 'SELECT 1 FROM feedback_digests WHERE after_event = ?',
    args: [afterEvent],
  })
  return rs.rows.length > 0
}

/**
 * The reports received after outbox event `afterEvent` and after the instant `since` (oldest
 * first), by their `feedback.received` events: event ids are given in commit order, so a report
 * written while a digest was being made is in this one or the next, never in neither. A report
 * erased since is left out.
 */
export async function reportsAfter(
  db: Db,
  afterEvent: number,
  since: string,
): Promise<{ eventId: number; feedbackId: string }[]> {
  const rs = await db.execute({
    sql: `SELECT o.id AS event_id, f.id FROM outbox o JOIN feedback f ON f.id = o.aggregate_id
          WHERE o.id > ? AND o.type = 'feedback.received' AND o.created_at > ? ORDER BY o.id`,
    args: [afterEvent, since],
  })
  return rs.rows.map((r) => ({ eventId: num(r, 'event_id'), feedbackId: str(r, 'id') }))
}

/** What the digest email says of one report: never the reporter's address. */
export interface DigestReport {
  id: string
  message: string
  source: FeedbackSource
  created_at: string
  incident_name: string | null
  component_name: string | null
}

/** The reports a digest lists, in the order of `ids` (those erased since are left out). */
export async function digestReports(db: Db, ids: readonly string[]): Promise<DigestReport[]> {
  if (ids.length === 0) return []
  const rs = await db.execute({
    sql: `SELECT f.id, f.message, f.source, f.created_at, i.name AS incident_name,
            c.name AS component_name
          FROM feedback f
          LEFT JOIN incidents i ON i.id = f.incident_id
          LEFT JOIN components c ON c.id = f.component_id
          WHERE f.id IN (${placeholders(ids.length)})`,
    args: [...ids],
  })
  const byId = new Map(
    rs.rows.map((r) => [
      str(r, 'id'),
      {
        id: str(r, 'id'),
        message: str(r, 'message'),
        source: oneOf(r, 'source', FEEDBACK_SOURCES),
        created_at: str(r, 'created_at'),
        incident_name: strOrNull(r, 'incident_name'),
        component_name: strOrNull(r, 'component_name'),
      },
    ]),
  )
  return ids.flatMap((id) => byId.get(id) ?? [])
}
