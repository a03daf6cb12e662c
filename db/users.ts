import type { Row } from '@libsql/client'
import { Role, UserStatus, type User } from '../core/schemas/user.ts'
import type { Db, Statement } from './client.ts'
import { oneOf, str, strOrNull } from './rows.ts'
import { updateAtVersion } from './versions.ts'

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

/** The person with this (lower-cased) address and their password hash, if any. */
export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<{ user: User; passwordHash: string | null; version: number } | null> {
  const rs = await db.execute({
    sql: `SELECT ${COLS}, password_hash, version FROM users WHERE email = ?`,
    args: [email.toLowerCase()],
  })
  const row = rs.rows[0]
  if (!row) return null
  return {
    user: rowToUser(row),
    passwordHash: strOrNull(row, 'password_hash'),
    version: Number(row.version),
  }
}

export async function listUsers(db: Db): Promise<User[]> {
  const rs = await db.execute(`SELECT ${COLS} FROM users ORDER BY status = 'disabled', email`)
  return rs.rows.map(rowToUser)
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
