import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { useBrowser } from '../fixtures/browser.ts'
import { PASSWORD } from '../fixtures/console.ts'
import {
  checkAuthPage,
  checkConsolePage,
  DESKTOP,
  opening,
  PHONE,
  signInPage,
} from '../fixtures/console-browser.ts'
import { NEW_PASSWORD } from '../fixtures/people.ts'
import { startServer, stopServersAfterEach, waitFor } from '../fixtures/server-process.ts'
import { startSmtpSink, type SmtpSink } from '../fixtures/smtp-sink.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const browser = useBrowser()
const servers = stopServersAfterEach()

/** The console link in the `n`-th mail to `address`, on the server's own address. */
async function mailedLink(sink: SmtpSink, address: string, n: number, base: string) {
  await waitFor(`mail ${n} to ${address}`, () => sink.to(address).length >= n)
  const mail = await simpleParser(sink.to(address)[n - 1]!.raw)
  const m = /https?:\/\/[^/\s]+(\/admin\/(?:invite|reset)\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')
  expect(m, mail.text).not.toBeNull()
  return base + m![1]
}

/** Clicks a submit button and waits for the page the POST leads to. */
async function submit(page: Page, button: string) {
  await page.click(`button:has-text("${button}")`)
  await page.waitForLoadState('load')
}

describe('people in the console (real server, SMTP sink, Chromium)', () => {
  // Long: a real server, two mails, four browser contexts per page looked at (on 2 busy cores).
  it(
    'first admin from the start banner, invitation by email, sign-in, and disabling at once',
    { timeout: 400_000 },
    async () => {
      const b = await browser()
      const dir = tempDir('people')
      const sink = await startSmtpSink()
      try {
        const server = await startServer({
          DATABASE_URL: `file:${join(dir, 'amends.db')}`,
          PUBLIC_DIR: join(dir, 'public'),
          SMTP_URL: sink.url,
          PAGE_NAME: 'Example Status',
          NOTIFIER_POLL_MS: '50',
        })
        servers.push(server)
        const { base } = server
        const setupPath = await waitFor(
          'the setup link in the start banner',
          () => /first admin\s+https?:\/\/[^/\s]+(\/admin\/setup\/\S+)/.exec(server.output())?.[1],
          server.output,
        )

        // 1. The setup page (looked at before it is used), then the first admin.
        expect(await checkAuthPage(b, 'setup', opening(base + setupPath))).toEqual([])
        const admin = await (await b.newContext(DESKTOP)).newPage()
        admin.on('dialog', (d) => void d.accept())
        await admin.goto(base + setupPath)
        await admin.fill('input[autocomplete=username]', 'ann@example.com')
        await admin.fill('input[name=name]', 'Ann Lee')
        await admin.fill('input[autocomplete=new-password]', PASSWORD)
        await submit(admin, 'Create admin account')
        expect(new URL(admin.url()).pathname).toBe('/admin/')
        expect(await admin.textContent('.who')).toContain('Ann Lee')
        // Used: the link now says so, and writes nothing.
        expect(await checkAuthPage(b, 'link-gone', opening(base + setupPath, 410))).toEqual([])

        // 2. The admin invites a person; the link is shown once and mailed.
        await admin.goto(`${base}/admin/people`)
        await admin.fill('#f-email', 'sam@example.com')
        await admin.fill('#f-name', 'Sam Okafor')
        await admin.selectOption('#f-role', 'editor')
        await submit(admin, 'Send invitation')
        const shown = (await admin.textContent('.secret'))!.trim()
        const invitePath = new URL(shown).pathname
        const mailed = await mailedLink(sink, 'sam@example.com', 1, base)
        expect(new URL(mailed).pathname).toBe(invitePath)
        // The link with its secret is in no log line of the server.
        expect(server.output()).not.toContain(invitePath)

        // 3. The person accepts in their own browser, signs out, and signs in with the password.
        expect(await checkAuthPage(b, 'invite', opening(mailed))).toEqual([])
        const sam = await (await b.newContext(PHONE)).newPage()
        await sam.goto(mailed)
        expect(await sam.inputValue('input[autocomplete=username]')).toBe('sam@example.com')
        await sam.fill('input[autocomplete=new-password]', NEW_PASSWORD)
        await submit(sam, 'Join')
        expect(new URL(sam.url()).pathname).toBe('/admin/')
        await submit(sam, 'Sign out')
        expect(new URL(sam.url()).pathname).toBe('/admin/sign-in')
        await signInPage(sam, base, 'sam@example.com', NEW_PASSWORD)
        expect(await sam.textContent('.who')).toContain('Sam Okafor')

        // 4. Sam makes a personal token on their account page.
        await sam.goto(`${base}/admin/account`)
        await sam.fill('#f-name', 'deploy script')
        await sam.selectOption('#f-scope', 'write')
        await submit(sam, 'Create token')
        const token = (await sam.textContent('.secret'))!.trim()
        const api = (t: string) =>
          fetch(`${base}/api/v1/components`, { headers: { authorization: `Bearer ${t}` } })
        expect((await api(token)).status).toBe(200)

        // Realistic data for the pictures: an invited viewer, a service token.
        expect(
          (
            await server.request('POST', '/api/v1/users', {
              email: 'priya@example.com',
              name: 'Priya Natarajan',
              role: 'viewer',
            })
          ).status,
        ).toBe(201)
        expect(
          (
            await server.request('POST', '/api/v1/tokens', {
              name: 'deploy pipeline',
              scope: 'write',
            })
          ).status,
        ).toBe(201)
        for (const [name, path] of [
          ['people', '/admin/people'],
          ['tokens', '/admin/tokens'],
          ['account', '/admin/account'],
        ]) {
          expect(await checkConsolePage(b, base, 'ann@example.com', name!, path!)).toEqual([])
        }

        // 5. The admin disables Sam: Sam's next request goes to sign-in, the token gets 401 at once.
        await admin.goto(`${base}/admin/people`)
        await submit(admin, 'Disable Sam Okafor')
        expect(await admin.textContent('.flash')).toContain('Disabled')
        expect((await api(token)).status).toBe(401)
        await sam.goto(`${base}/admin/account`)
        expect(new URL(sam.url()).pathname).toBe('/admin/sign-in')

        // 6. Password reset: the request page, then the emailed link's page.
        expect(
          await checkAuthPage(b, 'password-reset', opening(`${base}/admin/password-reset`)),
        ).toEqual([])
        const ann = await (await b.newContext(DESKTOP)).newPage()
        await ann.goto(`${base}/admin/password-reset`)
        await ann.fill('#f-email', 'ann@example.com')
        await submit(ann, 'Email me a link')
        expect(await ann.textContent('[role=status]')).toContain('If an account exists')
        const reset = await mailedLink(sink, 'ann@example.com', 1, base)
        expect(new URL(reset).pathname).toMatch(/^\/admin\/reset\//)
        expect(await checkAuthPage(b, 'reset', opening(reset))).toEqual([])
      } finally {
        await sink.close()
      }
    },
  )
})
