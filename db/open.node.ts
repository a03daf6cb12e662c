import { mkdirSync, statSync, type Stats } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient, type InStatement, type TransactionMode } from '@libsql/client'
import type { Db } from './client.ts'

/**
 * Opens a database by URL: `file:` (embedded, WAL on), or a remote libSQL server
 * (`libsql:`, `http(s):`, `ws(s):`) with an optional auth token. A file database is guarded
 * against being deleted or replaced under the running process (see guardFile).
 */
export async function openDatabase(
  url: string,
  authToken?: string,
  options: { walAutocheckpoint?: number } = {},
): Promise<Db> {
  const path = url.startsWith('file:') ? filePath(url) : null
  if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const local = url.startsWith('file:')
  // One connection for a local file: statements run synchronously on this thread anyway, and the
  // per-connection PRAGMAs below then hold for every statement.
  const db = createClient(local ? { url, concurrency: 1 } : { url, authToken })
  if (local) {
    // WAL lets readers (the public API, the publisher) proceed while one writer commits.
    await db.execute('PRAGMA journal_mode = WAL')
    await db.execute('PRAGMA synchronous = NORMAL')
    await db.execute('PRAGMA busy_timeout = 5000')
    await db.execute('PRAGMA foreign_keys = ON')
    if (options.walAutocheckpoint !== undefined) {
      await db.execute(
        `PRAGMA wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutocheckpoint))}`,
      )
    }
  }
  return path && path !== ':memory:' ? guardFile(db, path) : db
}

function filePath(url: string): string {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length)
  const q = path.indexOf('?')
  return q === -1 ? path : path.slice(0, q)
}

/** The database file is not the one this process opened (deleted, or replaced by another). */
export class DatabaseFileChanged extends Error {
  // Starts like libSQL's "cannot open" code, so api/errors.ts answers 503 in the one error shape.
  readonly code = 'SQLITE_CANTOPEN_FILE_CHANGED'
}

const READ = /^\s*(SELECT|EXPLAIN)\b/i
/** How long reads trust the file's identity between two checks; writes always check. */
const READ_RECHECK_MS = 250

/**
 * An open SQLite connection keeps writing into its file even after that file was deleted or
 * replaced (a restore copied over it by rename, a cleanup script): every write would be
 * acknowledged and then lost. So the file's identity (device and inode) is compared with the one
 * opened before and after every write, and at most every 250 ms for reads; once it differs the
 * connection refuses all work (a restart opens the file that is there now). A stat costs
 * microseconds; a statement costs more.
 */
export function guardFile(db: Db, path: string): Db {
  const opened = statSync(path)
  let broken: DatabaseFileChanged | null = null
  let checkedAt = performance.now()

  function check(always: boolean) {
    if (broken) throw broken
    const now = performance.now()
    if (!always && now - checkedAt < READ_RECHECK_MS) return
    checkedAt = now
    let st: Stats
    try {
      st = statSync(path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // Only "not there" is an answer; any other failure (EMFILE, EACCES) says nothing of identity.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return
      broken = new DatabaseFileChanged(`The database file ${path} was deleted under the server`)
      throw broken
    }
    if (st.dev !== opened.dev || st.ino !== opened.ino) {
      broken = new DatabaseFileChanged(`The database file ${path} was replaced under the server`)
      throw broken
    }
  }

  const sqlOf = (s: InStatement) => (typeof s === 'string' ? s : s.sql)
  const guarded: Partial<Db> = {
    async execute(stmt: InStatement | string, args?: unknown) {
      const write = !READ.test(sqlOf(stmt))
      check(write)
      const rs = await (args === undefined
        ? db.execute(stmt)
        : db.execute(stmt as string, args as never))
      if (write) check(true)
      return rs
    },
    async batch(stmts, mode) {
      check(true)
      const rs = await db.batch(stmts, mode)
      check(true)
      return rs
    },
    async transaction(mode?: TransactionMode) {
      check(true)
      const tx = await db.transaction(mode)
      const commit = tx.commit.bind(tx)
      tx.commit = async () => {
        check(true)
        await commit()
        check(true)
      }
      return tx
    },
    async executeMultiple(sql) {
      check(true)
      return db.executeMultiple(sql)
    },
    async migrate(stmts) {
      check(true)
      return db.migrate(stmts)
    },
  }
  return new Proxy(db, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in guarded) return guarded[prop as keyof Db]
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value
    },
    // Replacing a guarded method (a test wrapping execute, say) replaces the guarded one: set on
    // the client underneath, it would be called by the guard itself, over and over.
    set(target, prop, value) {
      if (typeof prop === 'string' && prop in guarded) {
        ;(guarded as Record<string, unknown>)[prop] = value
        return true
      }
      return Reflect.set(target, prop, value, target)
    },
  })
}
