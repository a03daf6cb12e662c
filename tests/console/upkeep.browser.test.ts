import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { createPerson, signIn } from '../fixtures/console.ts'
import {
  axeViolations,
  checkConsolePage,
  CONSOLE_SCREENS,
  expectNoHorizontalScroll,
  PHONE,
  signInPage,
} from '../fixtures/console-browser.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const browser = useBrowser()
const EDITOR = 'priya.shah@example.com'

/**
 * The demo's components, incidents and maintenance (api/seed/demo.ts) in Berlin time, plus what
 * two people did in the console: a window in progress, a status change, an edit, so every page
 * has realistic content and the audit log shows names and addresses.
 */
async function world() {
  const t = await createTestApp({ env: { TIME_ZONE: 'Europe/Berlin' } })
  await seedDemo(t.deps)
  await createPerson(t, { role: 'editor', email: EDITOR, name: 'Priya Shah' })
  await createPerson(t, { role: 'editor', email: 'sam.okafor@example.com', name: 'Sam Okafor' })
  const priya = await signIn(t, EDITOR)
  const sam = await signIn(t, 'sam.okafor@example.com')
  const comps = (await t.api('GET', '/api/v1/components')).body as any[]
  const byName = (n: string) => comps.find((c) => c.name === n)!
  const ok = (res: Response) => expect(res.status).toBe(303)
  ok(
    await sam.post('/admin/maintenance/new', {
      name: 'Search index rebuild',
      scheduled_for: '2026-03-10T14:00',
      scheduled_until: '2026-03-10T16:30',
      components: [byName('Public API').id],
      body: 'Search results may be incomplete for up to an hour while the index is rebuilt.',
      deliver_notifications: 'on',
      auto_transition: 'on',
      short_notice_ok: '2026-03-10T13:00:00.000Z',
    }),
  )
  const running = ((await t.api('GET', '/api/v1/maintenances?status=upcoming')).body as any[]).find(
    (m) => m.name === 'Search index rebuild',
  )
  ok(
    await sam.post(`/admin/maintenance/${running.id}/start`, {
      'start.body':
        'We started the rebuild early; searches may miss recent items until it is done.',
      'start.deliver_notifications': 'on',
    }),
  )
  const webhooks = byName('Webhooks')
  ok(
    await priya.post(`/admin/components/${webhooks.id}/status`, { status: 'degraded_performance' }),
  )
  ok(
    await priya.post(`/admin/components/${webhooks.id}`, {
      name: 'Webhooks',
      description: 'Event delivery to your endpoints, retried for 3 days',
      group_id: '',
      position: String(webhooks.position),
      status: 'degraded_performance',
      sla_target: '99.9',
    }),
  )
  const base = await serveSite(t, tempDir('public'))
  const groups = (await t.api('GET', '/api/v1/component-groups')).body as any[]
  return { t, base, running, webhooks, groups }
}

