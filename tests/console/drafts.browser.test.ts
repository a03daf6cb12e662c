import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../api/http/passwords.ts'
import { newId } from '../../core/ids.ts'
import { openDatabase } from '../../db/open.node.ts'
import { insertUser } from '../../db/users.ts'
import { useBrowser } from '../fixtures/browser.ts'
import { PASSWORD } from '../fixtures/console.ts'
import { checkConsolePage, DESKTOP, signInPage } from '../fixtures/console-browser.ts'
import { startServer, waitHealthy, type ServerProcess } from '../fixtures/server-process.ts'

const EMAIL = 'admin@example.com'

let server: ServerProcess
let dir: string
let draftId = ''
let reportsDraftId = ''

/**
 * The real server with the demo's components and incidents, one admin, one rule, and alerts
 * from Alertmanager and the generic format: the drafts an on-call person would meet.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amends-console-drafts-'))
  const dbUrl = `file:${join(dir, 'amends.db')}`
  server = await startServer({
    DATABASE_URL: dbUrl,
    PUBLIC_DIR: join(dir, 'public'),
    AMENDS_DEMO: 'true',
  })
  await waitHealthy(server)
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
  } finally {
    db.close()
  }
  const components = (await server.request('GET', '/api/v1/components')).body as {
    id: string
    name: string
  }[]
  const [first, second] = components
  const rule = await server.request('POST', '/api/v1/alert-rules', {
    source: 'alertmanager',
    match: { service: 'payments', env: 'prod' },
    component_id: first!.id,
    component_status: 'partial_outage',
  })
  expect(rule.status).toBe(201)
  const am = await server.request('POST', '/api/v1/alerts/alertmanager', {
    status: 'firing',
    alerts: ['payments-7f9', 'payments-2c1'].map((pod) => ({
      status: 'firing',
      labels: {
        alertname: 'HighErrorRate',
        service: 'payments',
        env: 'prod',
        pod,
        severity: 'critical',
      },
      annotations: { summary: `5xx rate above 5% on ${pod} for 5 minutes` },
      fingerprint: pod,
    })),
  })
  expect(am.status).toBe(202)
  draftId = (am.body as { drafts: { id: string }[] }).drafts[0]!.id
  const generic = await server.request('POST', '/api/v1/alerts/generic', {
    status: 'firing',
    component: second!.name,
    severity: 'warning',
    summary: 'p99 latency 2.4 s (<script>alert(1)</script> in a label stays text)',
    id: 'latency',
  })
  expect(generic.status).toBe(202)
  // Five customers report trouble with a third component (the form's limit is five an hour per
  // address): a draft from reports, with them attached; three left an address.
  const third = components[2]!
  for (let n = 1; n <= 5; n++) {
    const res = await server.request('POST', '/api/v1/feedback', {
      component: third.id,
      message:
        n === 1
          ? 'Exports have been stuck at 0 % for twenty minutes — our month-end close depends on them, <b>please</b> look.'
          : `Export ${n} never finishes`,
      ...(n <= 3 ? { email: `customer${n}@example.com` } : {}),
    })
    expect(res.status).toBe(202)
  }
  const open = (await server.request('GET', '/api/v1/drafts?state=open')).body as {
    id: string
    origin: string
    report_count: number
  }[]
  const fromReports = open.find((d) => d.origin === 'reports')!
  expect(fromReports.report_count).toBe(5)
  reportsDraftId = fromReports.id
})

afterAll(async () => {
  await server?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const browser = useBrowser()

describe('drafts in the console (real server, Chromium)', () => {
  it(
    'Now with drafts, the draft page and the rules page: axe clean at 1280 and 390, light and dark',
    {
      timeout: 400_000,
    },
    async () => {
      const b = await browser()
      expect(await checkConsolePage(b, server.base, EMAIL, 'now-drafts', '/admin/')).toEqual([])
      expect(
        await checkConsolePage(b, server.base, EMAIL, 'draft', `/admin/drafts/${draftId}`),
      ).toEqual([])
      const reports = await checkConsolePage(
        b,
        server.base,
        EMAIL,
        'draft-reports',
        `/admin/drafts/${reportsDraftId}`,
        async (page) => {
          const section = page.locator('section[aria-labelledby="reports-h"]')
          expect(await section.locator('h2').textContent()).toBe('Customer reports (5)')
          expect((await section.innerText()).replace(/\s+/g, ' ')).toContain(
            'Publishing thanks the 3 people who left an address',
          )
          // The customer's markup is text, never live.
          expect(await section.locator('b').count()).toBe(0)
          expect(await section.locator('a[href^="/admin/inbox/"]').count()).toBe(5)
        },
      )
      expect(reports).toEqual([])
      // The rules page as a token was just made: shown once, with the sender's configuration.
      const rotated = await checkConsolePage(
        b,
        server.base,
        EMAIL,
        'alert-rules',
        '/admin/alert-rules',
        async (page) => {
          page.on('dialog', (d) => void d.accept())
          await Promise.all([
            page.waitForURL(/\/admin\/alert-sources\/alertmanager\/token$/),
            page.click('button:has-text("New Alertmanager token")'),
          ])
          expect(await page.textContent('pre.snippet')).toContain('webhook_configs:')
        },
      )
      expect(rotated).toEqual([])
    },
  )

  it('publishes a draft with one click from the Now page', { timeout: 120_000 }, async () => {
    const page = await (await (await browser()).newContext(DESKTOP)).newPage()
    await signInPage(page, server.base, EMAIL)
    await page.goto(`${server.base}/admin/`)
    const card = page.locator('.draft-card', {
      has: page.locator(`a[href="/admin/drafts/${draftId}"]`),
    })
    await Promise.all([
      page.waitForURL(/\/admin\/incidents\/[^/]+\?notice=opened/),
      card.locator('button', { hasText: 'Publish as is' }).click(),
    ])
    const draft = (await server.request('GET', `/api/v1/drafts/${draftId}`)).body as {
      state: string
      incident_id: string
    }
    expect(draft.state).toBe('published')
    expect(new URL(page.url()).pathname).toBe(`/admin/incidents/${draft.incident_id}`)
  })
})
