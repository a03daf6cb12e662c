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
})
