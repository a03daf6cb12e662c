import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { ADMIN_TOKEN, createTestApp } from '../fixtures/test-app.ts'

describe('tokens and scopes', () => {
  it('enforces the scope matrix: read < write < admin', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    const tokens = {
      read: await t.token('read'),
      write: await t.token('write'),
      admin: ADMIN_TOKEN,
    }
    const calls: [string, string, unknown, 'read' | 'write' | 'admin'][] = [
      ['GET', '/api/v1/components', undefined, 'read'],
      ['GET', '/api/v1/incidents', undefined, 'read'],
      ['GET', '/api/v1/maintenances', undefined, 'read'],
      ['GET', '/api/v1/uptime', undefined, 'read'],
      ['PATCH', `/api/v1/components/${c.id}`, { description: 'x' }, 'write'],
      ['POST', '/api/v1/component-groups', { name: 'G' }, 'write'],
      ['GET', '/api/v1/tokens', undefined, 'admin'],
      ['GET', '/api/v1/audit', undefined, 'read'],
    ]
    const rank = { read: 1, write: 2, admin: 3 }
    for (const [method, path, body, needs] of calls) {
      for (const [scope, token] of Object.entries(tokens) as [
        'read' | 'write' | 'admin',
        string,
      ][]) {
        const res = await t.api(method, path, body, { token })
        const allowed = rank[scope] >= rank[needs]
        expect([method, path, scope, res.status < 300]).toEqual([method, path, scope, allowed])
        if (!allowed) expect(res.status).toBe(403)
      }
      expect((await t.api(method, path, body, { token: null })).status).toBe(401)
    }
  })

  it('creates a token whose secret is shown once and stored only as a hash', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/tokens', { name: 'CI bot', scope: 'write' })
    expect(res.status).toBe(201)
    expect(res.body.token).toMatch(/^amd_[0-9A-Za-z]{40}$/)
    expect(res.body).toMatchObject({
      name: 'CI bot',
      scope: 'write',
      prefix: res.body.token.slice(0, 8),
      revoked_at: null,
    })
    const dump = JSON.stringify((await t.deps.db.execute('SELECT * FROM api_tokens')).rows)
    expect(dump).not.toContain(res.body.token)
    expect(dump).not.toContain(ADMIN_TOKEN)
    const list = await t.api('GET', '/api/v1/tokens')
    expect(JSON.stringify(list.body)).not.toContain(res.body.token)
    expect(list.body.map((x: any) => x.name)).toContain('CI bot')
    expect(
      (await t.api('POST', '/api/v1/components', { name: 'x' }, { token: res.body.token })).status,
    ).toBe(201)
  })

  it('a revoked token stops working at once; the last admin token cannot be revoked', async () => {
    const t = await createTestApp()
    const w = await t.api('POST', '/api/v1/tokens', { name: 'temp', scope: 'write' })
    const del = await t.api('DELETE', `/api/v1/tokens/${w.body.id}`)
    expect(del.status).toBe(200)
    expect(del.body.revoked_at).toBe('2026-03-10T12:00:00.000Z')
    const denied = await t.api('GET', '/api/v1/components', undefined, { token: w.body.token })
    expect(denied.status).toBe(401)
    expect((await t.api('DELETE', `/api/v1/tokens/${w.body.id}`)).status).toBe(409)
    const admins = (await t.api('GET', '/api/v1/tokens')).body.filter(
      (x: any) => x.scope === 'admin',
    )
    expect(admins).toHaveLength(1)
    const last = await t.api('DELETE', `/api/v1/tokens/${admins[0].id}`)
    expect(last.status).toBe(409)
    expect(last.body.error.code).toBe('last_admin_token')
  })

  it('rejects a bad scope or empty name', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/tokens', { name: ' ', scope: 'root' })
    expect(res.status).toBe(400)
    expect(res.body.error.details.map((d: any) => d.path).sort()).toEqual(['name', 'scope'])
  })

  it('records last use after a successful call only', async () => {
    const t = await createTestApp()
    const reader = await t.token('read')
    await t.api('POST', '/api/v1/components', { name: 'x' }, { token: reader })
    const row = async () =>
      (await t.deps.db.execute("SELECT last_used_at FROM api_tokens WHERE name = 'read token'"))
        .rows[0]!.last_used_at
    expect(await row()).toBeNull()
    await t.api('GET', '/api/v1/components', undefined, { token: reader })
    expect(await row()).toBe('2026-03-10T12:00:00.000Z')
  })

  it('refuses a valid token sent any way but Bearer (Basic auth is gone) with 401', async () => {
    const t = await createTestApp()
    const variants = [
      `Basic ${btoa(`staff:${ADMIN_TOKEN}`)}`,
      `Basic ${btoa(`:${ADMIN_TOKEN}`)}`,
      `basic ${btoa(`x:${ADMIN_TOKEN}`)}`,
      `Basic ${btoa(ADMIN_TOKEN)}`,
      `Token ${ADMIN_TOKEN}`,
      ADMIN_TOKEN,
      `Bearer`,
    ]
    for (const authorization of variants) {
      for (const path of ['/api/v1/components', '/api/v1/audit']) {
        const res = await t.api('GET', path, undefined, { token: null, headers: { authorization } })
        expect([authorization, path, res.status]).toEqual([authorization, path, 401])
        expect(res.body.error.code).toBe('unauthorized')
        expect(res.headers.get('www-authenticate')).toBeNull()
      }
    }
    expect((await t.api('GET', '/api/v1/components')).status).toBe(200)
  })
})
