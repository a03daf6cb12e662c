// The embeddable widget and the badges on a page of another origin, in Chromium: the status site
// (published files + API behind the real Node handler) on one port, a customer's page on another.
import { AxeBuilder } from '@axe-core/playwright'
import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const SCREENS = join(import.meta.dirname, '../../test-artifacts/screenshots/embeds')
const browser = useBrowser()

const hosts = new Set<Server>()
afterEach(async () => {
  for (const s of [...hosts]) {
    hosts.delete(s)
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
})

/** A customer's page on its own origin: it loads the widget, and styles that must not leak in. */
async function hostPage(html: string): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(html)
  })
  hosts.add(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const hostHtml = (site: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme dashboard</title>
<style>
:root{color-scheme:light dark}
body{font:16px/1.5 Georgia,serif;margin:0 auto;max-width:46rem;padding:1.5rem}
/* Hostile host styles: none of them may reach inside the widget. */
a{color:#ff00ff!important;font-size:30px}
li{display:none}
p{text-transform:uppercase;letter-spacing:4px}
</style>
<script src="${site}/embed.js" defer></script></head>
<body><h1>Acme dashboard</h1>
<p class="st"><a href="#x">A link of the host page</a></p>
${body}
</body></html>`

/** What a page threw or logged as an error. */
function problems(page: Page): string[] {
  const seen: string[] = []
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console: ${m.text()}`)
  })
  return seen
}

