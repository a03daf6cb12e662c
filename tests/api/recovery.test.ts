import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { str } from '../../db/rows.ts'
import { addSubscriber } from '../notifier/world.ts'

const HOUR = 3_600_000

describe('apology', () => {
  it('resolving a major incident without an apology succeeds with a warning; with one, none', async () => {
    const t = await createTestApp()
    const a = await makeIncident(t, { impact: 'major' })
    const res = await t.api('POST', `/api/v1/incidents/${a.id}/resolve`, {})
    expect(res.status).toBe(201)
    expect(res.body.warnings).toEqual([expect.objectContaining({ code: 'missing_apology' })])
    const b = await makeIncident(t, { impact: 'critical' })
    const ok = await t.api('POST', `/api/v1/incidents/${b.id}/resolve`, {
      apology: 'We are sorry: payments failed for 40 minutes.',
    })
    expect(ok.body.warnings).toEqual([])
    expect(ok.body.incident.apology).toBe('We are sorry: payments failed for 40 minutes.')
    const minor = await makeIncident(t, { impact: 'minor' })
    expect(
      (await t.api('POST', `/api/v1/incidents/${minor.id}/resolve`, {})).body.warnings,
    ).toEqual([])
    const patched = await t.api('PATCH', `/api/v1/incidents/${a.id}`, {
      apology: 'Sorry for the disruption.',
    })
    expect(patched.body.apology).toBe('Sorry for the disruption.')
  })
})

describe('post-mortems', () => {
  it('draft, template, publish (resolved only), then edits stay published', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Payments API' })
    const inc = await makeIncident(t, { components: { [c.id]: 'major_outage' } })
    expect((await t.api('GET', `/api/v1/incidents/${inc.id}/postmortem`)).status).toBe(404)
    const template = await t.api('GET', `/api/v1/incidents/${inc.id}/postmortem/template`)
    for (const h of [
      '## Summary',
      '## Impact',
      '## Timeline',
      '## Root cause',
      '## What we are changing',
    ])
      expect(template.body.body).toContain(h)
    expect(template.body.body).toContain('We are looking into failed payments.')
    expect(template.body.body).toContain('Payments API')
    const draft = await t.api('PUT', `/api/v1/incidents/${inc.id}/postmortem`, {
      body: '## Summary\n\nA bad deploy.',
    })
    expect(draft.status).toBe(200)
    expect(draft.body).toMatchObject({ status: 'draft', published_at: null })
    const early = await t.api('POST', `/api/v1/incidents/${inc.id}/postmortem/publish`, {})
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('incident_not_resolved')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    t.clock.advance(HOUR)
    const pub = await t.api('POST', `/api/v1/incidents/${inc.id}/postmortem/publish`, {
      notify: true,
    })
    expect(pub.status).toBe(201)
    expect(pub.body).toMatchObject({
      status: 'published',
      published_at: '2026-03-10T13:00:00.000Z',
      due_at: '2026-03-15T12:00:00.000Z',
    })
    expect((await t.api('POST', `/api/v1/incidents/${inc.id}/postmortem/publish`, {})).status).toBe(
      409,
    )
    const events = (
      await t.deps.db.execute(
        "SELECT type, payload FROM outbox WHERE type LIKE 'incident.postmortem%'",
      )
    ).rows
    expect(events.map((e) => e.type)).toEqual(['incident.postmortem_published'])
    expect(JSON.parse(str(events[0]!, 'payload')).deliver_notifications).toBe(true)
    const edited = await t.api('PUT', `/api/v1/incidents/${inc.id}/postmortem`, {
      body: '## Summary\n\nA bad deploy, and a missing check.',
    })
    expect(edited.body.status).toBe('published')
    expect((await t.api('GET', `/api/v1/incidents/${inc.id}`)).body.postmortem).toEqual({
      status: 'published',
      published_at: '2026-03-10T13:00:00.000Z',
    })
  })

  it('publishing with nothing drafted is a 409 and writes nothing', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t)
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    const before = await dumpTables(t.deps.db)
    const res = await t.api('POST', `/api/v1/incidents/${inc.id}/postmortem/publish`, {})
    expect(res.body.error.code).toBe('no_postmortem')
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })
})

