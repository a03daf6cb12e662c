import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMigrations, migrate } from '../../db/migrate.node.ts'
import { openDatabase } from '../../db/open.node.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

async function emptyDb() {
  const dir = tempDir('migrate')
  return openDatabase(`file:${join(dir, 'db.sqlite')}`)
}

describe('migrations', () => {
  it('apply from empty, in order, once; re-running is a no-op', async () => {
    const db = await emptyDb()
    const names = loadMigrations().map((m) => m.name)
    expect(names[0]).toBe('0001_create_core_tables.sql')
    expect(await migrate(db)).toEqual(names)
    expect(await migrate(db)).toEqual([])
    const tables = (
      await db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ).rows.map((r) => r.name)
    expect(tables).toEqual(
      expect.arrayContaining([
        'components',
        'incidents',
        'incident_updates',
        'api_tokens',
        'outbox',
        'audit_log',
        'schema_migrations',
      ]),
    )
    const mode = await db.execute('PRAGMA journal_mode')
    expect(mode.rows[0]![0]).toBe('wal')
    db.close()
  })

  it('a failing migration leaves no trace and names itself', async () => {
    const db = await emptyDb()
    const dir = tempDir('migrations')
    writeFileSync(join(dir, '0001_create_things.sql'), 'CREATE TABLE things (id INTEGER);')
    writeFileSync(
      join(dir, '0002_break_things.sql'),
      'CREATE TABLE half (id INTEGER);\nINSERT INTO nowhere VALUES (1);',
    )
    await expect(migrate(db, loadMigrations(dir))).rejects.toThrow(/0002_break_things\.sql/)
    const tables = (
      await db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ).rows.map((r) => r.name)
    expect(tables).toContain('things')
    expect(tables).not.toContain('half')
    expect(
      (await db.execute('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    ).toEqual(['0001'])
    db.close()
  })

  it('refuses a migration file without a number and verb_noun name', () => {
    const dir = tempDir('migrations')
    writeFileSync(join(dir, 'add stuff.sql'), 'SELECT 1;')
    expect(() => loadMigrations(dir)).toThrow(/NNNN_verb_noun/)
  })
})
