import { describe, expect, it } from 'vitest'
import { hashToken } from '../../api/auth.ts'
import { LINK_TTL_MS } from '../../api/services/person-links.ts'
import { people } from '../../api/services/people.ts'
import { tokens } from '../../api/services/tokens.ts'
import { str } from '../../db/rows.ts'
import { createPerson, signIn } from '../fixtures/console.ts'
import {
  afterQuery,
  auditCount,
  cookieOf,
  invite,
  NEW_PASSWORD,
  postForm,
  snapshot,
} from '../fixtures/people.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../fixtures/test-app.ts'

const SECRET_PATH = /^https:\/\/status\.example\.com\/admin\/invite\/[A-Za-z0-9_-]{43}$/

async function personalToken(t: TestApp, ownerId: string, scope: 'read' | 'write' | 'admin') {
  const created = await tokens.create(
    t.deps,
    { actor: { id: null, name: 'test', scope: 'admin' } },
    { name: 'laptop', scope },
    { ownerId },
  )
  return created.token
}

describe('POST /api/v1/users (invite)', () => {
  it('creates an invited person and a link shown once: emailed by id, stored only as a hash', async () => {
    const t = await createTestApp()
    const res = await t.api(
      'POST',
      '/api/v1/users',
      { email: ' Sam@Example.com ', name: 'Sam Okafor', role: 'editor' },
      { headers: { 'idempotency-key': 'invite-sam' } },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({
      email: 'sam@example.com',
      name: 'Sam Okafor',
      role: 'editor',
      status: 'invited',
    })
    expect(res.body.invite_url).toMatch(SECRET_PATH)
    const secret = res.body.invite_url.split('/').pop() as string

    // Nothing in the database holds the secret: the link row has its SHA-256, the event the id.
    const dump = JSON.stringify(await snapshot(t))
    expect(dump).not.toContain(secret)
    const link = await t.deps.db.execute('SELECT * FROM user_links')
    expect(link.rows).toHaveLength(1)
    expect(link.rows[0]!.secret_hash).toBe(await hashToken(secret))
    const events = await t.deps.db.execute("SELECT payload FROM outbox WHERE type = 'user.invited'")
    expect(JSON.parse(str(events.rows[0]!, 'payload'))).toEqual({
      user_id: res.body.id,
      link_id: link.rows[0]!.id,
      email: 'sam@example.com',
      role: 'editor',
      invited_by: 'admin (AMENDS_ADMIN_TOKEN)',
    })
    expect(await auditCount(t, 'user.invite')).toBe(1)

    // A retry with the same key replays the first answer, without the secret, writing nothing.
    const before = await snapshot(t)
    const again = await t.api(
      'POST',
      '/api/v1/users',
      { email: ' Sam@Example.com ', name: 'Sam Okafor', role: 'editor' },
      { headers: { 'idempotency-key': 'invite-sam' } },
    )
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body.id).toBe(res.body.id)
    expect(again.body.invite_url).not.toContain(secret)
    expect(await snapshot(t)).toEqual(before)
  })

  it('inviting an invited address again replaces the link; an active or disabled address is 409', async () => {
    const t = await createTestApp()
    const first = await invite(t, 'sam@example.com', 'viewer')
    const second = await invite(t, 'SAM@example.com', 'admin', 'Sam')
    expect(second.id).toBe(first.id)
    expect(second.path).not.toBe(first.path)
    expect((await t.app.request(first.path)).status).toBe(410)
    expect((await t.app.request(second.path)).status).toBe(200)
    const user = await t.api('GET', `/api/v1/users/${first.id}`)
    expect(user.body).toMatchObject({ role: 'admin', name: 'Sam', status: 'invited' })
    expect(await auditCount(t, 'user.reinvite')).toBe(1)

    const active = await createPerson(t, { email: 'active@example.com' })
    const disabled = await createPerson(t, { email: 'off@example.com', status: 'disabled' })
    for (const p of [active, disabled]) {
      const before = await snapshot(t)
      const res = await t.api('POST', '/api/v1/users', { email: p.email, role: 'viewer' })
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe('user_exists')
      expect(await snapshot(t)).toEqual(before)
    }
  })

  it('two invitations of one new address at once make one person', async () => {
    const t = await createTestApp()
    const [a, b] = await Promise.all([
      t.api('POST', '/api/v1/users', { email: 'race@example.com', role: 'viewer' }),
      t.api('POST', '/api/v1/users', { email: 'race@example.com', role: 'editor' }),
    ])
    expect([a.status, b.status]).toEqual([201, 201])
    expect(a.body.id).toBe(b.body.id)
    const users = await t.api('GET', '/api/v1/users')
    expect(users.body.filter((u: any) => u.email === 'race@example.com')).toHaveLength(1)
    // Only the later link works.
    const open = await t.deps.db.execute(
      'SELECT count(*) AS n FROM user_links WHERE used_at IS NULL',
    )
    expect(Number(open.rows[0]!.n)).toBe(1)
  })

  it('refuses invalid input with 400, naming the field, writing nothing', async () => {
    const t = await createTestApp()
    const bodies: [string, unknown][] = [
      ['no email', { role: 'editor' }],
      ['empty email', { email: '', role: 'editor' }],
      ['not an address', { email: 'sam', role: 'editor' }],
      ['two @', { email: 'a@b@example.com', role: 'editor' }],
      ['header injection', { email: 'a@example.com\r\nBcc: x@evil.test', role: 'editor' }],
      ['too long', { email: `${'a'.repeat(250)}@example.com`, role: 'editor' }],
      ['email a number', { email: 42, role: 'editor' }],
      ['no role', { email: 'a@example.com' }],
      ['unknown role', { email: 'a@example.com', role: 'owner' }],
      ['role upper case', { email: 'a@example.com', role: 'Admin' }],
      ['empty name', { email: 'a@example.com', name: '', role: 'editor' }],
      ['name with a line break', { email: 'a@example.com', name: 'Sam\nBcc: x', role: 'editor' }],
      ['name with a control', { email: 'a@example.com', name: 'Sam\u0007', role: 'editor' }],
      ['name too long', { email: 'a@example.com', name: 'x'.repeat(201), role: 'editor' }],
      ['extra field', { email: 'a@example.com', role: 'editor', status: 'active' }],
      ['password smuggled', { email: 'a@example.com', role: 'editor', password: 'x' }],
      ['array', [{ email: 'a@example.com', role: 'editor' }]],
      ['null', null],
    ]
    const before = await snapshot(t)
    for (const [label, body] of bodies) {
      const res = await t.api('POST', '/api/v1/users', body)
      expect([label, res.status]).toEqual([label, 400])
      expect(res.body.error.code).toBe('invalid_input')
    }
    expect(await snapshot(t)).toEqual(before)
    expect(bodies).toHaveLength(18)
  })

  it('is admin only: viewer and editor tokens get 403, no token 401, on every route', async () => {
    const t = await createTestApp()
    const p = await createPerson(t)
    const read = await t.token('read')
    const write = await t.token('write')
    const editorPersonal = await personalToken(t, p.id, 'write')
    const calls: [string, string, unknown][] = [
      ['GET', '/api/v1/users', undefined],
      ['POST', '/api/v1/users', { email: 'x@example.com', role: 'admin' }],
      ['GET', `/api/v1/users/${p.id}`, undefined],
      ['PATCH', `/api/v1/users/${p.id}`, { role: 'admin' }],
      ['POST', `/api/v1/users/${p.id}/sessions/end`, {}],
    ]
    const before = await snapshot(t)
    for (const [method, path, body] of calls) {
      for (const token of [read, write, editorPersonal]) {
        const res = await t.api(method, path, body, { token })
        expect([method, path, res.status]).toEqual([method, path, 403])
      }
      expect((await t.api(method, path, body, { token: null })).status).toBe(401)
    }
    expect(await snapshot(t)).toEqual(before)
  })

  it('lists people with their last sign-in and open sessions; 404 for an unknown id', async () => {
    const t = await createTestApp()
    const p = await createPerson(t, { email: 'dana@example.com' })
    await signIn(t, p.email)
    const list = await t.api('GET', '/api/v1/users')
    expect(list.status).toBe(200)
    expect(list.body).toEqual([
      expect.objectContaining({
        email: 'dana@example.com',
        open_sessions: 1,
        last_sign_in_at: '2026-03-10T12:00:00.000Z',
      }),
    ])
    expect(JSON.stringify(list.body)).not.toMatch(/password|argon2/)
    expect((await t.api('GET', '/api/v1/users/zzzzzzzzzzzz')).status).toBe(404)
    expect((await t.api('GET', '/api/v1/users/nope')).status).toBe(400)
  })
})

