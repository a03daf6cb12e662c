import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { createPerson } from '../fixtures/console.ts'
import { createTestApp } from '../fixtures/test-app.ts'

describe('GET /api/v1/audit', () => {
  it('filters by person, target and time, and names the person behind each entry', async () => {
    const t = await createTestApp()
    const dana = await createPerson(t, { role: 'editor', email: 'dana@example.com' })
    // A personal token (written straight to the database: issuing them is the people pages'
    // work): its writes carry the person's address.
    const secret = await t.token('write')
    await t.deps.db.execute({
      sql: "UPDATE api_tokens SET user_id = ? WHERE name = 'write token'",
      args: [dana.id],
    })
    const a = await makeComponent(t, { name: 'A' })
    t.clock.advance(3_600_000)
    const b = await t.api('POST', '/api/v1/components', { name: 'B' }, { token: secret })
    expect(b.status).toBe(201)
    t.clock.advance(3_600_000)
    expect(
      (await t.api('PATCH', `/api/v1/components/${a.id}`, { name: 'A2' }, { token: secret }))
        .status,
    ).toBe(200)

    const reader = await t.token('read')
    const get = async (q: string) => {
      const res = await t.api('GET', `/api/v1/audit?${q}`, undefined, { token: reader })
      expect(res.status, q).toBe(200)
      return res.body as any[]
    }
    const dan = await get('actor_email=Dana@Example.com')
    expect(dan.map((e) => [e.action, e.actor_email, e.actor_user_id])).toEqual([
      ['component.update', 'dana@example.com', dana.id],
      ['component.create', 'dana@example.com', dana.id],
    ])
    expect(await get(`actor_user_id=${dana.id}&target_id=${a.id}`)).toHaveLength(1)
    expect((await get(`target_type=component&target_id=${a.id}`)).map((e) => e.action)).toEqual([
      'component.update',
      'component.create',
    ])
    const window = await get('from=2026-03-10T12:30:00Z&to=2026-03-10T13:30:00Z')
    expect(window.map((e) => e.target_id)).toEqual([b.body.id])
    expect((await get(`target_id=${a.id}`))[0].details).toEqual({
      name: 'A2',
      previous: { name: 'A' },
    })
    const all = await t.api('GET', '/api/v1/audit?per_page=2', undefined, { token: reader })
    expect(all.body).toHaveLength(2)
    expect(Number(all.headers.get('x-total-count'))).toBeGreaterThanOrEqual(4)
    expect(all.body[0]).toHaveProperty('actor_email')
  })
})
