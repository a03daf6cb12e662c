// Serves test-artifacts/site-sample (written by render-sample.ts) on 127.0.0.1, runs axe on every
// page (light and dark), and takes screenshots of the home and an incident page at desktop light,
// desktop dark and 390 px phone width into test-artifacts/screens/.
// Run: `node tests/site/check-sample.ts` (needs Chromium: CHROME_PATH or a usual path).
import { AxeBuilder } from '@axe-core/playwright'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize } from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, requireChromium } from '../fixtures/chromium.ts'
import { SAMPLE_IDS, SAMPLE_NOW, sampleRoutes } from '../fixtures/site-sample.ts'

const root = join(import.meta.dirname, '../..')
const siteDir = join(root, 'test-artifacts/site-sample')
const publicDir = join(root, 'site/public')
const screens = join(root, 'test-artifacts/screens')
mkdirSync(screens, { recursive: true })

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.json': 'application/json',
}
const home = sampleRoutes()['/']
const summary =
  home?.kind === 'home'
    ? JSON.stringify({
        page: { ...home.common.page, updated_at: SAMPLE_NOW },
        status: home.common.status,
      })
    : '{}'

const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  if (path === '/api/v2/summary.json') {
    res.writeHead(200, { 'content-type': TYPES['.json']! }).end(summary)
    return
  }
  for (const dir of [siteDir, publicDir]) {
    let file = normalize(join(dir, path))
    if (!file.startsWith(dir)) break
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html')
    if (existsSync(file)) {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      res.end(readFileSync(file))
      return
    }
  }
  res
    .writeHead(404, { 'content-type': TYPES['.html']! })
    .end(readFileSync(join(siteDir, '404.html')))
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

const browser = await chromium.launch({
  executablePath: requireChromium(),
  args: CHROMIUM_ARGS,
})

let violations = 0
try {
  const paths = Object.keys(sampleRoutes()).map((p) => (p === '/404/' ? '/no-such-page/' : p))
  for (const colorScheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ colorScheme })
    const page = await context.newPage()
    await page.clock.setFixedTime(new Date(SAMPLE_NOW))
    for (const path of paths) {
      await page.goto(base + path)
      // Open every <details>, so the daily tables are checked too.
      await page.evaluate(() =>
        document.querySelectorAll('details').forEach((d) => (d.open = true)),
      )
      const result = await new AxeBuilder({ page }).analyze()
      violations += result.violations.length
      console.log(
        `axe ${colorScheme.padEnd(5)} ${path.padEnd(28)} ${result.violations.length} violations`,
      )
      for (const v of result.violations) {
        console.log(`  ${v.id} (${v.impact}): ${v.help}`)
        for (const n of v.nodes.slice(0, 3))
          console.log(`    ${n.target.join(' ')} ${n.failureSummary?.replace(/\n/g, ' ')}`)
      }
    }
    await context.close()
  }

  // enhance.js: times in the reader's zone, banner refresh, keyboard steps through the bars.
  {
    const context = await browser.newContext({ timezoneId: 'Europe/Paris' })
    const page = await context.newPage()
    await page.clock.setFixedTime(new Date(SAMPLE_NOW))
    await page.route('**/api/v2/summary.json', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          page: { updated_at: '2026-11-23T10:45:00.000Z' },
          status: { indicator: 'none', description: 'All Systems Operational' },
        }),
      }),
    )
    await page.goto(base + '/')
    const first = page.locator('main time[datetime*="T"]').first()
    const shown = { text: await first.textContent(), title: await first.getAttribute('title') }
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
    await page.waitForSelector('#stale')
    const banner = {
      text: await page.locator('#banner-text').textContent(),
      cls: await page.locator('#banner').getAttribute('class'),
      stale: await page.locator('#stale').textContent(),
    }
    await page.locator('.bar').first().focus()
    await page.keyboard.press('ArrowLeft')
    const tip = await page.locator('.bar li.on span').first().textContent()
    const ongoing = await page.locator('[data-since]').first().textContent()
    await page.evaluate(() => document.querySelector('.bar')?.scrollIntoView({ block: 'center' }))
    await page.screenshot({ path: join(screens, 'enhanced-paris.png') })
    console.log('enhance:', JSON.stringify({ shown, banner, tip, ongoing }))
    const ok =
      /CET/.test(shown.text ?? '') &&
      banner.text === 'All Systems Operational' &&
      /t-ok/.test(banner.cls ?? '') &&
      ongoing === 'ongoing for 1 h 18 min' &&
      tip
    if (!ok) {
      console.log('enhance: FAILED')
      violations++
    }
    await context.close()
  }

  const shots = [
    {
      name: 'desktop-light',
      viewport: { width: 1280, height: 900 },
      colorScheme: 'light' as const,
    },
    { name: 'desktop-dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' as const },
    {
      name: 'phone',
      viewport: { width: 390, height: 844 },
      colorScheme: 'light' as const,
      deviceScaleFactor: 2,
    },
  ]
  const pages = {
    home: '/',
    incident: `/incidents/${SAMPLE_IDS.active}/`,
    ...Object.fromEntries(
      (process.argv[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => [p.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'root', p]),
    ),
  }
  for (const s of shots) {
    const context = await browser.newContext({
      viewport: s.viewport,
      colorScheme: s.colorScheme,
      deviceScaleFactor: s.deviceScaleFactor ?? 1,
    })
    const page = await context.newPage()
    await page.clock.setFixedTime(new Date(SAMPLE_NOW))
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(base + path)
      await page.screenshot({ path: join(screens, `${name}-${s.name}.png`), fullPage: true })
      if (process.env.SEGMENTS) {
        // Full-page shots of long pages are scaled down too far to judge: also save screen-sized parts.
        const height = await page.evaluate(() => document.documentElement.scrollHeight)
        const step = s.viewport.height
        for (let y = 0, n = 1; y < height; y += step, n++) {
          const clip = { x: 0, y, width: s.viewport.width, height: Math.min(step, height - y) }
          await page.screenshot({
            path: join(screens, `${name}-${s.name}-${n}.png`),
            fullPage: true,
            clip,
          })
        }
      }
    }
    await context.close()
  }
  console.log(`screenshots in ${screens}`)
} finally {
  await browser.close()
  server.close()
}
console.log(`axe: ${violations} violations in total`)
if (violations) process.exitCode = 1
