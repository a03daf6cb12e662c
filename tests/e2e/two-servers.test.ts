import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/open.node.ts'
import { runTrial, type Call } from '../fixtures/concurrent-writes.ts'
import {
  startServer,
  stopServersAfterEach,
  waitHealthy,
  type ServerProcess,
} from '../fixtures/server-process.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const running = stopServersAfterEach()

/** `node api/node.ts` on the given database, without the notifier; returns once it is healthy. */
async function start(databaseUrl: string, publicDir: string): Promise<ServerProcess> {
  const s = await startServer({ DATABASE_URL: databaseUrl, PUBLIC_DIR: publicDir, NOTIFIER: 'off' })
  running.push(s)
  await waitHealthy(s)
  return s
}

const call =
  (s: ServerProcess): Call =>
  async (method, path, body) => {
    const { status, body: json } = await s.request(method, path, body ?? {})
    return { status, body: json }
  }

describe('two Node servers on one database file', () => {
  it('lose no acknowledged change when they update one incident at once', async () => {
    const dir = tempDir('two-servers')
    const url = `file:${join(dir, 'amends.db')}`
    // One after the other: the first migrates, the second finds the schema current.
    const a = await start(url, join(dir, 'public-a'))
    const b = await start(url, join(dir, 'public-b'))
    const db = await openDatabase(url)
    try {
      const trials = 5
      const total = { acknowledged: 0, found: 0, conflicts: 0 }
      for (let i = 0; i < trials; i++) {
        const r = await runTrial([call(a), call(b)], db, 16)
        expect(r.unexpected).toEqual([])
        expect(r.found).toBe(r.acknowledged)
        total.acknowledged += r.acknowledged
        total.found += r.found
        total.conflicts += r.conflicts
      }
      const retries = [a, b].reduce(
        (n, s) => n + (s.output().match(/"msg":"write conflict"/g)?.length ?? 0),
        0,
      )
      console.log(
        `concurrency (2 node processes, one file): ${trials} trials, ${total.acknowledged} acknowledged, ${total.found} found, ${total.conflicts} answered 409 write_conflict, ${retries} retries`,
      )
      expect(total.found).toBe(total.acknowledged)
      expect(total.acknowledged).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })
})