describe('compensation and impact', () => {
  it('computes month-to-date availability and the credit; the team accepts, overrides or writes its own', async () => {
    const t = await createTestApp({ now: '2026-11-01T00:00:00.000Z' })
    const pay = await makeComponent(t, { name: 'Payments API', sla_target: 99.9 })
    const web = await makeComponent(t, { name: 'Dashboard', sla_target: 99.9 })
    t.clock.set('2026-11-14T10:00:00.000Z')
    const inc = await makeIncident(t, {
      impact: 'critical',
      components: { [pay.id]: 'major_outage', [web.id]: 'degraded_performance' },
    })
    t.clock.set('2026-11-14T13:12:00.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, { apology: 'We are sorry.' })
    t.clock.set('2026-11-24T00:00:00.000Z')
    const comp = await t.api('GET', `/api/v1/incidents/${inc.id}/compensation`)
    expect(comp.status).toBe(200)
    expect(comp.body.month).toBe('2026-11')
    const payCredit = comp.body.computed.find((x: any) => x.component_id === pay.id)
    expect(payCredit.availability).toBeCloseTo(100 * (1 - (192 * 60) / (23 * 86400)), 8)
    expect(payCredit.credit).toBe(10)
    expect(comp.body.computed.find((x: any) => x.component_id === web.id).credit).toBe(0)
    expect(comp.body.sentences).toEqual([])

    const accepted = await t.api('PUT', `/api/v1/incidents/${inc.id}/compensation`, {
      decision: 'accepted',
    })
    expect(accepted.body.sentences).toEqual([
      'Because Payments API was unavailable for 3 h 12 min this month, your account receives a 10% service credit.',
    ])
    const override = await t.api('PUT', `/api/v1/incidents/${inc.id}/compensation`, {
      decision: 'override',
      credits: { [pay.id]: 25 },
    })
    expect(override.body.sentences[0]).toContain('25% service credit')
    const custom = await t.api('PUT', `/api/v1/incidents/${inc.id}/compensation`, {
      decision: 'custom',
      text: 'Every affected account gets next month free.',
    })
    expect(custom.body.sentences).toEqual(['Every affected account gets next month free.'])
    const bad = await t.api('PUT', `/api/v1/incidents/${inc.id}/compensation`, {
      decision: 'override',
      credits: { aaaaaaaaaaaa: 10 },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0].path).toBe('credits.aaaaaaaaaaaa')
  })

  it('reports affected subscribers and each component outage', async () => {
    const t = await createTestApp()
    const pay = await makeComponent(t)
    const other = await makeComponent(t)
    const inc = await makeIncident(t, { components: { [pay.id]: 'partial_outage' } })
    const now = t.clock.now().toISOString()
    const add = (id: string, all: number, status: string, comps: string[]) =>
      t.deps.db.batch(
        [
          {
            sql: 'INSERT INTO subscribers (id, email, email_normalized, all_components, status, created_at) VALUES (?, ?, ?, ?, ?, ?)',
            args: [id, `${id}@x.com`, `${id}@x.com`, all, status, now],
          },
          ...comps.map((c) => ({
            sql: 'INSERT INTO subscriber_components (subscriber_id, component_id) VALUES (?, ?)',
            args: [id, c],
          })),
        ],
        'write',
      )
    await add('s00000000001', 1, 'confirmed', [])
    await add('s00000000002', 0, 'confirmed', [pay.id])
    await add('s00000000003', 0, 'confirmed', [other.id])
    await add('s00000000004', 1, 'pending', [])
    t.clock.advance(2 * HOUR)
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    const impact = await t.api('GET', `/api/v1/incidents/${inc.id}/impact`)
    expect(impact.body).toMatchObject({
      affected_subscribers: 2,
      duration_seconds: 7200,
      total_outage_seconds: 7200,
    })
    expect(impact.body.components).toEqual([
      {
        id: pay.id,
        name: pay.name,
        outage_seconds: 7200,
        major_seconds: 0,
        partial_seconds: 7200,
        degraded_seconds: 0,
        weighted_outage_seconds: 0.3 * 7200,
      },
    ])
  })

  it('counts subscribers per component and channel, weighs each outage and lists the reports', async () => {
    const t = await createTestApp()
    const pay = await makeComponent(t, { name: 'Payments API' })
    const checkout = await makeComponent(t, { name: 'Checkout' })
    const other = await makeComponent(t, { name: 'Dashboard' })
    const inc = await makeIncident(t, {
      impact: 'major',
      components: { [pay.id]: 'major_outage', [checkout.id]: 'partial_outage' },
    })
    const elsewhere = await makeIncident(t, { components: { [other.id]: 'degraded_performance' } })
    // Who hears about it: everyone who follows everything, and whoever chose one of the two.
    await addSubscriber(t.deps.db)
    await addSubscriber(t.deps.db)
    await addSubscriber(t.deps.db, { components: [pay.id] })
    await addSubscriber(t.deps.db, { components: [checkout.id] })
    await addSubscriber(t.deps.db, { components: [pay.id, checkout.id] })
    // Who does not: not confirmed, or following something else.
    await addSubscriber(t.deps.db, { status: 'pending' })
    await addSubscriber(t.deps.db, { status: 'unsubscribed', components: [pay.id] })
    await addSubscriber(t.deps.db, { status: 'quarantined' })
    await addSubscriber(t.deps.db, { components: [other.id] })

    const report = (incident: string, message: string) =>
      t.api('POST', '/api/v1/feedback', { incident, message }, { token: null })
    expect((await report(inc.id, 'Card payments fail at the last step.')).status).toBe(202)
    t.clock.advance(10 * 60_000)
    expect((await report(inc.id, 'Checkout spins forever.')).status).toBe(202)
    expect((await report(elsewhere.id, 'The dashboard is slow.')).status).toBe(202)

    // Payments API: 1 h down, then 30 min partial; Checkout partial for the whole 90 min.
    t.clock.set('2026-03-10T13:00:00.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Failing over.',
      components: { [pay.id]: 'partial_outage' },
    })
    t.clock.set('2026-03-10T13:30:00.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    t.clock.set('2026-03-11T09:00:00.000Z')

    const impact = await t.api('GET', `/api/v1/incidents/${inc.id}/impact`)
    expect(impact.status).toBe(200)
    const b = impact.body
    expect(b.affected_subscribers).toBe(5)
    expect(b.channels).toEqual([{ channel: 'email', count: 5 }])
    // In the page's order of components (position, then name).
    expect(b.subscribers).toEqual([
      { component_id: pay.id, component_name: 'Payments API', channel: 'email', count: 4 },
      { component_id: checkout.id, component_name: 'Checkout', channel: 'email', count: 4 },
    ])
    expect(b.duration_seconds).toBe(5400)
    const byId = new Map<string, any>(b.components.map((c: any) => [c.id, c]))
    expect(byId.get(pay.id)).toMatchObject({
      major_seconds: 3600,
      partial_seconds: 1800,
      outage_seconds: 5400,
      weighted_outage_seconds: 3600 + 0.3 * 1800,
    })
    expect(byId.get(checkout.id)).toMatchObject({
      partial_seconds: 5400,
      weighted_outage_seconds: 0.3 * 5400,
    })
    expect(b.total_outage_seconds).toBe(10_800)
    expect(b.total_weighted_outage_seconds).toBe(3600 + 0.3 * 1800 + 0.3 * 5400)
    expect(b.downtime_weights).toEqual({
      major_outage: 1,
      partial_outage: 0.3,
      degraded_performance: 0,
    })
    // The weighted figure is the downtime the credit counts for the same stretch.
    const comp = await t.api('GET', `/api/v1/incidents/${inc.id}/compensation`)
    const payCredit = comp.body.computed.find((c: any) => c.component_id === pay.id)
    expect(payCredit.down_seconds).toBe(byId.get(pay.id).weighted_outage_seconds)

    expect(b.reports.total).toBe(2)
    expect(b.reports.items.map((r: any) => r.message)).toEqual([
      'Checkout spins forever.',
      'Card payments fail at the last step.',
    ])
    expect(b.reports.items[0]).toMatchObject({ source: 'form', status: 'open', component_id: null })
    expect(b.reports.items[0]).not.toHaveProperty('email')
  })

  it('measures an open incident up to now, with nobody to tell and nothing reported', async () => {
    const t = await createTestApp()
    const search = await makeComponent(t, { name: 'Search' })
    const inc = await makeIncident(t, { components: { [search.id]: 'degraded_performance' } })
    t.clock.advance(HOUR / 2)
    const b = (await t.api('GET', `/api/v1/incidents/${inc.id}/impact`)).body
    expect(b).toMatchObject({
      affected_subscribers: 0,
      duration_seconds: 1800,
      total_outage_seconds: 1800,
      total_weighted_outage_seconds: 0,
      channels: [{ channel: 'email', count: 0 }],
      subscribers: [{ component_id: search.id, channel: 'email', count: 0 }],
      reports: { total: 0, items: [] },
    })
    const none = await makeIncident(t, { components: {} })
    const empty = (await t.api('GET', `/api/v1/incidents/${none.id}/impact`)).body
    expect(empty).toMatchObject({ components: [], subscribers: [], affected_subscribers: 0 })
    expect((await t.api('GET', '/api/v1/incidents/aaaaaaaaaaaa/impact')).status).toBe(404)
  })
})

describe('maintenance notice', () => {
  it('short notice is accepted with a warning and flagged', async () => {
    const t = await createTestApp()
    const soon = await makeMaintenance(t)
    expect(soon.short_notice).toBe(true)
    expect(soon.warnings).toEqual([expect.objectContaining({ code: 'short_notice' })])
    const later = await makeMaintenance(t, {
      scheduled_for: '2026-03-20T00:00:00Z',
      scheduled_until: '2026-03-20T02:00:00Z',
    })
    expect(later.short_notice).toBe(false)
    expect(later.warnings).toEqual([])
    expect((await t.api('GET', `/api/v1/maintenances/${soon.id}`)).body.short_notice).toBe(true)
  })
})

describe('compensation for a past month', () => {
  it('measures the month the incident happened in, to its end, when asked later', async () => {
    const t = await createTestApp({ now: '2026-03-01T00:00:00.000Z' })
    const pay = await makeComponent(t, { name: 'Payments API' })
    t.clock.set('2026-03-10T10:00:00.000Z')
    const inc = await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    t.clock.set('2026-03-10T13:12:00.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    t.clock.set('2026-06-02T00:00:00.000Z')
    const comp = await t.api('GET', `/api/v1/incidents/${inc.id}/compensation`)
    expect(comp.body.month).toBe('2026-03')
    const c = comp.body.computed[0]
    expect(c.down_seconds).toBe(192 * 60)
    expect(c.availability).toBeCloseTo(100 * (1 - (192 * 60) / (31 * 86400 - 0.001)), 6)
    expect(c.credit).toBe(10)
  })
})

describe('compensation rules through the API', () => {
  it('a component added minutes before a 1-second blip gets no credit; an override never says "0 min"', async () => {
    const t = await createTestApp({
      now: '2026-03-12T09:00:00.000Z',
      env: { TIME_ZONE: 'Europe/Berlin' },
    })
    const search = await makeComponent(t, { name: 'Search', sla_target: 99.9 })
    t.clock.set('2026-03-12T09:03:00.000Z')
    const inc = await makeIncident(t, { components: { [search.id]: 'major_outage' } })
    t.clock.set('2026-03-12T09:03:01.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    t.clock.set('2026-03-12T09:05:00.000Z')
    const comp = await t.api('GET', `/api/v1/incidents/${inc.id}/compensation`)
    expect(comp.body.month).toBe('2026-03')
    expect(comp.body.computed).toEqual([
      {
        component_id: search.id,
        component_name: 'Search',
        sla_target: 99.9,
        window_start: '2026-03-12T09:00:00.000Z',
        window_end: '2026-03-12T09:05:00.000Z',
        added_at: '2026-03-12T09:00:00.000Z',
        availability: 100 * (1 - 1 / 300),
        down_seconds: 1,
        down_minutes: 0,
        tier: null,
        credit: 0,
      },
    ])
    const accepted = await t.api('PUT', `/api/v1/incidents/${inc.id}/compensation`, {
      decision: 'accepted',
    })
    expect(accepted.body.decision.credits).toEqual({ [search.id]: 0 })
    expect(accepted.body.sentences).toEqual([])
    const override = await t.api('PUT', `/api/v1/incidents/${inc.id}/compensation`, {
      decision: 'override',
      credits: { [search.id]: 25 },
    })
    expect(override.body.sentences).toEqual([
      'Because of the disruption to Search since it was added on 12 Mar 2026, your account receives a 25% service credit.',
    ])
  })

  it('measures the month in the page zone: 23:15 UTC on 28 Feb is March in Berlin', async () => {
    const t = await createTestApp({
      now: '2026-01-01T00:00:00.000Z',
      env: { TIME_ZONE: 'Europe/Berlin' },
    })
    const pay = await makeComponent(t, { name: 'Payments API', sla_target: 99.9 })
    // 00:15 to 00:45 on 1 March in Berlin; still 28 February in UTC.
    t.clock.set('2026-02-28T23:15:00.000Z')
    const inc = await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    t.clock.set('2026-02-28T23:45:00.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    t.clock.set('2026-03-01T01:00:00.000Z')
    const comp = await t.api('GET', `/api/v1/incidents/${inc.id}/compensation`)
    expect(comp.body.month).toBe('2026-03')
    expect(comp.body.computed[0]).toMatchObject({
      window_start: '2026-02-28T23:00:00.000Z',
      added_at: null,
      down_seconds: 1800,
      availability: 75,
      tier: { below: 95, credit: 100 },
      credit: 100,
    })
  })
})