describe('PATCH /api/v1/users/:id', () => {
  it('changes name and role; disabling ends every session and stops personal tokens at once', async () => {
    const t = await createTestApp()
    const p = await createPerson(t, { email: 'dana@example.com', role: 'editor' })
    const s = await signIn(t, p.email)
    const mine = await personalToken(t, p.id, 'write')
    expect((await t.api('GET', '/api/v1/components', undefined, { token: mine })).status).toBe(200)

    const renamed = await t.api('PATCH', `/api/v1/users/${p.id}`, {
      name: 'Dana R.',
      role: 'viewer',
    })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ name: 'Dana R.', role: 'viewer', status: 'active' })
    // The token is capped at the person's role today: read only.
    const c = await t.api('POST', '/api/v1/component-groups', { name: 'G' }, { token: mine })
    expect(c.status).toBe(403)

    const off = await t.api('PATCH', `/api/v1/users/${p.id}`, { status: 'disabled' })
    expect(off.status).toBe(200)
    expect(off.body.status).toBe('disabled')
    expect((await t.api('GET', '/api/v1/components', undefined, { token: mine })).status).toBe(401)
    const page = await s.get('/admin/')
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toMatch(/^\/admin\/sign-in/)
    const open = await t.deps.db.execute({
      sql: 'SELECT count(*) AS n FROM sessions WHERE user_id = ? AND ended_at IS NULL',
      args: [p.id],
    })
    expect(Number(open.rows[0]!.n)).toBe(0)
    const audit = await t.deps.db.execute(
      "SELECT actor_name, details FROM audit_log WHERE action = 'user.disable'",
    )
    expect(audit.rows[0]!.actor_name).toBe('admin (AMENDS_ADMIN_TOKEN)')
    expect(JSON.parse(str(audit.rows[0]!, 'details'))).toEqual({
      changes: { status: { from: 'active', to: 'disabled' } },
    })

    // Enabled again: their old sessions stay ended, the token works again (it was never revoked).
    const on = await t.api('PATCH', `/api/v1/users/${p.id}`, { status: 'active' })
    expect(on.body.status).toBe('active')
    expect((await t.api('GET', '/api/v1/components', undefined, { token: mine })).status).toBe(200)
    expect((await s.get('/admin/')).status).toBe(303)
  })

  it('never leaves zero active admins: demoting or disabling the last one is 409, writing nothing', async () => {
    const t = await createTestApp()
    const only = await createPerson(t, { role: 'admin' })
    const invitedAdmin = await invite(t, 'later@example.com', 'admin')
    for (const body of [{ role: 'editor' }, { role: 'viewer' }, { status: 'disabled' }]) {
      const before = await snapshot(t)
      const res = await t.api('PATCH', `/api/v1/users/${only.id}`, body)
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe('last_admin')
      expect(await snapshot(t)).toEqual(before)
    }
    // An invited admin is no admin yet; disabling them is fine.
    const off = await t.api('PATCH', `/api/v1/users/${invitedAdmin.id}`, { status: 'disabled' })
    expect(off.status).toBe(200)
    expect((await t.app.request(invitedAdmin.path)).status).toBe(410)
  })

  it('two admins disabling each other at once: exactly one wins, one admin remains', async () => {
    for (let round = 0; round < 5; round++) {
      const t = await createTestApp()
      const a = await createPerson(t, { role: 'admin' })
      const b = await createPerson(t, { role: 'admin' })
      const results = await Promise.all([
        t.api('PATCH', `/api/v1/users/${a.id}`, { status: 'disabled' }),
        t.api('PATCH', `/api/v1/users/${b.id}`, { role: 'editor' }),
      ])
      expect(results.map((r) => r.status).sort()).toEqual([200, 409])
      const admins = await t.deps.db.execute(
        "SELECT count(*) AS n FROM users WHERE role = 'admin' AND status = 'active'",
      )
      expect(Number(admins.rows[0]!.n)).toBe(1)
    }
  })

  it('the last-admin guard holds when another admin is disabled between the count and the write', async () => {
    const t = await createTestApp()
    const a = await createPerson(t, { role: 'admin' })
    const b = await createPerson(t, { role: 'admin' })
    // Right after this request counted two admins, B is disabled behind its back.
    afterQuery(t, /count\(\*\) AS n FROM users WHERE role = 'admin'/, () =>
      t.deps.db.execute({
        sql: "UPDATE users SET status = 'disabled', version = version + 1 WHERE id = ?",
        args: [b.id],
      }),
    )
    const res = await t.api('PATCH', `/api/v1/users/${a.id}`, { status: 'disabled' })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('last_admin')
    expect((await t.api('GET', `/api/v1/users/${a.id}`)).body.status).toBe('active')
    expect(await auditCount(t, 'user.disable')).toBe(0)
  })

  it('refuses what cannot be: invited → active is 409, bad bodies are 400; nothing written', async () => {
    const t = await createTestApp()
    const inv = await invite(t, 'new@example.com')
    const p = await createPerson(t)
    const before = await snapshot(t)
    const res = await t.api('PATCH', `/api/v1/users/${inv.id}`, { status: 'active' })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('user_invited')
    const bad: unknown[] = [
      { status: 'invited' },
      { status: 'deleted' },
      { role: 'root' },
      { name: '' },
      { name: 'a\nb' },
      { email: 'other@example.com' },
      { password: 'x' },
      [],
    ]
    for (const body of bad) {
      const r = await t.api('PATCH', `/api/v1/users/${p.id}`, body)
      expect([body, r.status]).toEqual([body, 400])
    }
    expect((await t.api('PATCH', '/api/v1/users/zzzzzzzzzzzz', { role: 'viewer' })).status).toBe(
      404,
    )
    expect(await snapshot(t)).toEqual(before)
  })

  it('an invited person who is disabled and enabled again is invited again (no password)', async () => {
    const t = await createTestApp()
    const inv = await invite(t, 'new@example.com')
    await t.api('PATCH', `/api/v1/users/${inv.id}`, { status: 'disabled' })
    const back = await t.api('PATCH', `/api/v1/users/${inv.id}`, { status: 'active' })
    expect(back.body.status).toBe('invited')
    expect((await t.app.request(inv.path)).status).toBe(410)
    const again = await invite(t, 'new@example.com')
    expect((await t.app.request(again.path)).status).toBe(200)
  })
})

