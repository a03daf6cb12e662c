import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { Timestamp } from '../../core/schemas/common.ts'

const KEYS = ['__proto__', 'constructor', 'prototype']

async function raw(t: TestApp, method: string, path: string, body: string) {
  return t.api(method, path, undefined, {
    raw: body,
    headers: { 'content-type': 'application/json' },
  })
}

describe('prototype keys in JSON are refused, never dropped', () => {
  it('__proto__ / constructor / prototype as a key anywhere is a 400 naming it, writing nothing', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    const inc = await makeIncident(t)
    // JSON.stringify cannot write a "__proto__" key, so each body is written as text.
    const bodies = (key: string): [string, string, string, string][] => [
      [
        'POST',
        '/api/v1/incidents',
        `{"name":"x","status":"investigating","impact":"minor","body":"x","components":{"${key}":"major_outage"}}`,
        `components.${key}`,
      ],
      [
        'POST',
        '/api/v1/incidents',
        `{"name":"x","status":"investigating","impact":"minor","body":"x","components":{"${c.id}":"major_outage","${key}":"major_outage"}}`,
        `components.${key}`,
      ],
      [
        'POST',
        '/api/v1/incidents',
        `{"template":"database-outage","components":{},"vars":{"${key}":"x"}}`,
        `vars.${key}`,
      ],
      [
        'POST',
        `/api/v1/incidents/${inc.id}/updates`,
        `{"status":"identified","body":"x","components":{"${key}":"operational"}}`,
        `components.${key}`,
      ],
      [
        'PUT',
        `/api/v1/incidents/${inc.id}/compensation`,
        `{"decision":"override","credits":{"${key}":10}}`,
        `credits.${key}`,
      ],
      [
        'POST',
        '/api/v1/playbooks/database-outage/fill',
        `{"vars":{"${key}":{"polluted":true}}}`,
        `vars.${key}`,
      ],
      ['POST', '/api/v1/components', `{"name":"x","${key}":{"admin":true}}`, key],
      ['PATCH', `/api/v1/components/${c.id}`, `{"${key}":{"name":"y"}}`, key],
      ['POST', '/api/v1/tokens', `[{"${key}":1}]`, `0.${key}`],
    ]
    const before = await dumpTables(t.deps.db)
    let tried = 0
    for (const key of KEYS) {
      for (const [method, path, body, where] of bodies(key)) {
        tried++
        const res = await raw(t, method, path, body)
        expect(res.status, `${method} ${path} ${body}`).toBe(400)
        expect(res.body.error.code).toBe('invalid_input')
        expect(res.body.error.details).toEqual([
          { path: where, message: `"${key}" is not allowed as a key` },
        ])
      }
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    console.info(`prototype keys: ${tried} bodies, 0 through`)
  })

  it('ordinary keys that merely contain the words still work', async () => {
    const t = await createTestApp()
    const res = await t.api('POST', '/api/v1/playbooks/database-outage/fill', {
      vars: { component: 'constructor', region: '__proto__ region' },
    })
    expect(res.status).toBe(200)
  })
})

describe('dates are between 1970-01-01 and 2100-12-31', () => {
  const BAD = [
    '0000-01-01T00:00:00Z',
    '0001-01-01T00:00:00Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:30:00+01:00',
    '2101-01-01T00:00:00Z',
    '2100-12-31T23:30:00-01:00',
    '9999-12-31T23:59:59Z',
    '-000001-01-01T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '+002026-03-10T12:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-03-10T24:00:01Z',
    '2026-03-10T12:00:00',
    '2026-03-10',
    '',
  ]

  it('refuses every out-of-range or malformed date in every date field, writing nothing', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t)
    const mnt = await makeMaintenance(t)
    const targets: [string, string, (d: string) => Record<string, unknown>, string][] = [
      [
        'POST',
        '/api/v1/incidents',
        (d) => ({
          name: 'x',
          status: 'investigating',
          impact: 'minor',
          body: 'x',
          components: {},
          started_at: d,
        }),
        'started_at',
      ],
      ['PATCH', `/api/v1/incidents/${inc.id}`, (d) => ({ started_at: d }), 'started_at'],
      [
        'POST',
        '/api/v1/maintenances',
        (d) => ({
          name: 'x',
          scheduled_for: d,
          scheduled_until: '2100-12-31T23:00:00Z',
          body: 'x',
          components: [],
        }),
        'scheduled_for',
      ],
      [
        'POST',
        '/api/v1/maintenances',
        (d) => ({
          name: 'x',
          scheduled_for: '1970-01-01T00:00:00Z',
          scheduled_until: d,
          body: 'x',
          components: [],
        }),
        'scheduled_until',
      ],
      ['PATCH', `/api/v1/maintenances/${mnt.id}`, (d) => ({ scheduled_for: d }), 'scheduled_for'],
      [
        'PATCH',
        `/api/v1/maintenances/${mnt.id}`,
        (d) => ({ scheduled_until: d }),
        'scheduled_until',
      ],
    ]
    const before = await dumpTables(t.deps.db)
    let tried = 0
    for (const [method, path, body, field] of targets) {
      for (const date of BAD) {
        tried++
        const res = await t.api(method, path, body(date))
        expect(res.status, `${method} ${path} ${field}=${date}`).toBe(400)
        expect(res.body.error.details.map((d: any) => d.path)).toContain(field)
      }
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    console.info(`dates: ${BAD.length} variants x ${targets.length} fields = ${tried}, 0 through`)
  })

  it('accepts both ends of the range (the one Timestamp schema)', () => {
    for (const d of [
      '1970-01-01T00:00:00Z',
      '1970-01-01T01:00:00+01:00',
      '2100-12-31T23:59:59.999Z',
      '2100-12-31T22:00:00-01:00',
    ]) {
      expect(Timestamp.safeParse(d).success, d).toBe(true)
    }
    for (const d of BAD) expect(Timestamp.safeParse(d).success, d).toBe(false)
  })
})
