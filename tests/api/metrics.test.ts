import { describe, expect, it } from 'vitest'
import { makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { ADMIN_TOKEN, createTestApp } from '../fixtures/test-app.ts'

const MIN = 60_000
const HOUR = 60 * MIN

describe('communication metrics', () => {
  it('reports per incident and rolling figures from real timelines', async () => {
    const t = await createTestApp({ now: '2026-03-10T12:00:00.000Z' })
    // Opened on time, updated every 30 min, resolved with an apology, post-mortem on time.
    const good = await makeIncident(t, { name: 'Good', impact: 'major' })
    t.clock.advance(30 * MIN)
    await t.api('POST', `/api/v1/incidents/${good.id}/updates`, { status: 'identified', body: 'x' })
    t.clock.advance(30 * MIN)
    await t.api('POST', `/api/v1/incidents/${good.id}/resolve`, { apology: 'Sorry.' })
    await t.api('PUT', `/api/v1/incidents/${good.id}/postmortem`, { body: 'What happened.' })
    t.clock.advance(2 * 24 * HOUR)
    await t.api('POST', `/api/v1/incidents/${good.id}/postmortem/publish`, { notify: false })
    // Announced 40 min after it started, silent for 2 h, resolved without apology, no post-mortem.
    t.clock.set('2026-03-20T12:00:00.000Z')
    const bad = await makeIncident(t, {
      name: 'Bad',
      impact: 'critical',
      started_at: '2026-03-20T11:20:00.000Z',
    })
    t.clock.advance(2 * HOUR)
    await t.api('POST', `/api/v1/incidents/${bad.id}/resolve`, {})
    // Feedback: one answered after 1 h, one never answered (overdue after 24 h).
    await t.deps.db.batch(
      [
        "INSERT INTO feedback (id, message, source, status, created_at, first_answered_at) VALUES ('f00000000001', 'x', 'form', 'answered', '2026-03-20T10:00:00.000Z', '2026-03-20T11:00:00.000Z')",
        "INSERT INTO feedback (id, message, source, status, created_at) VALUES ('f00000000002', 'y', 'form', 'open', '2026-03-20T10:00:00.000Z')",
        `INSERT INTO follow_up_answers (incident_id, subscriber_id, answer, answered_at) VALUES ('${good.id}', 's1', 'all_good', '2026-03-14T00:00:00.000Z'), ('${good.id}', 's2', 'still_affected', '2026-03-14T00:00:00.000Z')`,
      ],
      'write',
    )
    t.clock.set('2026-03-28T12:00:00.000Z')

    const res = await t.api('GET', '/api/v1/metrics/communication')
    expect(res.status).toBe(200)
    const byName = Object.fromEntries(res.body.incidents.map((i: any) => [i.name, i]))
    // Opened at impact start: 0 by construction, so not measured (not an on-time 0).
    expect(byName.Good).toMatchObject({
      first_message: { state: 'opened_at_impact_start', seconds: null, met: null },
      time_to_first_update_s: null,
      first_update_met: null,
      broken_promises: 0,
      longest_gap_s: 1800,
      cadence_met: true,
      time_to_resolve_s: 3600,
      postmortem_met: true,
      postmortem: { state: 'on_time', seconds: 2 * 24 * 3600 },
      apology: true,
    })
    expect(byName.Good.gaps.map((g: any) => [g.seconds, g.late])).toEqual([
      [1800, false],
      [1800, false],
    ])
    expect(byName.Bad).toMatchObject({
      first_message: { state: 'measured', seconds: 2400, met: false },
      time_to_first_update_s: 2400,
      first_update_met: false,
      broken_promises: 1,
      longest_gap_s: 7200,
      cadence_met: false,
      postmortem_met: false,
      // Resolved 20 March 14:00, unpublished on the 28th at 12:00: 7 d 22 h so far.
      postmortem: { state: 'late', seconds: (7 * 24 + 22) * 3600 },
      apology: false,
    })
    const r30 = res.body.rolling['30d']
    expect(r30).toMatchObject({
      incidents: 2,
      // Only the measured incident counts: 0 of 1, not 1 of 2.
      first_message: { measured: 1, not_measured: 1, on_time: 0, late: 1, median_s: 2400 },
      first_update_met_rate: 0,
      median_time_to_first_update_s: 2400,
      cadence: { gaps: 3, kept: 2, broken: 1, incidents_with_broken_promises: 1 },
      postmortems: { required: 2, on_time: 1, late: 1, published_late: 0, due: 0 },
      reports: { received: 2, answered: 1, within_2h: 1, overdue: 1, within_2h_rate: 0.5 },
      postmortems_due: 2,
      postmortems_on_time: 1,
      apologies_given: 1,
      resolved_without_apology: 1,
      follow_up: { all_good: 1, still_affected: 1 },
      feedback: {
        received: 2,
        answered: 1,
        median_first_response_s: 3600,
        within_2h: 1,
        within_24h: 1,
        overdue: 1,
      },
    })
    expect(res.body.targets).toMatchObject({
      first_update_minutes: 15,
      update_gap_minutes: 60,
      postmortem_days: 5,
    })
    expect(res.body.reports.map((r: any) => r.response.state).sort()).toEqual([
      'overdue',
      'within_2h',
    ])
  })

  it('one incident: every gap, the post-mortem clock and the reports about it', async () => {
    const t = await createTestApp({ now: '2026-03-10T12:00:00.000Z' })
    const i = await makeIncident(t, { name: 'Slow', started_at: '2026-03-10T11:52:00.000Z' })
    t.clock.advance(70 * MIN)
    await t.api('POST', `/api/v1/incidents/${i.id}/updates`, { status: 'identified', body: 'x' })
    const report = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: 'Slow for us', incident: i.id },
      { token: null },
    )
    expect(report.status).toBe(202)
    t.clock.advance(3 * HOUR)

    const res = await t.api('GET', `/api/v1/metrics/communication/incidents/${i.id}`)
    expect(res.status).toBe(200)
    expect(res.body.incident).toMatchObject({
      name: 'Slow',
      first_message: { state: 'measured', seconds: 8 * 60, met: true },
      broken_promises: 2,
      postmortem: { state: 'awaiting_resolution', due_at: null },
      next_update_due_at: '2026-03-10T14:10:00.000Z',
    })
    expect(res.body.incident.gaps).toEqual([
      {
        from: '2026-03-10T12:00:00.000Z',
        to: '2026-03-10T13:10:00.000Z',
        seconds: 70 * 60,
        due_at: '2026-03-10T13:00:00.000Z',
        late: true,
      },
      {
        from: '2026-03-10T13:10:00.000Z',
        to: null,
        seconds: 3 * 3600,
        due_at: '2026-03-10T14:10:00.000Z',
        late: true,
      },
    ])
    expect(res.body.reports).toHaveLength(1)
    expect(res.body.reports[0].response).toEqual({ state: 'late', seconds: 3 * 3600 })
    expect(res.body.summary).toMatchObject({ received: 1, late: 1, within_2h_rate: 0 })

    // Unknown, malformed and maintenance ids: 404 or 400 in the one error shape.
    const m = await makeMaintenance(t)
    for (const [id, status] of [
      ['zzzzzzzzzzzz', 404],
      [m.id, 404],
      ['nope', 400],
    ] as const) {
      const bad = await t.api('GET', `/api/v1/metrics/communication/incidents/${id}`)
      expect(bad.status, id).toBe(status)
      expect(bad.body.error.code).toBeTypeOf('string')
    }
    const anon = await t.api('GET', `/api/v1/metrics/communication/incidents/${i.id}`, undefined, {
      token: null,
    })
    expect(anon.status).toBe(401)
  })

  it('the OpenAPI document describes the figures, the old flat names marked deprecated', async () => {
    const t = await createTestApp()
    const doc = (await t.api('GET', '/api/v1/openapi.json', undefined, { token: null })).body
    expect(doc.paths['/api/v1/metrics/communication'].get.description).toMatch(
      /opened_at_impact_start/,
    )
    expect(doc.paths['/api/v1/metrics/communication/incidents/{id}']).toBeDefined()
    const row = doc.components.schemas.IncidentCommunicationRow
    expect(row.properties.first_message).toBeDefined()
    expect(row.properties.time_to_first_update_s.deprecated).toBe(true)
  })

  it('the old staff page redirects to the console for good, whatever the credentials', async () => {
    const t = await createTestApp()
    for (const authorization of [
      null,
      `Basic ${btoa(`me:${ADMIN_TOKEN}`)}`,
      `Bearer ${ADMIN_TOKEN}`,
    ]) {
      const res = await t.api('GET', '/staff/metrics', undefined, {
        token: null,
        headers: authorization ? { authorization } : {},
      })
      expect(res.status).toBe(301)
      expect(res.headers.get('location')).toBe('/admin/metrics')
      expect(res.headers.get('www-authenticate')).toBeNull()
    }
  })
})
