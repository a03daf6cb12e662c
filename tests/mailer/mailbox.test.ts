import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import { afterEach, describe, expect, it } from 'vitest'
import { createMailboxRoute } from '../../api/jobs/mailer-mailbox.node.ts'
import { mailboxTransport } from '../../api/jobs/mailer-transport.node.ts'
import { migrate } from '../../db/migrate.node.ts'
import { openDatabase } from '../../db/open.node.ts'
import { renderEmail, type EmailInput } from '../../templates/render.ts'
import { addSubscriber, waitUntil } from './world.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

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
    const route = createMailboxRoute(dir)
    const get = async (path: string) => (await route(new Request(`http://localhost${path}`)))!

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
})

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

describe('npm start without SMTP_URL', () => {
  it('runs the notifier into the dev mailbox and prints its URL', async () => {
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
        SMTP_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const base = `http://127.0.0.1:${port}`
    await waitUntil(() => out.includes('admin token') || child.exitCode !== null, 30_000)
    expect(out).toContain(`dev mailbox ${base}/_mailbox/`)

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
        (list = await (await fetch(`${base}/_mailbox/`)).text()).includes('Login is slow'),
      15_000,
    )
    expect(list).toContain('ada@example.org')
    const link = /href="(\/_mailbox\/[^"]+\.eml)"/.exec(list)![1]!
    const page = await (await fetch(`${base}${link}`)).text()
    expect(page).toContain('[Amends] Login is slow')
    expect(page).toContain('Status: Investigating')
  })
})
