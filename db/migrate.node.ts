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
 *
 * Foreign keys are off while a migration runs (SQLite's own procedure for rebuilding a table:
 * dropping a parent would otherwise fail or cascade) and checked before it commits, so a
 * migration that leaves a dangling reference is rolled back like any other failure.
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
  const pending = migrations.filter((m) => !done.has(m.version))
  if (pending.length === 0) return applied
  const fkRow = (await db.execute('PRAGMA foreign_keys')).rows[0]
  const foreignKeys = fkRow ? Number(Object.values(fkRow)[0]) === 1 : false
  if (foreignKeys) await db.execute('PRAGMA foreign_keys = OFF')
  try {
    for (const m of pending) {
      await applyOne(db, m)
      applied.push(m.name)
    }
  } finally {
    if (foreignKeys) await db.execute('PRAGMA foreign_keys = ON')
  }
  return applied
}

async function applyOne(db: Db, m: Migration): Promise<void> {
  const tx = await db.transaction('write')
  try {
    await tx.executeMultiple(m.sql)
    const dangling = await tx.execute('PRAGMA foreign_key_check')
    if (dangling.rows.length > 0) {
      const tables = [...new Set(dangling.rows.map((r) => r.table as string))].join(', ')
      throw new Error(`it leaves rows that reference nothing in ${tables}`)
    }
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
}
