import { describe, expect, it } from 'vitest'
import { RESET_ANSWER, RESET_LIMITS } from '../../api/services/people.ts'
import { linkUrl } from '../../api/services/person-links.ts'
import { str } from '../../db/rows.ts'
import {
  createPerson,
  inputValue,
  PASSWORD,
  signIn,
  type ConsoleSession,
} from '../fixtures/console.ts'
import {
  auditCount,
  cookieOf,
  invite,
  NEW_PASSWORD,
  pathOf,
  postForm,
  snapshot,
} from '../fixtures/people.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

/** A fresh idempotency key, as each rendered form carries. */
const idem = () => Math.random().toString(36).slice(2).padEnd(24, '0').slice(0, 24)

async function adminSession(t: TestApp, email = 'ann@example.com') {
  const admin = await createPerson(t, { role: 'admin', email, name: 'Ann Lee' })
  return { admin, s: await signIn(t, admin.email) }
}

async function auditActors(t: TestApp, action: string) {
  const rs = await t.deps.db.execute({
    sql: 'SELECT actor_name, actor_email FROM audit_log WHERE action = ? ORDER BY id',
    args: [action],
  })
  return rs.rows.map((r) => [r.actor_name, r.actor_email])
}

describe('/admin/people', () => {
  it('lists people with role, status, last sign-in and open sessions', async () => {
    const t = await createTestApp({ env: { TIME_ZONE: 'Europe/Berlin' } })
    const { s } = await adminSession(t)
    await createPerson(t, { email: 'dana@example.com', name: 'Dana Reyes', role: 'viewer' })
    await invite(t, 'sam@example.com', 'editor', 'Sam')
    const res = await s.get('/admin/people')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>People</h1>')
    expect(html).toContain('Dana Reyes')
    expect(html).toContain('sam@example.com')
    expect(html).toContain('<span class="pill s-invited">invited</span>')
    expect(html).toContain('10 Mar 2026, 13:00 CET')
    expect(html).toContain('1 session open')
    expect(html).toContain('Never')
    expect(html).toContain('data-confirm="Disable Dana Reyes?')
    expect(html).toMatch(/<td data-label="Role">/)
  })

  it('invites from the console: the link is shown once, emailed, and a double submit writes once', async () => {
    const t = await createTestApp()
    const { s } = await adminSession(t)
    const key = idem()
    const fields = { email: 'Sam@Example.com', name: 'Sam Okafor', role: 'editor', _idem: key }
    const res = await s.post('/admin/people/invite', fields)
    expect(res.status).toBe(200)
    const html = await res.text()
    const url = /https:\/\/status\.example\.com\/admin\/invite\/[A-Za-z0-9_-]{43}/.exec(html)?.[0]
    expect(url).toBeTruthy()
    expect(html).toContain('shown only now')
    expect(res.headers.get('location')).toBeNull()
    expect(await auditActors(t, 'user.invite')).toEqual([['Ann Lee', 'ann@example.com']])
    const events = await t.deps.db.execute(
      "SELECT count(*) AS n FROM outbox WHERE type = 'user.invited'",
    )
    expect(Number(events.rows[0]!.n)).toBe(1)

    const before = await snapshot(t)
    const again = await s.post('/admin/people/invite', fields)
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/admin/people?notice=invited')
    expect(await snapshot(t)).toEqual(before)
    const shown = await s.get('/admin/people?notice=invited')
    const page = await shown.text()
    expect(page).toContain('Invitation sent')
    expect(page).not.toContain(url!)
  })

  it('shows invalid input beside the fields with 400 and writes nothing', async () => {
    const t = await createTestApp()
    const { s } = await adminSession(t)
    const before = await snapshot(t)
    const cases: [Record<string, string>, string][] = [
      [{ email: 'not an address', role: 'editor' }, 'f-email-error'],
      [{ email: '', role: 'editor' }, 'f-email-error'],
      [{ email: 'a@example.com', role: 'owner' }, 'f-role-error'],
      [{ email: 'a@example.com', name: 'x'.repeat(201), role: 'editor' }, 'f-name-error'],
      [{ email: 'a@example.com', name: 'a\u0007b', role: 'editor' }, 'f-name-error'],
    ]
    for (const [fields, errorId] of cases) {
      const res = await s.post('/admin/people/invite', { ...fields, _idem: idem() })
      expect(res.status).toBe(400)
      const html = await res.text()
      expect(html).toContain(`id="${errorId}"`)
      expect(html).toContain('nothing was saved')
      // The typed values come back.
      if (fields.email) expect(inputValue(html, 'email')).toBe(fields.email)
    }
    const taken = await s.post('/admin/people/invite', {
      email: 'ann@example.com',
      role: 'viewer',
      _idem: idem(),
    })
    expect(taken.status).toBe(409)
    expect(await taken.text()).toContain('already has an account')
    expect(await snapshot(t)).toEqual(before)
  })

  it('changes a role, disables (their session ends at once), enables, ends sessions', async () => {
    const t = await createTestApp()
    const { s } = await adminSession(t)
    const dana = await createPerson(t, { email: 'dana@example.com', name: 'Dana Reyes' })
    const hers = await signIn(t, dana.email)

    const role = await s.post(`/admin/people/${dana.id}/role`, { role: 'viewer', _idem: idem() })
    expect(role.status).toBe(303)
    expect(role.headers.get('location')).toBe('/admin/people?notice=role')
    expect((await t.api('GET', `/api/v1/users/${dana.id}`)).body.role).toBe('viewer')

    const off = await s.post(`/admin/people/${dana.id}/status`, {
      status: 'disabled',
      _idem: idem(),
    })
    expect(off.headers.get('location')).toBe('/admin/people?notice=disabled')
    const next = await hers.get('/admin/')
    expect(next.status).toBe(303)
    expect(next.headers.get('location')).toMatch(/^\/admin\/sign-in/)
    expect(
      (await hers.post('/admin/account/name', { display_name: 'x', _idem: idem() })).status,
    ).toBe(401)

    const on = await s.post(`/admin/people/${dana.id}/status`, { status: 'active', _idem: idem() })
    expect(on.headers.get('location')).toBe('/admin/people?notice=enabled')
    const again = await signIn(t, dana.email)
    const end = await s.post(`/admin/people/${dana.id}/sessions/end`, { _idem: idem() })
    expect(end.headers.get('location')).toBe('/admin/people?notice=sessions')
    expect((await again.get('/admin/')).status).toBe(303)

    expect(await auditActors(t, 'user.disable')).toEqual([['Ann Lee', 'ann@example.com']])
    expect(await auditActors(t, 'user.end_sessions')).toEqual([['Ann Lee', 'ann@example.com']])
  })

  it('refuses to demote or disable the last admin, with the reason on the page and nothing written', async () => {
    const t = await createTestApp()
    const { admin, s } = await adminSession(t)
    const before = await snapshot(t)
    for (const [path, fields] of [
      ['role', { role: 'editor' }],
      ['status', { status: 'disabled' }],
    ] as const) {
      const res = await s.post(`/admin/people/${admin.id}/${path}`, { ...fields, _idem: idem() })
      expect(res.status).toBe(409)
      const html = await res.text()
      expect(html).toContain('role="alert"')
      expect(html).toContain('last active admin')
    }
    const bad = await s.post(`/admin/people/${admin.id}/role`, { role: 'root', _idem: idem() })
    expect(bad.status).toBe(400)
    expect(
      (await s.post('/admin/people/zzzzzzzzzzzz/role', { role: 'viewer', _idem: idem() })).status,
    ).toBe(404)
    expect((await s.post('/admin/people/x/role', { role: 'viewer', _idem: idem() })).status).toBe(
      404,
    )
    expect(await snapshot(t)).toEqual(before)
  })

  it('is for admins: a viewer or editor gets 403 on every page and form; no session is sent to sign in', async () => {
    const t = await createTestApp()
    const target = await createPerson(t)
    const paths: [string, string, Record<string, string>][] = [
      ['GET', '/admin/people', {}],
      ['GET', '/admin/tokens', {}],
      ['POST', '/admin/people/invite', { email: 'x@example.com', role: 'admin' }],
      ['POST', `/admin/people/${target.id}/role`, { role: 'admin' }],
      ['POST', `/admin/people/${target.id}/status`, { status: 'disabled' }],
      ['POST', `/admin/people/${target.id}/sessions/end`, {}],
      ['POST', '/admin/tokens', { name: 'x', scope: 'admin', owner: '' }],
      ['POST', `/admin/tokens/zzzzzzzzzzzz/revoke`, {}],
    ]
    const sessions = [
      await signIn(t, (await createPerson(t, { role: 'viewer' })).email),
      await signIn(t, (await createPerson(t, { role: 'editor' })).email),
    ]
    const before = await snapshot(t)
    for (const [role, s] of [
      ['viewer', sessions[0]!],
      ['editor', sessions[1]!],
    ] as const) {
      const home = await (await s.get('/admin/')).text()
      expect(home).not.toContain('href="/admin/people"')
      for (const [method, path, fields] of paths) {
        const res =
          method === 'GET' ? await s.get(path) : await s.post(path, { ...fields, _idem: idem() })
        expect([role, method, path, res.status]).toEqual([role, method, path, 403])
      }
    }
    for (const [method, path] of paths) {
      const res = method === 'GET' ? await t.app.request(path) : await postForm(t, path, {})
      expect([method, path, res.status]).toEqual([method, path, method === 'GET' ? 303 : 401])
    }
    expect(await snapshot(t)).toEqual(before)
  })

  it('refuses a POST without the session CSRF token or from another origin', async () => {
    const t = await createTestApp()
    const { s } = await adminSession(t)
    const before = await snapshot(t)
    const fields = { email: 'x@example.com', role: 'admin', _idem: idem() }
    expect((await s.post('/admin/people/invite', { ...fields, _csrf: '' })).status).toBe(403)
    expect(
      (await s.post('/admin/people/invite', { ...fields, _csrf: 'x'.repeat(32) })).status,
    ).toBe(403)
    expect(
      (await s.post('/admin/people/invite', fields, { origin: 'https://evil.example' })).status,
    ).toBe(403)
    expect(await snapshot(t)).toEqual(before)
  })
})

