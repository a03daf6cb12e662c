// Subscribing with every channel in a real browser, without JavaScript being needed: the status
// page's subscribe page, the form of each channel, its errors, the SMS code form and the page that
// shows a webhook's signing secret once. axe 0 violations, no sideways scroll at 390 px, light and
// dark screenshots (test-artifacts/screens/console/subscribe-*.png).
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { subscriberLinks } from '../../api/services/links.ts'
import { smsConfirmCode } from '../../api/services/sms-code.ts'
import { seedDemo } from '../../api/seed/demo.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { byTarget, SMS_ENV } from '../fixtures/channel-subscribers.ts'
import {
  axeViolations,
  checkAuthPage,
  DESKTOP,
  opening,
  PHONE,
} from '../fixtures/console-browser.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const browser = useBrowser()

const SLACK = 'https://hooks.slack.com/services/T024BE7LD/B01ABCDEF/q8Vx2kLmN0pRsTuV9wXyZa1b'
const HOOK = 'https://status-hooks.northwind-traders.example/amends/incoming'

/** The demo page (many components in groups), published and served with SMS configured. */
async function site() {
  // Every request comes from 127.0.0.1 here: lift the per-address limit on subscribing.
  const t = await createTestApp({ env: { ...SMS_ENV, SUBSCRIBE_PER_IP_PER_HOUR: '1000' } })
  await seedDemo(t.deps)
  const { publisher, outDir } = await publisherFor(t)
  await publisher.publishAll()
  return { t, base: await serveSite(t, outDir) }
}

/** Submits the form on the page and waits for the answer to load. */
async function submit(page: Page, button = 'Subscribe') {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${button}")`)])
}

describe('subscribing with every channel in Chromium', () => {
  it('each channel’s form: axe 0, 390 and 1280 px, light and dark', async () => {
    const { base } = await site()
    const b = await browser()
    const found: string[] = []
    // The status page's own subscribe page links each channel (its header is the site's: that
    // page is checked by tests/site/browser.test.ts); the tabs fit a phone.
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await (await b.newContext(viewport)).newPage()
      await page.goto(`${base}/subscribe/`)
      found.push(
        ...(await axeViolations(page, `status-page subscribe ${viewport.viewport!.width}`)),
      )
      const tabs = await page.locator('nav[aria-label="Ways to get updates"]').boundingBox()
      expect(tabs!.x + tabs!.width).toBeLessThanOrEqual(viewport.viewport!.width)
      await page.context().close()
    }
    for (const ch of ['email', 'slack', 'teams', 'discord', 'webhook', 'sms'])
      found.push(...(await checkAuthPage(b, `subscribe-${ch}`, opening(`${base}/subscribe/${ch}`))))
    expect(found).toEqual([])
  }, 300_000)

  it('a form’s errors, what happens next, the code form: axe 0, 390 and 1280 px, light and dark', async () => {
    const { t, base } = await site()
    const b = await browser()
    const found: string[] = []
    // Problems beside the fields, as typed.
    found.push(
      ...(await checkAuthPage(b, 'subscribe-slack-error', async (page) => {
        await page.goto(`${base}/subscribe/slack`)
        await page.fill('#f-url', SLACK.replace('https:', 'http:'))
        await page.fill('#f-email', 'not an address')
        await submit(page)
        expect(await page.locator('#f-url-error').innerText()).toBe('Must be an https:// URL.')
        expect(await page.locator('#f-email-error').innerText()).toMatch(/Enter an email address/)
        expect(await page.inputValue('#f-url')).toBe(SLACK.replace('https:', 'http:'))
      })),
    )
    found.push(
      ...(await checkAuthPage(b, 'subscribe-webhook-accepted', async (page) => {
        await page.goto(`${base}/subscribe/webhook`)
        await page.fill('#f-url', HOOK)
        await page.fill('#f-email', 'it-alerts@northwind-traders.example')
        await submit(page)
        expect(await page.locator('h1').innerText()).toBe('Check your inbox')
      })),
    )
    found.push(
      ...(await checkAuthPage(b, 'subscribe-sms-code', async (page) => {
        await page.goto(`${base}/subscribe/sms`)
        await page.fill('#f-phone', '+44 7911 123456')
        await submit(page)
        const right = await smsConfirmCode(t.deps, (await byTarget(t, 'sms', '+447911123456'))!)
        await page.fill('#f-code', right === '000000' ? '111 111' : '000 000')
        await submit(page, 'Confirm')
        expect(await page.locator('#f-code-error').innerText()).toMatch(/^That code is not right/)
      })),
    )
    expect(found).toEqual([])
  }, 300_000)

  it('from the status page to a confirmed Slack, SMS and webhook subscription, by keyboard and clicks only', async () => {
    const { t, base } = await site()
    const b = await browser()
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await (await b.newContext({ ...viewport, javaScriptEnabled: false })).newPage()
      await page.goto(`${base}/subscribe/`)
      // The status page's own form is email; the other channels are one tab away.
      await Promise.all([
        page.waitForNavigation(),
        page.click('nav[aria-label="Ways to get updates"] >> text=Slack'),
      ])
      expect(new URL(page.url()).pathname).toBe('/subscribe/slack')
      expect(await page.getAttribute('.tabs a[aria-current="page"]', 'href')).toBe(
        '/subscribe/slack',
      )
      await page.fill('#f-url', viewport === PHONE ? SLACK : `${SLACK}2`)
      await page.getByLabel('Checkout', { exact: true }).check()
      await page.selectOption('#f-locale', 'zh-CN')
      await submit(page)
      expect(await page.locator('h1').innerText()).toBe('Check your Slack channel')
      await page.context().close()
    }
    const slack = (await byTarget(t, 'slack', SLACK))!
    expect(slack).toMatchObject({ status: 'pending', locale: 'zh-CN', confirm_via: 'slack' })
    expect(slack.components).toHaveLength(1)

    // SMS: the number, then the code from the text (the notifier renders the same code).
    const b2 = await (await b.newContext({ ...PHONE, javaScriptEnabled: false })).newPage()
    await b2.goto(`${base}/subscribe/sms`)
    await b2.fill('#f-phone', '+44 7911 123456')
    await submit(b2)
    const code = await smsConfirmCode(t.deps, (await byTarget(t, 'sms', '+447911123456'))!)
    await b2.fill('#f-code', code)
    await submit(b2, 'Confirm')
    expect(await b2.locator('h1').innerText()).toBe("You're subscribed")
    expect((await byTarget(t, 'sms', '+447911123456'))!.status).toBe('confirmed')

    // A webhook: the contact confirms from the emailed link and sees the secret, once (a new
    // webhook for each screenshot: the page shows it to the request that confirms).
    let n = 0
    const found = await checkAuthPage(b, 'subscribe-webhook-secret', async (page) => {
      const url = `${HOOK}/${++n}`
      await page.goto(`${base}/subscribe/webhook`)
      await page.fill('#f-url', url)
      await page.fill('#f-email', 'it-alerts@northwind-traders.example')
      await submit(page)
      const hook = (await byTarget(t, 'webhook', url))!
      await page.goto(`${base}${new URL((await subscriberLinks(t.deps, hook)).confirm).pathname}`)
      expect(await page.content()).not.toContain('whsec_')
      await submit(page, 'Confirm subscription')
      expect(await page.locator('h1').innerText()).toBe('Webhook confirmed')
      expect(await page.locator('#secret').innerText()).toMatch(/^whsec_/)
    })
    expect(found).toEqual([])
    await b2.context().close()
  }, 300_000)
})
