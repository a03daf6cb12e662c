import { describe, expect, it } from 'vitest'
import { makeIncident } from '../fixtures/factories.ts'
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
    expect(byName.Good).toMatchObject({
      time_to_first_update_s: 0,
      first_update_met: true,
      longest_gap_s: 1800,
      cadence_met: true,
      time_to_resolve_s: 3600,
      postmortem_met: true,
      apology: true,
    })
    expect(byName.Bad).toMatchObject({
      time_to_first_update_s: 2400,
      first_update_met: false,
      longest_gap_s: 7200,
      cadence_met: false,
      postmortem_met: false,
      apology: false,
    })
    const r30 = res.body.rolling['30d']
    expect(r30).toMatchObject({
      incidents: 2,
      first_update_met_rate: 0.5,
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
