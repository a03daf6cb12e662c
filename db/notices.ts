import { placeholders, type Db, type Statement } from './client.ts'
import { str } from './rows.ts'

/**
 * The ledger of clock-driven notices (follow-ups, maintenance reminders, on-call nudges): one row
 * per (target, kind, due time), written in the same batch as the outbox event it causes, so each
 * notice is emitted once however many schedulers tick.
 */
export interface SentNotice {
  targetId: string
  kind: string
  dueAt: string
}

/**
 * A plain INSERT on purpose: when another scheduler recorded the same notice first, the primary
 * key fails the whole batch, outbox event included, so the notice cannot be emitted twice.
 */
export function insertNotice(n: SentNotice, at: string): Statement {
  return {
    sql: 'INSERT INTO notices_sent (target_id, kind, due_at, sent_at) VALUES (?, ?, ?, ?)',
    args: [n.targetId, n.kind, n.dueAt, at],
  }
}

export async function noticeExists(db: Db, n: SentNotice): Promise<boolean> {
  const rs = await db.execute({
    sql: 'SELECT 1 FROM notices_sent WHERE target_id = ? AND kind = ? AND due_at = ?',
    args: [n.targetId, n.kind, n.dueAt],
  })
  return rs.rows.length > 0
}

export async function sentNotices(db: Db, targetIds: readonly string[]): Promise<SentNotice[]> {
  if (targetIds.length === 0) return []
  const rs = await db.execute({
    sql: `SELECT target_id, kind, due_at FROM notices_sent WHERE target_id IN (${placeholders(targetIds.length)})`,
    args: [...targetIds],
  })
  return rs.rows.map((r) => ({
    targetId: str(r, 'target_id'),
    kind: str(r, 'kind'),
    dueAt: str(r, 'due_at'),
  }))
}

const ids = (rows: { rows: readonly Record<string, unknown>[] }) =>
  rows.rows.map((r) => String(r.id))

/**
 * Resolved incidents with affected components, resolved in (from, to], that had no follow-up yet
 * (one per incident, even if it was reopened and resolved again).
 */
export async function followUpCandidates(db: Db, from: string, to: string): Promise<string[]> {
  return ids(
    await db.execute({
      sql: `SELECT i.id FROM incidents i
            WHERE i.kind = 'incident' AND i.status = 'resolved' AND i.resolved_at > ? AND i.resolved_at <= ?
              AND EXISTS (SELECT 1 FROM incident_components ic WHERE ic.incident_id = i.id)
              AND NOT EXISTS (SELECT 1 FROM notices_sent n WHERE n.target_id = i.id AND n.kind = 'follow_up')
            ORDER BY i.resolved_at`,
      args: [from, to],
    }),
  )
}

/** Maintenance windows ahead (starting by `startsBy`) or still running: reminders and overruns. */
export async function noticeWindows(db: Db, startsBy: string): Promise<string[]> {
  return ids(
    await db.execute({
      sql: `SELECT id FROM incidents
            WHERE kind = 'maintenance' AND cancelled_at IS NULL
              AND ((status = 'scheduled' AND scheduled_for <= ?) OR status IN ('in_progress', 'verifying'))
            ORDER BY scheduled_for`,
      args: [startsBy],
    }),
  )
}

/**
 * Incidents whose communication promises may need a nudge: open ones (the next update), and
 * major or critical ones resolved since `resolvedSince` without a published post-mortem.
 */
export async function nudgeCandidates(db: Db, resolvedSince: string): Promise<string[]> {
  return ids(
    await db.execute({
      sql: `SELECT i.id FROM incidents i
            WHERE i.kind = 'incident' AND (i.status != 'resolved'
              OR (i.impact IN ('major', 'critical') AND i.resolved_at > ?
                AND NOT EXISTS (SELECT 1 FROM postmortems p
                  WHERE p.incident_id = i.id AND p.status = 'published')))
            ORDER BY i.started_at`,
      args: [resolvedSince],
    }),
  )
}
