import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../api/config.ts'

describe('config', () => {
  it('has working defaults', () => {
    const c = parseConfig({})
    expect(c).toMatchObject({
      databaseUrl: 'file:./data/amends.db',
      port: 3000,
      siteUrl: 'http://localhost:3000',
      demo: true,
    })
    expect(
      parseConfig({ PORT: '8080', AMENDS_DEMO: 'false', SITE_URL: 'https://status.acme.com/' }),
    ).toMatchObject({
      port: 8080,
      demo: false,
      siteUrl: 'https://status.acme.com',
    })
  })

  it('lists every bad variable at once', () => {
    let err: unknown
    try {
      parseConfig({
        PORT: 'eighty',
        DATABASE_URL: 'postgres://x',
        AMENDS_ADMIN_TOKEN: 'short',
        AMENDS_DEMO: 'maybe',
      })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    const msg = (err as Error).message
    for (const name of ['PORT', 'DATABASE_URL', 'AMENDS_ADMIN_TOKEN', 'AMENDS_DEMO'])
      expect(msg).toContain(name)
  })

  it('runs 1 to 16 notifier threads: NOTIFIER_WORKERS, default 1, anything else refused', () => {
    expect(parseConfig({}).mail.notifierWorkers).toBe(1)
    for (const n of [1, 2, 16]) {
      expect(parseConfig({ NOTIFIER_WORKERS: String(n) }).mail.notifierWorkers).toBe(n)
    }
    const bad = ['0', '-1', '17', '1.5', 'two', '1e3', ' ']
    for (const v of bad) {
      expect(() => parseConfig({ NOTIFIER_WORKERS: v }), v).toThrow(/NOTIFIER_WORKERS/)
    }
  })

  it('takes SUPPORT_EMAIL as the Reply-To of mail about reports, when it is an address', () => {
    expect(parseConfig({}).mail.supportEmail).toBeUndefined()
    expect(parseConfig({ SUPPORT_EMAIL: 'help@acme.com' }).mail.supportEmail).toBe('help@acme.com')
    for (const bad of ['help', 'help@acme.com\r\nBcc: x@evil.example', 'Help <help@acme.com>']) {
      expect(() => parseConfig({ SUPPORT_EMAIL: bad }), bad).toThrow(/SUPPORT_EMAIL/)
    }
  })

  it('configures OIDC sign-in: https issuers (http only on this machine), both id and issuer', () => {
    expect(parseConfig({}).oidc).toBeUndefined()
    const c = parseConfig({
      OIDC_ISSUER: 'https://login.acme.com/realms/staff',
      OIDC_CLIENT_ID: 'amends',
      OIDC_ALLOWED_DOMAINS: ' Acme.com, ops.acme.com ,',
    })
    expect(c.oidc).toEqual({
      issuer: 'https://login.acme.com/realms/staff',
      clientId: 'amends',
      clientSecret: undefined,
      allowedDomains: ['acme.com', 'ops.acme.com'],
      defaultRole: 'viewer',
      label: 'SSO',
    })
    expect(
      parseConfig({ OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_CLIENT_ID: 'a' }).oidc,
    ).toBeDefined()
    for (const env of [
      { OIDC_ISSUER: 'http://login.acme.com', OIDC_CLIENT_ID: 'a' },
      { OIDC_ISSUER: 'http://10.0.0.5:8080', OIDC_CLIENT_ID: 'a' },
      { OIDC_ISSUER: 'https://login.acme.com' },
      { OIDC_CLIENT_ID: 'a' },
      { OIDC_ISSUER: 'https://login.acme.com', OIDC_CLIENT_ID: 'a', OIDC_ALLOWED_DOMAINS: 'acme' },
      { OIDC_ISSUER: 'https://login.acme.com', OIDC_CLIENT_ID: 'a', OIDC_DEFAULT_ROLE: 'owner' },
    ]) {
      expect(() => parseConfig(env), JSON.stringify(env)).toThrow(ConfigError)
    }
  })
})
