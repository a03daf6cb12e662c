// The public site in a real browser, over the real stack: a temp libSQL database behind the API,
// the publisher writing static files, the Node handler over real HTTP, and Chromium.
import { AxeBuilder } from '@axe-core/playwright'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { COMPONENT_STATUS } from '../../site/src/consts.ts'
import { COLOUR_RULES, openPage, serveSite, useBrowser } from '../fixtures/browser.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const SCREENS = join(import.meta.dirname, '../../test-artifacts/screens/live')
const BUDGET = 14 * 1024

const browser = useBrowser()

const mainText = (page: Page) => page.locator('main').innerText()

/** Raw HTTP, so compressed bodies and their length are seen as sent (fetch would inflate them). */
function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{
    status: number
    headers: Record<string, string | string[] | undefined>
    body: Buffer
  }>((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
      .on('error', reject)
      .end()
  })
}

/**
 * Every component not operational shows its status as words in the accessibility tree, next to
 * its name: the colour and the icon (aria-hidden) are never the only signal.
 */
async function expectStatusInWords(page: Page, t: TestApp) {
  const { body } = await t.api('GET', '/api/v1/components')
  const degraded = (body as { name: string; status: keyof typeof COMPONENT_STATUS }[]).filter(
    (c) => c.status !== 'operational',
  )
  expect(degraded.length).toBeGreaterThan(0)
  // Every coloured status label shown (components, groups, maintenance) carries words; members
  // of a group that works entirely are collapsed under its label.
  for (const label of await page.locator('main .st:visible').allInnerTexts())
    expect(label.trim()).not.toBe('')
  for (const c of degraded) {
    const names = page.locator('main').getByText(c.name, { exact: true })
    expect(await names.count(), c.name).toBeGreaterThan(0)
    for (const name of await names.all()) {
      // The row the name sits in: its parent element.
      const row = await name.locator('xpath=..').ariaSnapshot()
      expect(row, `${c.name} (${c.status})`).toContain(COMPONENT_STATUS[c.status].label)
    }
  }
}

/** The demo data (api/seed/demo.ts), published and served: every page type, realistic content. */
async function demoSite() {
  const t = await createTestApp()
  await seedDemo(t.deps)
  const { body: incidents } = await t.api('GET', '/api/v1/incidents')
  const active = (incidents as { id: string; name: string; resolved_at: string | null }[]).find(
    (i) => !i.resolved_at,
  )!
  const { body: maintenances } = await t.api('GET', '/api/v1/maintenances')
  const { publisher, outDir } = await publisherFor(t)
  await publisher.publishAll()
  const base = await serveSite(t, outDir)
  const paths = {
    home: '/',
    incident: `/incidents/${active.id}/`,
    maintenance: `/maintenance/${(maintenances as { id: string }[])[0]!.id}/`,
    history: '/history/',
    month: `/history/${t.clock.now().toISOString().slice(0, 7)}/`,
    uptime: '/uptime/',
    report: '/report/',
    subscribe: '/subscribe/',
    notFound: '/no-such-page/',
  }
  return { t, base, active, paths }
}