describe('the widget and badges on another site', () => {
  it(
    '<amends-status> shows the banner and the open incident, refreshes, and stays quiet offline',
    { timeout: 300_000 },
    async () => {
      const t = await createTestApp()
      const pay = await makeComponent(t, { name: 'Payments API' })
      await makeComponent(t, { name: 'Dashboard' })
      const posted = await t.api('POST', '/api/v1/incidents', {
        name: 'Card charges failing',
        status: 'identified',
        impact: 'major',
        body: 'Some card charges time out at our processor.',
        components: { [pay.id]: 'major_outage' },
      })
      expect(posted.status).toBe(201)
      const id = posted.body.id as string
      const { publisher, outDir } = await publisherFor(t)
      await publisher.publishAll()
      const site = await serveSite(t, outDir)
      const host = await hostPage(
        hostHtml(
          site,
          `<h2>Service status</h2><amends-status></amends-status>
<h2>Badges</h2><p><img src="${site}/badge.svg" alt="status: major outage"> <img src="${site}/components/${pay.id}/badge.svg" alt="Payments API: major outage"></p>`,
        ),
      )
      expect(new URL(host).origin).not.toBe(new URL(site).origin)
      mkdirSync(SCREENS, { recursive: true })

      for (const colorScheme of ['light', 'dark'] as const) {
        for (const width of [1280, 390]) {
          const context = await (
            await browser()
          ).newContext({
            colorScheme,
            viewport: { width, height: 800 },
          })
          const page = await context.newPage()
          const seen = problems(page)
          const requests: string[] = []
          page.on('request', (r) => requests.push(new URL(r.url()).origin))
          await page.clock.install({ time: t.clock.now() })
          await page.goto(host)
          const widget = page.locator('amends-status')
          const box = widget.locator('[role=status]')
          await expect.poll(() => box.isVisible(), { timeout: 30_000 }).toBe(true)
          expect(await box.getAttribute('aria-live')).toBe('polite')
          expect(await box.innerText()).toContain('Partial System Outage')
          const link = widget.getByRole('link', { name: 'Card charges failing' })
          expect(await link.getAttribute('href')).toBe(
            new URL(`/incidents/${id}/`, t.deps.config.siteUrl).href,
          )
          // Styles do not leak in (the host's pink links, hidden list items, capitals) …
          expect(await link.evaluate((a) => getComputedStyle(a).color)).not.toBe('rgb(255, 0, 255)')
          expect(await link.evaluate((a) => getComputedStyle(a.closest('li')!).display)).not.toBe(
            'none',
          )
          expect(await box.evaluate((b) => getComputedStyle(b).textTransform)).toBe('none')
          // … nor out (the widget's .st class on the host's own paragraph).
          expect(
            await page.locator('body > p.st').evaluate((p) => getComputedStyle(p).display),
          ).toBe('block')
          // No third-party requests: the host page and the status site only.
          expect(new Set(requests)).toEqual(new Set([host, site]))
          const axe = await new AxeBuilder({ page }).include('amends-status').analyze()
          expect(axe.violations.map((v) => v.id)).toEqual([])
          await page.screenshot({
            path: join(SCREENS, `embed-host-${width}-${colorScheme}-en.png`),
            fullPage: true,
          })
          await widget.screenshot({
            path: join(SCREENS, `embed-widget-${width}-${colorScheme}-en.png`),
          })
          expect(seen).toEqual([])
          await context.close()
        }
      }

      // theme="dark" pins the colours whatever the reader's preference.
      const context = await (await browser()).newContext({ colorScheme: 'light' })
      const page = await context.newPage()
      const seen = problems(page)
      await page.clock.install({ time: t.clock.now() })
      await page.goto(host)
      const widget = page.locator('amends-status')
      const box = widget.locator('[role=status]')
      await expect.poll(() => box.isVisible(), { timeout: 30_000 }).toBe(true)
      const light = await box.evaluate((b) => getComputedStyle(b).backgroundColor)
      await widget.evaluate((w) => w.setAttribute('theme', 'dark'))
      expect(await box.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe(light)
      expect(
        (await new AxeBuilder({ page }).include('amends-status').analyze()).violations.map(
          (v) => v.id,
        ),
      ).toEqual([])

      // Refreshes every 60 s: the resolution shows without reloading the host page.
      const resolved = await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
        body: 'Fixed.',
        components: { [pay.id]: 'operational' },
      })
      expect(resolved.status, JSON.stringify(resolved.body)).toBe(201)
      await publisher.catchUp()
      await page.clock.runFor(61_000)
      await expect
        .poll(() => box.innerText(), { timeout: 30_000 })
        .toContain('All Systems Operational')
      expect(await widget.getByRole('link', { name: 'Card charges failing' }).count()).toBe(0)
      expect(seen).toEqual([])

      // Offline: the next refresh fails; the last state stays and nothing is thrown at the host.
      await context.setOffline(true)
      const failed = page.waitForEvent('requestfailed')
      await page.clock.runFor(61_000)
      await failed
      expect(await box.innerText()).toContain('All Systems Operational')
      expect(seen.filter((s) => s.startsWith('pageerror'))).toEqual([])
    },
  )

  it('the v2 JSON is readable from another origin, as published files and from the API', async () => {
    const t = await createTestApp()
    await makeComponent(t, { name: 'Payments API' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const published = await serveSite(t, outDir)
    // Nothing published in this folder: the API answers /api/v2/ itself.
    const live = await serveSite(t, tempDir('empty'))
    const host = await hostPage('<!doctype html><title>Other site</title><p>Other site</p>')
    const page = await (await browser()).newPage()
    await page.goto(host)
    for (const base of [published, live]) {
      for (const doc of ['summary.json', 'status.json']) {
        // A fetch from another origin rejects unless the response allows it (CORS).
        const got = await page.evaluate(async (url) => {
          const r = await fetch(url)
          return { body: (await r.json()) as { status: { indicator: string } } }
        }, `${base}/api/v2/${doc}`)
        const direct = await fetch(`${base}/api/v2/${doc}`)
        expect(direct.headers.get('access-control-allow-origin'), `${base} ${doc}`).toBe('*')
        expect(got.body.status.indicator).toBe('none')
      }
    }
  })

  it('the badges of every status, a Chinese name and a long one, as another site shows them', async () => {
    const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
    const names: [string, string][] = [
      ['Payments API', 'operational'],
      ['Dashboard', 'degraded_performance'],
      ['Webhooks', 'partial_outage'],
      ['Login & SSO', 'major_outage'],
      ['Search', 'under_maintenance'],
      ['支付接口', 'partial_outage'],
      ['A very long component name that goes on and on and on', 'operational'],
    ]
    const ids: string[] = []
    for (const [name, status] of names) ids.push((await makeComponent(t, { name, status })).id)
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const site = await serveSite(t, outDir)
    const imgs = ['/badge.svg', ...ids.map((id) => `/components/${id}/badge.svg`)]
      .map((p) => `<p><img src="${site}${p}" alt=""></p>`)
      .join('')
    const host = await hostPage(hostHtml(site, `<h2>Badges</h2>${imgs}`))
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const context = await (
          await browser()
        ).newContext({
          colorScheme,
          viewport: { width, height: 700 },
        })
        const page = await context.newPage()
        await page.goto(host)
        await page.waitForLoadState('networkidle')
        // Every badge loaded as an image, sized by its text.
        const sizes = await page
          .locator('img')
          .evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalWidth))
        expect(sizes.every((w) => w > 60)).toBe(true)
        expect(sizes.at(-1)).toBeGreaterThan(sizes[1]!)
        await page.screenshot({
          path: join(SCREENS, `badges-${width}-${colorScheme}-en.png`),
          fullPage: true,
        })
        await context.close()
      }
    }
  })
})