describe('POST /api/v1/users/:id/sessions/end', () => {
  it('signs the person out everywhere; their tokens keep working', async () => {
    const t = await createTestApp()
    const p = await createPerson(t)
    const one = await signIn(t, p.email)
    const two = await signIn(t, p.email)
    const mine = await personalToken(t, p.id, 'read')
    const res = await t.api('POST', `/api/v1/users/${p.id}/sessions/end`, {})
    expect(res.status).toBe(200)
    for (const s of [one, two]) expect((await s.get('/admin/')).status).toBe(303)
    expect((await t.api('GET', '/api/v1/components', undefined, { token: mine })).status).toBe(200)
    expect(await auditCount(t, 'user.end_sessions')).toBe(1)
    expect((await t.api('POST', '/api/v1/users/zzzzzzzzzzzz/sessions/end', {})).status).toBe(404)
  })
})

describe('invitation links', () => {
  it('accepting sets name and password, activates, signs in; the link then works no more', async () => {
    const t = await createTestApp()
    const inv = await invite(t, 'sam@example.com', 'editor', 'Sam')
    const page = await t.app.request(inv.path)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('autocomplete="new-password"')
    expect(html).toMatch(/value="sam@example.com" autocomplete="username" readonly/)

    const res = await postForm(t, inv.path, { name: 'Sam Okafor', password: NEW_PASSWORD })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/')
    const cookie = cookieOf(res)!
    const home = await t.app.request('/admin/', { headers: { cookie } })
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Sam Okafor')
    const user = await t.api('GET', `/api/v1/users/${inv.id}`)
    expect(user.body).toMatchObject({ status: 'active', name: 'Sam Okafor' })
    const audit = await t.deps.db.execute(
      "SELECT actor_name, actor_email FROM audit_log WHERE action = 'user.accept_invite'",
    )
    expect(audit.rows.map((r) => [r.actor_name, r.actor_email])).toEqual([
      ['Sam Okafor', 'sam@example.com'],
    ])

    const before = await snapshot(t)
    expect((await t.app.request(inv.path)).status).toBe(410)
    const again = await postForm(t, inv.path, {
      name: 'Mallory',
      password: 'another fine passphrase',
    })
    expect(again.status).toBe(410)
    expect(await again.text()).toContain('already used')
    expect(again.headers.get('set-cookie')).toBeNull()
    expect(await snapshot(t)).toEqual(before)
  })

  it('an expired, unknown or malformed link gets a clear page and writes nothing', async () => {
    const t = await createTestApp()
    const inv = await invite(t, 'sam@example.com')
    t.clock.advance(LINK_TTL_MS.invite + 1)
    const before = await snapshot(t)
    const cases: [string, number, string][] = [
      [inv.path, 410, 'expired'],
      ['/admin/invite/' + 'A'.repeat(43), 404, 'not valid'],
      ['/admin/invite/short', 404, 'not valid'],
      ['/admin/invite/' + 'A'.repeat(42) + '%2F', 404, 'not valid'],
      // An invitation's secret on the reset page is no reset link.
      [inv.path.replace('/invite/', '/reset/'), 404, 'not valid'],
      [inv.path.replace('/invite/', '/setup/'), 404, 'not valid'],
    ]
    for (const [path, status, words] of cases) {
      const get = await t.app.request(path)
      expect([path, get.status]).toEqual([path, status])
      expect(await get.text()).toContain(words)
      const post = await postForm(t, path, {
        name: 'X',
        password: NEW_PASSWORD,
        email: 'x@example.com',
      })
      expect([path, post.status]).toEqual([path, status])
      expect(post.headers.get('set-cookie')).toBeNull()
    }
    expect(await snapshot(t)).toEqual(before)
  })

  it('a weak or missing password is 400 beside the field, and the link still works', async () => {
    const t = await createTestApp()
    const inv = await invite(t, 'sam.okafor@example.com', 'viewer', 'Sam')
    const before = await snapshot(t)
    const weak: [string, string][] = [
      ['', 'at least 12'],
      ['short pass', 'at least 12'],
      ['password1234', 'most common'],
      ['abcabcabcabcabc', 'Repeats'],
      ['sam.okafor-2026!', 'address or name'],
      ['x'.repeat(257), 'at most 256'],
    ]
    for (const [password, words] of weak) {
      const res = await postForm(t, inv.path, { name: 'Sam', password })
      expect([password.slice(0, 20), res.status]).toEqual([password.slice(0, 20), 400])
      const html = await res.text()
      expect(html).toContain(words)
      expect(html).toMatch(/id="f-password-error"/)
    }
    expect(await snapshot(t)).toEqual(before)
    expect((await postForm(t, inv.path, { password: NEW_PASSWORD })).status).toBe(303)
  })

  it('a link used between the check and the write of this submission is used once (the link guard)', async () => {
    const t = await createTestApp()
    const inv = await invite(t, 'sam@example.com')
    // Once the write's attempt has read the link (unused) and reads the person, another
    // submission uses the link.
    afterQuery(t, /password_hash, version FROM users WHERE id = \?/, () =>
      t.deps.db.execute(
        "UPDATE user_links SET used_at = '2026-03-10T12:00:00.000Z' WHERE purpose = 'invite'",
      ),
    )
    const res = await postForm(t, inv.path, { name: 'Late', password: NEW_PASSWORD })
    expect(res.status).toBe(410)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect((await t.api('GET', `/api/v1/users/${inv.id}`)).body.status).toBe('invited')
    expect(await auditCount(t, 'user.accept_invite')).toBe(0)
  })

  it('the same link submitted twice at once is used once', async () => {
    for (let round = 0; round < 3; round++) {
      const t = await createTestApp()
      const inv = await invite(t, `sam${round}@example.com`)
      const results = await Promise.all([
        postForm(t, inv.path, { name: 'First', password: NEW_PASSWORD }),
        postForm(t, inv.path, { name: 'Second', password: 'another fine passphrase' }),
      ])
      expect(results.map((r) => r.status).sort()).toEqual([303, 410])
      expect(await auditCount(t, 'user.accept_invite')).toBe(1)
      const sessions = await t.deps.db.execute('SELECT count(*) AS n FROM sessions')
      expect(Number(sessions.rows[0]!.n)).toBe(1)
      const winner = results.findIndex((r) => r.status === 303)
      const user = await t.api('GET', `/api/v1/users/${inv.id}`)
      expect(user.body.name).toBe(winner === 0 ? 'First' : 'Second')
    }
  })
})

