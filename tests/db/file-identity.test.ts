import { copyFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Db } from '../../db/client.ts'
import { openDatabase } from '../../db/open.node.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

/** Ways the file under a running server stops being the one it opened. */
const CHANGES: Record<string, (file: string, dir: string) => void> = {
  deleted: (file) => {
    rmSync(file)
    rmSync(`${file}-wal`, { force: true })
    rmSync(`${file}-shm`, { force: true })
  },
  'moved away': (file, dir) => renameSync(file, join(dir, 'moved.db')),
  'replaced by rename (a restore)': (file, dir) => {
    copyFileSync(file, join(dir, 'backup.db'))
    renameSync(join(dir, 'backup.db'), file)
  },
  'deleted and created again': (file) => {
    rmSync(file)
    writeFileSync(file, '')
  },
}

/** Every way a write reaches the database. */
const WRITES: Record<string, (db: Db) => Promise<unknown>> = {
  execute: (db) => db.execute({ sql: 'INSERT INTO t (v) VALUES (?)', args: ['x'] }),
  'execute (string)': (db) => db.execute("INSERT INTO t (v) VALUES ('x')"),
  batch: (db) => db.batch([{ sql: 'INSERT INTO t (v) VALUES (?)', args: ['x'] }], 'write'),
  transaction: async (db) => {
    const tx = await db.transaction('write')
    await tx.execute("INSERT INTO t (v) VALUES ('x')")
    await tx.commit()
  },
  executeMultiple: (db) => db.executeMultiple("INSERT INTO t (v) VALUES ('x');"),
}

async function open() {
  const dir = tempDir('identity')
  const file = join(dir, 'amends.db')
  const db = await openDatabase(`file:${file}`)
  await db.execute('CREATE TABLE t (v TEXT)')
  return { db, file, dir }
}

describe('a database file deleted or replaced under a running server', () => {
  it('refuses every write (an error 503 maps to), never acknowledges one', async () => {
    let through = 0
    let tried = 0
    for (const [change, apply] of Object.entries(CHANGES)) {
      for (const [how, write] of Object.entries(WRITES)) {
        const { db, file, dir } = await open()
        await write(db) // the file is intact: the write goes through
        apply(file, dir)
        tried++
        const err = await write(db).then(
          () => null,
          (e: unknown) => e as { code?: string },
        )
        if (err?.code !== 'SQLITE_CANTOPEN_FILE_CHANGED') through++
        // Reads refuse too (within the 250 ms they trust the last check) and it stays refused.
        await new Promise((r) => setTimeout(r, 260))
        await expect(db.execute('SELECT * FROM t'), `${change}, ${how}`).rejects.toMatchObject({
          code: 'SQLITE_CANTOPEN_FILE_CHANGED',
        })
        db.close()
      }
    }
    expect({ tried, through }).toEqual({ tried: 20, through: 0 })
  })

  it('refuses the commit of a transaction during which the file went away', async () => {
    for (const [change, apply] of Object.entries(CHANGES)) {
      const { db, file, dir } = await open()
      const tx = await db.transaction('write')
      await tx.execute("INSERT INTO t (v) VALUES ('x')")
      apply(file, dir)
      await expect(tx.commit(), change).rejects.toMatchObject({
        code: 'SQLITE_CANTOPEN_FILE_CHANGED',
      })
      tx.close()
      db.close()
    }
  })

  it('leaves a file that stays in place alone', async () => {
    const { db } = await open()
    for (let i = 0; i < 50; i++) await db.execute("INSERT INTO t (v) VALUES ('x')")
    const rs = await db.execute('SELECT COUNT(*) AS n FROM t')
    expect(Number(rs.rows[0]!.n)).toBe(50)
    db.close()
  })
})
