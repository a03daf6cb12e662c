import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SIGN_IN_LIMITS } from '../../api/services/sign-in.ts'
import { useBrowser } from '../fixtures/browser.ts'
import { PHONE, signInPage } from '../fixtures/console-browser.ts'
import { startConsoleServer } from '../fixtures/console-server.ts'
import { incidentBody, stopServersAfterEach } from '../fixtures/server-process.ts'

const browser = useBrowser()
const servers = stopServersAfterEach()

// Another site on the same host (another port: the same *site* for SameSite, so the session
// cookie IS sent along; only the Origin check and the CSRF token stand in the way).
const attackers: ReturnType<typeof createServer>[] = []
afterEach(async () => {
  for (const s of attackers.splice(0)) await new Promise((r) => s.close(r))
})
async function attackerPage(html: string): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(html)
  })
  attackers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

describe('console security in a real browser against the real server', () => {
  it('refuses a form posted from another site, even with the session cookie', async () => {
    const server = await startConsoleServer()
    servers.push(server)
    const person = await server.addPerson('admin')
    const context = await (await browser()).newContext()
    const page = await context.newPage()
    await signInPage(page, server.base, person.email)
    expect(page.url()).toBe(`${server.base}/admin/`)

    // A page elsewhere that signs the victim out, with no token and with a guessed one.
    for (const field of ['', '<input type="hidden" name="_csrf" value="guessed-token">']) {
      const evil = await attackerPage(
        `<form method="post" action="${server.base}/admin/sign-out">${field}</form><script>document.forms[0].submit()</script>`,
      )
      const refused = page.waitForResponse((r) => r.url().endsWith('/admin/sign-out'))
      await page.goto(evil)
      const res = await refused
      expect(res.status()).toBe(403)
      expect(await page.locator('h1').innerText()).toBe('Not allowed')
    }
    // Still signed in: nothing happened.
    await page.goto(`${server.base}/admin/`)
    expect(page.url()).toBe(`${server.base}/admin/`)
    expect(await page.locator('h1').innerText()).toBe('Now')
  })

  it('locks an account after repeated failures, whatever password comes next', async () => {
    const server = await startConsoleServer()
    servers.push(server)
    const person = await server.addPerson('editor')
    const context = await (await browser()).newContext(PHONE)
    const page = await context.newPage()
    for (let i = 0; i < SIGN_IN_LIMITS.perAccount; i++) {
      await page.goto(`${server.base}/admin/sign-in`)
      await page.fill('input[autocomplete=username]', person.email)
      await page.fill('input[autocomplete=current-password]', `not my password ${i}`)
      const answered = page.waitForResponse(
        (r) => r.url().endsWith('/admin/sign-in') && r.request().method() === 'POST',
      )
      await page.click('button[type=submit]')
      expect((await answered).status()).toBe(401)
      expect(await page.locator('[role=alert]').innerText()).toMatch(/do not match/)
    }
    await page.goto(`${server.base}/admin/sign-in`)
    await page.fill('input[autocomplete=username]', person.email)
    await page.fill('input[autocomplete=current-password]', 'a long enough test passphrase')
    const answer = page.waitForResponse(
      (r) => r.url().endsWith('/admin/sign-in') && r.request().method() === 'POST',
    )
    await page.click('button[type=submit]')
    expect((await answer).status()).toBe(429)
    expect(await page.locator('[role=alert]').innerText()).toMatch(
      /Too many failed sign-ins; try again in 15 minutes/,
    )
    // The lock holds in the database: a second server process on the same file agrees.
    const twin = await startConsoleServer({ DATABASE_URL: server.dbUrl })
    servers.push(twin)
    const res = await fetch(`${twin.base}/admin/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: twin.base },
      body: new URLSearchParams({ email: person.email, password: 'a long enough test passphrase' }),
    })
    expect(res.status).toBe(429)
  })

  it('shows a viewer every page without a form that writes, and refuses their posts', async () => {
    const server = await startConsoleServer()
    servers.push(server)
    const viewer = await server.addPerson('viewer')
    const created = await server.request('POST', '/api/v1/incidents', incidentBody('Slow search'))
    expect(created.status).toBe(201)
    const id = (created.body as { id: string }).id
    const context = await (await browser()).newContext(PHONE)
    const page = await context.newPage()
    await signInPage(page, server.base, viewer.email)
    for (const path of [
      '/admin/',
      '/admin/incidents',
      `/admin/incidents/${id}`,
      '/admin/maintenance',
      '/admin/components',
    ]) {
      const res = await page.goto(server.base + path)
      expect(res?.status(), path).toBe(200)
      // The only form that posts is signing out.
      const actions = await page
        .locator('form[method=post]')
        .evaluateAll((forms) => forms.map((f) => new URL((f as HTMLFormElement).action).pathname))
      expect(actions, path).toEqual(['/admin/sign-out'])
      if (path.endsWith(id)) expect(await page.locator('main').innerText()).toContain('Slow search')
    }
    // Posting anyway, with the session and its CSRF token, as the page would: 403, nothing written.
    const csrf = await page.locator('input[name=_csrf]').first().inputValue()
    const res = await page.request.post(`${server.base}/admin/incidents/${id}/updates`, {
      headers: { origin: server.base },
      form: { _csrf: csrf, _idem: 'a'.repeat(24), status: 'resolved', body: 'Fixed.' },
    })
    expect(res.status()).toBe(403)
    const after = await server.request('GET', `/api/v1/incidents/${id}`)
    expect((after.body as { status: string; incident_updates: unknown[] }).status).toBe(
      'investigating',
    )
    expect((after.body as { incident_updates: unknown[] }).incident_updates).toHaveLength(1)
    expect((await page.request.get(`${server.base}/admin/incidents/new`)).status()).toBe(403)
  })
})