describe('console upkeep pages in Chromium', () => {
  it('schedules a maintenance at 390 px, seeing the short-notice warning first', async () => {
    const { t, base } = await world()
    const context = await (await browser()).newContext(PHONE)
    const page = await context.newPage()
    await signInPage(page, base, EDITOR)
    await page.goto(`${base}/admin/maintenance`)
    await page.getByRole('link', { name: 'Schedule maintenance' }).click()
    await page.waitForURL(/\/admin\/maintenance\/new$/)
    await page.getByLabel('Name').fill('Payments database failover test')
    // 13:00 CET now: a start at 18:00 the same day is five hours' notice.
    await page.getByLabel('Starts').fill('2026-03-10T18:00')
    await page.getByLabel('Ends').fill('2026-03-10T18:30')
    await page.getByLabel('Payments API').check()
    await page
      .getByLabel('Message to customers')
      .fill(
        'Card payments may fail for up to a minute while we switch databases. Retry and they go through.',
      )
    await page.getByRole('button', { name: 'Schedule maintenance' }).click()

    const warning = page.getByRole('alert')
    await expect.poll(() => warning.textContent()).toContain('Short notice: this starts in 5 h')
    expect(await warning.textContent()).toContain('Nothing is saved yet.')
    await expectNoHorizontalScroll(page, 'short-notice warning 390')
    expect(await axeViolations(page, 'short-notice warning 390')).toEqual([])
    await page.screenshot({
      path: join(CONSOLE_SCREENS, 'maintenance-short-notice-390.png'),
      fullPage: true,
    })
    const before = (await t.api('GET', '/api/v1/maintenances?status=upcoming')).body as any[]
    expect(before.map((m) => m.name)).not.toContain('Payments database failover test')
    // What was typed is still there.
    expect(await page.getByLabel('Starts').inputValue()).toBe('2026-03-10T18:00')
    expect(await page.getByLabel('Payments API').isChecked()).toBe(true)

    await page.getByRole('button', { name: 'Schedule anyway' }).click()
    await page.waitForURL(/\/admin\/maintenance\/[0-9a-z]{12}\?notice=scheduled$/)
    expect(await page.getByRole('status').textContent()).toBe('Maintenance scheduled.')
    expect(await page.locator('h1').textContent()).toBe('Payments database failover test')
    expect(await page.locator('dl.facts').textContent()).toContain(
      '10 Mar 2026, 18:00 CET – 18:30 CET',
    )
    await expectNoHorizontalScroll(page, 'scheduled 390')
    const after = (await t.api('GET', '/api/v1/maintenances?status=upcoming')).body as any[]
    const made = after.find((m) => m.name === 'Payments database failover test')
    expect(made).toMatchObject({ short_notice: true, scheduled_for: '2026-03-10T17:00:00.000Z' })
    await context.close()
  })

  it('shows a validation error beside its field at 390 px, accessible', async () => {
    const { base } = await world()
    const context = await (await browser()).newContext(PHONE)
    const page = await context.newPage()
    await signInPage(page, base, EDITOR)
    await page.goto(`${base}/admin/maintenance/new`)
    await page.getByLabel('Name').fill('Night upgrade')
    await page.getByLabel('Starts').fill('2026-03-29T02:30')
    await page.getByLabel('Ends').fill('2026-03-29T04:00')
    await page.getByLabel('Message to customers').fill('Brief interruptions.')
    await page.getByRole('button', { name: 'Schedule maintenance' }).click()
    await page.waitForLoadState()
    const starts = page.getByLabel('Starts')
    expect(await starts.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#f-scheduled_for-error').textContent()).toContain(
      'Did you mean 2026-03-29 03:30?',
    )
    await expectNoHorizontalScroll(page, 'maintenance error 390')
    expect(await axeViolations(page, 'maintenance error 390')).toEqual([])
    await page.screenshot({
      path: join(CONSOLE_SCREENS, 'maintenance-error-390.png'),
      fullPage: true,
    })
    await context.close()
  })

  /** checkConsolePage on each page (4 sign-ins and axe runs each), a few pages per test. */
  const check = (
    title: string,
    pick: (w: Awaited<ReturnType<typeof world>>) => [string, string][],
  ) =>
    it(`${title}: axe 0 violations, no sideways scroll at 390, screenshots light and dark`, async () => {
      const w = await world()
      const b = await browser()
      const found: string[] = []
      for (const [name, path] of pick(w))
        found.push(...(await checkConsolePage(b, w.base, EDITOR, name, path)))
      expect(found).toEqual([])
    })
  check('maintenance list and detail', (w) => [
    ['maintenance', '/admin/maintenance'],
    ['maintenance-detail', `/admin/maintenance/${w.running.id}`],
  ])
  check('scheduling and component list', () => [
    ['maintenance-new', '/admin/maintenance/new'],
    ['components', '/admin/components'],
  ])
  check('component forms', (w) => [
    ['component-edit', `/admin/components/${w.webhooks.id}`],
    ['component-new', '/admin/components/new'],
  ])
  check('group forms', (w) => [
    ['group-edit', `/admin/component-groups/${w.groups[0].id}`],
    ['group-new', '/admin/component-groups/new'],
  ])
  check('audit and metrics', () => [
    ['audit', '/admin/audit'],
    ['metrics', '/admin/metrics'],
  ])
})
