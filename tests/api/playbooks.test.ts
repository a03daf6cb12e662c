import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

describe('playbooks through the API', () => {
  it('opens an incident from a template in every configured language, and explicit fields win', async () => {
    const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
    const db = await makeComponent(t, { name: 'Database' })
    const list = await t.api('GET', '/api/v1/playbooks')
    expect(list.body.map((p: any) => p.id)).toEqual(
      expect.arrayContaining(['database-outage', 'security-incident', 'planned-maintenance']),
    )
    const vars = Object.fromEntries(
      list.body
        .find((p: any) => p.id === 'database-outage')
        .vars.map((v: any) => [v.name, v.example]),
    )
    const res = await t.api('POST', '/api/v1/incidents', {
      template: 'database-outage',
      vars,
      components: { [db.id]: 'major_outage' },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.status).toBe('investigating')
    expect(res.body.name.length).toBeGreaterThan(5)
    expect(res.body.incident_updates[0].body).not.toContain('{{')
    // The default locale in the fields, every other configured one beside them.
    const han = /[\u4e00-\u9fff]/
    for (const text of [res.body.name, res.body.workaround, res.body.incident_updates[0].body])
      expect(text).not.toMatch(han)
    expect(res.body.translations['zh-CN'].name).toMatch(han)
    expect(res.body.translations['zh-CN'].workaround).toMatch(han)
    expect(res.body.incident_updates[0].translations['zh-CN'].body).toMatch(han)
    // `locale` is still accepted; an explicit plain name replaces the name in every language.
    const zh = await t.api('POST', '/api/v1/incidents', {
      template: 'database-outage',
      vars,
      locale: 'zh-CN',
      name: 'Our own title',
      components: {},
    })
    expect(zh.status).toBe(201)
    expect(zh.body.name).toBe('Our own title')
    expect(zh.body.translations['zh-CN'].name).toBeUndefined()
    expect(zh.body.incident_updates[0].body).not.toMatch(han)
    expect(zh.body.incident_updates[0].translations['zh-CN'].body).toMatch(han)
  })

  it('fills the wording for any status, and rejects unknown templates and vars, writing nothing', async () => {
    const t = await createTestApp()
    const filled = await t.api('POST', '/api/v1/playbooks/third-party-outage/fill', {
      status: 'resolved',
      vars: { provider: 'Stripe', component: 'Checkout' },
    })
    expect(filled.status, JSON.stringify(filled.body)).toBe(200)
    expect(filled.body.body).toContain('Stripe')
    expect(filled.body.apology.length).toBeGreaterThan(10)
    const before = await dumpTables(t.deps.db)
    const unknown = await t.api('POST', '/api/v1/incidents', {
      template: 'no-such-thing',
      components: {},
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.details[0].path).toBe('template')
    const typo = await t.api('POST', '/api/v1/incidents', {
      template: 'database-outage',
      vars: { compnent: 'x' },
      components: {},
    })
    expect(typo.status).toBe(400)
    expect(typo.body.error.details.map((d: any) => d.path)).toContain('vars.compnent')
    const plain = await t.api('POST', '/api/v1/incidents', { components: {} })
    expect(plain.body.error.details.map((d: any) => d.path).sort()).toEqual([
      'body',
      'impact',
      'name',
      'status',
    ])
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('names the affected components for vars.component when the request leaves it out, and remembers the playbook', async () => {
    const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
    const checkout = await makeComponent(t, { name: 'Checkout' })
    const payments = await makeComponent(t, { name: 'Payments API' })
    const spare = await makeComponent(t, { name: 'Webhooks' })
    const res = await t.api('POST', '/api/v1/incidents', {
      template: 'database-outage',
      components: {
        [checkout.id]: 'major_outage',
        [spare.id]: 'operational',
        [payments.id]: 'partial_outage',
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.name).toBe('Checkout and Payments API unavailable')
    expect(res.body.incident_updates[0].body).toContain('affecting Checkout and Payments API.')
    expect(res.body.playbook).toEqual({
      id: 'database-outage',
      locale: 'en',
      vars: { component: 'Checkout and Payments API' },
    })
    expect((await t.api('GET', `/api/v1/incidents/${res.body.id}`)).body.playbook).toEqual(
      res.body.playbook,
    )
    // In Chinese the names are joined the Chinese way; a blank value counts as left out.
    const zh = await t.api('POST', '/api/v1/incidents', {
      template: 'database-outage',
      locale: 'zh-CN',
      vars: { component: '  ' },
      components: { [checkout.id]: 'major_outage', [payments.id]: 'major_outage' },
    })
    expect(zh.status, JSON.stringify(zh.body)).toBe(201)
    expect(zh.body.playbook.vars.component).toBe('Checkout and Payments API')
    expect(zh.body.name).toBe('Checkout and Payments API unavailable')
    expect(zh.body.translations['zh-CN'].name).toBe('Checkout和Payments API 无法使用')
    // A value given explicitly wins over the derived one.
    const own = await t.api('POST', '/api/v1/incidents', {
      template: 'database-outage',
      vars: { component: 'the checkout pages' },
      components: { [checkout.id]: 'major_outage' },
    })
    expect(own.body.name).toBe('The checkout pages unavailable')
    // With no affected component there is nothing to derive it from: still required.
    const before = await dumpTables(t.deps.db)
    const none = await t.api('POST', '/api/v1/incidents', {
      template: 'database-outage',
      components: { [spare.id]: 'operational' },
    })
    expect(none.status).toBe(400)
    expect(none.body.error.details.map((d: any) => d.path)).toEqual(['vars.component'])
    expect(await dumpTables(t.deps.db)).toEqual(before)
    // Written from scratch: no playbook.
    const plain = await t.api('POST', '/api/v1/incidents', {
      name: 'Errors',
      status: 'investigating',
      impact: 'minor',
      body: 'Looking.',
      components: {},
    })
    expect(plain.body.playbook).toBeNull()
  })
})
