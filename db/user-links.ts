import type { Db, Statement } from './client.ts'
import { str, strOrNull } from './rows.ts'
import { guard } from './versions.ts'

export type LinkPurpose = 'setup' | 'invite' | 'reset'

export interface UserLink {
  id: string
  purpose: LinkPurpose
  user_id: string | null
  created_at: string
  expires_at: string
  used_at: string | null
}

export function insertUserLink(link: UserLink, secretHash: string): Statement {
  return {
    sql: `INSERT INTO user_links (id, secret_hash, purpose, user_id, created_at, expires_at)
          VALUES (?, ?, ?, ?, ?, ?)`,
    args: [link.id, secretHash, link.purpose, link.user_id, link.created_at, link.expires_at],
  }
}

const COLS = 'id, purpose, user_id, created_at, expires_at, used_at'

async function findLinkWhere(
  db: Db,
  column: 'secret_hash' | 'id',
  value: string,
): Promise<UserLink | null> {
  const rs = await db.execute({
    sql: `SELECT ${COLS} FROM user_links WHERE ${column} = ?`,
    args: [value],
  })
  const row = rs.rows[0]
  if (!row) return null
  return {
    id: str(row, 'id'),
    purpose: str(row, 'purpose') as LinkPurpose,
    user_id: strOrNull(row, 'user_id'),
    created_at: str(row, 'created_at'),
    expires_at: str(row, 'expires_at'),
    used_at: strOrNull(row, 'used_at'),
  }
}

export function findUserLink(db: Db, secretHash: string): Promise<UserLink | null> {
  return findLinkWhere(db, 'secret_hash', secretHash)
}

export function getUserLink(db: Db, id: string): Promise<UserLink | null> {
  return findLinkWhere(db, 'id', id)
}

/** How many links of `purpose` were made for the person since `since` (the reset mail limit). */
export async function countLinksSince(
  db: Db,
  purpose: LinkPurpose,
  userId: string,
  since: string,
): Promise<number> {
  const rs = await db.execute({
    sql: 'SELECT count(*) AS n FROM user_links WHERE purpose = ? AND user_id = ? AND created_at > ?',
    args: [purpose, userId, since],
  })
  return Number(rs.rows[0]?.n ?? 0)
}

/**
 * Marks the link used, and aborts the batch when it already was: of two people submitting the
 * same link at once, one wins and the other writes nothing.
 */
export function useUserLink(id: string, at: string): Statement[] {
  return [
    { sql: 'UPDATE user_links SET used_at = ? WHERE id = ? AND used_at IS NULL', args: [at, id] },
    guard('changes() = 1', [], `user link ${id} was already used`),
  ]
}

/** Earlier unused links of the same purpose for the person (or every setup link) stop working. */
export function retireUserLinks(
  purpose: LinkPurpose,
  userId: string | null,
  at: string,
): Statement {
  return {
    sql: 'UPDATE user_links SET used_at = ? WHERE purpose = ? AND user_id IS ? AND used_at IS NULL',
    args: [at, purpose, userId],
  }
}
