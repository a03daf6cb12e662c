import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { followUpLinks } from '../../api/services/links.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { createPerson } from '../fixtures/console.ts'
import {
  checkConsolePage,
  DESKTOP,
  expectNoHorizontalScroll,
  PHONE,
  signInPage,
} from '../fixtures/console-browser.ts'
import { makeComponent } from '../fixtures/factories.ts'
import type { TestApp } from '../fixtures/test-app.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { addSubscriber, createMailWorld } from '../notifier/world.ts'

const browser = useBrowser()
const EDITOR = 'priya.shah@example.com'
const ADMIN = 'ann.lee@example.com'
const MIN = 60_000
const HOUR = 60 * MIN

async function answer(
  t: TestApp,
  sub: { id: string },
  incidentId: string,
  choice: 'all_good' | 'still_affected',
  comment = '',
) {
  const links = await followUpLinks(
    t.deps,
    { id: sub.id, token_version: 1 },
    incidentId,
    t.clock.now(),
  )
  const res = await t.app.request(new URL(links[choice]).pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ answer: choice, comment }).toString(),
  })
  expect(res.status).toBe(200)
}

/**
 * A critical payments outage on a Berlin page, as it happened: opened late at night with a
 * backdated start, identified with a workaround, Checkout recovered first, resolved with an
 * apology; the follow-up sent three days later and answered by customers (two still affected).
 */
async function world() {
  const w = await createMailWorld({ env: { TIME_ZONE: 'Europe/Berlin', PAGE_NAME: 'Acme Status' } })
  const { t } = w
  t.clock.set('2026-03-01T09:00:00.000Z')
  const pay = await makeComponent(t, { name: 'Payments API' })
  const checkout = await makeComponent(t, { name: 'Checkout' })
  await makeComponent(t, { name: 'Dashboard' })
  const subs = await Promise.all(
    [
      ['finance@northwind.example', [pay.id]],
      ['ops@contoso.example', undefined],
      ['li.wei@fabrikam.example', [pay.id, checkout.id]],
      ['shop@tailspin.example', [checkout.id]],
      ['cto@litware.example', undefined],
      ['billing@adatum.example', [pay.id]],
    ].map(([email, components]) =>
      addSubscriber(t.deps.db, { email: email as string, components: components as string[] }),
    ),
  )
  await createPerson(t, { role: 'editor', email: EDITOR, name: 'Priya Shah' })
  await createPerson(t, { role: 'admin', email: ADMIN, name: 'Ann Lee' })

  t.clock.set('2026-03-10T20:52:00.000Z')
  const opened = await t.api('POST', '/api/v1/incidents', {
    name: 'Card payments failing',
    status: 'investigating',
    impact: 'critical',
    started_at: '2026-03-10T20:40:00.000Z',
    body: 'Card charges are failing for most customers. We are investigating with the highest priority.',
    components: { [pay.id]: 'major_outage', [checkout.id]: 'partial_outage' },
  })
  const id = opened.body.id as string
  t.clock.set('2026-03-10T22:00:00.000Z')
  await t.api('POST', `/api/v1/incidents/${id}/updates`, {
    status: 'identified',
    body: 'A network change at our card processor dropped connections from our region. We are failing over to the second processor.',
    workaround: 'Payments that failed can be retried safely: no card was charged twice.',
  })
  t.clock.set('2026-03-10T22:45:00.000Z')
  await t.api('POST', `/api/v1/incidents/${id}/updates`, {
    status: 'monitoring',
    body: 'Charges succeed through the second processor; hosted checkout pages load normally again.',
    components: { [checkout.id]: 'operational' },
  })
  t.clock.set('2026-03-10T23:52:00.000Z')
  await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
    body: 'Card charges have succeeded normally for an hour. A full account will follow.',
    apology:
      'We are sorry. For 3 hours 12 minutes many of your customers could not pay you, and some of you lost sales because of it.',
  })
  t.clock.set('2026-03-13T23:52:00.000Z')
  await createScheduler(t.deps).tick()
  await w.settle()
  t.clock.advance(2 * HOUR)
  const [finance, ops, liwei, shop, cto] = subs
  await answer(t, ops!, id, 'all_good')
  t.clock.advance(20 * MIN)
  await answer(
    t,
    finance!,
    id,
    'still_affected',
    'Two refunds from that evening are still pending, and our customers keep asking when the money comes back. Can you tell us when to expect them?',
  )
  t.clock.advance(45 * MIN)
  await answer(t, liwei!, id, 'all_good')
  t.clock.advance(HOUR)
  await answer(t, shop!, id, 'still_affected')
  t.clock.advance(3 * HOUR)
  await answer(t, cto!, id, 'all_good')
  await w.settle()
  const base = await serveSite(t, tempDir('public'))
  return { w, t, base, id }
}

