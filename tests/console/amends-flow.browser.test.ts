import { join } from 'node:path'
import { simpleParser, type ParsedMail } from 'mailparser'
import type { BrowserContextOptions, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { createPerson } from '../fixtures/console.ts'
import {
  axeViolations,
  CONSOLE_SCREENS,
  DESKTOP,
  expectNoHorizontalScroll,
  PHONE,
  signInPage,
} from '../fixtures/console-browser.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { START } from '../fixtures/test-app.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { addSubscriber, createMailWorld, type MailWorld } from '../notifier/world.ts'

// The five steps of service recovery done the way a support engineer would, in one browser
// session: apologise, resolve, accept the credit, publish the post-mortem and notify; then the
// customer answers the follow-up "still affected" from the email's link, the report appears in
// the inbox, a named person replies, and the reply is read back from a real SMTP sink.

const browser = useBrowser()
const EDITOR = 'priya.shah@example.com'
const CUSTOMER = 'ana@shop.example'
const MIN = 60_000
const DAY = 86_400_000

async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  return Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
}

/** A payments component since the 1st, a subscriber to it, and a major outage 40 min old. */
async function world() {
  const w = await createMailWorld({
    env: { TIME_ZONE: 'Europe/Berlin', SUPPORT_EMAIL: 'help@example.com' },
  })
  const { t } = w
  t.clock.set(new Date('2026-03-01T08:00:00.000Z'))
  const pay = await makeComponent(t, { name: 'Payments API' })
  await addSubscriber(t.deps.db, { email: CUSTOMER, components: [pay.id] })
  await createPerson(t, { role: 'editor', email: EDITOR, name: 'Priya Shah' })
  t.clock.set(START)
  const inc = (await makeIncident(t, {
    name: 'Card payments failing',
    components: { [pay.id]: 'major_outage' },
    started_at: new Date(Date.parse(START) - 12 * MIN).toISOString(),
  })) as { id: string }
  t.clock.advance(40 * MIN)
  const base = await serveSite(t, tempDir('public'))
  return { w, t, base, inc }
}

/** axe 0, no sideways scrolling on a phone, and a screenshot of the step. */
async function looked(page: Page, step: string, width: number) {
  const label = `${step} ${width}`
  if (width === 390) await expectNoHorizontalScroll(page, label)
  expect(await axeViolations(page, label)).toEqual([])
  await page.screenshot({
    path: join(CONSOLE_SCREENS, `flow-${step}-${width}.png`),
    fullPage: true,
  })
}

async function submit(page: Page, button: string, url: RegExp) {
  await Promise.all([page.waitForURL(url), page.getByRole('button', { name: button }).click()])
}

