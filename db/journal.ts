import type { Db, Statement } from './client.ts'
import type { AuditEntry as AuditRow } from '../core/schemas/audit.ts'
import { num, str, strOrNull } from './rows.ts'

/** The audit row and outbox events that every write carries in its own batch. */
export interface AuditEntry {
  at: string
  actorId: string | null
  actorName: string
  /** The person behind the write (a console session or a personal token), if any. */
  actorEmail?: string | null
  actorUserId?: string | null
  action: string
  targetType: string
  targetId: string
  details?: unknown
}

export function insertAudit(a: AuditEntry): Statement {
  return {
    sql: `INSERT INTO audit_log
            (at, actor_id, actor_name, actor_email, actor_user_id, action, target_type, target_id, details)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      a.at,
      a.actorId,
      a.actorName,
      a.actorEmail ?? null,
      a.actorUserId ?? null,
      a.action,
      a.targetType,
      a.targetId,
      a.details === undefined ? null : JSON.stringify(a.details),
    ],
  }
}

export interface OutboxEvent {
  type: string
  aggregateType: string
  aggregateId: string
  payload: Record<string, unknown>
}

export function insertOutbox(e: OutboxEvent, at: string): Statement {
  return {
    sql: 'INSERT INTO outbox (type, aggregate_type, aggregate_id, payload, created_at) VALUES (?, ?, ?, ?, ?)',
    args: [e.type, e.aggregateType, e.aggregateId, JSON.stringify(e.payload), at],
  }
}

export interface StoredEvent extends OutboxEvent {
  id: number
  createdAt: string
}

export async function readOutbox(db: Db, afterId: number, limit: number): Promise<StoredEvent[]> {
  const rs = await db.execute({
    sql: 'SELECT id, type, aggregate_type, aggregate_id, payload, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?',
    args: [afterId, limit],
  })
  return rs.rows.map((row) => ({
    id: num(row, 'id'),
    type: str(row, 'type'),
    aggregateType: str(row, 'aggregate_type'),
    aggregateId: str(row, 'aggregate_id'),
    payload: JSON.parse(str(row, 'payload')) as Record<string, unknown>,
    createdAt: str(row, 'created_at'),
  }))
}

/** The event stored under `id`, or null when there is none. */
export async function outboxEventAt(db: Db, id: number): Promise<StoredEvent | null> {
  return (await readOutbox(db, id - 1, 1)).find((e) => e.id === id) ?? null
}

/** The newest event id: it changes whenever anything public may have changed. */
export async function latestOutboxId(db: Db): Promise<number> {
  const rs = await db.execute('SELECT COALESCE(MAX(id), 0) AS id FROM outbox')
  return num(rs.rows[0]!, 'id')
}

export interface IdempotentResponse {
  requestHash: string
  statusCode: number
  response: string
}

export async function findIdempotentResponse(
  db: Db,
  tokenId: string,
  key: string,
): Promise<IdempotentResponse | null> {
  const rs = await db.execute({
    sql: 'SELECT request_hash, status_code, response FROM idempotency_keys WHERE token_id = ? AND key = ?',
    args: [tokenId, key],
  })
  const row = rs.rows[0]
  if (!row) return null
  return {
    requestHash: str(row, 'request_hash'),
    statusCode: num(row, 'status_code'),
    response: str(row, 'response'),
  }
}

export function insertIdempotentResponse(
  tokenId: string,
  key: string,
  r: IdempotentResponse,
  at: string,
): Statement {
  return {
    sql: `INSERT INTO idempotency_keys (token_id, key, request_hash, status_code, response, created_at)
          VALUES (?, ?, ?, ?, ?, ?)`,
    args: [tokenId, key, r.requestHash, r.statusCode, r.response, at],
  }
}

/** Which entries to list; every field narrows (times are ISO instants, `to` exclusive). */
export interface AuditQuery {
  actorEmail?: string
  actorUserId?: string
  targetType?: string
  targetId?: string
  from?: string
  to?: string
}

function auditWhere(q: AuditQuery): { sql: string; args: string[] } {
  const clauses: string[] = []
  const args: string[] = []
  const add = (clause: string, value: string | undefined) => {
    if (value === undefined) return
    clauses.push(clause)
    args.push(value)
  }
  add('actor_email = ?', q.actorEmail?.toLowerCase())
  add('actor_user_id = ?', q.actorUserId)
  add('target_type = ?', q.targetType)
  add('target_id = ?', q.targetId)
  // `at` is stored as toISOString(): the same form compares in time order.
  add('at >= ?', q.from === undefined ? undefined : new Date(q.from).toISOString())
  add('at < ?', q.to === undefined ? undefined : new Date(q.to).toISOString())
  return { sql: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', args }
}

/** Newest first (commit order), a page at a time, with the total the filter matches. */
export async function listAudit(
  db: Db,
  q: AuditQuery,
  limit: number,
  offset: number,
): Promise<{ items: AuditRow[]; total: number }> {
  const where = auditWhere(q)
  const [page, count] = await db.batch(
    [
      {
        sql: `SELECT id, at, actor_name, actor_email, actor_user_id, action, target_type, target_id, details
              FROM audit_log${where.sql} ORDER BY id DESC LIMIT ? OFFSET ?`,
        args: [...where.args, limit, offset],
      },
      { sql: `SELECT COUNT(*) AS n FROM audit_log${where.sql}`, args: where.args },
    ],
    'read',
  )
  return {
    items: page!.rows.map((row) => {
      const details = row.details
      return {
        id: num(row, 'id'),
        at: str(row, 'at'),
        actor_name: str(row, 'actor_name'),
        actor_email: strOrNull(row, 'actor_email'),
        actor_user_id: strOrNull(row, 'actor_user_id'),
        action: str(row, 'action'),
        target_type: str(row, 'target_type'),
        target_id: str(row, 'target_id'),
        details: typeof details === 'string' ? (JSON.parse(details) as unknown) : null,
      }
    }),
    total: num(count!.rows[0]!, 'n'),
  }
}

/** The target types the audit holds (for the console's filter). */
export async function auditTargetTypes(db: Db): Promise<string[]> {
  const rs = await db.execute('SELECT DISTINCT target_type FROM audit_log ORDER BY target_type')
  return rs.rows.map((row) => str(row, 'target_type'))
}