describe('the status site in Chromium', () => {
  it('shows a posted incident with and without JavaScript, then its resolution', async () => {
    const t = await createTestApp()
    const pay = await makeComponent(t, { name: 'Payments API' })
    await makeComponent(t, { name: 'Dashboard' })
    await makeComponent(t, { name: 'Webhooks' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const base = await serveSite(t, outDir)

    t.clock.advance(60_000)
    const posted = await t.api('POST', '/api/v1/incidents', {
      name: 'Card charges failing',
      status: 'investigating',
      impact: 'major',
      body: 'Some card charges time out at our processor.',
      workaround: 'Retry the payment after a minute; no card is charged twice.',
      components: { [pay.id]: 'partial_outage' },
    })
    expect(posted.status, JSON.stringify(posted.body)).toBe(201)
    const id = posted.body.id as string
    expect(await publisher.catchUp()).toBeGreaterThan(0)

    const status = (await (await fetch(`${base}/api/v2/status.json`)).json()) as {
      status: { description: string }
    }
    expect(status.status.description).not.toBe('All Systems Operational')
    const sentence = 'Only Payments API is affected; Dashboard and Webhooks are working normally.'
    const expected = [
      'Card charges failing',
      'Some card charges time out at our processor.',
      'Retry the payment after a minute; no card is charged twice.',
      sentence,
    ]

    const utcTimes: Record<string, string> = {}
    for (const javaScriptEnabled of [false, true]) {
      const page = await openPage(await browser(), t, { javaScriptEnabled, timezoneId: 'UTC' })
      for (const path of ['/', `/incidents/${id}/`]) {
        const label = `${path} (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`
        const res = await page.goto(base + path)
        expect(res?.status(), label).toBe(200)
        const text = await mainText(page)
        for (const s of expected) expect(text, label).toContain(s)
        if (path === '/') {
          // A major incident over one partial outage: the banner weighs the incident's impact
          // (core/status-rollup.ts pageStatus); the v2 JSON keeps Statuspage's "minor".
          expect(status.status.description).toBe('Minor Service Outage')
          expect(await page.locator('#banner-text').innerText(), label).toBe(
            'Partial System Outage',
          )
          expect(await page.getByRole('heading', { level: 1 }).innerText(), label).toBe(
            'Partial System Outage',
          )
        }
        // Instants are published in the page's zone (UTC) and say so; JS in a UTC browser keeps them.
        const times = await page.locator('time[datetime*="T"]').allInnerTexts()
        expect(times.length, label).toBeGreaterThan(1)
        for (const shown of times) expect(shown, label).toMatch(/\d{2}:\d{2} UTC$/)
        utcTimes[path] = times[0]!
        await expectStatusInWords(page, t)
      }
      await page.context().close()
    }

    // JS on in Paris: the enhancement shows instants in the reader's zone, the published one in a tooltip.
    const paris = await openPage(await browser(), t, { timezoneId: 'Europe/Paris' })
    const parisClock = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    for (const path of ['/', `/incidents/${id}/`]) {
      await paris.goto(base + path)
      const time = paris.locator('time[datetime*="T"]').first()
      await expect.poll(() => time.getAttribute('data-z'), { timeout: 15_000 }).toBe('Europe/Paris')
      const shown = await time.innerText()
      expect(shown, path).not.toBe(utcTimes[path])
      // 10 March is winter time: UTC+1, "CET".
      const iso = (await time.getAttribute('datetime'))!
      expect(shown, path).toMatch(new RegExp(`${parisClock.format(new Date(iso))} (CET|GMT\\+1)$`))
      expect(await time.getAttribute('title'), path).toBe(`Published as ${utcTimes[path]}`)
      // Every instant on the page is rewritten, none left in UTC.
      for (const other of await paris.locator('time[datetime*="T"]').allInnerTexts())
        expect(other, path).not.toMatch(/UTC$/)
    }
    await paris.context().close()

    // An update, then the resolution: both pages change after the publisher catches up.
    t.clock.advance(20 * 60_000)
    const upd = await t.api('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'monitoring',
      body: 'A fix is deployed; we are watching the error rate.',
    })
    expect(upd.status, JSON.stringify(upd.body)).toBe(201)
    t.clock.advance(20 * 60_000)
    const res = await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: 'Card charges succeed normally again.',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(await publisher.catchUp()).toBeGreaterThan(0)

    for (const javaScriptEnabled of [false, true]) {
      const page = await openPage(await browser(), t, { javaScriptEnabled })
      const label = `JavaScript ${javaScriptEnabled ? 'on' : 'off'}`
      await page.goto(`${base}/incidents/${id}/`)
      const text = await mainText(page)
      expect(await page.locator('main .lead strong').innerText(), label).toBe('Resolved')
      expect(text, label).toContain('A fix is deployed; we are watching the error rate.')
      expect(text, label).toContain('Card charges succeed normally again.')
      await page.goto(`${base}/`)
      expect(await page.getByRole('heading', { name: 'Active incidents' }).count(), label).toBe(0)
      expect(await page.locator('#banner-text').innerText(), label).toBe('All Systems Operational')
      // Still there, as a past incident.
      const past = page.locator('section', {
        has: page.getByRole('heading', { name: 'Past incidents' }),
      })
      expect(await past.innerText(), label).toContain('Card charges failing')
      await page.context().close()
    }
  })

  it('axe finds no violations on any page type, light or dark', async () => {
    const { t, base, paths } = await demoSite()
    const found: string[] = []
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await openPage(await browser(), t, { colorScheme })
      for (const path of Object.values(paths)) {
        const res = await page.goto(base + path)
        expect(res?.status(), path).toBe(path === paths.notFound ? 404 : 200)
        // Open every <details>, so collapsed content (daily tables) is checked too.
        await page.evaluate(() =>
          document.querySelectorAll('details').forEach((d) => (d.open = true)),
        )
        // Legacy mode runs axe.run() in the page itself; the default gathers partial results and
        // re-sends them (every passing node of ~5,000) to a blank page to finish, which took
        // 15-20 s on the uptime page here. The pages have no frames, so the result is the same.
        const axe = new AxeBuilder({ page })
          .setLegacyMode(true)
          .options({ resultTypes: ['violations'] })
        // Dark mode only swaps the colour custom properties (Base.astro), so in dark the rules
        // that depend on colour are what can change; the full set runs in light.
        if (colorScheme === 'dark') axe.withRules(COLOUR_RULES)
        const result = await axe.analyze()
        for (const v of result.violations) {
          const nodes = v.nodes
            .slice(0, 3)
            .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`)
          found.push(`${colorScheme} ${path}: ${v.id} (${v.impact}) ${v.help}\n${nodes.join('\n')}`)
        }
      }
      await page.context().close()
    }
    expect(found, `axe violations:\n${found.join('\n')}`).toEqual([])
  })

  it('screenshots of the home and incident pages: desktop light and dark, phone', async () => {
    const { t, base, active, paths } = await demoSite()
    mkdirSync(SCREENS, { recursive: true })
    const shots: [string, BrowserContextOptions][] = [
      ['desktop-light', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }],
      ['desktop-dark', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }],
      [
        'phone',
        {
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
        },
      ],
    ]
    for (const [shot, options] of shots) {
      const page = await openPage(await browser(), t, options)
      for (const [name, path] of [
        ['home', paths.home],
        ['incident', paths.incident],
      ] as const) {
        await page.goto(base + path)
        expect(await mainText(page), `${name} ${shot}`).toContain(active.name)
        if (shot === 'desktop-light') await expectStatusInWords(page, t)
        const file = join(SCREENS, `${name}-${shot}.png`)
        await page.screenshot({ path: file, fullPage: true })
        const png = readFileSync(file)
        expect(png.subarray(1, 4).toString(), file).toBe('PNG')
        expect(statSync(file).size, file).toBeGreaterThan(10 * 1024)
      }
      await page.context().close()
    }
  })

  it('the home page fits in 14 KB gzipped; no page loads anything from elsewhere, nor web fonts', async () => {
    const { t, base, paths } = await demoSite()

    // HTML with its inlined CSS, as the server sends it; plus any stylesheet it links to.
    const home = await rawGet(`${base}/`, { 'accept-encoding': 'gzip' })
    expect(home.headers['content-encoding']).toBe('gzip')
    let bytes = Number(home.headers['content-length'])
    expect(bytes).toBe(home.body.length)
    const html = await (await fetch(`${base}/`)).text()
    for (const [, href] of html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)) {
      const css = await rawGet(new URL(href!, base).href, { 'accept-encoding': 'gzip' })
      bytes += css.body.length
    }
    expect(bytes, `home page HTML+CSS is ${bytes} bytes gzipped`).toBeLessThanOrEqual(BUDGET)
    expect(html).not.toMatch(/@font-face/i)

    const elsewhere: string[] = []
    const fonts: string[] = []
    const seen = new Set<string>()
    const page = await openPage(await browser(), t)
    page.on('request', (r) => {
      const url = new URL(r.url())
      seen.add(url.pathname)
      if (url.protocol !== 'data:' && url.origin !== base)
        elsewhere.push(`${page.url()} → ${r.url()}`)
      if (r.resourceType() === 'font' || /\.(woff2?|ttf|otf|eot)(\?|$)/i.test(url.pathname))
        fonts.push(r.url())
    })
    for (const path of Object.values(paths)) await page.goto(base + path)
    expect(seen, 'the enhancement script is requested (the listener works)').toContain(
      '/enhance.js',
    )
    expect(elsewhere, elsewhere.join('\n')).toEqual([])
    expect(fonts, fonts.join('\n')).toEqual([])
  })
})
