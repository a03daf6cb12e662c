import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { afterEach, describe, expect, it } from 'vitest'
import { FAILED_TOKEN_CHECKS_PER_MINUTE } from '../../api/auth.ts'
import {
  createMailboxRoute,
  MAILBOX_PAGE_SIZE,
} from '../../api/jobs/notifier/channels/email-mailbox.node.ts'
import { mailboxTransport } from '../../api/jobs/notifier/channels/email-transport.node.ts'
import { migrate } from '../../db/migrate.node.ts'
import { openDatabase } from '../../db/open.node.ts'
import { renderEmail, type EmailInput } from '../../templates/render.ts'
import { ADMIN_TOKEN, createTestApp } from '../fixtures/test-app.ts'
import { startSmtpSink } from '../fixtures/smtp-sink.ts'
import { createPerson, signIn } from '../fixtures/console.ts'
import { addSubscriber, waitUntil } from './world.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { freePort } from '../fixtures/server-process.ts'

const ROOT = join(import.meta.dirname, '../..')

function email(overrides: Partial<EmailInput> = {}): EmailInput {
  return {
    locale: 'en',
    page: { name: 'Example Status', url: 'https://status.example.com', timeZone: 'UTC' },
    subjectPrefix: '[Example Status]',
    from: 'Example Status <status@status.example.com>',
    to: 'ada@example.org',
    list: { id: 'amends.status.example.com', name: 'Example Status' },
    messageId: '<confirm.1.sub1@status.example.com>',
    inReplyTo: null,
    date: '2026-03-10T12:00:00.000Z',
    links: {
      manage: 'https://status.example.com/manage/m',
      unsubscribe: 'https://status.example.com/unsubscribe/u',
    },
    subscribedTo: { all: true, names: [] },
    kind: 'confirmation',
    confirmUrl: 'https://status.example.com/confirm/c',
    expiresAt: '2026-03-17T12:00:00.000Z',
    ...overrides,
  } as EmailInput
}

