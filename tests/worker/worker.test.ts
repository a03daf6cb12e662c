import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../api/http/passwords.ts'
import type { User } from '../../core/schemas/user.ts'
import { migrate } from '../../db/migrate.node.ts'
import { insertUser } from '../../db/users.ts'
import { openDatabase } from '../../db/open.node.ts'
import { startLibsqlHttpServer, type LibsqlHttpServer } from '../fixtures/libsql-http-server.ts'
import { freePort } from '../fixtures/server-process.ts'

// The real Worker bundle under workerd (`wrangler dev`, local mode) against a remote libSQL
// database over HTTP: the stand-in serves a migrated temp file on 127.0.0.1.

const ROOT = resolve(import.meta.dirname, '../..')
const ADMIN_TOKEN = 'worker-test-admin-token-0123456789'
const READY_MS = 60_000
const PASSWORD = 'a long worker test passphrase'
const PERSON: User = {
  id: 'person000001',
  email: 'oncall@example.com',
  name: 'Kim Ortiz',
  role: 'editor',
  status: 'active',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
}

let dir: string
let libsql: LibsqlHttpServer | undefined
let wrangler: ChildProcess | undefined
let output = ''
let base: string

async function waitUntilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`)
    const res = await fetch(url).catch(() => null)
    if (res?.status === 200) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`wrangler dev was not ready within ${READY_MS} ms:\n${output}`)
}

const api = (path: string, init: RequestInit = {}, token?: string) =>
  fetch(base + path, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amends-worker-'))
  const file = join(dir, 'amends.db')
  // The Worker never migrates: do it here, as `npm run migrate` would before a deploy.
  const db = await openDatabase(`file:${file}`)
  await migrate(db)
  await db.execute(insertUser(PERSON, await hashPassword(PASSWORD)))
  db.close()
  libsql = await startLibsqlHttpServer({ file })

  const [port, inspectorPort] = [await freePort(), await freePort()]
  base = `http://127.0.0.1:${port}`
  // node + wrangler.js directly (not npx), in its own process group, so afterAll stops workerd too.
  wrangler = spawn(
    process.execPath,
    [
      'node_modules/wrangler/bin/wrangler.js',
      'dev',
      '--ip=127.0.0.1',
      `--port=${port}`,
      `--inspector-port=${inspectorPort}`,
      `--persist-to=${join(dir, 'state')}`,
      '--show-interactive-dev-session=false',
      '--var',
      `DATABASE_URL:${libsql.url}`,
      '--var',
      `AMENDS_ADMIN_TOKEN:${ADMIN_TOKEN}`,
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        FORCE_COLOR: '0',
      },
    },
  )
  wrangler.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  wrangler.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  await waitUntilReady(`${base}/healthz`, wrangler)
})

afterAll(async () => {
  const child = wrangler
  if (child?.pid !== undefined && child.exitCode === null) {
    const exited = once(child, 'exit')
    process.kill(-child.pid, 'SIGTERM')
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
  await libsql?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the Cloudflare Worker (wrangler dev) on a remote libSQL database', () => {
  it('answers the health check', async () => {
    const res = await api('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', parts: { database: 'ok' } })
  })

  it('serves the public summary from the database', async () => {
    const res = await api('/api/v2/summary.json')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { page: { name: string }; status: { indicator: string } }
    expect(body.page.name).toBe('Amends')
    expect(body.status.indicator).toBe('none')
  })

  it('rejects a write without a token in the one error shape', async () => {
    const res = await api('/api/v1/components', { method: 'POST', body: '{"name":"Nope"}' })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    })
  })

  it('creates a component with the bootstrapped admin token and lists it publicly', async () => {
    const created = await api(
      '/api/v1/components',
      { method: 'POST', body: JSON.stringify({ name: 'Edge API' }) },
      ADMIN_TOKEN,
    )
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }

    const res = await api('/api/v2/components.json')
    expect(res.status).toBe(200)
    const { components } = (await res.json()) as { components: { id: string; name: string }[] }
    expect(components).toContainEqual(expect.objectContaining({ id, name: 'Edge API' }))
  })

  it('starts a due maintenance window when the cron trigger fires', async () => {
    const now = Date.now()
    const created = await api(
      '/api/v1/maintenances',
      {
        method: 'POST',
        body: JSON.stringify({
          name: 'Database upgrade',
          scheduled_for: new Date(now - 60_000).toISOString(),
          scheduled_until: new Date(now + 3_600_000).toISOString(),
          body: 'We are upgrading the database.',
          components: [],
        }),
      },
      ADMIN_TOKEN,
    )
    expect(created.status).toBe(201)
    const { id, status } = (await created.json()) as { id: string; status: string }
    expect(status).toBe('scheduled')

    // wrangler dev does not fire crons by itself; this endpoint runs the scheduled handler.
    const cron = await fetch(`${base}/cdn-cgi/local/scheduled?cron=*+*+*+*+*`)
    expect(cron.status).toBe(200)

    const after = await api(`/api/v1/maintenances/${id}`, {}, ADMIN_TOKEN)
    expect(((await after.json()) as { status: string }).status).toBe('in_progress')
  })

  it('signs a person in to the console: argon2 in WebAssembly runs on Workers', async () => {
    const form = (password: string) =>
      fetch(`${base}/admin/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ email: PERSON.email, password }).toString(),
      })
    const wrong = await form('not the password at all')
    expect(wrong.status, output.slice(-3000)).toBe(401)
    const res = await form(PASSWORD)
    expect(res.status, output.slice(-3000)).toBe(303)
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
    expect(cookie).toMatch(/^__Host-amends_session=/)
    const home = await fetch(`${base}/admin/`, { headers: { cookie }, redirect: 'manual' })
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('Kim Ortiz')
  })
})
