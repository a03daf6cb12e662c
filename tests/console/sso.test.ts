import { describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { newId } from '../../core/ids.ts'
import { hashToken } from '../../api/auth.ts'
import { SSO_STARTS_PER_MINUTE } from '../../api/console/sso.ts'
import { DISCOVERY_TTL_MS, SSO_FLOW_TTL_MS } from '../../api/services/oidc.ts'
import { insertUserLink } from '../../db/user-links.ts'
import { findUserByEmail } from '../../db/users.ts'
import { createPerson, formBody, ORIGIN, PASSWORD } from '../fixtures/console.ts'
import { startIdp, type IdpAccount, type TestIdp } from '../fixtures/oidc-provider.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const CALLBACK = 'https://status.example.com/admin/sso/callback'
const SESSION = '__Host-amends_session'
const FLOW = '__Host-amends_sso'

async function setup(
  o: {
    accounts?: IdpAccount[]
    env?: Record<string, string>
    clientSecret?: string | null
    claimsInIdToken?: boolean
  } = {},
): Promise<{ t: TestApp; idp: TestIdp }> {
  const idp = await startIdp({ redirectUri: CALLBACK, ...o })
  const t = await createTestApp({
    env: idp.env({ OIDC_ALLOWED_DOMAINS: 'acme.example, ops.example', ...o.env }),
  })
  return { t, idp }
}

/** The `name=value` of a cookie the response sets (with a value), or null. */
function cookieSet(res: Response, name: string): string | null {
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';')[0]!
    if (pair.startsWith(`${name}=`) && pair.length > name.length + 1) return pair
  }
  return null
}

async function start(t: TestApp, next = '/admin/incidents') {
  const res = await t.app.request(`/admin/sso/start?next=${encodeURIComponent(next)}`)
  expect(res.status, await res.clone().text()).toBe(303)
  const flow = cookieSet(res, FLOW)
  expect(flow).not.toBeNull()
  return { res, flow: flow!, location: new URL(res.headers.get('location')!) }
}

const callback = (t: TestApp, back: URL, cookie: string | null) =>
  t.app.request(back.pathname + back.search, { headers: cookie ? { cookie } : {} })

/** A whole sign-in: the console's button, the provider's login page, the way back. */
async function ssoSignIn(t: TestApp, idp: TestIdp, login: string, next?: string) {
  const s = await start(t, next)
  const back = await idp.authorize(s.location.href, login)
  const res = await callback(t, back, s.flow)
  return { res, back, flow: s.flow, page: await res.clone().text() }
}

async function auditRows(t: TestApp, action: string) {
  const rs = await t.deps.db.execute({
    sql: 'SELECT actor_name, actor_email, actor_user_id, target_id, details FROM audit_log WHERE action = ? ORDER BY id',
    args: [action],
  })
  return rs.rows.map((r) => ({
    actor_name: r.actor_name,
    actor_email: r.actor_email,
    actor_user_id: r.actor_user_id,
    target_id: r.target_id,
    details: JSON.parse(r.details as string) as Record<string, unknown>,
  }))
}

async function openSessions(t: TestApp): Promise<number> {
  const rs = await t.deps.db.execute('SELECT count(*) AS n FROM sessions WHERE ended_at IS NULL')
  return Number(rs.rows[0]!.n)
}

/** A refusal: the sign-in page with the message, 403, no session cookie, no session row. */
async function expectRefused(
  t: TestApp,
  res: Response,
  message: string | RegExp,
  status = 403,
): Promise<string> {
  const page = await res.text()
  expect(res.status, page).toBe(status)
  expect(cookieSet(res, SESSION)).toBeNull()
  expect(page).toMatch(message)
  expect(page).toContain('name="password"')
  expect(page).toContain('Sign in with Acme SSO')
  expect(await openSessions(t)).toBe(0)
  return page
}