describe('/admin/tokens', () => {
  it('creates a service or personal token (shown once), lists owners, revokes', async () => {
    const t = await createTestApp()
    const { s } = await adminSession(t)
    const dana = await createPerson(t, {
      email: 'dana@example.com',
      name: 'Dana Reyes',
      role: 'editor',
    })
    const page = await (await s.get('/admin/tokens')).text()
    expect(page).toContain('Service token')
    expect(page).toContain(`<option value="${dana.id}">Dana Reyes (editor)</option>`)

    const made = await s.post('/admin/tokens', {
      name: 'deploy',
      scope: 'write',
      owner: '',
      _idem: idem(),
    })
    expect(made.status).toBe(200)
    const secret = /amd_[0-9A-Za-z]{40}/.exec(await made.text())![0]
    expect((await t.api('GET', '/api/v1/components', undefined, { token: secret })).status).toBe(
      200,
    )

    const personal = await s.post('/admin/tokens', {
      name: "Dana's laptop",
      scope: 'write',
      owner: dana.id,
      _idem: idem(),
    })
    const hers = /amd_[0-9A-Za-z]{40}/.exec(await personal.text())![0]
    const listed = await t.api('GET', '/api/v1/tokens')
    const row = listed.body.find((x: any) => x.name === "Dana's laptop")
    expect(row.user_id).toBe(dana.id)
    const list = await (await s.get('/admin/tokens')).text()
    expect(list).toContain('<td data-label="Belongs to">Dana Reyes</td>')

    const rev = await s.post(`/admin/tokens/${row.id}/revoke`, { _idem: idem() })
    expect(rev.headers.get('location')).toBe('/admin/tokens?notice=revoked')
    expect((await t.api('GET', '/api/v1/components', undefined, { token: hers })).status).toBe(401)
    expect(await auditActors(t, 'token.revoke')).toEqual([['Ann Lee', 'ann@example.com']])
  })

  it('refuses a scope above the owner role, bad names and unknown owners beside the fields', async () => {
    const t = await createTestApp()
    const { s } = await adminSession(t)
    const viewer = await createPerson(t, { role: 'viewer' })
    const before = await snapshot(t)
    const cases: [Record<string, string>, string, number][] = [
      [{ name: 'x', scope: 'write', owner: viewer.id }, 'f-scope-error', 400],
      [{ name: '', scope: 'read', owner: '' }, 'f-name-error', 400],
      [{ name: 'x', scope: 'root', owner: '' }, 'f-scope-error', 400],
      [{ name: 'x', scope: 'read', owner: 'not-an-id' }, 'f-owner-error', 400],
      [{ name: 'x', scope: 'read', owner: 'zzzzzzzzzzzz' }, 'No user with id', 404],
    ]
    for (const [fields, words, status] of cases) {
      const res = await s.post('/admin/tokens', { ...fields, _idem: idem() })
      expect([fields, res.status]).toEqual([fields, status])
      expect(await res.text()).toContain(words)
    }
    expect(await snapshot(t)).toEqual(before)
  })
})

