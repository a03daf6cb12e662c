import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

const incidentBody = {
  name: 'Down',
  status: 'investigating',
  impact: 'major',
  body: 'Looking.',
  components: {},
}

describe('Idempotency-Key', () => {
  it('a retry returns the first response and writes nothing new', async () => {
    const t = await createTestApp()
    const headers = { 'idempotency-key': 'open-incident-42' }
    const first = await t.api('POST', '/api/v1/incidents', incidentBody, { headers })
    expect(first.status).toBe(201)
    const before = await dumpTables(t.deps.db)
    t.clock.advance(5_000)
    const retry = await t.api('POST', '/api/v1/incidents', incidentBody, { headers })
    expect(retry.status).toBe(201)
    expect(retry.body).toEqual(first.body)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect((await t.api('GET', '/api/v1/incidents')).body).toHaveLength(1)
  })

  it('works for updates, and concurrent retries still write once', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const inc = await makeIncident(t)
    const body = {
      status: 'identified',
      body: 'Found it.',
      components: { [a.id]: 'partial_outage' },
    }
    const headers = { 'idempotency-key': 'upd-1' }
    const results = await Promise.all(
      [1, 2, 3].map(() => t.api('POST', `/api/v1/incidents/${inc.id}/updates`, body, { headers })),
    )
    const ok = results.filter((r) => r.status === 201)
    expect(ok.length).toBeGreaterThanOrEqual(1)
    for (const r of results) expect([201, 409]).toContain(r.status)
    for (const r of ok) expect(r.body).toEqual(ok[0]!.body)
    const got = (await t.api('GET', `/api/v1/incidents/${inc.id}`)).body
    expect(got.incident_updates).toHaveLength(2)
  })

  it('the same key with a different body is refused and writes nothing', async () => {
    const t = await createTestApp()
    const headers = { 'idempotency-key': 'k1' }
    await t.api('POST', '/api/v1/incidents', incidentBody, { headers })
    const before = await dumpTables(t.deps.db)
    const other = await t.api(
      'POST',
      '/api/v1/incidents',
      { ...incidentBody, name: 'Other' },
      { headers },
    )
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('idempotency_key_reused')
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('keys are per token, failed requests do not use up a key, and bad keys are refused', async () => {
    const t = await createTestApp()
    const writer = await t.token('write')
    const headers = { 'idempotency-key': 'shared' }
    const bad = await t.api(
      'POST',
      '/api/v1/incidents',
      { ...incidentBody, impact: 'nope' },
      { headers },
    )
    expect(bad.status).toBe(400)
    const a = await t.api('POST', '/api/v1/incidents', incidentBody, { headers })
    const b = await t.api('POST', '/api/v1/incidents', incidentBody, { headers, token: writer })
    expect(a.status).toBe(201)
    expect(b.status).toBe(201)
    expect(b.body.id).not.toBe(a.body.id)
    const invalid = await t.api('POST', '/api/v1/incidents', incidentBody, {
      headers: { 'idempotency-key': 'x'.repeat(300) },
    })
    expect(invalid.status).toBe(400)
    expect(invalid.body.error.code).toBe('invalid_idempotency_key')
  })

  it('a replayed token creation does not reveal the secret again', async () => {
    const t = await createTestApp()
    const headers = { 'idempotency-key': 'tok' }
    const first = await t.api('POST', '/api/v1/tokens', { name: 'bot', scope: 'read' }, { headers })
    const again = await t.api('POST', '/api/v1/tokens', { name: 'bot', scope: 'read' }, { headers })
    expect(first.body.token).toMatch(/^amd_/)
    expect(again.body.id).toBe(first.body.id)
    expect(again.body.token).not.toBe(first.body.token)
  })
})
