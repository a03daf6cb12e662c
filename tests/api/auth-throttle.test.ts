import { describe, expect, it } from 'vitest'
import { FAILED_TOKEN_CHECKS_PER_MINUTE } from '../../api/auth.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../fixtures/test-app.ts'

async function get(t: TestApp, ip: string, token: string, path = '/api/v1/components') {
  const res = await t.app.request(
    path,
    { headers: { authorization: `Bearer ${token}` } },
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
  it(`after ${FAILED_TOKEN_CHECKS_PER_MINUTE} unknown tokens a minute, an address's unknown tokens get 429; its valid tokens and other addresses are unaffected`, async () => {
    const t = await createTestApp()
    const attacker = '203.0.113.9'
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE; i++) {
      expect((await get(t, attacker, guess(i))).status).toBe(401)
    }
    const res = await get(t, attacker, guess(99))
    expect(res.status).toBe(429)
    expect(Object.keys(res.body)).toEqual(['error'])
    expect(res.body.error.code).toBe('rate_limited')
    expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(Number(res.retryAfter)).toBeLessThanOrEqual(60)
    // A valid token is never refused by the guessing limit, even from the throttled address.
    expect((await get(t, attacker, ADMIN_TOKEN)).status).toBe(200)
    // Another address is a separate bucket.
    expect((await get(t, '203.0.113.10', guess(1))).status).toBe(401)
    // The window slides: a minute later the address may guess again (and is told 401).
    t.clock.advance(60_001)
    expect((await get(t, attacker, guess(100))).status).toBe(401)
  })

  it('requests without a socket address share one bucket, but it never locks out a valid token', async () => {
    const t = await createTestApp()
    const bare = (token: string) =>
      t.app.request('/api/v1/components', { headers: { authorization: `Bearer ${token}` } })
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE; i++) {
      expect((await bare(guess(i))).status).toBe(401)
    }
    expect((await bare(guess(99))).status).toBe(429)
    expect((await bare(ADMIN_TOKEN)).status).toBe(200)
    expect((await bare(await t.token('read'))).status).toBe(200)
  })

  it('on Cloudflare (the request has `cf`) the address is CF-Connecting-IP', async () => {
    const t = await createTestApp()
    const onCloudflare = (ip: string, token: string) => {
      const req = new Request('http://localhost/api/v1/components', {
        headers: { authorization: `Bearer ${token}`, 'cf-connecting-ip': ip },
      })
      Object.defineProperty(req, 'cf', { value: { colo: 'AMS' } })
      return t.app.fetch(req, {})
    }
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE; i++) {
      expect((await onCloudflare('203.0.113.9', guess(i))).status).toBe(401)
    }
    expect((await onCloudflare('203.0.113.9', guess(99))).status).toBe(429)
    expect((await onCloudflare('198.51.100.7', guess(99))).status).toBe(401)
    expect((await onCloudflare('2001:db8:5::1', guess(99))).status).toBe(401)
  })

  it('with TRUST_PROXY only the right-most X-Forwarded-For counts: CF-Connecting-IP and earlier entries are ignored', async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: 'true' } })
    const viaProxy = (headers: Record<string, string>, token: string) =>
      t.app.request(
        '/api/v1/components',
        { headers: { authorization: `Bearer ${token}`, ...headers } },
        { incoming: { socket: { remoteAddress: '10.0.0.1' } } },
      )
    // The attacker rotates every header a client controls; the proxy appends 203.0.113.9.
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE; i++) {
      const forged = `198.51.100.${i + 1}`
      const res = await viaProxy(
        { 'cf-connecting-ip': forged, 'x-forwarded-for': `${forged}, 203.0.113.9` },
        guess(i),
      )
      expect(res.status).toBe(401)
    }
    const rotated = {
      'cf-connecting-ip': '192.0.2.200',
      'x-forwarded-for': '192.0.2.200, 203.0.113.9',
    }
    expect((await viaProxy(rotated, guess(99))).status).toBe(429)
    // Naming the victim in CF-Connecting-IP does not lock the victim out.
    expect(
      (
        await viaProxy(
          { 'cf-connecting-ip': '203.0.113.9', 'x-forwarded-for': '192.0.2.7' },
          guess(99),
        )
      ).status,
    ).toBe(401)
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
    expect((await get(t, '2001:db8:1:2:ffff::1', guess(99))).status).toBe(429)
    expect((await get(t, '2001:db8:1:3::1', guess(99))).status).toBe(401)
  })
})