describe('/admin/account', () => {
  async function session(t: TestApp, role: 'viewer' | 'editor' = 'viewer') {
    const p = await createPerson(t, { role, email: 'dana@example.com', name: 'Dana Reyes' })
    return { p, s: await signIn(t, p.email) }
  }

  it('renames; the new name signs the audit and the menu', async () => {
    const t = await createTestApp()
    const { p, s } = await session(t)
    const page = await (await s.get('/admin/account')).text()
    expect(page).toContain('value="Dana Reyes"')
    expect(page).toContain('autocomplete="current-password"')
    expect(page).toContain('autocomplete="new-password"')
    const res = await s.post('/admin/account/name', { display_name: 'Dana R.', _idem: idem() })
    expect(res.headers.get('location')).toBe('/admin/account?notice=name')
    expect(await (await s.get('/admin/account?notice=name')).text()).toContain('Dana R.')
    expect(await auditActors(t, 'user.update')).toEqual([['Dana Reyes', p.email]])
    const before = await snapshot(t)
    const bad = await s.post('/admin/account/name', { display_name: '', _idem: idem() })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('id="f-display_name-error"')
    expect(await snapshot(t)).toEqual(before)
  })

  it('changes the password: current one required, new one checked, other sessions end, this one stays', async () => {
    const t = await createTestApp()
    const { p, s } = await session(t)
    const other = await signIn(t, p.email)
    const before = await snapshot(t)
    const refused: [Record<string, string>, string][] = [
      [{ current_password: '', password: NEW_PASSWORD }, 'f-current_password-error'],
      [{ current_password: PASSWORD, password: 'short' }, 'f-password-error'],
      [{ current_password: PASSWORD, password: 'password123456' }, 'most common'],
      [{ current_password: PASSWORD, password: 'dana reyes forever' }, 'address or name'],
    ]
    for (const [fields, words] of refused) {
      const res = await s.post('/admin/account/password', { ...fields, _idem: idem() })
      expect(res.status).toBe(400)
      expect(await res.text()).toContain(words)
    }
    expect(await snapshot(t)).toEqual(before)
    const wrong = await s.post('/admin/account/password', {
      current_password: 'not my password at all',
      password: NEW_PASSWORD,
      _idem: idem(),
    })
    expect(wrong.status).toBe(400)
    expect(await wrong.text()).toContain('That is not your current password')

    const ok = await s.post('/admin/account/password', {
      current_password: PASSWORD,
      password: NEW_PASSWORD,
      _idem: idem(),
    })
    expect(ok.headers.get('location')).toBe('/admin/account?notice=password')
    expect((await s.get('/admin/')).status).toBe(200)
    expect((await other.get('/admin/')).status).toBe(303)
    await expect(signIn(t, p.email)).rejects.toThrow(/401/)
    expect((await signIn(t, p.email, NEW_PASSWORD)).csrf).toBeTruthy()
  })

  it('makes personal tokens up to the role, revokes only its own', async () => {
    const t = await createTestApp()
    const { p, s } = await session(t, 'editor')
    const page = await (await s.get('/admin/account')).text()
    expect(page).toContain('<option value="write">')
    expect(page).not.toContain('<option value="admin">')
    const above = await s.post('/admin/account/tokens', {
      name: 'x',
      scope: 'admin',
      _idem: idem(),
    })
    expect(above.status).toBe(400)
    expect(await above.text()).toContain('at most the write scope')
    const made = await s.post('/admin/account/tokens', {
      name: 'cli',
      scope: 'write',
      _idem: idem(),
    })
    const secret = /amd_[0-9A-Za-z]{40}/.exec(await made.text())![0]
    const g = await t.api('POST', '/api/v1/component-groups', { name: 'Edge' }, { token: secret })
    expect(g.status).toBe(201)
    const mine = (await t.api('GET', '/api/v1/tokens')).body.find((x: any) => x.user_id === p.id)
    // Someone else's token is not theirs to revoke.
    const service = (await t.api('POST', '/api/v1/tokens', { name: 'svc', scope: 'read' })).body
    expect(
      (await s.post(`/admin/account/tokens/${service.id}/revoke`, { _idem: idem() })).status,
    ).toBe(404)
    expect(
      (await t.api('GET', '/api/v1/components', undefined, { token: service.token })).status,
    ).toBe(200)
    const rev = await s.post(`/admin/account/tokens/${mine.id}/revoke`, { _idem: idem() })
    expect(rev.headers.get('location')).toBe('/admin/account?notice=revoked')
    expect((await t.api('GET', '/api/v1/components', undefined, { token: secret })).status).toBe(
      401,
    )
  })
})

