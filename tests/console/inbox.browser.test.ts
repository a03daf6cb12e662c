import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { feedback } from '../../api/services/feedback.ts'
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
import { START } from '../fixtures/test-app.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { createMailWorld } from '../notifier/world.ts'

const browser = useBrowser()
const EDITOR = 'priya.shah@example.com'
const VIEWER = 'lee.chen@example.com'
const MIN = 60_000
const HOUR = 60 * MIN

/**
 * The demo (Berlin time) with the inbox a support team has on a busy day: a report overdue
 * (over 24 h), one late and assigned, one answered by a named person, one closed, and the demo's
 * own waiting ones; a real SMTP sink behind the notifier.
 */
async function world() {
  const w = await createMailWorld({
    env: { TIME_ZONE: 'Europe/Berlin', SUPPORT_EMAIL: 'help@example.com' },
  })
  const { t } = w
  await seedDemo(t.deps)
  const priya = await createPerson(t, { role: 'editor', email: EDITOR, name: 'Priya Shah' })
  await createPerson(t, { role: 'editor', email: 'sam.okafor@example.com', name: 'Sam Okafor' })
  await createPerson(t, { role: 'viewer', email: VIEWER, name: 'Lee Chen' })
  const comps = (await t.api('GET', '/api/v1/components')).body as { id: string; name: string }[]
  const comp = (n: string) => comps.find((c) => c.name === n)!.id
  const incs = (await t.api('GET', '/api/v1/incidents?per_page=100')).body as {
    id: string
    name: string
  }[]
  const webhookDelays = incs.find((i) => i.name === 'Webhook delivery delays')!.id
  const ago = (ms: number) => t.clock.set(new Date(Date.parse(START) - ms))

  ago(26 * HOUR)
  const overdue = await feedback.report(t.deps, {
    email: 'jordan.blake@globex.example',
    component: comp('Webhooks'),
    message:
      'Your page said all systems operational yesterday morning, but our webhook endpoint received nothing for almost two hours. We missed 40 orders.\n\nWhich events were dropped, and will you send them again?',
  })
  ago(5 * HOUR)
  const answered = await feedback.report(t.deps, {
    email: 'amira@initech.example',
    incident: webhookDelays,
    message: 'Are webhooks delayed again? Our order notifications arrive 10 minutes late.',
  })
  ago(4 * HOUR + 20 * MIN)
  const sam = await signIn(t, 'sam.okafor@example.com')
  expect(
    (
      await sam.post(`/admin/inbox/${answered.id}/replies`, {
        body: 'Hi Amira, that was a short queue backlog between 11:40 and 12:00; every webhook was delivered, just late. Nothing to resend, and it is back to real time now.',
      })
    ).status,
  ).toBe(303)
  ago(3 * HOUR + 30 * MIN)
  const late = await feedback.report(t.deps, {
    email: 'accounts@umbrella.example',
    message: 'Can we get a copy of the post-mortem for the payments outage for our auditors?',
  })
  await feedback.assign(t.deps, { actor: { id: null, name: 'test', scope: 'admin' } }, late.id, {
    assigned_to: priya.id,
  })
  ago(2 * HOUR)
  const spam = await feedback.report(t.deps, { message: 'Great site! Visit my SEO agency.' })
  await feedback.close(t.deps, { actor: { id: null, name: 'test', scope: 'admin' } }, spam.id)
  t.clock.set(START)
  const base = await serveSite(t, tempDir('public'))
  return { w, t, base, overdue, answered, late }
}

describe('the inbox in Chromium', () => {
  // Long: five pages, each in four browser contexts, on two busy cores.
  it(
    'looks right with a busy day’s reports: list, filters and threads at 1280 and 390',
    { timeout: 400_000 },
    async () => {
      const { base, overdue, answered, late } = await world()
      const b = await browser()
      const pages: [string, string, string][] = [
        [EDITOR, 'inbox', '/admin/inbox'],
        [EDITOR, 'inbox-late', '/admin/inbox?show=late'],
        [EDITOR, 'inbox-thread-overdue', `/admin/inbox/${overdue.id}?canned=looking`],
        [EDITOR, 'inbox-thread-answered', `/admin/inbox/${answered.id}`],
        [VIEWER, 'inbox-thread-viewer', `/admin/inbox/${late.id}`],
      ]
      for (const [who, name, path] of pages) {
        expect(await checkConsolePage(b, base, who, name, path)).toEqual([])
      }
    },
  )

  it('answers a report at 390 px: a template is refused unedited, then sent, parsed from the sink', async () => {
    const { w, base, overdue } = await world()
    const context = await (await browser()).newContext(PHONE)
    const page = await context.newPage()
    await signInPage(page, base, EDITOR)
    // The menu says how many wait, in words for a screen reader.
    expect(await page.getByRole('link', { name: /^Inbox, \d+ waiting$/ }).count()).toBe(1)
    await page.getByRole('link', { name: /^Inbox/ }).click()
    await page.waitForURL(/\/admin\/inbox$/)
    await page.getByRole('link', { name: /Your page said all systems operational/ }).click()
    await page.waitForURL(new RegExp(`/admin/inbox/${overdue.id}$`))
    expect(await page.locator('.thread-facts .clock').textContent()).toBe('Overdue: waiting 26 h')

    await page.getByRole('link', { name: 'Looking into it' }).click()
    await page.waitForURL(/canned=looking/)
    const box = page.getByLabel('Your reply')
    expect(await box.inputValue()).toContain('We are looking into it now')
    await page.getByRole('button', { name: 'Send reply' }).click()
    await page.waitForLoadState()
    expect(await box.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('#f-body-error').textContent()).toContain(
      'the “Looking into it” template unchanged',
    )
    await expectNoHorizontalScroll(page, 'unedited template 390')
    expect(await axeViolations(page, 'unedited template 390')).toEqual([])
    await page.screenshot({
      path: join(CONSOLE_SCREENS, 'inbox-reply-refused-390.png'),
      fullPage: true,
    })
    await box.fill(
      `Hi Jordan, I am sorry: our check did not notice the webhook queue stalling, so the page stayed green. ${await box.inputValue()}`,
    )
    await page.getByRole('button', { name: 'Send reply' }).click()
    await page.waitForURL(/notice=replied$/)
    expect(await page.getByRole('status').textContent()).toBe(
      'Reply sent: it is on its way to the reporter.',
    )
    expect(await page.locator('.timeline h3').last().textContent()).toContain(
      'Priya Shah, Example Status team',
    )
    await context.close()

    await w.settle()
    const raw = w.sink.to('jordan.blake@globex.example')
    expect(raw).toHaveLength(2)
    const [thanks, reply] = await Promise.all(raw.map((m) => simpleParser(m.raw)))
    expect(reply!.from?.value).toEqual([
      { name: 'Example Status', address: 'status@status.example.com' },
    ])
    expect(reply!.replyTo?.value).toEqual([{ name: '', address: 'help@example.com' }])
    expect(reply!.inReplyTo).toBe(thanks!.messageId)
    expect(reply!.references).toBe(thanks!.messageId)
    expect(reply!.text).toContain('Hi Jordan, I am sorry')
    expect(reply!.text).toContain('— Priya Shah, Example Status team')
    expect(reply!.html).toContain('— Priya Shah, Example Status team')
  })
})
