import type { Db, Statement } from './client.ts'
import { str } from './rows.ts'

/** A sign-in through the identity provider, between the redirect there and the way back. */
export interface SsoFlow {
  state: string
  nonce: string
  code_verifier: string
  /** The console path to open once signed in (already checked by safeNext). */
  next: string
  created_at: string
  expires_at: string
}

/** A new flow, and the removal of every expired one (nobody can finish those any more). */
export function insertSsoFlow(flow: SsoFlow, secretHash: string, now: string): Statement[] {
  return [
    { sql: 'DELETE FROM sso_flows WHERE expires_at <= ?', args: [now] },
    {
      sql: `INSERT INTO sso_flows (secret_hash, state, nonce, code_verifier, next, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)`,
      args: [
        secretHash,
        flow.state,
        flow.nonce,
        flow.code_verifier,
        flow.next,
        flow.created_at,
        flow.expires_at,
      ],
    },
  ]
}

/**
 * Removes the flow with this secret hash and returns it (expired or not: the caller decides).
 * One statement, so of two callbacks presenting the same cookie at once only one gets the row.
 */
export async function takeSsoFlow(db: Db, secretHash: string): Promise<SsoFlow | null> {
  const rs = await db.execute({
    sql: `DELETE FROM sso_flows WHERE secret_hash = ?
          RETURNING state, nonce, code_verifier, next, created_at, expires_at`,
    args: [secretHash],
  })
  const row = rs.rows[0]
  if (!row) return null
  return {
    state: str(row, 'state'),
    nonce: str(row, 'nonce'),
    code_verifier: str(row, 'code_verifier'),
    next: str(row, 'next'),
    created_at: str(row, 'created_at'),
    expires_at: str(row, 'expires_at'),
  }
}
