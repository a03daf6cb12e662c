import type { Row } from '@libsql/client'
import { Role, UserStatus, type User, type UserActivity } from '../core/schemas/user.ts'
import type { Db, Statement } from './client.ts'
import { oneOf, str, strOrNull } from './rows.ts'
import { guard, updateAtVersion } from './versions.ts'

const COLS = 'id, email, name, role, status, created_at, updated_at'

export function rowToUser(row: Row): User {
  return {
    id: str(row, 'id'),
    email: str(row, 'email'),
    name: strOrNull(row, 'name'),
    role: oneOf(row, 'role', Role.options),
    status: oneOf(row, 'status', UserStatus.options),
    created_at: str(row, 'created_at'),
    updated_at: str(row, 'updated_at'),
  }
}

export async function getUser(db: Db, id: string): Promise<User | null> {
  const rs = await db.execute({ sql: `SELECT ${COLS} FROM users WHERE id = ?`, args: [id] })
  const row = rs.rows[0]
  return row ? rowToUser(row) : null
}

export interface UserWithSecret {
  user: User
  passwordHash: string | null
  version: number
}

async function findUserWhere(
  db: Db,
  column: 'email' | 'id',
  value: string,
): Promise<UserWithSecret | null> {
  const rs = await db.execute({
    sql: `SELECT ${COLS}, password_hash, version FROM users WHERE ${column} = ?`,
    args: [value],
  })
  const row = rs.rows[0]
  if (!row) return null
  return {
    user: rowToUser(row),
    passwordHash: strOrNull(row, 'password_hash'),
    version: Number(row.version),
  }
}

/** The person with this (lower-cased) address and their password hash, if any. */
export function findUserByEmail(db: Db, email: string): Promise<UserWithSecret | null> {
  return findUserWhere(db, 'email', email.toLowerCase())
}

/** The person with this id, their password hash and row version, if any. */
export function findUserById(db: Db, id: string): Promise<UserWithSecret | null> {
  return findUserWhere(db, 'id', id)
}

export async function listUsers(db: Db): Promise<User[]> {
  const rs = await db.execute(`SELECT ${COLS} FROM users ORDER BY status = 'disabled', email`)
  return rs.rows.map(rowToUser)
}

/**
 * Every person with their latest sign-in and their sessions still usable at `now` (open, and
 * within the idle and absolute limits `idleSince` and `createdSince`).
 */
export async function listUsersWithActivity(
  db: Db,
  idleSince: string,
  createdSince: string,
): Promise<UserActivity[]> {
  const rs = await db.execute({
    sql: `SELECT ${COLS.split(', ')
      .map((c) => `u.${c}`)
      .join(', ')},
            (SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id) AS last_sign_in_at,
            (SELECT count(*) FROM sessions s WHERE s.user_id = u.id AND s.ended_at IS NULL
               AND s.last_seen_at > ? AND s.created_at > ?) AS open_sessions
          FROM users u ORDER BY u.status = 'disabled', u.email`,
    args: [idleSince, createdSince],
  })
  return rs.rows.map((row) => ({
    ...rowToUser(row),
    last_sign_in_at: strOrNull(row, 'last_sign_in_at'),
    open_sessions: Number(row.open_sessions ?? 0),
  }))
}

/**
 * Aborts the batch unless an active admin remains: two admins demoting or disabling each other
 * at once must not both win (two rows, so neither row's version can tell).
 */
export function adminRemains(): Statement {
  return guard(
    "EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND status = 'active')",
    [],
    'no active admin would be left',
  )
}

/** Aborts the batch once an active admin exists: setup links make only the first one. */
export function noAdminYet(): Statement {
  return guard(
    "NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND status = 'active')",
    [],
    'an active admin exists',
  )
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const rs = await db.execute(
    "SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'active'",
  )
  return Number(rs.rows[0]?.n ?? 0)
}

export function insertUser(u: User, passwordHash: string | null): Statement {
  return {
    sql: `INSERT INTO users (id, email, name, role, status, password_hash, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [u.id, u.email, u.name, u.role, u.status, passwordHash, u.created_at, u.updated_at],
  }
}

/** Name, role and status as in `u`, at the version read (see db/versions.ts). */
export function updateUser(u: User, version: number): Statement[] {
  return updateAtVersion('users', u.id, version, 'name = ?, role = ?, status = ?, updated_at = ?', [
    u.name,
    u.role,
    u.status,
    u.updated_at,
  ])
}

/** A new password (and, for an invitation being accepted, the name and active status). */
export function setPassword(u: User, version: number, passwordHash: string): Statement[] {
  return updateAtVersion(
    'users',
    u.id,
    version,
    'name = ?, status = ?, password_hash = ?, updated_at = ?',
    [u.name, u.status, passwordHash, u.updated_at],
  )
}

/** Whether the person gets the email digest of new customer reports. */
export async function getInboxDigest(db: Db, userId: string): Promise<boolean> {
  const rs = await db.execute({
    sql: 'SELECT inbox_digest FROM users WHERE id = ?',
    args: [userId],
  })
  return Number(rs.rows[0]?.inbox_digest ?? 0) === 1
}

/**
 * Turns the digest on or off for one person. Not versioned: it sets one column to what the
 * person chose, and touches nothing an edit at a version reads.
 */
export function setInboxDigest(userId: string, on: boolean): Statement {
  return { sql: 'UPDATE users SET inbox_digest = ? WHERE id = ?', args: [on ? 1 : 0, userId] }
}

/** Whether anyone active wants the digest (besides ONCALL_EMAIL). */
export async function anyInboxDigestReader(db: Db): Promise<boolean> {
  const rs = await db.execute(
    "SELECT 1 FROM users WHERE inbox_digest = 1 AND status = 'active' LIMIT 1",
  )
  return rs.rows.length > 0
}

/** Active people a report can be assigned to, by name. */
export async function listAssignable(db: Db): Promise<User[]> {
  const rs = await db.execute(
    `SELECT ${COLS} FROM users WHERE status = 'active' ORDER BY lower(COALESCE(name, email))`,
  )
  return rs.rows.map(rowToUser)
}
