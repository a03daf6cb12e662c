// The status site's frame, home and uptime pages as designed (issue 13): the demo brand and both
// languages, in real Chromium over the real stack (temp libSQL, publisher, Node handler).
import { AxeBuilder } from '@axe-core/playwright'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { COLOUR_RULES, openPage, serveSite, useBrowser } from '../fixtures/browser.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const SCREENS = join(import.meta.dirname, '../../test-artifacts/screenshots/look')
const LOCALES = ['en', 'zh-CN'] as const

const browser = useBrowser()

/** The demo as `npm start` runs it: its brand and both languages, published and served. */
async function demoSite(env: Record<string, string> = {}) {
  const t = await createTestApp({
    env: { AMENDS_DEMO: 'true', LOCALES: 'en,zh-CN', TIME_ZONE: 'Asia/Shanghai', ...env },
  })
  await seedDemo(t.deps)
  const { publisher, outDir } = await publisherFor(t)
  await publisher.publishAll()
  const base = await serveSite(t, outDir)
  return { t, base, outDir }
}

const at = (locale: string, path: string) => (locale === 'en' ? path : `/${locale}${path}`)
const PAGES = { home: '/', uptime: '/uptime/', '404': '/no-such-page/' } as const

/** How far the document is wider than the viewport (0 when nothing scrolls sideways). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

describe('the designed frame, home and uptime pages', () => {
  it('no page scrolls sideways at 320 and 390 px, in either language; axe 0 light and dark', async () => {
    const { t, base } = await demoSite()
    const wide: string[] = []
    for (const width of [320, 390]) {
      const page = await openPage(await browser(), t, { viewport: { width, height: 800 } })
      for (const locale of LOCALES)
        for (const path of Object.values(PAGES)) {
          await page.goto(base + at(locale, path))
          const extra = await overflow(page)
          if (extra > 0) wide.push(`${at(locale, path)} at ${width}px: ${extra}px too wide`)
        }
      await page.context().close()
    }
    expect(wide, wide.join('\n')).toEqual([])

    const found: string[] = []
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await openPage(await browser(), t, { colorScheme })
      for (const locale of LOCALES)
        for (const path of Object.values(PAGES)) {
          await page.goto(base + at(locale, path))
          await page.evaluate(() =>
            document.querySelectorAll('details').forEach((d) => (d.open = true)),
          )
          const axe = new AxeBuilder({ page })
            .setLegacyMode(true)
            .options({ resultTypes: ['violations'] })
          if (colorScheme === 'dark') axe.withRules(COLOUR_RULES)
          for (const v of (await axe.analyze()).violations)
            found.push(
              `${colorScheme} ${at(locale, path)}: ${v.id} ${v.help}: ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(', ')}`,
            )
        }
      await page.context().close()
    }
    expect(found, found.join('\n')).toEqual([])
  })

  it('zh-CN pages: <html lang>, hreflang alternates, canonical and a language switch to the same page', async () => {
    const { t, base } = await demoSite()
    const page = await openPage(await browser(), t, { javaScriptEnabled: false })
    for (const path of ['/', '/uptime/', '/history/']) {
      await page.goto(`${base}/zh-CN${path}`)
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
      const alternates = await page
        .locator('link[rel="alternate"][hreflang]')
        .evaluateAll((ls) =>
          ls.map((l) => `${l.getAttribute('hreflang')} ${l.getAttribute('href')}`),
        )
      expect(alternates, path).toEqual([
        `en https://status.example.com${path}`,
        `zh-CN https://status.example.com/zh-CN${path}`,
        `x-default https://status.example.com${path}`,
      ])
      expect(await page.getAttribute('link[rel="canonical"]', 'href')).toBe(
        `https://status.example.com/zh-CN${path}`,
      )
      const switcher = page.getByRole('navigation', { name: '语言' })
      expect(await switcher.getByRole('link', { name: 'English' }).getAttribute('href')).toBe(path)
      const current = switcher.getByRole('link', { name: '简体中文' })
      expect(await current.getAttribute('aria-current')).toBe('true')
      // Every link of the main navigation stays in Chinese.
      for (const href of await page
        .getByRole('navigation', { name: '主导航' })
        .getByRole('link')
        .evaluateAll((ls) => ls.map((l) => l.getAttribute('href'))))
        expect(href).toMatch(/^\/zh-CN\//)
      // Following the switch lands on the same page in English.
      await switcher.getByRole('link', { name: 'English' }).click()
      expect(new URL(page.url()).pathname).toBe(path)
      expect(await page.getAttribute('html', 'lang')).toBe('en')
    }
    // The zh-CN 404 speaks Chinese.
    const res = await page.goto(`${base}/zh-CN/no-such-page/`)
    expect(res?.status()).toBe(404)
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('页面不存在')
    // One locale: no switch and no alternates.
    const single = await createTestApp()
    await makeComponent(single, { name: 'API' })
    const { publisher, outDir } = await publisherFor(single)
    await publisher.publishAll()
    const html = readFileSync(join(outDir, 'index.html'), 'utf8')
    expect(html).toContain('<html lang="en"')
    expect(html).not.toContain('hreflang')
    expect(existsSync(join(outDir, 'zh-CN'))).toBe(false)
  })

  it('the brand: colour as accent, logo, favicon, extra CSS, company and support links; files published', async () => {
    const { t, base, outDir } = await demoSite({
      BRAND_CSS: 'tests/fixtures/brand-extra.css',
      BRAND_FAVICON: 'site/public/favicon.svg',
      COMPANY_NAME: 'Example Inc',
      COMPANY_URL: 'https://example.com/',
      SUPPORT_URL: 'https://example.com/support',
    })
    for (const f of ['brand/logo.svg', 'brand/favicon.svg', 'brand/brand.css'])
      expect(existsSync(join(outDir, f)), f).toBe(true)
    const page = await openPage(await browser(), t)
    const failed: string[] = []
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().includes('no-such')) failed.push(r.url())
    })
    await page.goto(`${base}/`)
    expect(await page.locator('.brand img').getAttribute('src')).toBe('/brand/logo.svg')
    expect(await page.getAttribute('link[rel="icon"]', 'href')).toBe('/brand/favicon.svg')
    // The extra stylesheet comes after the page's own styles, so its rules win.
    const last = await page.evaluate(() => {
      const sheets = [...document.querySelectorAll('style, link[rel="stylesheet"]')]
      return sheets.at(-1)?.getAttribute('href')
    })
    expect(last).toBe('/brand/brand.css')
    expect(
      await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue('--accent'),
      ),
    ).toBe('#5b3cc4')
    expect(await page.getByRole('link', { name: 'Back to Example Inc' }).getAttribute('href')).toBe(
      'https://example.com/',
    )
    expect(await page.getByRole('link', { name: 'Support' }).getAttribute('href')).toBe(
      'https://example.com/support',
    )
    expect(failed, failed.join('\n')).toEqual([])
  })

  it('a missing brand file fails the publish naming its variable', async () => {
    const t = await createTestApp({ env: { BRAND_LOGO: '/nowhere/logo.svg' } })
    const { publisher } = await publisherFor(t)
    await expect(publisher.publishAll()).rejects.toThrow(
      'BRAND_LOGO names a file that does not exist: /nowhere/logo.svg',
    )
  })

  it('without a brand favicon the default one is served (no 404)', async () => {
    const t = await createTestApp({ env: { AMENDS_DEMO: 'false' } })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const base = await serveSite(t, outDir)
    const html = await (await fetch(`${base}/`)).text()
    expect(html).toContain('<link rel="icon" href="/favicon.svg"')
    expect((await fetch(`${base}/favicon.svg`)).status).toBe(200)
  })

  it('the banner never reads better than an open incident', async () => {
    const t = await createTestApp()
    const pay = await makeComponent(t, { name: 'Payments API' })
    await makeComponent(t, { name: 'Dashboard' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const base = await serveSite(t, outDir)
    const banner = async () => {
      await publisher.catchUp()
      const page = await openPage(await browser(), t, { javaScriptEnabled: false })
      await page.goto(`${base}/`)
      const text = await page.locator('#banner-text').innerText()
      const indicator = await page.locator('#banner').getAttribute('data-indicator')
      await page.context().close()
      return { text, indicator }
    }
    // A critical incident while every component still reads operational.
    const crit = await t.api('POST', '/api/v1/incidents', {
      name: 'Logins failing',
      status: 'investigating',
      impact: 'critical',
      body: 'We are looking into it.',
      components: {},
    })
    expect(crit.status, JSON.stringify(crit.body)).toBe(201)
    expect(await banner()).toEqual({ text: 'Major Service Outage', indicator: 'critical' })
    await t.api('POST', `/api/v1/incidents/${crit.body.id as string}/resolve`, { body: 'Fixed.' })
    // A major incident over one partial outage: the components alone would say "minor".
    const major = await t.api('POST', '/api/v1/incidents', {
      name: 'Card charges failing',
      status: 'investigating',
      impact: 'major',
      body: 'Some charges time out.',
      components: { [pay.id]: 'partial_outage' },
    })
    expect(major.status).toBe(201)
    expect(await banner()).toEqual({ text: 'Partial System Outage', indicator: 'major' })
    // The Statuspage v2 JSON keeps Statuspage's component-only indicator.
    const v2 = (await (await fetch(`${base}/api/v2/status.json`)).json()) as {
      status: { indicator: string }
    }
    expect(v2.status.indicator).toBe('minor')
    await t.api('POST', `/api/v1/incidents/${major.body.id as string}/resolve`, { body: 'Fixed.' })
    expect(await banner()).toEqual({ text: 'All Systems Operational', indicator: 'none' })
  })

  it('uptime bars: every day at full height, each day reachable by keyboard with its incidents as links', async () => {
    const { t, base } = await demoSite()
    for (const javaScriptEnabled of [false, true]) {
      const page = await openPage(await browser(), t, {
        javaScriptEnabled,
        viewport: { width: 1280, height: 900 },
      })
      await page.goto(`${base}/uptime/`)
      const heights = await page
        .locator('.bar li')
        .evaluateAll((ls) => [...new Set(ls.map((l) => l.getBoundingClientRect().height))])
      expect(heights, 'one height for every day').toHaveLength(1)
      expect(heights[0]).toBeGreaterThan(20)
      // A day with an incident: reach it by keyboard, see its tooltip, tab into its link.
      const day = page.locator('.bar li:has(a)').first()
      expect(await day.count()).toBe(1)
      const name = (await day.locator('a').first().textContent())!
      const href = (await day.locator('a').first().getAttribute('href'))!
      if (javaScriptEnabled) {
        // One tab stop per bar; the arrows walk the days.
        const bar = day.locator('xpath=..')
        await bar.locator('li[tabindex="0"]').focus()
        const all = await bar.locator('li').count()
        const index = await day.evaluate((li) => [...li.parentElement!.children].indexOf(li))
        for (let i = all - 1; i > index; i--) await page.keyboard.press('ArrowLeft')
      } else {
        await day.focus()
      }
      expect(await day.evaluate((li) => li === document.activeElement)).toBe(true)
      const tip = day.locator('span')
      expect(await tip.isVisible()).toBe(true)
      expect((await tip.boundingBox())!.width).toBeGreaterThan(100)
      await page.keyboard.press('Tab')
      const focused = await page.evaluate(() => document.activeElement?.textContent)
      expect(focused).toBe(name)
      expect(await tip.isVisible(), 'the tooltip stays open while its link has focus').toBe(true)
      await page.keyboard.press('Enter')
      await page.waitForURL(`**${href}`)
      await page.context().close()
    }
    // On a phone the bar draws 30 days and every word about it says 30.
    const phone = await openPage(await browser(), t, { viewport: { width: 390, height: 800 } })
    await phone.goto(`${base}/`)
    const bar = phone.locator('.up').first()
    const drawn = await bar
      .locator('.bar li')
      .evaluateAll((ls) => ls.filter((l) => l.getBoundingClientRect().width > 0).length)
    expect(drawn).toBe(30)
    expect(await bar.locator('.up-l').innerText()).toMatch(/^30 days ago\s.*over 30 days\s+Today$/)
  })

  it('screenshots: home, uptime and 404 at 1280 and 390, light and dark, en and zh-CN', async () => {
    const { t, base } = await demoSite()
    mkdirSync(SCREENS, { recursive: true })
    for (const width of [1280, 390])
      for (const scheme of ['light', 'dark'] as const) {
        const page = await openPage(await browser(), t, {
          viewport: { width, height: width === 390 ? 844 : 900 },
          colorScheme: scheme,
          timezoneId: 'Asia/Shanghai',
        })
        for (const locale of LOCALES)
          for (const [name, path] of Object.entries(PAGES)) {
            await page.goto(base + at(locale, path))
            const file = join(SCREENS, `${name}-${width}-${scheme}-${locale}.png`)
            await page.screenshot({ path: file, fullPage: true })
            expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
          }
        await page.context().close()
      }
  })
})
