import type { Db } from './client.ts'

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
