import { copyFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  startServer,
  waitFor,
  waitHealthy,
  stopServersAfterEach,
} from '../fixtures/server-process.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const running = stopServersAfterEach()

const unavailable = {
  error: { code: 'unavailable', message: 'The database is unavailable; try again shortly' },
}

async function startWith(dir: string) {
  const s = await startServer({
    DATABASE_URL: `file:${join(dir, 'amends.db')}`,
    PUBLIC_DIR: join(dir, 'public'),
    AMENDS_DEMO: 'true',
  })
  running.push(s)
  await waitHealthy(s)
  return s
}

describe('the database file goes away under a running server', () => {
  it('answers writes 503, never 201; a restart does not seed the demo over the real site', async () => {
    const dir = tempDir('db-gone')
    const first = await startWith(dir)
    expect(first.output()).toContain('demo data       7 components')
    expect((await first.request('POST', '/api/v1/components', { name: 'Real' })).status).toBe(201)

    rmSync(join(dir, 'amends.db'))
    for (let i = 0; i < 5; i++) {
      const res = await first.request('POST', '/api/v1/components', { name: `Lost ${i}` })
      expect(res.status).toBe(503)
      expect(res.body).toEqual(unavailable)
    }
    const health = await first.request('GET', '/healthz')
    expect(health.status).toBe(503)
    expect(health.body).toMatchObject({ status: 'degraded', parts: { database: 'unavailable' } })
    // The site published before stays up.
    expect((await first.request('GET', '/')).status).toBe(200)
    await first.stop()

    const second = await startWith(dir)
    expect(second.output()).toMatch(
      /demo data\s+not seeded: the publish folder holds the site of another database/,
    )
    const components = await second.request('GET', '/api/v1/components')
    expect(components.body).toEqual([])
  })

  it('answers writes 503 when the file is replaced by a restored copy', async () => {
    const dir = tempDir('db-replaced')
    const s = await startWith(dir)
    copyFileSync(join(dir, 'amends.db'), join(dir, 'restored.db'))
    renameSync(join(dir, 'restored.db'), join(dir, 'amends.db'))
    const res = await s.request('POST', '/api/v1/components', { name: 'Into the old file' })
    expect(res.status).toBe(503)
    expect(res.body).toEqual(unavailable)
    await waitFor(
      'the log to say why',
      () => s.output().includes('was replaced under the server'),
      s.output,
    )
  })
})
