import type { Row } from '@libsql/client'
import type { User } from '../core/schemas/user.ts'
import type { Db, Statement } from './client.ts'
import { str } from './rows.ts'
import { rowToUser } from './users.ts'

export interface SessionRow {
  id: string
  user_id: string
  csrf_token: string
  created_at: string
  last_seen_at: string
}

export interface SessionWithUser {
  session: SessionRow
  user: User
}

function rowToSession(row: Row): SessionRow {
  return {
    id: str(row, 'sid'),
    user_id: str(row, 'id'),
    csrf_token: str(row, 'csrf_token'),
    created_at: str(row, 'session_created_at'),
    last_seen_at: str(row, 'last_seen_at'),
  }
}

export function insertSession(
  s: SessionRow,
  secretHash: string,
  userAgent: string | null,
): Statement {
  return {
    sql: `INSERT INTO sessions (id, secret_hash, user_id, csrf_token, created_at, last_seen_at, user_agent)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [s.id, secretHash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, userAgent],
  }
}

/** The open session with this secret hash and its person (whatever their status). */
export async function findOpenSession(db: Db, secretHash: string): Promise<SessionWithUser | null> {
  const rs = await db.execute({
    sql: `SELECT s.id AS sid, s.csrf_token, s.created_at AS session_created_at, s.last_seen_at,
                 u.id, u.email, u.name, u.role, u.status, u.created_at, u.updated_at
          FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.secret_hash = ? AND s.ended_at IS NULL`,
    args: [secretHash],
  })
  const row = rs.rows[0]
  return row ? { session: rowToSession(row), user: rowToUser(row) } : null
}

export function touchSession(id: string, at: string): Statement {
  return { sql: 'UPDATE sessions SET last_seen_at = ? WHERE id = ?', args: [at, id] }
}

export function endSession(id: string, at: string): Statement {
  return {
    sql: 'UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL',
    args: [at, id],
  }
}

/** Ends every open session of a person, except `keep` (the one changing its password). */
export function endSessionsOf(userId: string, at: string, keep: string | null = null): Statement {
  return {
    sql: 'UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL AND id IS NOT ?',
    args: [at, userId, keep],
  }
}

export async function countOpenSessions(db: Db, userId: string): Promise<number> {
  const rs = await db.execute({
    sql: 'SELECT count(*) AS n FROM sessions WHERE user_id = ? AND ended_at IS NULL',
    args: [userId],
  })
  return Number(rs.rows[0]?.n ?? 0)
}