describe('the post-mortem and follow-up screens in Chromium', () => {
  it(
    'writes the post-mortem beside its live preview, publishes and notifies; both screens at 1280 and 390, light and dark, axe 0',
    { timeout: 400_000 },
    async () => {
      const { w, base, id } = await world()
      const b = await browser()

      // Looked at first: the template prefilled, the preview beside it, the clock.
      expect(
        await checkConsolePage(b, base, EDITOR, 'postmortem', `/admin/incidents/${id}/postmortem`),
      ).toEqual([])

      const context = await b.newContext(DESKTOP)
      const page = await context.newPage()
      await signInPage(page, base, EDITOR)
      await page.goto(`${base}/admin/incidents/${id}/postmortem`)
      const editor = page.getByLabel('Post-mortem (markdown)')
      const template = await editor.inputValue()
      expect(template).toContain('- **10 Mar 2026, 21:40 CET** — Impact began')
      expect(template).toContain('- **21:52 CET** — Investigating: Card charges are failing')
      // The live preview follows the typing (console-js data-preview), nothing saved.
      const filled = template
        .replace(
          /What happened to .*\n/,
          'For 3 hours 12 minutes most card charges failed, and hosted checkout pages showed errors for part of that time.\n',
        )
        .replace(
          /- Each change that keeps .*$/,
          '- Failover to the second processor is automatic on sustained connection errors (done, 14 March).\n- A quarterly failover drill, with the results published here.',
        )
      await editor.fill(filled)
      await expect
        .poll(() => page.locator('#pm-preview-body').innerText())
        .toContain('Failover to the second processor is automatic')
      await page.getByRole('button', { name: 'Save draft' }).click()
      await page.waitForURL(/notice=saved/)
      await expect.poll(() => page.locator('.flash').innerText()).toContain('Draft saved')

      // Looked at as a draft on a phone, then published and notified from the phone.
      const phone = await (await b.newContext(PHONE)).newPage()
      await signInPage(phone, base, EDITOR)
      await phone.goto(`${base}/admin/incidents/${id}/postmortem`)
      await expectNoHorizontalScroll(phone, 'post-mortem at 390')
      await phone.getByRole('button', { name: 'Publish and notify' }).click()
      await phone.waitForURL(/notice=notified/)
      expect(await phone.locator('.clock').innerText()).toBe('Published on time')
      await w.settle()
      const pm = await simpleParser(w.sink.to('finance@northwind.example').at(-1)!.raw)
      expect(pm.subject).toBe('[Acme Status] Post-mortem published: Card payments failing')
      expect(pm.text).toContain('Summary\n-------\n\nFor 3 hours 12 minutes')
      expect(pm.text).toContain('\n- Failover to the second processor is automatic')
      expect(pm.text).toContain('Was affected: Payments API')

      expect(
        await checkConsolePage(
          b,
          base,
          EDITOR,
          'postmortem-published',
          `/admin/incidents/${id}/postmortem`,
        ),
      ).toEqual([])
      // The follow-up as an admin (addresses whole) and as an editor (masked).
      expect(
        await checkConsolePage(b, base, ADMIN, 'follow-up', `/admin/incidents/${id}/follow-up`),
      ).toEqual([])
      const followUp = await (await b.newContext(PHONE)).newPage()
      await signInPage(followUp, base, EDITOR)
      await followUp.goto(`${base}/admin/incidents/${id}/follow-up`)
      const text = await followUp.locator('main').innerText()
      expect(text).toContain('Sent to 6 subscribers.')
      expect(text).toContain('f***@northwind.example')
      expect(text).not.toContain('finance@northwind.example')
      await followUp.getByRole('link', { name: /Open in the inbox \(f\*\*\*@northwind/ }).click()
      await followUp.waitForURL(/\/admin\/inbox\/[0-9a-z]{12}$/)
    },
  )
})
