import { describe, expect, it } from 'vitest'
import type { Scope } from '../../core/schemas/token.ts'
import type { Role } from '../../core/schemas/user.ts'
import { openDatabase } from '../../db/open.node.ts'
import { insertUser } from '../../db/users.ts'
import { hashToken } from '../../api/auth.ts'
import { tokens } from '../../api/services/tokens.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const ctx = { actor: { id: null, name: 'test', scope: 'admin' as const } }

/** A second connection to the test's database file: what another process would change. */
async function otherProcess(t: TestApp) {
  const db = await openDatabase(t.testDb.url)
  return {
    db,
    run: (sql: string, args: string[]) => db.execute({ sql, args }),
    close: () => db.close(),
  }
}

async function person(t: TestApp, role: Role): Promise<string> {
  const at = t.clock.now().toISOString()
  const id = `u_${role}_${Math.random().toString(36).slice(2, 10)}`
  await t.deps.db.execute(
    insertUser(
      {
        id,
        email: `${id}@example.com`,
        name: null,
        role,
        status: 'active',
        created_at: at,
        updated_at: at,
      },
      null,
    ),
  )
  return id
}

async function token(t: TestApp, scope: Scope, ownerId?: string) {
  const created = await tokens.create(t.deps, ctx, { name: 'cached', scope }, { ownerId })
  return { id: created.id, secret: created.token }
}

const write = (t: TestApp, secret: string, n: number) =>
  t.api('POST', '/api/v1/components', { name: `Component ${n}` }, { token: secret })

// Each change is made by another connection, after the token has been checked (and cached) here.
const changes: {
  name: string
  setup: (t: TestApp) => Promise<{ id: string; secret: string }>
  change: (
    o: Awaited<ReturnType<typeof otherProcess>>,
    tok: { id: string },
    t: TestApp,
  ) => Promise<unknown>
  status: number
}[] = [
  {
    name: 'token revoked',
    setup: (t) => token(t, 'write'),
    change: (o, tok) =>
      o.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ?', [
        '2026-03-10T12:00:00.000Z',
        tok.id,
      ]),
    status: 401,
  },
  {
    name: 'token deleted',
    setup: (t) => token(t, 'write'),
    change: (o, tok) => o.run('DELETE FROM api_tokens WHERE id = ?', [tok.id]),
    status: 401,
  },
  {
    name: 'token scope lowered to read',
    setup: (t) => token(t, 'write'),
    change: (o, tok) => o.run("UPDATE api_tokens SET scope = 'read' WHERE id = ?", [tok.id]),
    status: 403,
  },
  {
    name: 'owner disabled',
    setup: async (t) => token(t, 'write', await person(t, 'editor')),
    change: (o, tok) =>
      o.run(
        "UPDATE users SET status = 'disabled' WHERE id = (SELECT user_id FROM api_tokens WHERE id = ?)",
        [tok.id],
      ),
    status: 401,
  },
  {
    name: 'owner demoted to viewer',
    setup: async (t) => token(t, 'write', await person(t, 'editor')),
    change: (o, tok) =>
      o.run(
        "UPDATE users SET role = 'viewer' WHERE id = (SELECT user_id FROM api_tokens WHERE id = ?)",
        [tok.id],
      ),
    status: 403,
  },
]

describe('token checks are cached per process, and every change to a token or its owner counts at once', () => {
  it(`from another process: ${changes.length} kinds of change, each refused on the next request`, async () => {
    const t = await createTestApp()
    const other = await otherProcess(t)
    try {
      let n = 0
      for (const c of changes) {
        const tok = await c.setup(t)
        // Twice: the second is answered from the cache.
        expect((await write(t, tok.secret, n++)).status, c.name).toBe(201)
        expect((await write(t, tok.secret, n++)).status, c.name).toBe(201)
        await c.change(other, tok, t)
        const refused = await write(t, tok.secret, n++)
        expect(refused.status, c.name).toBe(c.status)
        expect(refused.body.error.code, c.name).toBe(
          c.status === 401 ? 'unauthorized' : 'forbidden',
        )
      }
    } finally {
      other.close()
    }
  })

  it('a token revoked through this process stops at once; other cached tokens keep working', async () => {
    const t = await createTestApp()
    const a = await token(t, 'write')
    const b = await token(t, 'write')
    expect((await write(t, a.secret, 1)).status).toBe(201)
    expect((await write(t, b.secret, 2)).status).toBe(201)
    expect((await t.api('DELETE', `/api/v1/tokens/${a.id}`)).status).toBe(200)
    expect((await write(t, a.secret, 3)).status).toBe(401)
    expect((await write(t, b.secret, 4)).status).toBe(201)
  })

  it('an unknown token is never remembered: created later by another process, it works', async () => {
    const t = await createTestApp()
    const other = await otherProcess(t)
    try {
      const secret = 'amd_made_elsewhere_0123456789abcdefghijklmnop'
      expect((await write(t, secret, 1)).status).toBe(401)
      await tokens.create(
        { ...t.deps, db: other.db },
        ctx,
        { name: 'later', scope: 'write' },
        { secret },
      )
      expect((await write(t, secret, 2)).status).toBe(201)
    } finally {
      other.close()
    }
  })

  it('hashes as Web Crypto does (the path Workers take) for every kind of secret', async () => {
    const secrets = [
      '',
      'a',
      'amd_' + 'x'.repeat(40),
      'ünïcödé ✓ 日本',
      '\u0000\n\t',
      '\ud800 lone surrogate',
      'x'.repeat(5000),
    ]
    for (const s of secrets) {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))
      const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join(
        '',
      )
      expect(await hashToken(s)).toBe(hex)
    }
  })
})
