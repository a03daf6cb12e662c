// The pages the API serves itself (subscribe, confirm, manage, unsubscribe, feedback), walked
// through in Chromium as a subscriber does, in English and in Chinese: the status site's
// navigation, <html lang> in the reader's language, no overflow at 320 px, axe in light and dark.
import { AxeBuilder } from '@axe-core/playwright'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { followUpLinks, subscriberLinks } from '../../api/services/links.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const SCREENS = join(import.meta.dirname, '../../test-artifacts/screenshots/embeds')
const browser = useBrowser()
const SITE = 'https://status.example.com'
const NAV = ['/', '/history/', '/uptime/', '/subscribe/', '/report/']
const LANG: Record<Locale, string> = { en: 'en', 'zh-CN': 'zh-CN' }

/** The frame, the language, the layout at three widths and axe in both colour schemes. */
async function check(page: Page, name: string, locale: Locale, problems: string[]) {
  const at = (p: string) => (locale === 'en' ? `${SITE}${p}` : `${SITE}/${locale}${p}`)
  expect(await page.locator('html').getAttribute('lang'), name).toBe(LANG[locale])
  const nav = page.locator('header.top nav a')
  expect(await nav.evaluateAll((as) => as.map((a) => a.getAttribute('href'))), name).toEqual(
    NAV.map(at),
  )
  expect(await page.locator('header.top a.brand').getAttribute('href')).toBe(at('/'))
  expect(await page.locator('footer.foot a').getAttribute('href')).toBe(at('/report/'))
  expect(await page.locator('link[rel=icon]').count()).toBe(1)
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    for (const width of [1280, 390, 320]) {
      await page.setViewportSize({ width, height: 900 })
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow, `${name} ${width} ${scheme}`).toBeLessThanOrEqual(0)
      if (width === 320) continue
      await page.screenshot({
        path: join(SCREENS, `${name}-${width}-${scheme}-${locale}.png`),
        fullPage: true,
      })
    }
    await page.setViewportSize({ width: 1280, height: 900 })
    const axe = await new AxeBuilder({ page }).analyze()
    expect(
      axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `${name} ${scheme} ${locale}`,
    ).toEqual([])
  }
  await page.emulateMedia({ colorScheme: 'light' })
  expect(problems, name).toEqual([])
}

async function subscriberId(t: TestApp, email: string) {
  const rs = await t.deps.db.execute(
    'SELECT id, token_version FROM subscribers WHERE email_normalized = ?',
    [email],
  )
  return { id: rs.rows[0]!.id as string, token_version: Number(rs.rows[0]!.token_version) }
}

describe('the API pages in Chromium', () => {
  for (const locale of ['en', 'zh-CN'] as const) {
    // Ten pages, each at three widths in two colour schemes: more than the usual two minutes.
    it(`carry the status site's frame and language (${locale})`, { timeout: 400_000 }, async () => {
      const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
      await makeComponent(t, { name: 'Payments API' })
      await makeComponent(t, { name: 'Dashboard' })
      const incident = await makeIncident(t, { name: 'Card charges failing' })
      const base = await serveSite(t, tempDir('public'))
      mkdirSync(SCREENS, { recursive: true })
      const page = await (await (await browser()).newContext()).newPage()
      const problems: string[] = []
      page.on('pageerror', (e) => problems.push(e.message))
      page.on('console', (m) => {
        // A page answered 400 (a dead link) is logged as such: it is the page's own status.
        if (m.type() === 'error' && !/status of 400/.test(m.text())) problems.push(m.text())
      })
      const path = (u: string) => `${base}${new URL(u).pathname}`

      const query = locale === 'en' ? '' : `?locale=${locale}`
      await page.goto(`${base}/subscribe/email${query}`)
      await check(page, 'subscribe-email', locale, problems)
      // The channel tabs keep the reader's language.
      expect(await page.locator('.tabs a').nth(1).getAttribute('href')).toBe(
        `/subscribe/${await page
          .locator('.tabs a')
          .nth(1)
          .innerText()
          .then((x) => x.toLowerCase())}${query}`,
      )
      await page.goto(`${base}/subscribe/webhook${query}`)
      await check(page, 'subscribe-webhook', locale, problems)

      const email = `reader-${locale.toLowerCase()}@example.com`
      await page.goto(`${base}/subscribe/email${query}`)
      await page.locator('#f-email').fill(email)
      await page.locator('form[action="/subscribe"] button[type=submit]').click()
      await page.waitForLoadState()
      await check(page, 'subscribe-accepted', locale, problems)

      const s = await subscriberId(t, email)
      const links = await subscriberLinks(t.deps, s)
      await page.goto(path(links.confirm))
      await check(page, 'confirm', locale, problems)
      await page.locator('main form button').click()
      await page.waitForLoadState()
      await check(page, 'confirmed', locale, problems)

      await page.goto(path(links.manage))
      await check(page, 'manage', locale, problems)

      const follow = await followUpLinks(t.deps, s, incident.id as string, t.clock.now())
      await page.goto(path(follow.still_affected))
      await check(page, 'follow-up', locale, problems)
      await page.locator('main form button[type=submit]').click()
      await page.waitForLoadState()
      await check(page, 'follow-up-saved', locale, problems)

      await page.goto(path(links.unsubscribe))
      await check(page, 'unsubscribe', locale, problems)
      await page.locator('main form button').click()
      await page.waitForLoadState()
      await check(page, 'unsubscribed', locale, problems)

      // Pages with no subscriber to go by are in the page's default language.
      if (locale === 'en') {
        await page.goto(`${base}/manage/not-a-token`)
        await check(page, 'invalid-link', 'en', problems)
        await page.goto(`${base}/subscribe/code?token=expired`)
        await check(page, 'code-expired', 'en', problems)
      }
    })
  }
})
