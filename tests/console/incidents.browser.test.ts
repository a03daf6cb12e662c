import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newId } from '../../core/ids.ts'
import { hashPassword } from '../../api/http/passwords.ts'
import { openDatabase } from '../../db/open.node.ts'
import { insertUser } from '../../db/users.ts'
import { useBrowser } from '../fixtures/browser.ts'
import { PASSWORD } from '../fixtures/console.ts'
import {
  checkConsolePage,
  expectNoHorizontalScroll,
  PHONE,
  signInPage,
} from '../fixtures/console-browser.ts'
import {
  startServer,
  waitFor,
  waitHealthy,
  type ServerProcess,
} from '../fixtures/server-process.ts'

const EMAIL = 'oncall@example.com'

let server: ServerProcess
let dir: string

/**
 * The real `node api/node.ts` with its publisher and the demo (an open incident, maintenance,
 * customer reports), and one editor written into its database the way an invitation would
 * leave them: active, with a password.
 */
beforeAll(async () => {
  // One server for the file (tempDir is per test): removed after the last test.
  dir = mkdtempSync(join(tmpdir(), 'amends-console-incidents-'))
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
    await db.execute(
      insertUser(
        {
          id: newId(),
          email: EMAIL,
          name: 'Robin Okafor',
          role: 'editor',
          status: 'active',
          created_at: at,
          updated_at: at,
        },
        await hashPassword(PASSWORD),
      ),
    )
  } finally {
    db.close()
  }
})

