import { copyFileSync, rmSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { describe, expect, it } from 'vitest'
import {
  startServer,
  waitFor,
  waitHealthy,
  type ServerProcess,
  stopServersAfterEach,
  incidentBody,
} from '../fixtures/server-process.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { SITE_DIST } from '../../api/jobs/site-renderer.node.ts'

const running = stopServersAfterEach()

async function maxOutboxId(file: string): Promise<number> {
  const db = createClient({ url: `file:${file}` })
  try {
    const rs = await db.execute('SELECT COALESCE(MAX(id), 0) AS id FROM outbox')
    return Number(rs.rows[0]!.id)
  } finally {
    db.close()
  }
}

/** A backup is the file after a checkpoint (the WAL folded into it). */
async function checkpoint(file: string) {
  const db = createClient({ url: `file:${file}` })
  await db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
}

describe('restoring an older backup of the database', () => {
  it('republishes from it after a site rebuild, and new incidents show on the static page (none skipped)', async () => {
    const dir = tempDir('restore')
    const file = join(dir, 'amends.db')
    const env = { DATABASE_URL: `file:${file}`, PUBLIC_DIR: join(dir, 'public') }
    const start = async () => {
      const s = await startServer(env)
      running.push(s)
      await waitHealthy(s)
      return s
    }
    const shows = (s: ServerProcess, name: string) => async () =>
      (await s.request('GET', '/')).text.includes(name)

    const first = await start()
    expect(
      (await first.request('POST', '/api/v1/incidents', incidentBody('Kept in the backup'))).status,
    ).toBe(201)
    await waitFor(
      'the first incident on the page',
      shows(first, 'Kept in the backup'),
      first.output,
    )
    await first.stop()
    await checkpoint(file)
    copyFileSync(file, join(dir, 'backup.db'))

    const second = await start()
    for (const name of ['Lost by the restore 1', 'Lost by the restore 2']) {
      expect((await second.request('POST', '/api/v1/incidents', incidentBody(name))).status).toBe(
        201,
      )
    }
    await waitFor(
      'the later incidents on the page',
      shows(second, 'Lost by the restore 2'),
      second.output,
    )
    await second.stop()
    const seenBeforeRestore = await maxOutboxId(file)

    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true })
    copyFileSync(join(dir, 'backup.db'), file)
    // `npm start` rebuilds the site first (prestart): the restart sees a new build as well.
    const entry = join(SITE_DIST, 'server/entry.mjs')
    const rebuilt = new Date(Math.max(Date.now(), statSync(entry).mtimeMs + 1000))
    utimesSync(entry, rebuilt, rebuilt)
    const third = await start()
    // The site was republished from the restored database at start.
    const home = (await third.request('GET', '/')).text
    expect(home).toContain('Kept in the backup')
    expect(home).not.toContain('Lost by the restore')

    const created = Date.now()
    expect(
      (await third.request('POST', '/api/v1/incidents', incidentBody('After the restore'))).status,
    ).toBe(201)
    await waitFor('the new incident on the page', shows(third, 'After the restore'), third.output)
    const tookMs = Date.now() - created
    // Event ids carry on above everything seen before the restore: none is used twice.
    const maxNow = await maxOutboxId(file)
    expect(maxNow).toBeGreaterThan(seenBeforeRestore)
    const inBackup = await maxOutboxId(join(dir, 'backup.db'))
    const db = createClient({ url: `file:${file}` })
    const rs = await db.execute({
      sql: 'SELECT MIN(id) AS id FROM outbox WHERE id > ?',
      args: [inBackup],
    })
    const restoredAt = await db.execute("SELECT value FROM settings WHERE key = 'restored_at'")
    db.close()
    expect(Number(rs.rows[0]!.id)).toBeGreaterThan(seenBeforeRestore)
    // Recorded, so the scheduler does not send again what the lost rows had recorded as sent.
    expect(restoredAt.rows).toHaveLength(1)
    expect(third.output()).toContain('database behind the published site')
    console.log(`restore: new incident on the static page ${tookMs} ms after its 201`)
  })
})
