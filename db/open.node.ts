import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import type { Db } from './client.ts'

/**
 * Opens a database by URL: `file:` (embedded, WAL on), or a remote libSQL server
 * (`libsql:`, `http(s):`, `ws(s):`) with an optional auth token.
 */
export async function openDatabase(
  url: string,
  authToken?: string,
  options: { walAutocheckpoint?: number } = {},
): Promise<Db> {
  if (url.startsWith('file:')) {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length)
    if (path && path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  }
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
  return db
}
