import type { Row } from '@libsql/client'
import type { Scope, Token } from '../core/schemas/token.ts'
import type { Db, Statement } from './client.ts'
import { oneOf, str, strOrNull } from './rows.ts'
import { guard, updateAtVersion } from './versions.ts'

const COLS = 'id, name, prefix, scope, created_at, last_used_at, revoked_at'

export function rowToToken(row: Row): Token {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    prefix: str(row, 'prefix'),
    scope: oneOf(row, 'scope', ['read', 'write', 'admin'] as const),
    created_at: str(row, 'created_at'),
    last_used_at: strOrNull(row, 'last_used_at'),
    revoked_at: strOrNull(row, 'revoked_at'),
  }
}

export async function findActiveTokenByHash(db: Db, hash: string): Promise<Token | null> {
  const rs = await db.execute({
    sql: `SELECT ${COLS} FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`,
    args: [hash],
  })
  const row = rs.rows[0]
  return row ? rowToToken(row) : null
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
    sql: `INSERT INTO api_tokens (id, name, token_hash, prefix, scope, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    args: [t.id, t.name, hash, t.prefix, t.scope, t.created_at],
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

export function touchToken(id: string, at: string): Statement {
  return { sql: 'UPDATE api_tokens SET last_used_at = ? WHERE id = ?', args: [at, id] }
}

export type { Scope }
