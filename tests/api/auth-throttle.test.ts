import { describe, expect, it } from 'vitest'
import { FAILED_TOKEN_CHECKS_PER_MINUTE } from '../../api/auth.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../fixtures/test-app.ts'

async function get(t: TestApp, ip: string, token: string, path = '/api/v1/components') {
  const authorization = token.startsWith('Basic ') ? token : `Bearer ${token}`
  const res = await t.app.request(
    path,
    { headers: { authorization } },
    { incoming: { socket: { remoteAddress: ip } } },
  )
  const text = await res.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {
    // an HTML page
  }
  return { status: res.status, body, retryAfter: res.headers.get('retry-after') }
}

const guess = (i: number) => `amd_guess_${String(i).padStart(30, '0')}`

describe('guessing API tokens', () => {
  it(`after ${FAILED_TOKEN_CHECKS_PER_MINUTE} unknown tokens a minute, an address gets 429 without a look-up; other addresses are unaffected`, async () => {
    const t = await createTestApp()
    const attacker = '203.0.113.9'
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE; i++) {
      expect((await get(t, attacker, guess(i))).status).toBe(401)
    }
    for (const token of [guess(99), ADMIN_TOKEN]) {
      const res = await get(t, attacker, token)
      expect(res.status).toBe(429)
      expect(Object.keys(res.body)).toEqual(['error'])
      expect(res.body.error.code).toBe('rate_limited')
      expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1)
      expect(Number(res.retryAfter)).toBeLessThanOrEqual(60)
    }
    // The same limit on the staff page (Basic auth) and on a write route.
    expect(
      (await get(t, attacker, `Basic ${btoa(`x:${ADMIN_TOKEN}`)}`, '/staff/metrics')).status,
    ).toBe(429)
    // Another address, and the same network's other IPv4 address, are separate buckets.
    expect((await get(t, '203.0.113.10', ADMIN_TOKEN)).status).toBe(200)
    expect((await get(t, '203.0.113.10', guess(1))).status).toBe(401)
    // A refused request does not even reach the database: with the tokens table gone, the
    // throttled address still gets 429, while a fresh address's look-up fails.
    await t.deps.db.execute('ALTER TABLE api_tokens RENAME TO api_tokens_away')
    expect((await get(t, attacker, guess(100))).status).toBe(429)
    expect((await get(t, '198.51.100.1', guess(100))).status).toBeGreaterThanOrEqual(500)
    await t.deps.db.execute('ALTER TABLE api_tokens_away RENAME TO api_tokens')
    // The window slides: a minute later the address may try again.
    t.clock.advance(60_001)
    expect((await get(t, attacker, ADMIN_TOKEN)).status).toBe(200)
  })

  it('counts only unknown tokens: valid tokens, missing headers and too-small scopes never lock anyone out', async () => {
    const t = await createTestApp()
    const ip = '192.0.2.44'
    const read = await t.token('read')
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE * 2; i++) {
      expect((await get(t, ip, ADMIN_TOKEN)).status).toBe(200)
      const res = await t.app.request(
        '/api/v1/tokens',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${read}`, 'content-type': 'application/json' },
          body: '{"name":"x","scope":"read"}',
        },
        { incoming: { socket: { remoteAddress: ip } } },
      )
      expect(res.status).toBe(403)
      const none = await t.app.request(
        '/api/v1/components',
        {},
        { incoming: { socket: { remoteAddress: ip } } },
      )
      expect(none.status).toBe(401)
    }
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE - 1; i++) {
      expect((await get(t, ip, guess(i))).status).toBe(401)
    }
    expect((await get(t, ip, ADMIN_TOKEN)).status).toBe(200)
  })

  it('one IPv6 /64 is one bucket', async () => {
    const t = await createTestApp()
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE; i++) {
      expect((await get(t, `2001:db8:1:2::${(i + 1).toString(16)}`, guess(i))).status).toBe(401)
    }
    expect((await get(t, '2001:db8:1:2:ffff::1', ADMIN_TOKEN)).status).toBe(429)
    expect((await get(t, '2001:db8:1:3::1', ADMIN_TOKEN)).status).toBe(200)
  })
})
