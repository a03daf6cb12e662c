import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHealth } from '../../api/health.ts'
import { createNodeHandler, createNodeListener, unavailableApp } from '../../api/server.node.ts'
import { createStaticCache } from '../../api/static.node.ts'
import worker from '../../api/worker.ts'
import { ADMIN_TOKEN, createTestApp } from '../fixtures/test-app.ts'

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** The app behind the real Node listener, over a small published site: every kind of response. */
async function serve() {
  const t = await createTestApp()
  const dir = mkdtempSync(join(tmpdir(), 'amends-headers-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  const page = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>x</body></html>'
  writeFileSync(join(dir, 'index.html'), page)
  writeFileSync(join(dir, '404.html'), page)
  writeFileSync(join(dir, 'history.rss'), '<?xml version="1.0"?><rss version="2.0"></rss>')
  mkdirSync(join(dir, 'incidents', 'abc'), { recursive: true })
  writeFileSync(join(dir, 'incidents', 'abc', 'index.html'), page)
  const server: Server = createServer(createNodeListener(dir, createNodeHandler(t.app, dir)))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { t, base }
}

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` }
const form = { 'content-type': 'application/x-www-form-urlencoded' }

/** [what, method, path, headers, body, expected status, an HTML page?] */
const CASES: [string, string, string, Record<string, string>, string | null, number, boolean][] = [
  ['API JSON', 'GET', '/api/v1/components', bearer, null, 200, false],
  ['API 401', 'GET', '/api/v1/components', {}, null, 401, false],
  [
    'API 400',
    'POST',
    '/api/v1/components',
    { ...bearer, 'content-type': 'application/json' },
    '{"name":""}',
    400,
    false,
  ],
  ['API 404', 'GET', '/api/v1/nothing-here', bearer, null, 404, false],
  ['API 415', 'POST', '/api/v1/components', bearer, 'x', 415, false],
  ['OpenAPI', 'GET', '/api/v1/openapi.json', {}, null, 200, false],
  ['public v2', 'GET', '/api/v2/summary.json', {}, null, 200, false],
  ['health', 'GET', '/healthz', {}, null, 200, false],
  ['old staff page (moved to the console)', 'GET', '/staff/metrics', {}, null, 301, false],
  ['subscribe page', 'POST', '/subscribe', form, 'email=a%40example.com', 200, true],
  ['subscriber link error', 'GET', '/manage/garbage', {}, null, 400, true],
  ['follow-up link error', 'GET', '/follow-up/garbage', {}, null, 400, true],
  ['on-call publish link error', 'GET', '/on-call/drafts/garbage', {}, null, 400, true],
  ['on-call publish link POST error', 'POST', '/on-call/drafts/garbage', form, '', 400, true],
  ['report form error', 'POST', '/report', form, 'message=', 400, true],
  ['form media type error', 'POST', '/report', {}, 'x', 415, true],
  ['static page', 'GET', '/', {}, null, 200, true],
  ['static feed', 'GET', '/history.rss', {}, null, 200, false],
  ['static page without slash', 'GET', '/incidents/abc', {}, null, 200, true],
  ['static 404 page', 'GET', '/no/such/page/', {}, null, 404, true],
]

describe('security headers', () => {
  it('nosniff on every response; CSP with frame-ancestors and a Referrer-Policy on every HTML page', async () => {
    const { base } = await serve()
    const seen: string[] = []
    for (const [what, method, path, headers, body, status, isPage] of CASES) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body,
        redirect: 'manual',
      })
      await res.arrayBuffer()
      expect(res.status, what).toBe(status)
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
      const html = /^text\/html/.test(res.headers.get('content-type') ?? '')
      expect(html, what).toBe(isPage)
      if (html) {
        const csp = res.headers.get('content-security-policy') ?? ''
        expect(csp, what).toMatch(/(^|; )frame-ancestors 'none'(;|$)/)
        expect(csp, what).toMatch(/(^|; )default-src '(self|none)'(;|$)/)
        expect(csp, what).not.toMatch(/script-src[^;]*'unsafe-inline'/)
        expect(res.headers.get('referrer-policy'), what).toMatch(/^(no-referrer|strict-origin)/)
      }
      seen.push(what)
    }
    expect(seen).toHaveLength(CASES.length)
  })

  it('nosniff on the 503s answered outside the app: database away, I/O error, unreadable file, Worker start-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'amends-headers-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const listen = async (listener: Parameters<typeof createServer>[1]) => {
      const server: Server = createServer(listener)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    }
    const ioError = Object.assign(new Error('too many open files'), { code: 'EMFILE' })
    const failingFiles = {
      ...createStaticCache(dir),
      lookup: () => {
        throw ioError
      },
    }
    const away = await listen(
      createNodeListener(dir, createNodeHandler(unavailableApp(createHealth()), dir)),
    )
    const broken = createNodeHandler({ fetch: () => Promise.reject(ioError) }, dir)
    const io = await listen(createNodeListener(dir, broken))
    const unreadable = await listen(createNodeListener(dir, broken, failingFiles))
    const cases: [string, () => Promise<Response>][] = [
      ['database away: /healthz', () => fetch(`${away}/healthz`)],
      ['database away: API', () => fetch(`${away}/api/v1/components`)],
      ['I/O error in the app', () => fetch(`${io}/api/v1/components`)],
      ['unreadable published file', () => fetch(`${unreadable}/`)],
      [
        'Worker start-up failure',
        () =>
          worker.fetch(
            new Request('https://status.example.com/api/v2/summary.json'),
            {
              DATABASE_URL: 'file:not-on-workers.db',
            },
            {} as never,
          ),
      ],
    ]
    for (const [what, call] of cases) {
      const res = await call()
      await res.arrayBuffer()
      expect(res.status, what).toBe(503)
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff')
    }
  })
})
