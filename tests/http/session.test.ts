import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import {
  checkCsrf,
  loadSession,
  requirePerson,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  startSession,
} from '../../api/http/session.ts'
import type { AppEnv } from '../../api/env.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { createPerson } from '../fixtures/console.ts'
import type { User } from '../../core/schemas/user.ts'
import { str } from '../../db/rows.ts'

// Only the session middleware, on a bare Hono app: what it lets through and what it refuses.
function bareApp(t: TestApp, user: User) {
  const app = new Hono<AppEnv>()
  app.post('/start', async (c) => {
    await startSession(t.deps, c, user)
    return c.text('started')
  })
  app.use('/p/*', loadSession(t.deps))
  app.get('/p/viewer', requirePerson('viewer'), (c) => c.text(`hello ${c.get('actor').name}`))
  app.post('/p/admin', requirePerson('admin'), (c) => c.text('admin ok'))
  app.post('/p/form', requirePerson('viewer'), async (c) => {
    checkCsrf(t.deps, c, await c.req.parseBody())
    return c.text('form ok')
  })
  app.onError((err, c) => c.text(`${err.name}: ${err.message}`, 418))
  return app
}

async function started(t: TestApp, user: User) {
  const app = bareApp(t, user)
  const res = await app.request('/start', { method: 'POST' })
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!
  const rs = await t.deps.db.execute(
    'SELECT csrf_token FROM sessions ORDER BY created_at DESC LIMIT 1',
  )
  const csrf = str(rs.rows[0]!, 'csrf_token')
  return { app, cookie, csrf }
}

describe('session middleware', () => {
  it('lets the session through until 30 days after sign-in, however active', async () => {
    const t = await createTestApp()
    const { app, cookie } = await started(t, await createPerson(t, { name: 'Lee Park' }))
    for (let day = 0; day < 30; day++) {
      const res = await app.request('/p/viewer', { headers: { cookie } })
      expect(res.status, `day ${day}`).toBe(200)
      expect(await res.text()).toBe('hello Lee Park')
      t.clock.advance(SESSION_IDLE_MS / 2)
      await app.request('/p/viewer', { headers: { cookie } })
      t.clock.advance(SESSION_IDLE_MS / 2)
    }
    t.clock.advance(SESSION_ABSOLUTE_MS - 30 * 2 * (SESSION_IDLE_MS / 2) + 1)
    const res = await app.request('/p/viewer', { headers: { cookie } })
    expect(res.status).toBe(303)
    const ended = await t.deps.db.execute(
      'SELECT count(*) AS n FROM sessions WHERE ended_at IS NOT NULL',
    )
    expect(Number(ended.rows[0]!.n)).toBe(1)
  })

  it('refuses a disabled person at once, a forged or malformed cookie, and a lower role', async () => {
    const t = await createTestApp()
    const person = await createPerson(t, { role: 'editor' })
    const { app, cookie } = await started(t, person)
    expect((await app.request('/p/viewer', { headers: { cookie } })).status).toBe(200)
    const admin = await app.request('/p/admin', { method: 'POST', headers: { cookie } })
    expect(admin.status).toBe(418)
    expect(await admin.text()).toMatch(/admin role/)
    for (const bad of [
      'amends_session=',
      'amends_session=x',
      `amends_session=${'A'.repeat(43)}`,
      `__Host-${cookie}`,
      cookie.toUpperCase(),
    ]) {
      expect((await app.request('/p/viewer', { headers: { cookie: bad } })).status, bad).toBe(303)
    }
    await t.deps.db.execute({
      sql: "UPDATE users SET status = 'disabled' WHERE id = ?",
      args: [person.id],
    })
    expect((await app.request('/p/viewer', { headers: { cookie } })).status).toBe(303)
    const post = await app.request('/p/form', { method: 'POST', headers: { cookie } })
    expect(post.status).toBe(418)
    expect(await post.text()).toMatch(/sign in again/)
  })

  it('checks the Origin and the session token on a form post', async () => {
    const t = await createTestApp()
    const { app, cookie, csrf } = await started(t, await createPerson(t))
    const post = (origin: string | null, token: string | null) =>
      app.request('/p/form', {
        method: 'POST',
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin ? { origin } : {}),
        },
        body: token === null ? '' : `_csrf=${token}`,
      })
    expect(await (await post('https://status.example.com', csrf)).text()).toBe('form ok')
    // The request's own origin is ours too (the console opened on its internal address).
    expect(await (await post('http://localhost', csrf)).text()).toBe('form ok')
    for (const [origin, token] of [
      [null, csrf],
      ['https://evil.example', csrf],
      ['https://status.example.com.evil.example', csrf],
      ['null', csrf],
      ['https://status.example.com', null],
      ['https://status.example.com', ''],
      ['https://status.example.com', csrf.slice(0, -1)],
      ['https://status.example.com', `${csrf}x`],
    ] as const) {
      const res = await post(origin, token)
      expect(res.status, `${origin} ${token}`).toBe(418)
    }
  })
})
