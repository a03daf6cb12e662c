import { describe, expect, it } from 'vitest'
import { signingSecret } from '../../api/services/secrets.ts'
import { verifyToken } from '../../core/signed-token.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

const enc = new TextEncoder()
const b64url = (bytes: Uint8Array) =>
  Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** Signs any bytes as a link payload, exactly as core/signed-token.ts does, with the real secret. */
async function signRaw(secret: string, payload: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    enc.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const body = b64url(payload)
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(body)))
  return `${body}.${b64url(sig)}`
}

/** Payloads our signer never writes: not JSON, not an object, wrong shape, wrong types. */
function malformed(p: string, s: string): [string, Uint8Array][] {
  const json = (v: unknown) => enc.encode(JSON.stringify(v))
  const text = (v: string) => enc.encode(v)
  const ok = { p, s, v: 1, e: 0 }
  return [
    ['empty', text('')],
    ['not JSON', text('hello')],
    ['truncated JSON', text('{"p":"confirm"')],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ['null', text('null')],
    ['number', text('42')],
    ['string', text('"confirm"')],
    ['array', json([p, s, 1, 0])],
    ['true', text('true')],
    ['empty object', json({})],
    ['no purpose', json({ s, v: 1, e: 0 })],
    ['purpose a number', json({ ...ok, p: 1 })],
    ['unknown purpose', json({ ...ok, p: 'admin' })],
    ['no subject', json({ p, v: 1, e: 0 })],
    ['subject a number', json({ ...ok, s: 123456789012 })],
    ['subject an object', json({ ...ok, s: { id: s } })],
    ['subject an array', json({ ...ok, s: [s] })],
    ['subject null', json({ ...ok, s: null })],
    ['subject empty', json({ ...ok, s: '' })],
    ['subject a path', json({ ...ok, s: '../../etc/passwd' })],
    ['subject with SQL', json({ ...ok, s: "x' OR '1'='1" })],
    ['subject huge', json({ ...ok, s: 'a'.repeat(1000) })],
    ['version a string', json({ ...ok, v: '1' })],
    ['version negative', json({ ...ok, v: -1 })],
    ['version fractional', json({ ...ok, v: 1.5 })],
    ['version infinite', text(`{"p":"${p}","s":"${s}","v":1e400,"e":0}`)],
    ['version null', json({ ...ok, v: null })],
    ['expiry a string', json({ ...ok, e: 'never' })],
    ['expiry an object', json({ ...ok, e: {} })],
    ['expiry negative', json({ ...ok, e: -5 })],
    ['extra a number', json({ ...ok, x: 42 })],
    ['extra an object', json({ ...ok, x: { a: 1 } })],
    ['unknown key', json({ ...ok, admin: true })],
    ['__proto__ key', text(`{"p":"${p}","s":"${s}","v":1,"e":0,"__proto__":{"v":1}}`)],
  ]
}

const PAGES = [
  { purpose: 'confirm', path: '/confirm/' },
  { purpose: 'manage', path: '/manage/' },
  { purpose: 'unsubscribe', path: '/unsubscribe/' },
  { purpose: 'feedback', path: '/follow-up/' },
] as const

async function call(t: TestApp, method: string, path: string) {
  const res = await t.app.request(
    path,
    method === 'POST'
      ? {
          method,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'scope=all&locale=en&answer=all_good&comment=',
        }
      : { method },
    { incoming: { socket: { remoteAddress: '192.0.2.7' } } },
  )
  return { status: res.status, html: await res.text() }
}

describe('signed links with a malformed payload', () => {
  it('are "link invalid" (400 page), never a 500, on every page that opens a link', async () => {
    const t = await createTestApp()
    const secret = await signingSecret(t.deps)
    const before = await dumpTables(t.deps.db)
    let tried = 0
    const wrong: string[] = []
    for (const { purpose, path } of PAGES) {
      for (const [label, payload] of malformed(purpose, 'abcdefghijkl')) {
        const token = await signRaw(secret, payload)
        for (const method of ['GET', 'POST']) {
          tried++
          const res = await call(t, method, `${path}${token}`)
          if (res.status !== 400 || !/This link does not work/.test(res.html))
            wrong.push(`${method} ${path} ${label}: ${res.status}`)
        }
      }
    }
    expect(wrong).toEqual([])
    expect(t.log.lines.filter((e) => e.level === 'error')).toEqual([])
    expect(await dumpTables(t.deps.db)).toEqual(before)
    console.info(`signed links: ${tried} malformed payloads x pages, 0 answered 500`)
  })

  it('verifyToken returns null for each of them, and the payload for a well-formed one', async () => {
    const secret = 'a-secret-that-is-long-enough-for-tests-0123'
    const now = new Date('2026-03-10T12:00:00Z')
    for (const [label, payload] of malformed('confirm', 'abcdefghijkl')) {
      const token = await signRaw(secret, payload)
      expect(await verifyToken(secret, token, 'confirm', now), label).toBeNull()
    }
    const good = await signRaw(
      secret,
      enc.encode(JSON.stringify({ p: 'confirm', s: 'abcdefghijkl', v: 3, e: 0 })),
    )
    expect(await verifyToken(secret, good, 'confirm', now)).toEqual({
      p: 'confirm',
      s: 'abcdefghijkl',
      v: 3,
      e: 0,
    })
  })
})