describe('dev mailbox', () => {
  it('keeps one .eml per Message-ID and serves a list and each message, escaped', async () => {
    const dir = tempDir('mailbox')
    const transport = mailboxTransport(dir)
    const evil = renderEmail(email({ subjectPrefix: '[<script>alert(1)</script>]' }))
    await transport.send(evil)
    await transport.send(evil)
    await transport.send(
      renderEmail(
        email({ messageId: '<confirm.2.sub2@status.example.com>', to: 'bob@example.org' }),
      ),
    )
    expect(readdirSync(dir).sort()).toEqual([
      'confirm.1.sub1@status.example.com.eml',
      'confirm.2.sub2@status.example.com.eml',
    ])
    const t = await createTestApp()
    const route = createMailboxRoute(t.deps, dir)
    const get = async (path: string) =>
      (await route(
        new Request(`http://localhost${path}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        }),
      ))!

    const list = await get('/_mailbox/')
    expect(list.status).toBe(200)
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = await list.text()
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('<script>')
    expect(html).toContain('ada@example.org')
    expect(html).toContain('bob@example.org')

    const one = await (await get('/_mailbox/confirm.1.sub1@status.example.com.eml')).text()
    expect(one).not.toContain('<script>')
    expect(one).toMatch(/<iframe sandbox="" title="HTML part" srcdoc="&lt;!doctype html&gt;/)
    expect(one).toContain('Confirm subscription:\nhttps://status.example.com/confirm/c')
    const raw = await get('/_mailbox/confirm.1.sub1@status.example.com.eml/raw')
    expect(raw.headers.get('content-type')).toContain('text/plain')
    expect((await simpleParser(Buffer.from(await raw.arrayBuffer()))).messageId).toBe(
      '<confirm.1.sub1@status.example.com>',
    )

    expect((await get('/_mailbox/..%2F..%2Fetc%2Fpasswd')).status).toBe(404)
    expect((await get('/_mailbox/nope.eml')).status).toBe(404)
    expect((await get('/_mailbox/%E0%A4%A')).status).toBe(404)
    expect(await route(new Request('http://localhost/api/v1/components'))).toBeNull()
  })

  const basic = (password: string) =>
    `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`

  it("needs an admin: a console admin's session or the admin token as Bearer; never Basic", async () => {
    const dir = tempDir('mailbox')
    await mailboxTransport(dir).send(renderEmail(email()))
    const t = await createTestApp()
    const route = createMailboxRoute(t.deps, dir)
    const paths = [
      '/_mailbox/',
      '/_mailbox/?page=1',
      '/_mailbox/confirm.1.sub1@status.example.com.eml',
      '/_mailbox/confirm.1.sub1@status.example.com.eml/raw',
      '/_mailbox/nope.eml',
    ]
    const status = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
      const res = (await route(new Request(`http://localhost${path}`, { method, headers })))!
      // Every answer, refusals included, says nosniff: a body is never sniffed as HTML.
      expect(res.headers.get('x-content-type-options'), `${method} ${path}`).toBe('nosniff')
      expect(res.headers.get('www-authenticate'), `${method} ${path}`).toBeNull()
      return { res, body: await res.text() }
    }
    await createPerson(t, { role: 'admin', email: 'admin@example.com' })
    await createPerson(t, { role: 'editor', email: 'editor@example.com' })
    const admin = { cookie: (await signIn(t, 'admin@example.com')).cookie }
    const editor = { cookie: (await signIn(t, 'editor@example.com')).cookie }
    const [read, write] = [await t.token('read'), await t.token('write')]
    for (const path of paths) {
      // Without credentials a browser is sent to sign in.
      const anon = await status(path)
      expect(anon.res.status, path).toBe(303)
      expect(anon.res.headers.get('location')).toMatch(/^\/admin\/sign-in\?next=/)
      for (const authorization of [
        'Bearer amd_wrong_token_0123456789abcdefghij',
        basic('nope'),
        basic(ADMIN_TOKEN),
      ]) {
        const { res, body } = await status(path, { authorization })
        expect(res.status, `${path} ${authorization}`).toBe(401)
        expect(JSON.parse(body).error.code).toBe('unauthorized')
        expect(body).not.toContain('ada@example.org')
      }
      for (const headers of [
        { authorization: `Bearer ${read}` },
        { authorization: `Bearer ${write}` },
        editor,
      ]) {
        const { res, body } = await status(path, headers)
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403)
        expect(body).not.toContain('ada@example.org')
      }
      const ok = path.includes('nope') ? 404 : 200
      expect((await status(path, { authorization: `Bearer ${ADMIN_TOKEN}` })).res.status).toBe(ok)
      expect((await status(path, admin)).res.status).toBe(ok)
    }
    expect((await status('/_mailbox/', {}, 'POST')).res.status).toBe(401)
    expect((await status('/_mailbox/', admin, 'POST')).res.status).toBe(405)
  })

  it("counts wrong tokens per client address: one address's guesses do not throttle another's", async () => {
    const dir = tempDir('mailbox')
    const t = await createTestApp()
    const route = createMailboxRoute(t.deps, dir)
    const from = async (ip: string, token: string) =>
      (await route(
        new Request('http://localhost/_mailbox/', {
          headers: { authorization: `Bearer ${token}` },
        }),
        { incoming: { socket: { remoteAddress: ip } } },
      ))!.status
    for (let i = 0; i < FAILED_TOKEN_CHECKS_PER_MINUTE; i++) {
      expect(await from('203.0.113.9', `amd_guess_${i}`)).toBe(401)
    }
    expect(await from('203.0.113.9', 'amd_guess_x')).toBe(429)
    expect(await from('198.51.100.1', 'amd_guess_x')).toBe(401)
    expect(await from('203.0.113.9', ADMIN_TOKEN)).toBe(200)
  })

  it('redirects only to a relative path, whatever the Host header says', async () => {
    const t = await createTestApp()
    const route = createMailboxRoute(t.deps, tempDir('mailbox'))
    for (const host of ['localhost', 'evil.example', 'evil.example:8080']) {
      const res = (await route(new Request(`http://${host}/_mailbox`, { headers: { host } })))!
      expect(res.status).toBe(301)
      expect(res.headers.get('location')).toBe('/_mailbox/')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
  })

  it('is off whenever SMTP_URL is set', async () => {
    const dir = tempDir('mailbox')
    await mailboxTransport(dir).send(renderEmail(email()))
    const t = await createTestApp({ env: { SMTP_URL: 'smtp://127.0.0.1:2525' } })
    const route = createMailboxRoute(t.deps, dir)
    for (const path of [
      '/_mailbox',
      '/_mailbox/',
      '/_mailbox/confirm.1.sub1@status.example.com.eml',
    ]) {
      const req = new Request(`http://localhost${path}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
      expect(await route(req)).toBeNull()
    }
  })

  it('lists a page of the newest messages at a time, with links to the next and previous', async () => {
    const dir = tempDir('mailbox')
    const transport = mailboxTransport(dir)
    const total = 2 * MAILBOX_PAGE_SIZE + 7
    const base = Date.parse('2026-03-10T12:00:00.000Z')
    for (let i = 0; i < total; i++) {
      const messageId = `<confirm.${i}.sub${i}@status.example.com>`
      await transport.send(renderEmail(email({ messageId, to: `user${i}@example.org` })))
      // The newest by file time is the highest number.
      const at = new Date(base + i * 1000)
      utimesSync(join(dir, `confirm.${i}.sub${i}@status.example.com.eml`), at, at)
    }
    const t = await createTestApp()
    const route = createMailboxRoute(t.deps, dir)
    const get = async (path: string) => {
      const res = (await route(
        new Request(`http://localhost${path}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        }),
      ))!
      return { status: res.status, html: await res.text() }
    }
    const shown = (html: string) =>
      [...html.matchAll(/<td>(user\d+)@example\.org<\/td>/g)].map((m) => Number(m[1]!.slice(4)))
    const newest = (from: number, n: number) => Array.from({ length: n }, (_, k) => from - k)

    const first = await get('/_mailbox/')
    expect(first.status).toBe(200)
    expect(first.html).toContain(`Dev mailbox (${total})`)
    expect(shown(first.html)).toEqual(newest(total - 1, MAILBOX_PAGE_SIZE))
    expect(first.html).toContain('<a rel="next" href="?page=2">')
    expect(first.html).not.toContain('rel="prev"')

    const second = await get('/_mailbox/?page=2')
    expect(shown(second.html)).toEqual(newest(total - 1 - MAILBOX_PAGE_SIZE, MAILBOX_PAGE_SIZE))
    expect(second.html).toContain('<a rel="prev" href="?page=1">')
    expect(second.html).toContain('<a rel="next" href="?page=3">')

    const last = await get('/_mailbox/?page=3')
    expect(shown(last.html)).toEqual(newest(6, 7))
    expect(last.html).not.toContain('rel="next"')
    for (const bad of ['4', '0', '-1', 'abc', '1e3', '99999999']) {
      expect((await get(`/_mailbox/?page=${bad}`)).status, bad).toBe(404)
    }
  })
})

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

describe('npm start without SMTP_URL', () => {
  async function start(smtpUrl: string) {
    const dir = tempDir('start-mail')
    const url = `file:${join(dir, 'amends.db')}`
    const db = await openDatabase(url)
    await migrate(db)
    await addSubscriber(db, { email: 'ada@example.org' })
    db.close()
    const token = 'amd_test_admin_token_0123456789abcdef'
    const port = await freePort()
    const child = spawn(process.execPath, ['api/node.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: url,
        PUBLIC_DIR: join(dir, 'public'),
        MAILBOX_DIR: join(dir, 'mailbox'),
        AMENDS_DEMO: 'false',
        AMENDS_ADMIN_TOKEN: token,
        SMTP_URL: smtpUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    const run = { out: '', token, port, child }
    child.stdout.on('data', (d) => (run.out += d))
    child.stderr.on('data', (d) => (run.out += d))
    await waitUntil(() => run.out.includes('admin token') || child.exitCode !== null, 30_000)
    return run
  }

  it('with SMTP_URL set, there is no mailbox: 404 even with the admin token', async () => {
    const sink = await startSmtpSink()
    try {
      const { out, token, port } = await start(sink.url)
      expect(out).not.toContain('dev mailbox')
      for (const path of ['/_mailbox/', '/_mailbox']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers: { authorization: `Bearer ${token}` },
          redirect: 'manual',
        })
        expect(res.status, path).toBe(404)
      }
    } finally {
      await sink.close()
    }
  })

  it('runs the notifier into the dev mailbox and prints its URL', async () => {
    const run = await start('')
    const { token, port } = run
    const base = `http://127.0.0.1:${port}`
    expect(run.out).toContain(`dev mailbox ${base}/_mailbox/  (sign in as an admin`)
    const anon = await fetch(`${base}/_mailbox/`, { redirect: 'manual' })
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toMatch(/^\/admin\/sign-in\?/)
    const admin = { headers: { authorization: `Bearer ${token}` } }

    const res = await fetch(`${base}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Login is slow',
        status: 'investigating',
        impact: 'minor',
        body: 'Looking.',
        components: {},
      }),
    })
    expect(res.status).toBe(201)
    let list = ''
    await waitUntil(
      async () =>
        (list = await (await fetch(`${base}/_mailbox/`, admin)).text()).includes('Login is slow'),
      15_000,
    )
    expect(list).toContain('ada@example.org')
    const link = /href="(\/_mailbox\/[^"]+\.eml)"/.exec(list)![1]!
    const page = await (await fetch(`${base}${link}`, admin)).text()
    expect(page).toContain('[Amends] Investigating: Login is slow')
    expect(page).toContain('Status: Investigating')
  })
})