describe('first admin (setup link)', () => {
  it('prints a link while no active admin exists; each new one retires the last; it makes one admin', async () => {
    const t = await createTestApp()
    const first = (await people.setupLinkIfNoAdmin(t.deps))!
    const second = (await people.setupLinkIfNoAdmin(t.deps))!
    expect(first).toMatch(/^\/admin\/setup\/[A-Za-z0-9_-]{43}$/)
    expect(second).not.toBe(first)
    expect((await t.app.request(first)).status).toBe(410)
    const page = await t.app.request(second)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Create the first admin')

    // Bad input first: 400 beside the fields, nothing written.
    const before = await snapshot(t)
    for (const fields of [
      { email: 'not-an-address', name: 'Ann', password: NEW_PASSWORD },
      { email: 'ann@example.com', name: '', password: NEW_PASSWORD },
      { email: 'ann@example.com', name: 'Ann', password: 'short' },
      { email: 'ann@example.com', name: 'Ann', password: 'ann@example.com is me' },
    ]) {
      expect((await postForm(t, second, fields)).status).toBe(400)
    }
    expect(await snapshot(t)).toEqual(before)

    const res = await postForm(t, second, {
      email: 'Ann@Example.com',
      name: 'Ann Lee',
      password: NEW_PASSWORD,
    })
    expect(res.status).toBe(303)
    const home = await t.app.request('/admin/people', { headers: { cookie: cookieOf(res)! } })
    expect(home.status).toBe(200)
    const users = await t.api('GET', '/api/v1/users')
    expect(users.body).toEqual([
      expect.objectContaining({ email: 'ann@example.com', role: 'admin', status: 'active' }),
    ])

    // Once an admin exists: no new link, and any older still-unexpired one is refused.
    expect(await people.setupLinkIfNoAdmin(t.deps)).toBeNull()
    expect((await t.app.request(second)).status).toBe(410)
  })

  it('a setup link is refused once an admin exists by other means, and expires after 24 h', async () => {
    const t = await createTestApp()
    const link = (await people.setupLinkIfNoAdmin(t.deps))!
    await createPerson(t, { role: 'admin' })
    const refused = await t.app.request(link)
    expect(refused.status).toBe(410)
    expect(await refused.text()).toContain('first admin already exists')
    const before = await snapshot(t)
    const post = await postForm(t, link, {
      email: 'x@example.com',
      name: 'X',
      password: NEW_PASSWORD,
    })
    expect(post.status).toBe(410)
    expect(await snapshot(t)).toEqual(before)

    const t2 = await createTestApp()
    const old = (await people.setupLinkIfNoAdmin(t2.deps))!
    t2.clock.advance(LINK_TTL_MS.setup + 1)
    expect((await t2.app.request(old)).status).toBe(410)
  })

  it('two setup submissions at once make one admin', async () => {
    const t = await createTestApp()
    const link = (await people.setupLinkIfNoAdmin(t.deps))!
    const results = await Promise.all([
      postForm(t, link, { email: 'a@example.com', name: 'A', password: NEW_PASSWORD }),
      postForm(t, link, { email: 'b@example.com', name: 'B', password: NEW_PASSWORD }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([303, 410])
    expect((await t.api('GET', '/api/v1/users')).body).toHaveLength(1)
  })
})

describe('personal tokens and signatures', () => {
  it('a personal token acts as its person, never above their role, and only while they are active', async () => {
    const t = await createTestApp()
    const viewer = await createPerson(t, { role: 'viewer' })
    const ctx = { actor: { id: null, name: 'test', scope: 'admin' as const } }
    await expect(
      tokens.create(t.deps, ctx, { name: 'x', scope: 'write' }, { ownerId: viewer.id }),
    ).rejects.toMatchObject({ code: 'scope_above_role' })
    const off = await createPerson(t, { status: 'disabled' })
    await expect(
      tokens.create(t.deps, ctx, { name: 'x', scope: 'read' }, { ownerId: off.id }),
    ).rejects.toMatchObject({ code: 'owner_not_active' })

    const editor = await createPerson(t, { role: 'editor', name: 'Grace Hopper' })
    const mine = await personalToken(t, editor.id, 'write')
    const listed = await t.api('GET', '/api/v1/tokens')
    expect(listed.body.find((x: any) => x.user_id === editor.id)).toMatchObject({ scope: 'write' })
    const g = await t.api('POST', '/api/v1/component-groups', { name: 'Edge' }, { token: mine })
    expect(g.status).toBe(201)
    const audit = await t.deps.db.execute(
      "SELECT actor_name, actor_email, actor_user_id FROM audit_log WHERE action LIKE 'component_group.%'",
    )
    expect(audit.rows.map((r) => [r.actor_name, r.actor_email, r.actor_user_id])).toEqual([
      ['Grace Hopper', editor.email, editor.id],
    ])
  })

  it('a reply is signed by the person and the page team, or by the page team for a service token, never a token name', async () => {
    const t = await createTestApp()
    const report = async () => {
      const res = await t.api(
        'POST',
        '/api/v1/feedback',
        { message: 'Checkout fails' },
        { token: null },
      )
      expect(res.status).toBe(202)
      const list = await t.api('GET', '/api/v1/feedback?per_page=1')
      return list.body[0].id as string
    }
    const editor = await createPerson(t, { role: 'editor', name: 'Grace Hopper' })
    const signers: [string, string | null, string][] = [
      [
        'personal token',
        await personalToken(t, editor.id, 'write'),
        'Grace Hopper, Example Status team',
      ],
      ['service token', await t.token('write'), 'The Example Status team'],
      ['admin token', ADMIN_TOKEN, 'The Example Status team'],
    ]
    for (const [label, token, signed] of signers) {
      const id = await report()
      const res = await t.api(
        'POST',
        `/api/v1/feedback/${id}/replies`,
        { body: 'Fixed.' },
        { token },
      )
      expect([label, res.status]).toEqual([label, 201])
      expect([label, res.body.replies.at(-1).author]).toEqual([label, signed])
    }
  })
})
