import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/open.node.ts'
import { runTrial, type Call } from '../fixtures/concurrent-writes.ts'
import { freePort } from '../fixtures/server-process.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const ROOT = join(import.meta.dirname, '../..')
const ADMIN_TOKEN = 'amd_two_servers_admin_token_0123456789'

const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})

/** `node api/node.ts` on the given database; resolves once /healthz answers. */
async function start(databaseUrl: string, publicDir: string) {
  const port = await freePort()
  const child = spawn(process.execPath, ['api/node.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      PUBLIC_DIR: publicDir,
      NOTIFIER: 'off',
      AMENDS_DEMO: 'false',
      AMENDS_ADMIN_TOKEN: ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${out}`)
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return { base, output: () => out }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`server did not become ready: ${out}`)
}

const call =
  (base: string): Call =>
  async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    })
    return { status: res.status, body: await res.json() }
  }

describe('two Node servers on one database file', () => {
  it('lose no acknowledged change when they update one incident at once', async () => {
    const dir = tempDir('two-servers')
    const url = `file:${join(dir, 'amends.db')}`
    // One after the other: the first migrates, the second finds the schema current.
    const a = await start(url, join(dir, 'public-a'))
    const b = await start(url, join(dir, 'public-b'))
    const db = await openDatabase(url)
    try {
      const trials = 5
      const total = { acknowledged: 0, found: 0, conflicts: 0 }
      for (let i = 0; i < trials; i++) {
        const r = await runTrial([call(a.base), call(b.base)], db, 16)
        expect(r.unexpected).toEqual([])
        expect(r.found).toBe(r.acknowledged)
        total.acknowledged += r.acknowledged
        total.found += r.found
        total.conflicts += r.conflicts
      }
      const retries = [a, b].reduce(
        (n, s) => n + (s.output().match(/"msg":"write conflict"/g)?.length ?? 0),
        0,
      )
      console.log(
        `concurrency (2 node processes, one file): ${trials} trials, ${total.acknowledged} acknowledged, ${total.found} found, ${total.conflicts} answered 409 write_conflict, ${retries} retries`,
      )
      expect(total.found).toBe(total.acknowledged)
      expect(total.acknowledged).toBeGreaterThan(0)
    } finally {
      db.close()
    }
  })
})
