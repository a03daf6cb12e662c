import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { createPerson } from '../fixtures/console.ts'
import { checkConsolePage, DESKTOP, PHONE, signInPage } from '../fixtures/console-browser.ts'
import { seedSubscriber, subscriptionsNow } from '../fixtures/subscribers.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const browser = useBrowser()
const ADMIN = 'ann.lee@example.com'
const DAY = 86_400_000

/**
 * The demo page (api/seed/demo.ts) in Berlin time with a realistic list: customers' ops and
 * finance addresses following some components, a few pending, two unsubscribed, one bouncing.
 */
async function world() {
  const t = await createTestApp({ env: { TIME_ZONE: 'Europe/Berlin' } })
  await seedDemo(t.deps)
  await createPerson(t, { role: 'admin', email: ADMIN, name: 'Ann Lee' })
  const comps = (await t.api('GET', '/api/v1/components')).body as { id: string; name: string }[]
  const id = (name: string) => comps.find((c) => c.name === name)!.id
  const list: [string, Parameters<typeof seedSubscriber>[2]][] = [
    ['it-alerts@northwind-traders.example', { ago: 80 * DAY }],
    [
      'priya.natarajan@fabrikam.example',
      { components: [id('Checkout'), id('Payments API')], ago: 62 * DAY },
    ],
    [
      'ops-oncall@contoso.example',
      { components: [id('Public API'), id('Webhooks')], ago: 45 * DAY },
    ],
    ['wang.fang@adventure-works.example', { locale: 'zh-CN', ago: 33 * DAY }],
    ['billing@tailspin-toys.example', { components: [id('Payments API')], ago: 21 * DAY }],
    ['sre-team@wide-world-importers.example', { components: [id('Public API')], ago: 14 * DAY }],
    ['jonas.becker@litware.example', { status: 'pending', ago: 2 * DAY }],
    [
      'status-watch@proseware.example',
      { status: 'pending', components: [id('Login')], ago: DAY / 3 },
    ],
    ['old-contact@fourthcoffee.example', { status: 'unsubscribed', ago: 70 * DAY }],
    ['m.garcia@margies-travel.example', { status: 'unsubscribed', ago: 40 * DAY }],
    ['noc@bouncing-mailbox.example', { status: 'quarantined', ago: 50 * DAY }],
  ]
  const ids: Record<string, string> = {}
  for (const [email, o] of list) ids[email] = await seedSubscriber(t, email, o)
  const base = await serveSite(t, tempDir('public'))
  const csv = [
    'email,components,locale',
    `lena.fischer@alpine-ski-house.example,${id('Checkout')};${id('Payments API')},en`,
    'helpdesk@blue-yonder.example,,en',
    `zhao.lei@adventure-works.example,${id('Public API')},zh-CN`,
    `jonas.becker@litware.example,${id('Dashboard')},`,
    `ops-oncall@contoso.example,${id('Public API')};${id('Webhooks')};${id('Email delivery')},`,
    'it-alerts@northwind-traders.example,,',
    'm.garcia@margies-travel.example,,',
    'noc@bouncing-mailbox.example,,',
  ].join('\n')
  return { t, base, ids, csv }
}

/** Chooses `csv` as the file in the import form and waits for the preview. */
const previewing = (csv: string) => async (page: Page) => {
  await page.setInputFiles('#f-file', {
    name: 'customers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  })
  await Promise.all([
    page.waitForURL(/\/admin\/subscribers\/import$/),
    page.click('button:has-text("Preview import")'),
  ])
  await page.waitForSelector('h1:has-text("Import preview")')
}

describe('the Subscribers section in Chromium', () => {
  it(
    'list, one subscriber, the import form, its preview and its problems: axe 0, no sideways scroll, light and dark',
    { timeout: 400_000 },
    async () => {
      const { base, ids, csv } = await world()
      const b = await browser()
      const check = (name: string, path: string, then?: (page: Page) => Promise<void>) =>
        checkConsolePage(b, base, ADMIN, name, path, then)
      expect(await check('subscribers', '/admin/subscribers')).toEqual([])
      expect(
        await check('subscribers-search', '/admin/subscribers?q=example&status=pending'),
      ).toEqual([])
      expect(
        await check('subscriber', `/admin/subscribers/${ids['ops-oncall@contoso.example']}`),
      ).toEqual([])
      expect(
        await check('subscribers-import', '/admin/subscribers/import', async (page) => {
          await page.click('summary:has-text("The file’s format")')
        }),
      ).toEqual([])
      expect(
        await check('subscribers-import-preview', '/admin/subscribers/import', previewing(csv)),
      ).toEqual([])
      const bad = `${csv}\nnot-an-address,,\nlena.fischer@alpine-ski-house.example,,fr\n`
      expect(
        await check('subscribers-import-problems', '/admin/subscribers/import', async (page) => {
          await page.fill('#f-csv', bad)
          await Promise.all([
            page.waitForURL(/import$/),
            page.click('button:has-text("Preview import")'),
          ])
          await page.waitForSelector('#problems-h')
        }),
      ).toEqual([])
    },
  )

  it(
    'imports through the real forms on a phone, then erases one subscriber with the dialog',
    { timeout: 120_000 },
    async () => {
      const { t, base, csv } = await world()
      const context = await (await browser()).newContext(PHONE)
      const page = await context.newPage()
      const dialogs: string[] = []
      page.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.accept()
      })
      await signInPage(page, base, ADMIN)
      await page.goto(`${base}/admin/subscribers`)
      await page.getByRole('link', { name: 'Import CSV' }).click()
      await previewing(csv)(page)
      expect(await page.locator('.tally').textContent()).toMatch(
        /3\s*new\s*2\s*updated\s*2\s*skipped\s*1\s*unchanged/,
      )
      await page.getByRole('button', { name: 'Import 5 changes' }).click()
      await page.waitForURL(/\/admin\/subscribers\?notice=imported$/)
      expect(await page.getByRole('status').textContent()).toBe(
        'Import done: the subscribers are as the preview showed',
      )
      const now = await subscriptionsNow(t)
      expect(now.find((x) => x.email === 'jonas.becker@litware.example')).toMatchObject({
        status: 'confirmed',
      })
      expect(now.find((x) => x.email === 'm.garcia@margies-travel.example')).toMatchObject({
        status: 'unsubscribed',
      })

      await page.getByRole('link', { name: 'zhao.lei@adventure-works.example' }).click()
      await page
        .getByLabel('Yes, erase zhao.lei@adventure-works.example and its delivery records')
        .check()
      await page.getByRole('button', { name: 'Erase subscriber' }).click()
      await page.waitForURL(/notice=removed$/)
      expect(dialogs).toEqual(['Erase zhao.lei@adventure-works.example? This cannot be undone.'])
      expect((await subscriptionsNow(t)).map((x) => x.email)).not.toContain(
        'zhao.lei@adventure-works.example',
      )
      await context.close()
    },
  )

  it('the export link downloads a CSV file', { timeout: 60_000 }, async () => {
    const { base } = await world()
    const context = await (await browser()).newContext({ ...DESKTOP, acceptDownloads: true })
    const page = await context.newPage()
    await signInPage(page, base, ADMIN)
    await page.goto(`${base}/admin/subscribers`)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('subscribers-2026-03-10.csv')
    await context.close()
  })
})