afterAll(async () => {
  await server?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const browser = useBrowser()

/** Waits until the published static page at `path` says `text` (the publisher's job). */
async function published(path: string, text: string) {
  await waitFor(
    `${path} to say “${text}”`,
    async () => {
      const res = await fetch(server.base + path)
      return res.ok && (await res.text()).includes(text)
    },
    server.output,
    15_000,
  )
}

async function openIncidentIds(): Promise<string[]> {
  const res = await server.request('GET', '/api/v1/incidents?status=unresolved')
  return (res.body as { id: string }[]).map((i) => i.id)
}

/** Fills the playbook form: two components hit, a region. */
async function fillPlaybook(page: Page) {
  await page.getByLabel('Checkout', { exact: true }).selectOption('major_outage')
  await page.getByLabel('Payments API', { exact: true }).selectOption('partial_outage')
  await page.getByText('More details (optional)').click()
  await page.getByLabel('Region (optional)').fill('EU (Frankfurt)')
}

describe('running an incident from a phone', () => {
  it('opens it from a playbook, posts two updates and resolves it, each published on the status page', async () => {
    const context = await (await browser()).newContext(PHONE)
    const page = await context.newPage()
    await signInPage(page, server.base, EMAIL)
    await page.goto(`${server.base}/admin/`)
    await page.getByRole('link', { name: 'Open an incident' }).click()
    await page.getByRole('link', { name: 'Database outage' }).click()
    await fillPlaybook(page)

    // The live preview follows the typing (console-js data-preview), before anything is saved.
    // (What still works is computed from the components, not typed into the playbook.)
    await page.locator('#f-vars-workaround').fill('pay by bank transfer')
    await expect
      .poll(() => page.locator('#preview').innerText())
      .toContain('While we fix this, you can pay by bank transfer.')
    await page.getByRole('button', { name: 'Preview' }).click()
    await page.waitForURL(/\/admin\/incidents\/new#preview$/)
    const preview = await page.locator('#preview').innerText()
    expect(preview).toContain('Payments API and Checkout unavailable in EU (Frankfurt)')
    expect(preview).toContain(
      'Subject: [Amends] Investigating: Payments API and Checkout unavailable',
    )
    await expectNoHorizontalScroll(page, 'open form with preview')
    expect(await openIncidentIds()).toHaveLength(1)

    await page.getByRole('button', { name: 'Publish the incident' }).click()
    await page.waitForURL(/\/admin\/incidents\/[0-9a-z]{12}\?notice=opened$/)
    const id = /incidents\/([0-9a-z]{12})/.exec(page.url())![1]!
    expect(await page.getByRole('status').innerText()).toBe('The incident is open and published.')
    await published(`/incidents/${id}/`, 'Payments API and Checkout unavailable in EU (Frankfurt)')
    await published(`/incidents/${id}/`, 'pay by bank transfer')
    await published('/', 'Payments API and Checkout unavailable in EU (Frankfurt)')

    // First update: the playbook's wording for "identified", one tap away.
    await page.getByRole('link', { name: 'Identified', exact: true }).click()
    const update = page.locator('#update form')
    expect(await update.getByLabel('Status').inputValue()).toBe('identified')
    expect(await update.getByLabel('Message').inputValue()).toMatch(/We have found the cause/)
    await update.getByRole('button', { name: 'Post the update' }).click()
    await page.waitForURL(/\?notice=updated$/)
    await published(
      `/incidents/${id}/`,
      'We have found the cause of the database problem affecting Payments API and Checkout',
    )

    // Second update: in our own words, Checkout better already.
    const second = page.locator('#update form')
    await second.getByLabel('Status').selectOption('monitoring')
    await second
      .getByLabel('Message')
      .fill('A fix is rolling out. Most card payments go through again.')
    await second.getByLabel('Checkout', { exact: true }).selectOption('partial_outage')
    await second.getByRole('button', { name: 'Post the update' }).click()
    await page.waitForURL(/\?notice=updated$/)
    await published(
      `/incidents/${id}/`,
      'A fix is rolling out. Most card payments go through again.',
    )

    // Resolve: a major incident, so the apology is asked for, prefilled from the playbook.
    await page.getByText('Write the resolution and the apology').click()
    const resolve = page.locator('#resolve form')
    expect(await resolve.getByLabel('Apology').inputValue()).toMatch(
      /^We're sorry\. Payments API and Checkout were unavailable in EU .*Frankfurt.* for \d+ minutes?,/,
    )
    await expectNoHorizontalScroll(page, 'incident with its forms')
    await resolve.getByRole('button', { name: 'Resolve the incident' }).click()
    await page.waitForURL(/\?notice=resolved$/)
    expect(await page.getByRole('status').innerText()).toBe('The incident is resolved.')
    await published(`/incidents/${id}/`, 'This incident is resolved')
    await published(`/incidents/${id}/`, 'Payments API and Checkout were unavailable in EU')
    const got = (await server.request('GET', `/api/v1/incidents/${id}`)).body as {
      status: string
      incident_updates: unknown[]
      apology: string
    }
    expect(got.status).toBe('resolved')
    expect(got.incident_updates).toHaveLength(4)
    expect(got.apology).toMatch(/^We're sorry\./)
    await context.close()
  })
})

describe('console incident pages: axe, 390 px, screenshots (demo data)', () => {
  it('Now', async () => {
    expect(await checkConsolePage(await browser(), server.base, EMAIL, 'now', '/admin/')).toEqual(
      [],
    )
  })

  it('the incidents list', async () => {
    const b = await browser()
    expect(await checkConsolePage(b, server.base, EMAIL, 'incidents', '/admin/incidents')).toEqual(
      [],
    )
  })

  it('opening an incident, with its preview shown', async () => {
    const b = await browser()
    const found = await checkConsolePage(
      b,
      server.base,
      EMAIL,
      'incident-new',
      '/admin/incidents/new?playbook=database-outage',
      async (page) => {
        await fillPlaybook(page)
        await page.getByRole('button', { name: 'Preview' }).click()
        await page.waitForURL(/#preview$/)
        await page.locator('#preview pre.mail').waitFor()
        // The whole page from its top (the Preview button took it to #preview).
        await page.evaluate(() => window.scrollTo(0, 0))
      },
    )
    expect(found).toEqual([])
  })

  it('an open incident', async () => {
    const [id] = await openIncidentIds()
    const b = await browser()
    expect(
      await checkConsolePage(b, server.base, EMAIL, 'incident', `/admin/incidents/${id}`),
    ).toEqual([])
  })

  it('a resolved incident', async () => {
    const res = await server.request('GET', '/api/v1/incidents?status=resolved&per_page=100')
    const outage = (res.body as { id: string; name: string }[]).find(
      (i) => i.name === 'Payments API outage',
    )!
    const b = await browser()
    expect(
      await checkConsolePage(
        b,
        server.base,
        EMAIL,
        'incident-resolved',
        `/admin/incidents/${outage.id}`,
      ),
    ).toEqual([])
  })
})
