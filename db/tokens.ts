import type { Row } from '@libsql/client'
import type { Scope, Token } from '../core/schemas/token.ts'
import { Role, type User } from '../core/schemas/user.ts'
import type { Db, Statement } from './client.ts'
import { oneOf, str, strOrNull } from './rows.ts'
import { guard, updateAtVersion } from './versions.ts'

const COLS = 'id, name, prefix, scope, created_at, last_used_at, revoked_at, user_id'

export function rowToToken(row: Row): Token {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    prefix: str(row, 'prefix'),
    scope: oneOf(row, 'scope', ['read', 'write', 'admin'] as const),
    created_at: str(row, 'created_at'),
    last_used_at: strOrNull(row, 'last_used_at'),
    revoked_at: strOrNull(row, 'revoked_at'),
    user_id: strOrNull(row, 'user_id'),
  }
}

export interface ActiveToken {
  token: Token
  /** The person a personal token belongs to (always active: a disabled person's tokens are not found). */
  owner: User | null
}

/** The unrevoked token with this hash; a personal token only while its person is active. */
export async function findActiveTokenByHash(db: Db, hash: string): Promise<ActiveToken | null> {
  const rs = await db.execute({
    sql: `SELECT t.id, t.name, t.prefix, t.scope, t.created_at, t.last_used_at, t.revoked_at,
                 t.user_id, u.email AS owner_email, u.name AS owner_name, u.role AS owner_role,
                 u.created_at AS owner_created_at, u.updated_at AS owner_updated_at
          FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = ? AND t.revoked_at IS NULL
            AND (t.user_id IS NULL OR u.status = 'active')`,
    args: [hash],
  })
  const row = rs.rows[0]
  if (!row) return null
  const token = rowToToken(row)
  const owner: User | null = token.user_id
    ? {
        id: token.user_id,
        email: str(row, 'owner_email'),
        name: strOrNull(row, 'owner_name'),
        role: oneOf(row, 'owner_role', Role.options),
        status: 'active',
        created_at: str(row, 'owner_created_at'),
        updated_at: str(row, 'owner_updated_at'),
      }
    : null
  return { token, owner }
}

export async function listTokens(db: Db): Promise<Token[]> {
  const rs = await db.execute(`SELECT ${COLS} FROM api_tokens ORDER BY created_at, id`)
  return rs.rows.map(rowToToken)
}

export async function getToken(db: Db, id: string): Promise<Token | null> {
  const rs = await db.execute({ sql: `SELECT ${COLS} FROM api_tokens WHERE id = ?`, args: [id] })
  const row = rs.rows[0]
  return row ? rowToToken(row) : null
}

export async function countTokens(db: Db): Promise<number> {
  const rs = await db.execute('SELECT COUNT(*) AS n FROM api_tokens')
  return Number(rs.rows[0]!.n)
}

export function insertToken(t: Token, hash: string): Statement {
  return {
    sql: `INSERT INTO api_tokens (id, name, token_hash, prefix, scope, created_at, user_id)
          VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [t.id, t.name, hash, t.prefix, t.scope, t.created_at, t.user_id],
  }
}

/**
 * Revokes at `version`, and aborts unless an admin token is left: two admins revoking each
 * other's token at once must not lock everyone out (two rows, so one version cannot tell).
 */
export function revokeToken(id: string, at: string, version: number): Statement[] {
  return [
    ...updateAtVersion('api_tokens', id, version, 'revoked_at = ?', [at]),
    guard(
      `(SELECT scope FROM api_tokens WHERE id = ?) != 'admin'
       OR EXISTS (SELECT 1 FROM api_tokens WHERE scope = 'admin' AND revoked_at IS NULL)`,
      [id],
      'no admin token would be left',
    ),
  ]
}

/**
 * The credentials version: changes with every token or person row, in any process (triggers of
 * migration 0012), so a cached token check is still right while it is unchanged.
 */
export async function credentialsVersion(db: Db): Promise<number> {
  const rs = await db.execute('SELECT n FROM credentials_version WHERE id = 1')
  return rs.rows[0] ? Number(rs.rows[0].n) : 0
}

export function touchToken(id: string, at: string): Statement {
  return { sql: 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?', args: [at, id] }
}

export type { Scope }
