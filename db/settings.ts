import type { Db, Statement } from './client.ts'

export async function getSetting(db: Db, key: string): Promise<string | null> {
  const rs = await db.execute({ sql: 'SELECT value FROM settings WHERE key = ?', args: [key] })
  const v = rs.rows[0]?.value
  return typeof v === 'string' ? v : null
}

/** Stores `value` unless the key already has one; returns the value that is stored. */
export async function ensureSetting(db: Db, key: string, value: string): Promise<string> {
  await db.execute({
    sql: 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)',
    args: [key, value],
  })
  return (await getSetting(db, key))!
}

/** Names this database: kept in it (a backup restores it too) and written into the published site. */
export const DATABASE_ID = 'database_id'
/** When a restore was last detected (outbox behind what was published); see decision 005. */
export const RESTORED_AT = 'restored_at'

/**
 * Written with the identity and removed once the first start has carried out its demo decision
 * (api/seed/demo.ts), in the same transaction as the demo: a first start that fails in between
 * is still a first start when it is retried.
 */
export const FIRST_START_PENDING = 'first_start_pending'

/**
 * The database's identity, created on its first start. `created` says whether this is its first
 * start: the identity is created now, or a first start that failed has not finished.
 */
export async function ensureDatabaseId(
  db: Db,
  newId: string,
): Promise<{ id: string; created: boolean }> {
  await db.batch(
    [
      {
        sql: 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)',
        args: [DATABASE_ID, newId],
      },
      {
        sql: "INSERT OR IGNORE INTO settings (key, value) SELECT ?, '1' WHERE changes() = 1",
        args: [FIRST_START_PENDING],
      },
    ],
    'write',
  )
  return {
    id: (await getSetting(db, DATABASE_ID))!,
    created: (await getSetting(db, FIRST_START_PENDING)) !== null,
  }
}

/** The first start is over (its demo seeded, or decided against). */
export function finishFirstStart(): Statement {
  return { sql: 'DELETE FROM settings WHERE key = ?', args: [FIRST_START_PENDING] }
}
