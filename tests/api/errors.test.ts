import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

function expectErrorShape(body: any, code: string) {
  expect(Object.keys(body)).toEqual(['error'])
  expect(body.error.code).toBe(code)
  expect(typeof body.error.message).toBe('string')
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|node_modules|ZodError/)
}

/** Runs `call`, checks the error, and proves no table changed. */
async function expectNothingWritten(
  t: TestApp,
  call: () => Promise<{ status: number; body: any }>,
  status: number,
  code: string,
) {
  const before = await dumpTables(t.deps.db)
  const res = await call()
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  expectErrorShape(res.body, code)
  expect(await dumpTables(t.deps.db)).toEqual(before)
  return res
}

describe('one error shape, and an error writes nothing', () => {
  it('400 lists every invalid field by path', async () => {
    const t = await createTestApp()
    const res = await expectNothingWritten(
      t,
      () =>
        t.api('POST', '/api/v1/incidents', {
          name: '',
          status: 'exploding',
          impact: 'huge',
          body: 'x',
          components: { short: 'down' },
        }),
      400,
      'invalid_input',
    )
    const paths = res.body.error.details.map((d: any) => d.path).sort()
    expect(paths).toEqual(expect.arrayContaining(['impact', 'name', 'status']))
    expect(paths.some((p: string) => p.startsWith('components'))).toBe(true)
  })

  it('400 for unknown fields (a typo must not be silently dropped)', async () => {
    const t = await createTestApp()
    const res = await expectNothingWritten(
      t,
      () => t.api('POST', '/api/v1/components', { name: 'API', stauts: 'operational' }),
      400,
      'invalid_input',
    )
    expect(res.body.error.details[0].message).toMatch(/stauts/)
  })

  it('400 for malformed JSON', async () => {
    const t = await createTestApp()
    await expectNothingWritten(
      t,
      () =>
        t.api('POST', '/api/v1/components', undefined, {
          raw: '{"name": ',
          headers: { 'content-type': 'application/json' },
        }),
      400,
      'invalid_json',
    )
  })

  it('415 for a body that is not JSON', async () => {
    const t = await createTestApp()
    await expectNothingWritten(
      t,
      () =>
        t.api('POST', '/api/v1/components', undefined, {
          raw: 'name=API',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      415,
      'unsupported_media_type',
    )
    await expectNothingWritten(
      t,
      () => t.api('POST', '/api/v1/components', undefined, { raw: '{"name":"x"}' }),
      415,
      'unsupported_media_type',
    )
  })

  it('413 for an oversized body', async () => {
    const t = await createTestApp({ env: { MAX_BODY_BYTES: '2048' } })
    await expectNothingWritten(
      t,
      () => t.api('POST', '/api/v1/components', { name: 'x', description: 'y'.repeat(5000) }),
      413,
      'payload_too_large',
    )
  })

  it('401 without or with a bad token, 403 without the scope', async () => {
    const t = await createTestApp()
    await expectNothingWritten(
      t,
      () => t.api('POST', '/api/v1/components', { name: 'x' }, { token: null }),
      401,
      'unauthorized',
    )
    await expectNothingWritten(
      t,
      () => t.api('POST', '/api/v1/components', { name: 'x' }, { token: 'amd_wrong' }),
      401,
      'unauthorized',
    )
    const reader = await t.token('read')
    await expectNothingWritten(
      t,
      () => t.api('POST', '/api/v1/components', { name: 'x' }, { token: reader }),
      403,
      'forbidden',
    )
  })

  it('404 for unknown resources and routes', async () => {
    const t = await createTestApp()
    await expectNothingWritten(
      t,
      () => t.api('PATCH', '/api/v1/components/aaaaaaaaaaaa', { name: 'x' }),
      404,
      'not_found',
    )
    await expectNothingWritten(t, () => t.api('GET', '/api/v1/nothing-here'), 404, 'not_found')
  })

  it('409 for impossible transitions', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const inc = await makeIncident(t, { components: { [a.id]: 'major_outage' } })
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    await expectNothingWritten(
      t,
      () =>
        t.api('POST', `/api/v1/incidents/${inc.id}/updates`, { status: 'identified', body: 'x' }),
      409,
      'incident_resolved',
    )
    const m = await makeMaintenance(t, { components: [a.id] })
    await t.api('POST', `/api/v1/maintenances/${m.id}/updates`, { status: 'verifying', body: 'x' })
    await expectNothingWritten(
      t,
      () =>
        t.api('POST', `/api/v1/maintenances/${m.id}/updates`, { status: 'scheduled', body: 'x' }),
      409,
      'invalid_transition',
    )
    await expectNothingWritten(
      t,
      () => t.api('POST', `/api/v1/maintenances/${m.id}/cancel`, {}),
      409,
      'maintenance_not_cancellable',
    )
  })

  it('409 when deleting a component an open incident affects', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    await makeIncident(t, { components: { [a.id]: 'major_outage' } })
    await expectNothingWritten(
      t,
      () => t.api('DELETE', `/api/v1/components/${a.id}`),
      409,
      'component_in_use',
    )
  })

  it('500 hides the cause and logs it', async () => {
    const t = await createTestApp()
    await t.deps.db.execute('DROP TABLE audit_log')
    const res = await t.api('POST', '/api/v1/components', { name: 'x' })
    expect(res.status).toBe(500)
    expectErrorShape(res.body, 'internal')
    expect(res.body.error.message).not.toMatch(/audit_log/)
    expect(t.log.lines.some((l) => l.level === 'error')).toBe(true)
    // The batch failed as a whole: the component was not written either.
    expect((await t.api('GET', '/api/v1/components')).body).toEqual([])
  })
})
