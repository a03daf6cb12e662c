import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from './client.ts'

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations')
const NAME = /^(\d{4})_[a-z0-9_]+\.sql$/

export interface Migration {
  version: string
  name: string
  sql: string
}

/** The migrations shipped with this build, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const m = NAME.exec(name)
      if (!m?.[1]) throw new Error(`Migration ${name} must be named NNNN_verb_noun.sql`)
      return { version: m[1], name, sql: readFileSync(join(dir, name), 'utf8') }
    })
}

/**
 * Applies every migration not yet recorded, each in its own transaction with its record, so a
 * crash leaves the database at a clean version. Returns the names applied.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  await db.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  )
  const done = new Set(
    (await db.execute('SELECT version FROM schema_migrations')).rows.map(
      (r) => r.version as string,
    ),
  )
  const applied: string[] = []
  for (const m of migrations) {
    if (done.has(m.version)) continue
    const tx = await db.transaction('write')
    try {
      await tx.executeMultiple(m.sql)
      await tx.execute({
        sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        args: [m.version, m.name, new Date().toISOString()],
      })
      await tx.commit()
    } catch (err) {
      await tx.rollback().catch(() => {})
      throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`, { cause: err })
    } finally {
      tx.close()
    }
    applied.push(m.name)
  }
  return applied
}
