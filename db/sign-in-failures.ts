import type { Db, Statement } from './client.ts'
import { placeholders } from './client.ts'
import { num, str } from './rows.ts'

/** Failed sign-ins per key since `since` (keys: 'account:<email>', 'ip:<address>'). */
export async function countFailures(
  db: Db,
  keys: readonly string[],
  since: string,
): Promise<Map<string, { count: number; oldest: string }>> {
  const rs = await db.execute({
    sql: `SELECT key, count(*) AS n, min(at) AS oldest FROM sign_in_failures
          WHERE key IN (${placeholders(keys.length)}) AND at > ? GROUP BY key`,
    args: [...keys, since],
  })
  return new Map(
    rs.rows.map((r) => [str(r, 'key'), { count: num(r, 'n'), oldest: str(r, 'oldest') }]),
  )
}

export function insertFailures(keys: readonly string[], at: string): Statement[] {
  return keys.map((key) => ({
    sql: 'INSERT INTO sign_in_failures (key, at) VALUES (?, ?)',
    args: [key, at],
  }))
}

/** A successful sign-in forgets the account's failures (not the address's), and old rows go. */
export function clearFailures(key: string, before: string): Statement[] {
  return [
    { sql: 'DELETE FROM sign_in_failures WHERE key = ?', args: [key] },
    { sql: 'DELETE FROM sign_in_failures WHERE at < ?', args: [before] },
  ]
}
