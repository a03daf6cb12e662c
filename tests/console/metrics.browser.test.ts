import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { createPerson } from '../fixtures/console.ts'
import { checkConsolePage, PHONE, signInPage } from '../fixtures/console-browser.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const browser = useBrowser()
const VIEWER = 'dana.ruiz@example.com'

/** The demo (api/seed/demo.ts) in Berlin time, read by a viewer. */
async function demo() {
  const t = await createTestApp({ env: { TIME_ZONE: 'Europe/Berlin' } })
  await seedDemo(t.deps)
  await createPerson(t, { role: 'viewer', email: VIEWER, name: 'Dana Ruiz' })
  const incidents = (await t.api('GET', '/api/v1/metrics/communication')).body.incidents as any[]
  const byName = (n: string) => incidents.find((i) => i.name === n)!.id as string
  return { t, base: await serveSite(t, tempDir('public')), byName }
}

describe('console metrics in Chromium', () => {
  it('the overview on the demo, both windows: axe 0, no sideways scroll, light and dark', async () => {
    const { base } = await demo()
    const b = await browser()
    const found = [
      ...(await checkConsolePage(b, base, VIEWER, 'metrics-90d', '/admin/metrics')),
      ...(await checkConsolePage(b, base, VIEWER, 'metrics-30d', '/admin/metrics?days=30')),
    ]
    expect(found).toEqual([])
  })

  it('one incident’s metrics, with a broken promise and reports, and one still open', async () => {
    const { base, byName } = await demo()
    const b = await browser()
    const found = [
      ...(await checkConsolePage(
        b,
        base,
        VIEWER,
        'metrics-incident',
        `/admin/metrics/incidents/${byName('Payments API outage')}`,
      )),
      ...(await checkConsolePage(
        b,
        base,
        VIEWER,
        'metrics-incident-open',
        `/admin/metrics/incidents/${byName('Elevated error rates on the Public API')}`,
      )),
    ]
    expect(found).toEqual([])
  })

  it('an empty database: every chart says there is no data, axe 0', async () => {
    const t = await createTestApp()
    await createPerson(t, { role: 'viewer', email: VIEWER })
    const base = await serveSite(t, tempDir('public'))
    const b = await browser()
    expect(await checkConsolePage(b, base, VIEWER, 'metrics-empty', '/admin/metrics')).toEqual([])
  })

  it('at 390 px every chart fits the screen and its table follows it, read as cards', async () => {
    const { base } = await demo()
    const context = await (await browser()).newContext(PHONE)
    const page = await context.newPage()
    await signInPage(page, base, VIEWER)
    await page.goto(`${base}/admin/metrics`)
    const charts = page.locator('figure.chart svg')
    // First signal → first public message, then the four charts of the incidents.
    expect(await charts.count()).toBe(5)
    for (const svg of await charts.all()) {
      const box = (await svg.boundingBox())!
      expect(box.width).toBeLessThanOrEqual(390)
      // Legible: the drawing is not shrunk below about one CSS pixel per unit (11 px labels).
      expect(box.width).toBeGreaterThan(330)
      // The numbers are in a table right after the chart.
      const next = await svg.evaluate((el) => el.closest('figure')!.nextElementSibling?.tagName)
      expect(next).toBe('TABLE')
    }
    // Tables read as cards: every cell says what it is.
    const label = await page
      .locator('table.stack td[data-label="Time to first message"]')
      .first()
      .evaluate((el) => getComputedStyle(el, '::before').content)
    expect(label).toContain('Time to first message')
  })
})
