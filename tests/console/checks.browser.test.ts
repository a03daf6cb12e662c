import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../api/http/passwords.ts'
import { newId } from '../../core/ids.ts'
import { insertResult } from '../../db/checks.ts'
import { openDatabase } from '../../db/open.node.ts'
import { insertUser } from '../../db/users.ts'
import { useBrowser } from '../fixtures/browser.ts'
import { PASSWORD } from '../fixtures/console.ts'
import { checkConsolePage } from '../fixtures/console-browser.ts'
import { startServer, waitHealthy, type ServerProcess } from '../fixtures/server-process.ts'

const EMAIL = 'admin@example.com'
const HOUR = 3_600_000

let server: ServerProcess
let dir: string
let checkId = ''

/**
 * The real server with the demo's components, one admin, and checks of every kind: an HTTP check
 * with a long URL and a day of results (up, slow, down with an error that carries markup), a TCP
 * check that never answers, and a paused one.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amends-console-checks-'))
  const dbUrl = `file:${join(dir, 'amends.db')}`
  server = await startServer({
    DATABASE_URL: dbUrl,
    PUBLIC_DIR: join(dir, 'public'),
    AMENDS_DEMO: 'true',
    OUTBOUND_ALLOW_PRIVATE: 'true',
  })
  await waitHealthy(server)
  const components = (await server.request('GET', '/api/v1/components')).body as { id: string }[]
  const add = async (body: Record<string, unknown>) => {
    const res = await server.request('POST', '/api/v1/checks', {
      component_id: components[0]!.id,
      interval_seconds: 86_400,
      ...body,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return (res.body as { id: string }).id
  }
  // Port 1 on this machine refuses: the runs the server makes are real failures.
  checkId = await add({
    kind: 'http',
    name: 'Checkout API health (eu-west-1, deep probe through the load balancer)',
    url: 'http://127.0.0.1:1/api/v2/health/checkout-service-with-a-long-name?region=eu-west-1&probe=deep',
    keyword: 'all systems go',
  })
  await add({ kind: 'tcp', name: 'Primary database', host: '127.0.0.1', port: 1 })
  await add({ kind: 'heartbeat', name: 'Nightly billing export', enabled: false })
  const db = await openDatabase(dbUrl)
  try {
    const at = new Date().toISOString()
    const admin = { id: newId(), email: EMAIL, name: 'Robin Okafor', role: 'admin' as const }
    await db.execute(
      insertUser(
        { ...admin, status: 'active', created_at: at, updated_at: at },
        await hashPassword(PASSWORD),
      ),
    )
    // A day of runs every 30 min, oldest first: fast, then a slow hour, then a few failures.
    const now = Date.now()
    const runs = Array.from({ length: 48 }, (_, i) => {
      const down = i >= 40 && i < 44
      return insertResult(newId(), checkId, {
        at: new Date(now - (48 - i) * HOUR * 0.5).toISOString(),
        up: !down,
        response_ms: down ? null : i >= 30 && i < 34 ? 1400 + i * 10 : 90 + ((i * 37) % 80),
        error: down ? 'answered 503 <html><title>Service Unavailable</title>' : null,
      })
    })
    await db.batch(runs, 'write')
  } finally {
    db.close()
  }
})

afterAll(async () => {
  await server?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const browser = useBrowser()

describe('checks in the console (real server, Chromium)', () => {
  it(
    'the list, a check with results, and a new heartbeat: axe clean at 1280 and 390, light and dark',
    { timeout: 400_000 },
    async () => {
      const b = await browser()
      expect(await checkConsolePage(b, server.base, EMAIL, 'checks', '/admin/checks')).toEqual([])
      expect(
        await checkConsolePage(b, server.base, EMAIL, 'check', `/admin/checks/${checkId}`),
      ).toEqual([])
      // The answer to adding a heartbeat: its ping URL, shown once, with a crontab line.
      const added = await checkConsolePage(
        b,
        server.base,
        EMAIL,
        'check-heartbeat-added',
        '/admin/checks?kind=heartbeat',
        async (page) => {
          await page.fill('#f-name', 'Hourly search index rebuild')
          await page.fill('#f-interval_seconds', '3600')
          await Promise.all([
            page.waitForURL(/\/admin\/checks$/),
            page.click('button:has-text("Add the Heartbeat check")'),
          ])
          expect(await page.textContent('code.secret')).toMatch(/\/api\/v1\/heartbeats\/amdbeat_/)
          expect(await page.textContent('pre.snippet')).toContain('curl -fsS')
        },
      )
      expect(added).toEqual([])
    },
  )
})
