import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

const LOCALES = { LOCALES: 'en,zh-CN' }
const HAN = /\p{Script=Han}/u

/** Posts `body`, expects a 400 invalid_input naming `paths`, and that nothing was written. */
async function refused(t: TestApp, method: string, path: string, body: unknown, paths: string[]) {
  const before = await dumpTables(t.deps.db)
  const res = await t.api(method, path, body)
  expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400)
  expect(res.body.error.code).toBe('invalid_input')
  const got = (res.body.error.details ?? []).map((d: { path: string }) => d.path)
  for (const p of paths) expect(got, JSON.stringify(res.body)).toContain(p)
  expect(await dumpTables(t.deps.db)).toEqual(before)
}

describe('text per locale through the API', () => {
  it('a string stays as it always was: no translations in the answer', async () => {
    const t = await createTestApp({ env: LOCALES })
    const inc = await makeIncident(t, { workaround: 'Pay later.' })
    expect(inc.name).toBe('Payments are failing')
    expect(inc.translations).toBeUndefined()
    expect(inc.incident_updates[0].translations).toBeUndefined()
  })

  it('round-trips a map on every translatable field: the field keeps the default, translations the rest', async () => {
    const t = await createTestApp({ env: LOCALES })
    const inc = await makeIncident(t, {
      name: { en: 'Checkout down', 'zh-CN': '结账不可用' },
      body: { en: 'Looking into it.', 'zh-CN': '正在排查。' },
      workaround: { en: 'Pay by phone.', 'zh-CN': '请电话付款。' },
    })
    expect(inc.name).toBe('Checkout down')
    expect(inc.workaround).toBe('Pay by phone.')
    expect(inc.translations).toEqual({
      'zh-CN': { name: '结账不可用', workaround: '请电话付款。' },
    })
    expect(inc.incident_updates[0]).toMatchObject({
      body: 'Looking into it.',
      translations: { 'zh-CN': { body: '正在排查。', workaround: '请电话付款。' } },
    })
    const id = inc.id as string
    const upd = await t.api('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'identified',
      body: { en: 'Found it.', 'zh-CN': '已找到原因。' },
    })
    expect(upd.status).toBe(201)
    expect(upd.body.update.translations['zh-CN'].body).toBe('已找到原因。')
    const fixed = await t.api('PATCH', `/api/v1/incidents/${id}/updates/${upd.body.update.id}`, {
      body: { en: 'Found the cause.', 'zh-CN': '已查明原因。' },
    })
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200)
    const edited = fixed.body.incident_updates.find((u: any) => u.id === upd.body.update.id)
    expect(edited).toMatchObject({
      body: 'Found the cause.',
      translations: { 'zh-CN': { body: '已查明原因。' } },
    })
    const done = await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: { en: 'Fixed.', 'zh-CN': '已修复。' },
      apology: { en: 'Sorry.', 'zh-CN': '抱歉。' },
    })
    expect(done.body.incident.apology).toBe('Sorry.')
    expect(done.body.incident.translations['zh-CN'].apology).toBe('抱歉。')
    const pm = await t.api('PUT', `/api/v1/incidents/${id}/postmortem`, {
      body: { en: '## Cause\n\nA bug.', 'zh-CN': '## 原因\n\n一个缺陷。' },
    })
    expect(pm.status).toBe(200)
    expect(pm.body).toMatchObject({
      body: '## Cause\n\nA bug.',
      translations: { 'zh-CN': { body: '## 原因\n\n一个缺陷。' } },
    })
    // Read back as stored.
    const got = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(got.translations['zh-CN']).toEqual({
      name: '结账不可用',
      workaround: '请电话付款。',
      apology: '抱歉。',
    })
    // A plain string replaces the field in every language; the other fields keep theirs.
    const renamed = await t.api('PATCH', `/api/v1/incidents/${id}`, { name: 'Checkout errors' })
    expect(renamed.body.translations['zh-CN']).toEqual({
      workaround: '请电话付款。',
      apology: '抱歉。',
    })
    const m = await makeMaintenance(t, {
      name: { en: 'DB upgrade', 'zh-CN': '数据库升级' },
      body: { en: 'Upgrading.', 'zh-CN': '升级中。' },
    })
    expect(m.name).toBe('DB upgrade')
    expect(m.translations).toEqual({ 'zh-CN': { name: '数据库升级' } })
    expect(m.incident_updates[0].translations).toEqual({ 'zh-CN': { body: '升级中。' } })
    const cancelled = await t.api('POST', `/api/v1/maintenances/${m.id}/cancel`, {
      body: { en: 'Called off.', 'zh-CN': '已取消。' },
    })
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(201)
    expect(cancelled.body.incident_updates[0].translations['zh-CN'].body).toBe('已取消。')
  })

  it('refuses bad maps on every translatable field with 400 and the field path, writing nothing', async () => {
    const t = await createTestApp({ env: LOCALES })
    const en = await createTestApp() // LOCALES=en: zh-CN is not a language of this page
    const inc = await makeIncident(t)
    const m = await makeMaintenance(t)
    const enInc = await makeIncident(en)
    const base = { status: 'investigating', impact: 'minor', components: {} }
    const bad: [string, (v: unknown) => unknown][] = [
      ['name', (v) => ({ ...base, name: v, body: 'x' })],
      ['body', (v) => ({ ...base, name: 'x', body: v })],
      ['workaround', (v) => ({ ...base, name: 'x', body: 'x', workaround: v })],
    ]
    const variants: [string, unknown, string][] = [
      ['missing default locale', { 'zh-CN': '只有中文' }, '.en'],
      ['unknown locale', { en: 'x', fr: 'y' }, ''],
      ['empty map', {}, ''],
      ['a number', 42, ''],
      ['an array', ['x'], ''],
      ['a non-string value', { en: 5 }, ''],
      ['an empty text', { en: '' }, '.en'],
    ]
    let n = 0
    for (const [field, make] of bad) {
      for (const [what, v, suffix] of variants) {
        // An empty workaround is allowed (it takes the workaround down).
        if (field === 'workaround' && what === 'an empty text') continue
        await refused(t, 'POST', '/api/v1/incidents', make(v), [`${field}${suffix}`])
        n++
      }
    }
    const paths: [string, string, (v: unknown) => unknown, string][] = [
      [
        'POST',
        `/api/v1/incidents/${inc.id}/updates`,
        (v) => ({ status: 'identified', body: v }),
        'body',
      ],
      ['POST', `/api/v1/incidents/${inc.id}/resolve`, (v) => ({ apology: v }), 'apology'],
      ['PATCH', `/api/v1/incidents/${inc.id}`, (v) => ({ name: v }), 'name'],
      [
        'PATCH',
        `/api/v1/incidents/${inc.id}/updates/${inc.incident_updates[0].id}`,
        (v) => ({ body: v }),
        'body',
      ],
      ['PUT', `/api/v1/incidents/${inc.id}/postmortem`, (v) => ({ body: v }), 'body'],
      [
        'POST',
        `/api/v1/maintenances/${m.id}/updates`,
        (v) => ({ status: 'in_progress', body: v }),
        'body',
      ],
      ['PATCH', `/api/v1/maintenances/${m.id}`, (v) => ({ name: v }), 'name'],
    ]
    for (const [method, path, make, field] of paths) {
      for (const [, v, suffix] of variants) {
        await refused(t, method, path, make(v), [`${field}${suffix}`])
        n++
      }
    }
    // Well-formed, but naming a language the page does not have.
    await refused(
      en,
      'PATCH',
      `/api/v1/incidents/${enInc.id}`,
      { name: { en: 'x', 'zh-CN': '中' } },
      ['name.zh-CN'],
    )
    // Every bad field is named at once.
    await refused(
      t,
      'POST',
      '/api/v1/incidents',
      { ...base, name: { 'zh-CN': '名' }, body: { 'zh-CN': '文' } },
      ['name.en', 'body.en'],
    )
    expect(n).toBe(69)
  })

  it('the OpenAPI document shows each translatable field as a string or a map per locale', async () => {
    const t = await createTestApp()
    const doc = (await t.api('GET', '/api/v1/openapi.json', undefined, { token: null })).body
    const schemas = doc.components.schemas
    for (const [schema, field] of [
      ['IncidentCreate', 'name'],
      ['IncidentCreate', 'body'],
      ['IncidentUpdateCreate', 'body'],
      ['IncidentPatch', 'apology'],
      ['MaintenanceCreate', 'name'],
      ['PostmortemDraft', 'body'],
    ] as const) {
      const text = JSON.stringify(schemas[schema].properties[field])
      expect(text, `${schema}.${field}`).toContain('"type":"string"')
      expect(text, `${schema}.${field}`).toContain('"zh-CN"')
    }
    expect(JSON.stringify(schemas.Incident.properties.translations)).toBeTruthy()
  })

  it('the Statuspage v2 JSON carries only the default locale’s text', async () => {
    const t = await createTestApp({ env: LOCALES })
    const pay = await makeComponent(t, { name: 'Payments API' })
    await makeIncident(t, {
      name: { en: 'Checkout down', 'zh-CN': '结账不可用' },
      body: { en: 'Looking into it.', 'zh-CN': '正在排查。' },
      workaround: { en: 'Pay by phone.', 'zh-CN': '请电话付款。' },
      components: { [pay.id]: 'major_outage' },
    })
    await makeMaintenance(t, { name: { en: 'DB upgrade', 'zh-CN': '数据库升级' } })
    for (const path of [
      '/api/v2/summary.json',
      '/api/v2/incidents.json',
      '/api/v2/incidents/unresolved.json',
      '/api/v2/scheduled-maintenances.json',
    ]) {
      const res = await t.api('GET', path, undefined, { token: null })
      expect(res.status, path).toBe(200)
      const text = JSON.stringify(res.body)
      expect(text, path).not.toMatch(HAN)
      expect(text, path).not.toContain('translations')
    }
    const summary = JSON.stringify(
      (await t.api('GET', '/api/v2/summary.json', undefined, { token: null })).body,
    )
    expect(summary).toContain('Checkout down')
    expect(summary).toContain('Looking into it.')
  })

  it('the demo writes its incidents in en and zh-CN when both are configured', async () => {
    const t = await createTestApp({ now: '2026-11-23T09:00:00.000Z', env: LOCALES })
    await seedDemo(t.deps)
    const list = (await t.api('GET', '/api/v1/incidents?per_page=100')).body
    expect(list.length).toBeGreaterThanOrEqual(5)
    for (const i of list) {
      expect(i.name).not.toMatch(HAN)
      expect(i.translations?.['zh-CN']?.name, i.name).toMatch(HAN)
      for (const u of i.incident_updates)
        expect(u.translations?.['zh-CN']?.body, u.body).toMatch(HAN)
    }
  })
})
