import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../fixtures/temp-dir.ts'
import { freePort } from '../fixtures/server-process.ts'

const ROOT = join(import.meta.dirname, '../..')

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

/** Runs `npm start`'s command (node api/node.ts) the way a user would, and waits for /healthz. */
async function start(env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, ['api/node.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`)
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok && out.includes('admin token')) return { child, base, output: () => out }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`server did not become ready: ${out}`)
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.kill(signal)
  })
}

describe('npm start', () => {
  it('migrates, seeds the demo, prints the admin token once, serves, and shuts down cleanly', async () => {
    const dir = tempDir('start')
    const env = {
      DATABASE_URL: `file:${join(dir, 'amends.db')}`,
      PUBLIC_DIR: join(dir, 'public'),
    }
    const first = await start(env)
    const token = /admin token\s+(amd_\S+)/.exec(first.output())?.[1]
    expect(token, first.output()).toBeDefined()
    expect(first.output()).toContain('demo data')
    const summary = await (await fetch(`${first.base}/api/v2/summary.json`)).json()
    expect(summary.incidents.length).toBe(1)
    const created = await fetch(`${first.base}/api/v1/components`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From curl' }),
    })
    expect(created.status).toBe(201)
    expect(await stop(first.child, 'SIGINT')).toBe(0)

    // Second start on the same database: no new token, no second demo, data kept.
    const second = await start(env)
    expect(second.output()).not.toMatch(/amd_/)
    expect(second.output()).not.toContain('demo data')
    const components = await (
      await fetch(`${second.base}/api/v1/components`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()
    expect(components.map((c: { name: string }) => c.name)).toContain('From curl')
    expect(await stop(second.child, 'SIGTERM')).toBe(0)
  })

  it('AMENDS_ADMIN_TOKEN supplies the token, AMENDS_DEMO=false starts empty', async () => {
    const dir = tempDir('start')
    const adminToken = 'my-own-admin-token-0123456789'
    const s = await start({
      DATABASE_URL: `file:${join(dir, 'a.db')}`,
      PUBLIC_DIR: join(dir, 'public'),
      AMENDS_ADMIN_TOKEN: adminToken,
      AMENDS_DEMO: 'false',
    })
    expect(s.output()).not.toMatch(/amd_/)
    const res = await fetch(`${s.base}/api/v1/components`, {
      headers: { authorization: `Bearer ${adminToken}` },
    })
    expect(await res.json()).toEqual([])
    await stop(s.child, 'SIGTERM')
  })

  it('refuses to start with bad configuration, naming each bad variable', async () => {
    const child = spawn(process.execPath, ['api/node.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: 'x', DATABASE_URL: 'mysql://nope' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    const code = await new Promise((r) => child.once('exit', r))
    expect(code).toBe(1)
    expect(err).toContain('PORT')
    expect(err).toContain('DATABASE_URL')
  })
})