describe('console sign-in with OpenID Connect (a real oidc-provider over HTTP)', () => {
  it('signs in a known active person: PKCE S256, state, nonce; session cookie, audit, next', async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'ann', email: 'Ann@Acme.example', email_verified: true, name: 'Ann' }],
    })
    const person = await createPerson(t, { email: 'ann@acme.example', name: 'Ann Lee' })
    const s = await start(t)
    expect(s.location.origin).toBe(idp.issuer)
    const q = s.location.searchParams
    expect(q.get('response_type')).toBe('code')
    expect(q.get('scope')).toBe('openid email profile')
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/)
    expect(q.get('state')).toMatch(/^[\w-]{20,}$/)
    expect(q.get('nonce')).toMatch(/^[\w-]{20,}$/)
    expect(q.get('redirect_uri')).toBe(CALLBACK)
    // The flow cookie: a random key, short-lived, HttpOnly, Lax, __Host- on https.
    const flowLine = s.res.headers.getSetCookie().find((l) => l.startsWith(`${FLOW}=`))!
    expect(flowLine).toMatch(/^__Host-amends_sso=[0-9A-Za-z]{43};/)
    expect(flowLine).toMatch(/Max-Age=600/)
    expect(flowLine).toMatch(/HttpOnly/)
    expect(flowLine).toMatch(/SameSite=Lax/)
    expect(flowLine).toMatch(/Secure/)
    expect(flowLine).toMatch(/Path=\//)
    // No secret of the flow is in the cookie: the state, nonce and verifier stay in the database.
    expect(flowLine).not.toContain(q.get('state')!)

    const back = await idp.authorize(s.location.href, 'ann')
    expect(back.origin + back.pathname).toBe(CALLBACK)
    const res = await callback(t, back, s.flow)
    expect(res.status, await res.clone().text()).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/incidents')
    const session = cookieSet(res, SESSION)!
    expect(session).toMatch(/^__Host-amends_session=[0-9A-Za-z]{43}$/)
    expect(res.headers.getSetCookie().some((l) => /^__Host-amends_sso=;/.test(l))).toBe(true)
    const home = await t.app.request('/admin/', { headers: { cookie: session } })
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Ann Lee')
    expect(await auditRows(t, 'session.sign_in')).toEqual([
      {
        actor_name: 'Ann Lee',
        actor_email: 'ann@acme.example',
        actor_user_id: person.id,
        target_id: person.id,
        details: { method: 'sso', session_id: expect.any(String) },
      },
    ])
    // The address came from userinfo (the ID token carried only sub): one call to it.
    expect(idp.hits.get('/me')).toBe(1)
    expect(idp.hits.get('/token')).toBe(1)
  })

  it('reads the address from the ID token when it is there (no userinfo call)', async () => {
    const { t, idp } = await setup({
      claimsInIdToken: true,
      accounts: [{ login: 'ann', email: 'ann@acme.example', email_verified: true }],
    })
    await createPerson(t, { email: 'ann@acme.example' })
    const { res } = await ssoSignIn(t, idp, 'ann')
    expect(res.status).toBe(303)
    expect(idp.hits.get('/me') ?? 0).toBe(0)
  })

  it('works for a public client: no secret, PKCE only', async () => {
    const { t, idp } = await setup({
      clientSecret: null,
      accounts: [{ login: 'ann', email: 'ann@acme.example', email_verified: true }],
    })
    expect(t.deps.config.oidc?.clientSecret).toBeUndefined()
    await createPerson(t, { email: 'ann@acme.example' })
    const { res, page } = await ssoSignIn(t, idp, 'ann')
    expect(res.status, page).toBe(303)
    expect(cookieSet(res, SESSION)).not.toBeNull()
  })

  it('makes an invited person active (the provider proved the address) and retires the invitation', async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'bo', email: 'bo@elsewhere.example', email_verified: true }],
    })
    const invited = await createPerson(t, {
      email: 'bo@elsewhere.example',
      status: 'invited',
      role: 'viewer',
    })
    const at = t.clock.now().toISOString()
    const linkId = newId()
    await t.deps.db.execute(
      insertUserLink(
        {
          id: linkId,
          purpose: 'invite',
          user_id: invited.id,
          created_at: at,
          expires_at: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
          used_at: null,
        },
        await hashToken('invite secret'),
      ),
    )
    const { res, page } = await ssoSignIn(t, idp, 'bo')
    expect(res.status, page).toBe(303)
    const stored = await findUserByEmail(t.deps.db, 'bo@elsewhere.example')
    expect(stored?.user).toMatchObject({ status: 'active', role: 'viewer' })
    expect(await auditRows(t, 'user.activate')).toEqual([
      {
        actor_name: 'sso',
        actor_email: null,
        actor_user_id: null,
        target_id: invited.id,
        details: { via: 'sso', issuer: idp.issuer },
      },
    ])
    const link = await t.deps.db.execute({
      sql: 'SELECT used_at FROM user_links WHERE id = ?',
      args: [linkId],
    })
    expect(link.rows[0]!.used_at).toBe(at)
  })

  it('provisions an unknown person in an allowed domain with the default role and their name', async () => {
    const { t, idp } = await setup({
      env: { OIDC_DEFAULT_ROLE: 'editor' },
      accounts: [
        { login: 'cy', email: 'Cy.Ng@OPS.example', email_verified: true, name: '  Cy Ng  ' },
      ],
    })
    const { res, page } = await ssoSignIn(t, idp, 'cy', '/admin/')
    expect(res.status, page).toBe(303)
    const stored = await findUserByEmail(t.deps.db, 'cy.ng@ops.example')
    expect(stored?.user).toMatchObject({
      email: 'cy.ng@ops.example',
      name: 'Cy Ng',
      role: 'editor',
      status: 'active',
    })
    expect(stored?.passwordHash).toBeNull()
    expect(await auditRows(t, 'user.create')).toEqual([
      {
        actor_name: 'sso',
        actor_email: null,
        actor_user_id: null,
        target_id: stored!.user.id,
        details: { via: 'sso', issuer: idp.issuer, email: 'cy.ng@ops.example', role: 'editor' },
      },
    ])
    const home = await t.app.request('/admin/', { headers: { cookie: cookieSet(res, SESSION)! } })
    expect(await home.text()).toContain('Cy Ng')
    // A second sign-in finds the account: no second one is made.
    expect((await ssoSignIn(t, idp, 'cy')).res.status).toBe(303)
    expect(await auditRows(t, 'user.create')).toHaveLength(1)
  })

  it('refuses unknown addresses outside the allowed domains, writing nothing', async () => {
    const outside = [
      'dee@elsewhere.example',
      'dee@sub.acme.example',
      'dee@acme.example.evil.io',
      'dee@notacme.example',
      'dee@acme.examplex',
    ]
    const { t, idp } = await setup({
      accounts: outside.map((email, i) => ({ login: `dee${i}`, email, email_verified: true })),
    })
    for (const [i, email] of outside.entries()) {
      const { res } = await ssoSignIn(t, idp, `dee${i}`)
      const page = await expectRefused(t, res, 'has no access to this console')
      expect(page).toContain(`Your Acme SSO account (${email}) has no access to this console`)
      expect(page).toContain('ask an admin to invite you')
      expect(await findUserByEmail(t.deps.db, email)).toBeNull()
    }
    expect(await auditRows(t, 'user.create')).toEqual([])
  })

  it('refuses a disabled person, even in an allowed domain', async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'ed', email: 'ed@acme.example', email_verified: true }],
    })
    await createPerson(t, { email: 'ed@acme.example', status: 'disabled' })
    const { res } = await ssoSignIn(t, idp, 'ed')
    await expectRefused(t, res, 'Your Acme SSO account (ed@acme.example) has no access')
    expect((await findUserByEmail(t.deps.db, 'ed@acme.example'))?.user.status).toBe('disabled')
  })

  it('refuses an address the provider has not verified (5 variants), and an account without one', async () => {
    const variants: unknown[] = [false, 'true', 1, null, undefined]
    const { t, idp } = await setup({
      accounts: [
        ...variants.map((v, i) => ({
          login: `fay${i}`,
          email: `fay${i}@acme.example`,
          ...(v === undefined ? {} : { email_verified: v }),
        })),
        { login: 'nomail' },
      ],
    })
    await createPerson(t, { email: 'fay0@acme.example' })
    for (const i of variants.keys()) {
      const { res } = await ssoSignIn(t, idp, `fay${i}`)
      await expectRefused(t, res, `(fay${i}@acme.example) has no verified email address`)
    }
    const { res } = await ssoSignIn(t, idp, 'nomail')
    await expectRefused(t, res, 'did not share an email address')
    expect(await auditRows(t, 'user.create')).toEqual([])
  })

  it('refuses a callback without the flow cookie, with a tampered or missing state, or replayed', async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'ann', email: 'ann@acme.example', email_verified: true }],
    })
    await createPerson(t, { email: 'ann@acme.example' })

    // No cookie (another browser, or a link someone was sent): refused.
    let s = await start(t)
    let back = await idp.authorize(s.location.href, 'ann')
    await expectRefused(t, await callback(t, back, null), 'has expired or was already used')
    await expectRefused(t, await callback(t, back, `${FLOW}=${'x'.repeat(43)}`), 'expired')

    // State changed or missing: refused, and the flow is spent (the right state cannot follow).
    for (const change of [
      (u: URL) => u.searchParams.set('state', `${u.searchParams.get('state')}x`),
      (u: URL) => u.searchParams.delete('state'),
      (u: URL) => u.searchParams.set('iss', 'http://127.0.0.1:1'),
      (u: URL) => u.searchParams.delete('iss'),
    ]) {
      s = await start(t)
      back = await idp.authorize(s.location.href, 'ann')
      const tampered = new URL(back)
      change(tampered)
      await expectRefused(t, await callback(t, tampered, s.flow), 'could not be verified')
      await expectRefused(t, await callback(t, back, s.flow), 'has expired or was already used')
    }

    // Replayed: the same callback twice signs in once.
    s = await start(t)
    back = await idp.authorize(s.location.href, 'ann')
    const first = await callback(t, back, s.flow)
    expect(first.status).toBe(303)
    const again = await callback(t, back, s.flow)
    expect(again.status).toBe(403)
    expect(cookieSet(again, SESSION)).toBeNull()
    expect(await openSessions(t)).toBe(1)
  })

  it("refuses an ID token whose nonce is not the flow's, and a flow past its 10 minutes", async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'ann', email: 'ann@acme.example', email_verified: true }],
    })
    await createPerson(t, { email: 'ann@acme.example' })
    let s = await start(t)
    // The flow row now expects another nonce than the one the provider put in the ID token.
    await t.deps.db.execute({ sql: "UPDATE sso_flows SET nonce = 'another-nonce'", args: [] })
    let back = await idp.authorize(s.location.href, 'ann')
    await expectRefused(t, await callback(t, back, s.flow), 'could not be verified')
    expect(t.log.lines.some((l) => l.msg === 'oidc sign-in failed')).toBe(true)

    s = await start(t)
    back = await idp.authorize(s.location.href, 'ann')
    t.clock.advance(SSO_FLOW_TTL_MS + 1000)
    await expectRefused(t, await callback(t, back, s.flow), 'has expired or was already used')
    // Expired flows are swept when the next sign-in starts.
    await start(t)
    const rows = await t.deps.db.execute('SELECT count(*) AS n FROM sso_flows')
    expect(Number(rows.rows[0]!.n)).toBe(1)
  })

  it('shows a cancelled or refused sign-in at the provider as a fixed message', async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'ann', email: 'ann@acme.example', email_verified: true }],
    })
    await createPerson(t, { email: 'ann@acme.example' })
    const s = await start(t)
    const back = await idp.authorize(s.location.href, 'ann', { abort: true })
    expect(back.searchParams.get('error')).toBe('access_denied')
    const page = await expectRefused(
      t,
      await callback(t, back, s.flow),
      'The sign-in was cancelled at Acme SSO, or Acme SSO refused it',
    )
    expect(page).not.toContain('End-User aborted interaction')
  })

  it('answers 503 with the password form when the provider cannot be reached; the form still works', async () => {
    // A port that was free a moment ago: nothing answers there.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const t = await createTestApp({
      env: { OIDC_ISSUER: `http://127.0.0.1:${port}`, OIDC_CLIENT_ID: 'c', OIDC_LABEL: 'Acme SSO' },
    })
    const p = await createPerson(t)
    const res = await t.app.request('/admin/sso/start')
    const page = await res.text()
    expect(res.status).toBe(503)
    expect(page).toContain('Sign-in with Acme SSO is not available right now')
    expect(page).toContain('autocomplete="current-password"')
    expect(cookieSet(res, FLOW)).toBeNull()
    const signIn = await t.app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: formBody({ email: p.email, password: PASSWORD }),
    })
    expect(signIn.status).toBe(303)
  })

  it('answers 503 when the token endpoint fails, and signs nobody in', async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'ann', email: 'ann@acme.example', email_verified: true }],
    })
    await createPerson(t, { email: 'ann@acme.example' })
    const s = await start(t)
    const back = await idp.authorize(s.location.href, 'ann')
    idp.failNext('/token', 502)
    await expectRefused(t, await callback(t, back, s.flow), 'not available right now', 503)
  })

  it('trusts no metadata naming another issuer than OIDC_ISSUER', async () => {
    const idp = await startIdp({ redirectUri: CALLBACK })
    // The same server under another name: its metadata says 127.0.0.1, so it is not this issuer.
    const t = await createTestApp({
      env: idp.env({ OIDC_ISSUER: idp.issuer.replace('127.0.0.1', 'localhost') }),
    })
    const res = await t.app.request('/admin/sso/start')
    expect(res.status).toBe(503)
    expect(idp.hits.get('/.well-known/openid-configuration')).toBe(1)
  })

  it('fetches the provider metadata once per hour, not per sign-in', async () => {
    const { t, idp } = await setup()
    const path = '/.well-known/openid-configuration'
    await start(t)
    await start(t)
    await Promise.all([start(t), start(t)])
    expect(idp.hits.get(path)).toBe(1)
    t.clock.advance(DISCOVERY_TTL_MS + 1)
    await start(t)
    expect(idp.hits.get(path)).toBe(2)
  })

  it('limits how fast one address can start sign-ins (each start stores a row)', async () => {
    const { t } = await setup()
    for (let i = 0; i < SSO_STARTS_PER_MINUTE; i++) await start(t)
    const flows = async () =>
      Number((await t.deps.db.execute('SELECT count(*) AS n FROM sso_flows')).rows[0]!.n)
    expect(await flows()).toBe(SSO_STARTS_PER_MINUTE)
    const over = await t.app.request('/admin/sso/start')
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await over.text()).toContain('Too many sign-ins started from here')
    expect(cookieSet(over, FLOW)).toBeNull()
    expect(await flows()).toBe(SSO_STARTS_PER_MINUTE)
    t.clock.advance(60_001)
    await start(t)
  })

  it('sends nobody away afterwards: next must be a console path', async () => {
    const { t, idp } = await setup({
      accounts: [{ login: 'ann', email: 'ann@acme.example', email_verified: true }],
    })
    await createPerson(t, { email: 'ann@acme.example' })
    for (const [next, expected] of [
      ['/admin/maintenance', '/admin/maintenance'],
      ['https://evil.example/', '/admin/'],
      ['//evil.example/admin', '/admin/'],
    ]) {
      const { res } = await ssoSignIn(t, idp, 'ann', next)
      expect(res.headers.get('location'), next).toBe(expected)
    }
  })

  it('records a password sign-in the same way (session.sign_in, method password)', async () => {
    const t = await createTestApp()
    const p = await createPerson(t, { name: 'Gus' })
    const res = await t.app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: formBody({ email: p.email, password: PASSWORD }),
    })
    expect(res.status).toBe(303)
    expect(await auditRows(t, 'session.sign_in')).toEqual([
      {
        actor_name: 'Gus',
        actor_email: p.email,
        actor_user_id: p.id,
        target_id: p.id,
        details: { method: 'password', session_id: expect.any(String) },
      },
    ])
  })

  it('has no SSO pages and no button when OIDC is not configured', async () => {
    const t = await createTestApp()
    expect((await t.app.request('/admin/sso/start')).status).toBe(404)
    expect((await t.app.request('/admin/sso/callback?code=x&state=y')).status).toBe(404)
    expect(await (await t.app.request('/admin/sign-in')).text()).not.toContain('/admin/sso/start')
  })
})
