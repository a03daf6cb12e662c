import { describe, expect, it } from 'vitest'
import { createTestApp } from '../fixtures/test-app.ts'
import { createPerson, formBody, ORIGIN, PASSWORD, signIn } from '../fixtures/console.ts'
import { SIGN_IN_FAILED, SIGN_IN_LIMITS } from '../../api/services/sign-in.ts'
import { SESSION_IDLE_MS } from '../../api/http/session.ts'

const post = (
  t: Awaited<ReturnType<typeof createTestApp>>,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  t.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    body: formBody(fields),
  })

describe('console sign-in', () => {
  it('signs in with a password, shows the console, and signs out for good', async () => {
    const t = await createTestApp()
    const p = await createPerson(t, { email: 'Ann@Example.com', name: 'Ann Lee' })
    const s = await signIn(t, 'ann@example.COM')
    const home = await s.get('/admin/')
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Ann Lee')
    expect(home.headers.get('cache-control')).toBe('no-store')
    expect(home.headers.get('referrer-policy')).toBe('same-origin')
    expect(home.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(home.headers.get('content-security-policy')).not.toContain('unsafe-inline')
    expect(p.email).toBe('ann@example.com')
    const out = await s.post('/admin/sign-out', {})
    expect(out.status).toBe(303)
    const after = await s.get('/admin/')
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2F')
  })

  it('sets an HttpOnly, SameSite=Lax, __Host- cookie on https', async () => {
    const t = await createTestApp()
    const p = await createPerson(t)
    const res = await post(t, '/admin/sign-in', { email: p.email, password: PASSWORD })
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^__Host-amends_session=[0-9A-Za-z]{43};/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/Secure/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(cookie).toMatch(/Path=\//)
    expect(cookie).not.toMatch(/Domain/i)
  })

  it('gives one answer to every failure: unknown address, wrong password, disabled, invited', async () => {
    const t = await createTestApp()
    const active = await createPerson(t)
    const disabled = await createPerson(t, { status: 'disabled' })
    const invited = await createPerson(t, { status: 'invited' })
    const tries = [
      { email: 'nobody@example.com', password: PASSWORD },
      { email: active.email, password: 'wrong password here' },
      { email: disabled.email, password: PASSWORD },
      { email: invited.email, password: PASSWORD },
    ]
    for (const body of tries) {
      const res = await post(t, '/admin/sign-in', body)
      expect(res.status).toBe(401)
      expect(res.headers.get('set-cookie')).toBeNull()
      const page = await res.text()
      expect(page).toContain(SIGN_IN_FAILED)
    }
  })

  it(
    'limits failed sign-ins per account, counted in the database',
    { timeout: 90_000 },
    async () => {
      const t = await createTestApp()
      const p = await createPerson(t)
      for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
        expect(
          (await post(t, '/admin/sign-in', { email: p.email, password: `wrong-${i}-xxxxxxxx` }))
            .status,
        ).toBe(401)
      }
      const locked = await post(t, '/admin/sign-in', { email: p.email, password: PASSWORD })
      expect(locked.status).toBe(429)
      expect(await locked.text()).toContain('Too many failed sign-ins')
      // An unknown address is limited the same way: the limit tells nothing about existence.
      for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
        await post(t, '/admin/sign-in', { email: 'ghost@example.com', password: 'nope nope nope' })
      }
      expect(
        (await post(t, '/admin/sign-in', { email: 'ghost@example.com', password: 'x' })).status,
      ).toBe(429)
      t.clock.advance(SIGN_IN_LIMITS.windowMs + 1000)
      expect((await post(t, '/admin/sign-in', { email: p.email, password: PASSWORD })).status).toBe(
        303,
      )
    },
  )

  it('refuses a form without our Origin, and a signed-in form without the session token', async () => {
    const t = await createTestApp()
    const p = await createPerson(t)
    for (const origin of ['https://evil.example', 'null', '']) {
      const res = await t.app.request('/admin/sign-in', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(origin ? { origin } : {}),
        },
        body: formBody({ email: p.email, password: PASSWORD }),
      })
      expect(res.status).toBe(403)
      expect(res.headers.get('set-cookie')).toBeNull()
    }
    const s = await signIn(t, p.email)
    for (const csrf of ['', 'x'.repeat(32), s.csrf.slice(1)]) {
      const res = await s.post('/admin/sign-out', { _csrf: csrf })
      expect(res.status).toBe(403)
    }
    expect((await s.get('/admin/')).status).toBe(200)
  })

  it('ends a session after 12 idle hours', async () => {
    const t = await createTestApp()
    const p = await createPerson(t)
    const s = await signIn(t, p.email)
    t.clock.advance(SESSION_IDLE_MS - 60_000)
    expect((await s.get('/admin/')).status).toBe(200)
    t.clock.advance(SESSION_IDLE_MS - 60_000)
    expect((await s.get('/admin/')).status).toBe(200)
    t.clock.advance(SESSION_IDLE_MS + 1)
    expect((await s.get('/admin/')).status).toBe(303)
  })

  it('sends nobody away after sign-in: next must be a console path', async () => {
    const t = await createTestApp()
    const p = await createPerson(t)
    for (const [next, expected] of [
      ['/admin/incidents', '/admin/incidents'],
      ['https://evil.example/', '/admin/'],
      ['//evil.example/admin', '/admin/'],
      ['/admin//evil.example', '/admin/'],
      ['/admin\\@evil', '/admin/'],
      ['/adminx', '/admin/'],
    ]) {
      const res = await post(t, '/admin/sign-in', {
        email: p.email,
        password: PASSWORD,
        next: next!,
      })
      expect(res.headers.get('location'), next).toBe(expected)
    }
  })
})
