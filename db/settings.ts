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

/** The database's identity, created on its first start; `created` says whether that is now. */
export async function ensureDatabaseId(
  db: Db,
  newId: string,
): Promise<{ id: string; created: boolean }> {
  const rs = await db.execute({
    sql: 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)',
    args: [DATABASE_ID, newId],
  })
  return { id: (await getSetting(db, DATABASE_ID))!, created: rs.rowsAffected === 1 }
}

export function putSetting(key: string, value: string): Statement {
  return {
    sql: 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    args: [key, value],
  }
}