describe('password reset', () => {
  it('answers the same for any address, and the link signs the person in fresh, ending every session', async () => {
    const t = await createTestApp()
    const p = await createPerson(t, { email: 'dana@example.com' })
    const old: ConsoleSession = await signIn(t, p.email)
    const form = await t.app.request('/admin/password-reset')
    expect(await form.text()).toContain('autocomplete="username"')
    const pages = []
    for (const email of ['dana@example.com', 'nobody@example.com']) {
      const res = await postForm(t, '/admin/password-reset', { email })
      expect(res.status).toBe(200)
      pages.push(await res.text())
    }
    expect(pages[0]).toBe(pages[1])
    expect(pages[0]).toContain(RESET_ANSWER)
    const links = await t.deps.db.execute("SELECT id FROM user_links WHERE purpose = 'reset'")
    expect(links.rows).toHaveLength(1)

    // The link is mailed (tests/notifier/account-mail.test.ts); here it is derived the same way.
    const path = pathOf(await linkUrl(t.deps, 'reset', str(links.rows[0]!, 'id')))
    const page = await (await t.app.request(path)).text()
    expect(page).toContain('Choose a new password')
    expect(page).toMatch(/value="dana@example.com" autocomplete="username" readonly/)
    const res = await postForm(t, path, { password: NEW_PASSWORD })
    expect(res.status).toBe(303)
    const fresh = cookieOf(res)!
    expect((await t.app.request('/admin/', { headers: { cookie: fresh } })).status).toBe(200)
    expect((await old.get('/admin/')).status).toBe(303)
    expect(await auditCount(t, 'user.reset_password')).toBe(1)
    expect((await t.app.request(path)).status).toBe(410)
    t.clock.advance(60 * 60_000)
    await postForm(t, '/admin/password-reset', { email: 'dana@example.com' })
    const later = await t.deps.db.execute(
      "SELECT id FROM user_links WHERE purpose = 'reset' ORDER BY created_at DESC",
    )
    const newPath = pathOf(await linkUrl(t.deps, 'reset', str(later.rows[0]!, 'id')))
    t.clock.advance(60 * 60_000 + 1)
    expect((await t.app.request(newPath)).status).toBe(410)
  })

  it('refuses a bad address beside the field, and too many requests from one network with 429', async () => {
    const t = await createTestApp()
    const bad = await postForm(t, '/admin/password-reset', { email: 'not an address' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('id="f-email-error"')
    for (let i = 0; i < RESET_LIMITS.perAddress; i++) {
      expect(
        (await postForm(t, '/admin/password-reset', { email: `u${i}@example.com` })).status,
      ).toBe(200)
    }
    const before = await snapshot(t)
    const over = await postForm(t, '/admin/password-reset', { email: 'last@example.com' })
    expect(over.status).toBe(429)
    expect(await over.text()).toContain('Too many reset requests from your network')
    expect(await snapshot(t)).toEqual(before)
  })
})
