// Signing in to the console through a real OpenID provider, in Chromium: the console over real
// HTTP (the Node handler), oidc-provider over real HTTP, the provider's own login page.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../api/config.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { createPerson } from '../fixtures/console.ts'
import { checkAuthPage, DESKTOP } from '../fixtures/console-browser.ts'
import { startIdp, type IdpAccount } from '../fixtures/oidc-provider.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const browser = useBrowser()

/**
 * The console on a real port with SSO pointing at a real provider. The two must know each
 * other's address (the redirect URI, the issuer), and both ports are chosen when they start, so
 * the app's configuration is completed once both listen: it is read on every request.
 */
async function consoleWithIdp(accounts: IdpAccount[]) {
  const t = await createTestApp()
  const base = await serveSite(t, tempDir('sso'))
  const idp = await startIdp({ redirectUri: `${base}/admin/sso/callback`, accounts })
  const config = parseConfig({
    SITE_URL: base,
    ...idp.env({ OIDC_ALLOWED_DOMAINS: 'acme.example' }),
  })
  Object.assign(t.deps.config, { siteUrl: config.siteUrl, oidc: config.oidc })
  return { t, base, idp }
}

/** From the sign-in page, through the provider's login page, back to the console. */
async function signInWithSso(page: Page, base: string, login: string) {
  await page.goto(`${base}/admin/`)
  await page.waitForURL(`${base}/admin/sign-in?next=%2Fadmin%2F`)
  await page.getByRole('link', { name: 'Sign in with Acme SSO' }).click()
  // The provider's page pulls a web font from the internet; its HTML is all this needs.
  await page.waitForSelector('input[name=login]')
  await page.fill('input[name=login]', login)
  await page.fill('input[name=password]', 'any password')
  await Promise.all([
    page.waitForURL((u) => u.origin === base, { waitUntil: 'domcontentloaded' }),
    page.click('button[type=submit]'),
  ])
}

describe('console SSO in Chromium', () => {
  it("signs in through the provider's login page and lands on the console, signed in", async () => {
    const { t, base, idp } = await consoleWithIdp([
      { login: 'ann', email: 'ann@acme.example', email_verified: true, name: 'Ann' },
    ])
    await createPerson(t, { email: 'ann@acme.example', name: 'Ann Lee', role: 'editor' })
    const context = await (await browser()).newContext(DESKTOP)
    const page = await context.newPage()
    await signInWithSso(page, base, 'ann')
    expect(page.url()).toBe(`${base}/admin/`)
    await expect.poll(() => page.locator('.who').innerText()).toContain('Ann Lee')
    expect(await page.locator('.who').innerText()).toContain('editor')
    const cookies = await context.cookies(base)
    const session = cookies.find((c) => c.name === 'amends_session')
    expect(session?.httpOnly).toBe(true)
    expect(session?.sameSite).toBe('Lax')
    expect(cookies.find((c) => c.name === 'amends_sso')).toBeUndefined()
    expect(idp.hits.get('/token')).toBe(1)
  })

  it('shows the SSO button on the sign-in page, and a refusal on it: axe, 390 px, screenshots', async () => {
    const { base } = await consoleWithIdp([
      { login: 'dee', email: 'dee@elsewhere.example', email_verified: true },
    ])
    const b = await browser()
    const problems = await checkAuthPage(b, 'sign-in-sso', async (page) => {
      await page.goto(`${base}/admin/sign-in`)
      await page.getByRole('link', { name: 'Sign in with Acme SSO' }).waitFor()
    })
    problems.push(
      ...(await checkAuthPage(b, 'sign-in-sso-refused', async (page) => {
        await signInWithSso(page, base, 'dee')
        expect(page.url()).toMatch(/\/admin\/sso\/callback\?/)
        await page.getByRole('alert').waitFor()
        expect(await page.getByRole('alert').innerText()).toContain(
          'Your Acme SSO account (dee@elsewhere.example) has no access to this console',
        )
      })),
    )
    expect(problems).toEqual([])
  })
})
