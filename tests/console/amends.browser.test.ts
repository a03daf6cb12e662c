import { describe, expect, it } from 'vitest'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { amendsWorld } from '../fixtures/amends-world.ts'
import {
  checkConsolePage,
  expectNoHorizontalScroll,
  PHONE,
  signInPage,
} from '../fixtures/console-browser.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const browser = useBrowser()
const EDITOR = 'robin@example.com'

describe('the amends screens in Chromium', () => {
  it(
    'impact, apology (with its preview) and service credit: axe 0 at 1280 and 390, light and dark',
    { timeout: 300_000 },
    async () => {
      const { t, id } = await amendsWorld()
      const base = await serveSite(t, tempDir('public'))
      const b = await browser()
      const at = (tab: string) => `/admin/incidents/${id}/${tab}`
      expect(await checkConsolePage(b, base, EDITOR, 'amends-impact', at('impact'))).toEqual([])
      expect(
        await checkConsolePage(b, base, EDITOR, 'amends-apology', at('apology'), async (page) => {
          await page.getByRole('button', { name: 'Preview' }).click()
          await page.waitForURL(/#apology-preview$/)
          await page.locator('#pv-mail-en-h').waitFor()
          expect(await page.locator('#apology-preview').innerText()).toContain('Our apology')
        }),
      ).toEqual([])
      expect(
        await checkConsolePage(b, base, EDITOR, 'amends-credit', at('credit'), async (page) => {
          await page.getByText('Override the percentage').click()
          await page.getByLabel('Payments API (computed 10%)').fill('25')
          await page.locator('#override-preview').getByText('25% service credit').waitFor()
        }),
      ).toEqual([])
    },
  )

  it(
    'on a phone: writes the apology after a preview, then accepts the credit',
    { timeout: 120_000 },
    async () => {
      const { t, id } = await amendsWorld()
      const base = await serveSite(t, tempDir('public'))
      const context = await (await browser()).newContext(PHONE)
      const page = await context.newPage()
      await signInPage(page, base, EDITOR)
      await page.goto(`${base}/admin/incidents/${id}/apology`)
      const apology = page.getByLabel('Apology', { exact: true })
      expect(await apology.inputValue()).toMatch(/^We're sorry\. Payments API and Checkout/)
      await apology.fill('We are sorry: for over three hours your customers could not pay you.')
      // The live preview follows the typing before anything is saved.
      await expect
        .poll(() => page.locator('#apology-preview').innerText())
        .toContain('for over three hours your customers could not pay you')
      await expectNoHorizontalScroll(page, 'apology with preview')
      await page.getByRole('button', { name: 'Save the apology' }).click()
      await page.waitForURL(/\?notice=saved$/)
      expect(await page.getByRole('status').innerText()).toBe(
        'The apology is saved and shown on the status page.',
      )
      expect((await t.api('GET', `/api/v1/incidents/${id}`)).body.apology).toMatch(/^We are sorry/)

      await page.getByRole('link', { name: 'Service credit' }).click()
      await page.waitForURL(/\/credit$/)
      await page.getByRole('button', { name: 'Accept the computed credit' }).click()
      await page.waitForURL(/\?notice=accepted$/)
      const read = await page.locator('.sentences').innerText()
      expect(read).toContain('Because Payments API was unavailable for 2 h 1 min this month')
      expect(read).toContain('由于 Payments API 本月累计不可用 2 小时 1 分钟')
      await expectNoHorizontalScroll(page, 'credit decided')
      const comp = (await t.api('GET', `/api/v1/incidents/${id}/compensation`)).body
      expect(comp.decision.decision).toBe('accepted')
    },
  )
})
