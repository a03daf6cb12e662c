import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  incidentBody,
  startServer,
  stopServersAfterEach,
  waitFor,
  waitHealthy,
} from '../fixtures/server-process.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const running = stopServersAfterEach()
const sockets: Socket[] = []
// Registered last, so it runs first: the flood's sockets go before the servers stop.
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy()
})

/** Opens `n` idle sockets and waits until each is connected or was closed by the server. */
async function flood(base: string, n: number): Promise<{ open: () => number }> {
  const { port } = new URL(base)
  let settled = 0
  let closed = 0
  for (let i = 0; i < n; i++) {
    const s = connect(Number(port), '127.0.0.1')
    s.on('error', () => {})
    let done = false
    const settle = () => {
      if (!done) settled++
      done = true
    }
    s.once('connect', settle)
    s.once('close', () => {
      closed++
      settle()
    })
    sockets.push(s)
  }
  await waitFor(`${n} sockets to connect or close`, () => settled === n)
  return { open: () => n - closed }
}

describe('resource exhaustion', () => {
  it('survives more sockets than it has file handles, and keeps serving during and after', async () => {
    const dir = tempDir('fd-limit')
    const s = await startServer(
      { DATABASE_URL: `file:${join(dir, 'amends.db')}`, PUBLIC_DIR: join(dir, 'public') },
      { shellPrefix: 'ulimit -n 256' },
    )
    running.push(s)
    await waitHealthy(s)

    const idle = await flood(s.base, 1000) // four times the process's file handles
    // During the flood: the health check, the page and a write (with its publish) all work.
    expect((await s.request('GET', '/healthz')).status).toBe(200)
    expect((await s.request('GET', '/')).status).toBe(200)
    expect(
      (await s.request('POST', '/api/v1/incidents', incidentBody('During the flood'))).status,
    ).toBe(201)
    await waitFor(
      'the incident on the page during the flood',
      async () => (await s.request('GET', '/')).text.includes('During the flood'),
      s.output,
    )
    expect(s.child.exitCode).toBeNull()
    // The server held only what its budget allows; the rest were closed.
    expect(idle.open()).toBeLessThan(256)

    for (const sock of sockets.splice(0)) sock.destroy()
    await waitHealthy(s)
    expect((await s.request('GET', '/')).status).toBe(200)
    expect(s.output()).not.toMatch(/EMFILE|uncaught/)
  })

  it('a publish that fails on the file system is retried, reported on /healthz, and never fatal', async () => {
    const dir = tempDir('publish-io')
    const publicDir = join(dir, 'public')
    const s = await startServer({
      DATABASE_URL: `file:${join(dir, 'amends.db')}`,
      PUBLIC_DIR: publicDir,
    })
    running.push(s)
    await waitHealthy(s)
    // The incidents page folder becomes a file: every publish of an incident now fails (ENOTDIR).
    rmSync(join(publicDir, 'incidents'), { recursive: true, force: true })
    writeFileSync(join(publicDir, 'incidents'), 'in the way')
    expect(
      (await s.request('POST', '/api/v1/incidents', incidentBody('Written while failing'))).status,
    ).toBe(201)
    const degraded = await waitFor(
      '/healthz to report the publisher failing',
      async () => {
        const h = await s.request('GET', '/healthz')
        return h.status === 503 ? h.body : null
      },
      s.output,
    )
    expect(degraded).toMatchObject({
      status: 'degraded',
      parts: { database: 'ok', publisher: expect.stringMatching(/^failing: .*(ENOTDIR|EEXIST)/) },
    })
    // The last published site and the API keep working meanwhile.
    expect((await s.request('GET', '/')).status).toBe(200)
    expect((await s.request('GET', '/api/v1/incidents')).status).toBe(200)

    rmSync(join(publicDir, 'incidents'))
    mkdirSync(join(publicDir, 'incidents'))
    await waitHealthy(s)
    await waitFor(
      'the incident on the page once publishing works again',
      async () => (await s.request('GET', '/')).text.includes('Written while failing'),
      s.output,
    )
    expect(s.child.exitCode).toBeNull()
  })
})
