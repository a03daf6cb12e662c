import { describe, expect, it } from 'vitest'
import { newId } from '../../core/ids.ts'
import { insertResult } from '../../db/checks.ts'
import { openDatabase } from '../../db/open.node.ts'
import { useBrowser } from '../fixtures/browser.ts'
import { checkConsolePage } from '../fixtures/console-browser.ts'
import { startConsoleServer } from '../fixtures/console-server.ts'
import { stopServersAfterEach } from '../fixtures/server-process.ts'

const HOUR = 3_600_000
const servers = stopServersAfterEach()
const browser = useBrowser()

/**
 * The real server with the demo's components, one admin, and checks of every kind: an HTTP check
 * with a long URL and a day of results (up, slow, down with an error that carries markup), a TCP
 * check that never answers, and a paused heartbeat.
 */
async function serverWithChecks() {
  const server = await startConsoleServer({ AMENDS_DEMO: 'true', OUTBOUND_ALLOW_PRIVATE: 'true' })
  servers.push(server)
  const admin = await server.addPerson('admin', { name: 'Robin Okafor' })
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
  const checkId = await add({
    kind: 'http',
    name: 'Checkout API health (eu-west-1, deep probe through the load balancer)',
    url: 'http://127.0.0.1:1/api/v2/health/checkout-service-with-a-long-name?region=eu-west-1&probe=deep',
    keyword: 'all systems go',
  })
  await add({ kind: 'tcp', name: 'Primary database', host: '127.0.0.1', port: 1 })
  await add({ kind: 'heartbeat', name: 'Nightly billing export', enabled: false })
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
  const db = await openDatabase(server.dbUrl)
  try {
    await db.batch(runs, 'write')
  } finally {
    db.close()
  }
  return { server, email: admin.email, checkId }
}

describe('checks in the console (real server, Chromium)', () => {
  it(
    'the list, a check with results, and a new heartbeat: axe clean at 1280 and 390, light and dark',
    { timeout: 400_000 },
    async () => {
      const b = await browser()
      const { server, email, checkId } = await serverWithChecks()
      expect(await checkConsolePage(b, server.base, email, 'checks', '/admin/checks')).toEqual([])
      expect(
        await checkConsolePage(b, server.base, email, 'check', `/admin/checks/${checkId}`),
      ).toEqual([])
      // The answer to adding a heartbeat: its ping URL, shown once, with a crontab line.
      const added = await checkConsolePage(
        b,
        server.base,
        email,
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