describe('making amends, start to finish, in Chromium', () => {
  for (const [width, device] of [
    [390, PHONE],
    [1280, DESKTOP],
  ] as [number, BrowserContextOptions][]) {
    it(`at ${width} px: apology → resolve → credit → post-mortem → follow-up → inbox → reply`, async () => {
      const { w, t, base, inc } = await world()
      const context = await (await browser()).newContext(device)
      const page = await context.newPage()
      const admin = `${base}/admin/incidents/${inc.id}`
      await signInPage(page, base, EDITOR)

      // 1. The apology, previewed and saved on its own screen.
      await page.goto(`${admin}/apology`)
      const apology =
        'We are sorry: for 40 minutes card payments failed, and some of your customers could not pay you.'
      await page.getByLabel('Apology', { exact: true }).fill(apology)
      await submit(page, 'Save the apology', /notice=saved/)
      await looked(page, 'apology', width)

      // 2. Resolved from the incident page; the form carries the saved apology.
      await page.goto(admin)
      await page.getByText('Write the resolution and the apology').click()
      expect(await page.getByLabel('Apology', { exact: true }).inputValue()).toBe(apology)
      await page
        .locator('#resolve')
        .getByLabel('Message', { exact: true })
        .fill('Card payments work again.')
      await submit(page, 'Resolve the incident', /notice=resolved/)
      await looked(page, 'resolved', width)

      // 3. The computed credit accepted; customers' sentence shown.
      await page.goto(`${admin}/credit`)
      await submit(page, 'Accept the computed credit', /notice=accepted/)
      const credit = (await t.api('GET', `/api/v1/incidents/${inc.id}/compensation`)).body as {
        decision: { decision: string; decided_at: string } | null
        sentences: string[]
      }
      expect(credit.decision?.decision).toBe('accepted')
      expect(credit.sentences).toHaveLength(1)
      expect(credit.sentences[0]).toContain('Payments API')
      expect(credit.sentences[0]).not.toMatch(/\b0 min/)
      expect(await page.locator('main').textContent()).toContain(credit.sentences[0])
      await looked(page, 'credit', width)

      // 4. The post-mortem from its template, published and notified.
      await page.goto(`${admin}/postmortem`)
      const draft = await page.getByLabel('Post-mortem (markdown)').inputValue()
      expect(draft).toContain('## Timeline')
      expect(draft).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/)
      await submit(page, 'Publish and notify', /notice=notified/)
      const pm = (await t.api('GET', `/api/v1/incidents/${inc.id}/postmortem`)).body as {
        status: string
      }
      expect(pm.status).toBe('published')
      await looked(page, 'postmortem', width)

      await w.settle()
      const sent = await mailsTo(w, CUSTOMER)
      const resolution = sent.find((m) => m.text?.includes('Card payments work again.'))
      const postmortem = sent.find(
        (m) => m.text?.includes('## Timeline') || /Timeline\n-+\n/.test(m.text ?? ''),
      )
      expect(sent.map((m) => m.subject)).toHaveLength(3)
      expect(resolution!.text).toContain(apology)
      expect(postmortem!.text).toMatch(/Summary\n-+\n/)
      expect(postmortem!.text).not.toContain('None of the services you follow is affected')
      // Said once: affected, and working again; never also "working normally" as if untouched.
      expect(postmortem!.text).toContain(
        'Was affected: Payments API\nWorking normally again: Payments API',
      )
      expect(postmortem!.text).not.toContain('Working normally: Payments API')

      // 5. Three days later the follow-up goes out; the customer is still affected.
      t.clock.advance(3 * DAY + MIN)
      const scheduler = createScheduler(t.deps)
      await scheduler.tick()
      await scheduler.tick()
      await w.settle()
      const followUp = (await mailsTo(w, CUSTOMER)).find((m) =>
        m.text?.includes('Is everything working again?'),
      )
      const links = [
        ...followUp!.text!.matchAll(/https:\/\/status\.example\.com(\/follow-up\/\S+)/g),
      ]
      expect(links).toHaveLength(2)
      await page.goto(`${base}${links[1]![1]}`)
      expect(await page.getByLabel('I am still affected').isChecked()).toBe(true)
      const comment = 'Two refunds from the outage still show as pending in our dashboard.'
      await page.getByLabel(/Anything we should know/).fill(comment)
      await page.getByRole('button', { name: 'Send answer' }).click()
      await page.waitForLoadState()
      await looked(page, 'follow-up-answered', width)

      // 6. The answer is in the inbox, and on the incident's follow-up screen (three days on,
      // the session has long been idle: sign in again).
      await signInPage(page, base, EDITOR)
      await page.goto(`${admin}/follow-up`)
      expect(await page.locator('main').textContent()).toContain(comment)
      expect(await page.getByRole('link', { name: /Open in the inbox/ }).count()).toBe(1)
      await looked(page, 'follow-up', width)
      await page.goto(`${base}/admin/inbox`)
      await page.getByRole('link', { name: /Two refunds from the outage/ }).click()
      await page.waitForURL(/\/admin\/inbox\/\w+$/)
      await looked(page, 'inbox-thread', width)

      // 7. A named person replies; the email is read back from the sink.
      await page
        .getByLabel('Your reply')
        .fill(
          'Hi Ana, I am sorry these got stuck. I released both refunds just now; they reach your customers within two working days.',
        )
      await submit(page, 'Send reply', /notice=replied/)
      await looked(page, 'inbox-replied', width)
      await context.close()

      await w.settle()
      const mails = await mailsTo(w, CUSTOMER)
      const thanks = mails.find((m) => /^<feedback\.\w+\.[^.]+@/.test(m.messageId ?? ''))
      const reply = mails.find((m) => m.text?.includes('I released both refunds'))
      expect(thanks, mails.map((m) => m.messageId).join(' ')).toBeDefined()
      expect(reply!.from?.value).toEqual([
        { name: 'Example Status', address: 'status@status.example.com' },
      ])
      expect(reply!.replyTo?.value).toEqual([{ name: '', address: 'help@example.com' }])
      expect(reply!.inReplyTo).toBe(thanks!.messageId)
      expect(reply!.references).toBe(thanks!.messageId)
      expect(reply!.text).toContain('— Priya Shah, Example Status team')
      expect(reply!.html).toContain('— Priya Shah, Example Status team')
      // Every message was sent once.
      expect(new Set(mails.map((m) => m.messageId)).size).toBe(mails.length)
    })
  }
})
