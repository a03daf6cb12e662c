import { describe, expect, it } from 'vitest'
import type { User } from '../../core/schemas/user.ts'
import { inAllowedDomain, ssoAccess, verifiedEmail } from '../../core/sso.ts'
import { isLoopbackHttp } from '../../core/urls.ts'

const DOMAINS = ['acme.example', 'ops.acme.example']
const policy = { allowedDomains: DOMAINS, defaultRole: 'viewer' as const }

const person = (status: User['status']): User => ({
  id: 'abcdefghijkl',
  email: 'ann@elsewhere.example',
  name: 'Ann',
  role: 'editor',
  status,
  created_at: '2026-03-10T12:00:00.000Z',
  updated_at: '2026-03-10T12:00:00.000Z',
})

describe('who gets in through SSO', () => {
  it('admits only the exact allowed domains (look-alikes, subdomains and parents are out)', () => {
    const inside = ['a@acme.example', 'a.b+c@acme.example', 'x@ops.acme.example']
    const outside = [
      'a@sub.acme.example',
      'a@acme.example.evil.io',
      'a@notacme.example',
      'a@acme.examplex',
      'a@xacme.example',
      'a@acme.example.',
      'a@acme-example',
      'a@acme.example@evil.io',
      'a@evil.io.acme.example',
      'a@eng.ops.acme.example',
      'a@example',
      'a@',
      '@acme.example',
      'acme.example',
      'a@acme..example',
    ]
    for (const e of inside) expect(inAllowedDomain(e, DOMAINS), e).toBe(true)
    const got = outside.filter((e) => inAllowedDomain(e, DOMAINS))
    expect(got, `${outside.length} look-alikes`).toEqual([])
    expect(inAllowedDomain('a@acme.example', [])).toBe(false)
  })

  it('takes an address as verified only when email_verified is the JSON value true', () => {
    const notTrue: unknown[] = [false, 'true', 'TRUE', 1, '1', 'yes', null, undefined, {}, [true]]
    for (const v of notTrue) {
      expect(verifiedEmail({ email: 'a@acme.example', email_verified: v }), String(v)).toEqual({
        ok: false,
        reason: 'unverified',
        email: 'a@acme.example',
      })
    }
    for (const email of [undefined, null, '', 'not an address', 42, 'a@b', ['a@acme.example']]) {
      expect(verifiedEmail({ email, email_verified: true }).ok, String(email)).toBe(false)
    }
    expect(verifiedEmail({ email: '  Ann@Acme.Example ', email_verified: true })).toEqual({
      ok: true,
      email: 'ann@acme.example',
    })
  })

  it('signs in the active, activates the invited, refuses the disabled, whatever the domain', () => {
    const email = 'ann@elsewhere.example'
    expect(ssoAccess(email, person('active'), {}, policy)).toMatchObject({ kind: 'sign_in' })
    expect(ssoAccess(email, person('invited'), {}, policy)).toMatchObject({ kind: 'activate' })
    expect(ssoAccess(email, person('disabled'), {}, policy)).toEqual({
      kind: 'refuse',
      reason: 'disabled',
      email,
    })
    const inDomain = { ...person('disabled'), email: 'ann@acme.example' }
    expect(ssoAccess('ann@acme.example', inDomain, {}, policy)).toMatchObject({ kind: 'refuse' })
  })

  it('provisions an unknown address in an allowed domain with the default role and a clean name', () => {
    expect(ssoAccess('bo@acme.example', null, { name: '  Bo Li ' }, policy)).toEqual({
      kind: 'provision',
      email: 'bo@acme.example',
      name: 'Bo Li',
      role: 'viewer',
    })
    for (const name of [undefined, '', '   ', 'two\nlines', 'bell\u0007', 'x'.repeat(201), 42]) {
      expect(ssoAccess('bo@acme.example', null, { name }, policy), String(name)).toMatchObject({
        kind: 'provision',
        name: null,
      })
    }
    expect(ssoAccess('bo@elsewhere.example', null, {}, policy)).toEqual({
      kind: 'refuse',
      reason: 'no_account',
      email: 'bo@elsewhere.example',
    })
  })

  it('allows plain http only to this machine', () => {
    for (const u of [
      'http://localhost:8080',
      'http://127.0.0.1:9',
      'http://127.1.2.3',
      'http://[::1]:3000/x',
    ]) {
      expect(isLoopbackHttp(u), u).toBe(true)
    }
    for (const u of [
      'https://localhost',
      'http://10.0.0.5',
      'http://localhost.evil.io',
      'http://127.0.0.1.evil.io',
      'http://[::ffff:7f00:1]',
      'http://0.0.0.0',
      'ftp://127.0.0.1',
      'not a url',
    ]) {
      expect(isLoopbackHttp(u), u).toBe(false)
    }
  })
})
