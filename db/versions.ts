import type { InValue } from '@libsql/client'
import { placeholders, type Db, type Statement } from './client.ts'
import { num, str } from './rows.ts'

/**
 * Optimistic concurrency, the one mechanism for every read-compute-write (docs/decisions/001).
 * A service reads a row's version BEFORE the row's data, computes, and writes with
 * `updateAtVersion`: the UPDATE applies only at that version and bumps it, and the guard right
 * after it fails the batch when the UPDATE matched nothing. Any write between the two reads bumps
 * the version too, so a stale read never commits. Plain SQL and `changes()` (per connection,
 * statement by statement), so it holds on a local file and over the remote protocol alike.
 */
export type VersionedTable =
  | 'incidents'
  | 'components'
  | 'component_groups'
  | 'subscribers'
  | 'feedback'
  | 'api_tokens'
  | 'users'
  | 'drafts'

/** The current versions of the rows that exist (read them before the rows themselves). */
export async function readVersions(
  db: Db,
  table: VersionedTable,
  ids: readonly string[],
): Promise<Map<string, number>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const rs = await db.execute({
    sql: `SELECT id, version FROM ${table} WHERE id IN (${placeholders(unique.length)})`,
    args: unique,
  })
  return new Map(rs.rows.map((row) => [str(row, 'id'), num(row, 'version')]))
}

/** The row's version, or -1 when there is none (a guard against -1 always fails). */
export async function readVersion(db: Db, table: VersionedTable, id: string): Promise<number> {
  return (await readVersions(db, table, [id])).get(id) ?? -1
}

/**
 * `UPDATE table SET <set>, version = version + 1 WHERE id = ? AND version = ?`, then a guard that
 * aborts the batch unless exactly that row changed. `set` may be empty: the row is only touched
 * (an aggregate's child rows changed, or a decision depended on it), which still serialises.
 */
export function updateAtVersion(
  table: VersionedTable,
  id: string,
  version: number,
  set = '',
  args: readonly InValue[] = [],
): Statement[] {
  return [
    {
      sql: `UPDATE ${table} SET ${set ? `${set}, ` : ''}version = version + 1 WHERE id = ? AND version = ?`,
      args: [...args, id, version],
    },
    guard('changes() = 1', [], `${table} ${id} is no longer at version ${version}`),
  ]
}

/**
 * A statement that aborts its batch unless `condition` (SQL, evaluated inside the batch's write
 * transaction) holds: for decisions a single row's version cannot protect (the last admin token).
 */
export function guard(condition: string, args: readonly InValue[], reason: string): Statement {
  return {
    sql: `INSERT INTO write_guards (reason) SELECT ? WHERE NOT (${condition})`,
    args: [reason, ...args],
  }
}

/** Whether a failed batch was aborted by a guard (someone else wrote first). */
export function isStaleWrite(err: unknown): boolean {
  return err instanceof Error && /stale_write/.test(err.message)
}
