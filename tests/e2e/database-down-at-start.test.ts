import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startLibsqlHttpServer } from '../fixtures/libsql-http-server.ts'
import {
  freePort,
  startServer,
  waitFor,
  waitHealthy,
  stopServersAfterEach,
  incidentBody,
} from '../fixtures/server-process.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const running = stopServersAfterEach()

describe('the database is unreachable when the server starts', () => {
  it('serves the published site, answers 503, reports it, and carries on once the database is back', async () => {
    const dir = tempDir('db-down')
    const publicDir = join(dir, 'public')
    // A site published from a working database first.
    const good = join(dir, 'good', 'amends.db')
    const first = await startServer({ DATABASE_URL: `file:${good}`, PUBLIC_DIR: publicDir })
    running.push(first)
    await waitHealthy(first)
    expect(
      (await first.request('POST', '/api/v1/incidents', incidentBody('Before the outage'))).status,
    ).toBe(201)
    await waitFor('the incident on the page', async () =>
      (await first.request('GET', '/')).text.includes('Before the outage'),
    )
    expect(await first.stop()).toBe(0)
    running.pop()

    // Now the database's folder cannot be created: "blocked" is a file, not a directory.
    const blocked = join(dir, 'blocked')
    writeFileSync(blocked, 'not a directory')
    const s = await startServer({
      DATABASE_URL: `file:${join(blocked, 'amends.db')}`,
      PUBLIC_DIR: publicDir,
    })
    running.push(s)

    const page = await s.request('GET', '/')
    expect(page.status).toBe(200)
    expect(page.text).toContain('Before the outage')
    const summary = await s.request('GET', '/api/v2/summary.json')
    expect(summary.status).toBe(200)
    const health = await s.request('GET', '/healthz')
    expect(health.status).toBe(503)
    expect(health.body).toMatchObject({ status: 'degraded', parts: { database: 'unavailable' } })
    const unavailable = {
      error: { code: 'unavailable', message: 'The database is unavailable; try again shortly' },
    }
    // Every kind of call that needs the database: the same 503, nothing half done.
    for (const [method, path, body] of [
      ['POST', '/api/v1/incidents', incidentBody('During the outage')],
      ['GET', '/api/v1/incidents', undefined],
      ['GET', '/api/v1/components', undefined],
      ['POST', '/api/v1/components', { name: 'x' }],
    ] as const) {
      const res = await s.request(method, path, body)
      expect(res.status, `${method} ${path}`).toBe(503)
      expect(res.body, `${method} ${path}`).toEqual(unavailable)
    }
    expect(s.child.exitCode).toBeNull()

    // The volume "comes back": the database is where the server keeps looking for it.
    rmSync(blocked)
    mkdirSync(blocked)
    copyFileSync(good, join(blocked, 'amends.db'))
    await waitHealthy(s)
    expect(
      (await s.request('POST', '/api/v1/incidents', incidentBody('After the outage'))).status,
    ).toBe(201)
    await waitFor(
      'the new incident on the page',
      async () => (await s.request('GET', '/')).text.includes('After the outage'),
      s.output,
    )
    expect(s.output()).toContain('database is unavailable')
  })

  it('a remote database that is down at start is retried until its server comes up', async () => {
    const dir = tempDir('remote-down')
    const file = join(dir, 'remote.db')
    const port = await freePort()
    const s = await startServer({
      DATABASE_URL: `http://127.0.0.1:${port}`,
      PUBLIC_DIR: join(dir, 'public'),
    })
    running.push(s)
    const health = await s.request('GET', '/healthz')
    expect(health.status).toBe(503)
    expect(health.body).toMatchObject({ status: 'degraded', parts: { database: 'unavailable' } })
    expect((await s.request('POST', '/api/v1/incidents', incidentBody('Too early'))).status).toBe(
      503,
    )

    const remote = await startLibsqlHttpServer({ file, port })
    try {
      await waitHealthy(s)
      expect(
        (await s.request('POST', '/api/v1/incidents', incidentBody('Once it is up'))).status,
      ).toBe(201)
      await waitFor(
        'the incident on the published page',
        async () => (await s.request('GET', '/')).text.includes('Once it is up'),
        s.output,
      )
    } finally {
      await s.stop()
      running.pop()
      await remote.close()
    }
  })
})
