import { describe, expect, it } from 'vitest'
import { isEmpty, seedDemo } from '../../api/seed/demo.ts'
import { createTestApp } from '../fixtures/test-app.ts'

describe('demo seed', () => {
  it('tells a realistic story: groups, history, a resolved and an active incident, maintenance', async () => {
    const t = await createTestApp({ now: '2026-11-23T09:00:00.000Z' })
    expect(await isEmpty(t.deps)).toBe(true)
    await seedDemo(t.deps)
    expect(await isEmpty(t.deps)).toBe(false)

    const summary = (await t.api('GET', '/api/v2/summary.json', undefined, { token: null })).body
    expect(summary.components.filter((c: any) => c.group)).toHaveLength(2)
    expect(summary.components.filter((c: any) => !c.group).length).toBeGreaterThanOrEqual(5)
    expect(summary.incidents).toHaveLength(1)
    const active = summary.incidents[0]
    expect(active.status).not.toBe('resolved')
    expect(summary.status.indicator).not.toBe('none')
    const activeFull = (await t.api('GET', `/api/v1/incidents/${active.id}`)).body
    expect(activeFull.workaround).toBeTruthy()
    expect(summary.scheduled_maintenances.map((m: any) => m.status)).toEqual(['scheduled'])
    expect(Date.parse(summary.scheduled_maintenances[0].scheduled_for)).toBeGreaterThan(
      Date.parse('2026-11-23T09:00:00Z'),
    )

    const resolved = (await t.api('GET', '/api/v1/incidents?status=resolved')).body
    expect(resolved.length).toBeGreaterThanOrEqual(4)
    expect(resolved.some((i: any) => i.incident_updates.length >= 3)).toBe(true)
    expect((await t.api('GET', '/api/v1/maintenances?status=completed')).body).toHaveLength(1)

    // 90 days of history: every component has data from its first day, and outages show.
    const uptime = (await t.api('GET', '/api/v1/uptime?days=90')).body
    for (const c of uptime.components) {
      expect(c.days).toHaveLength(90)
      expect(
        c.days.filter((d: any) => d.uptime === null && d.maintenance_seconds === 0),
      ).toHaveLength(0)
    }
    expect(uptime.components.some((c: any) => c.uptime < 100)).toBe(true)
    // The whole story of making amends, on one resolved critical incident.
    const outage = resolved.find((i: any) => i.impact === 'critical')
    expect(outage.apology).toMatch(/sorry/i)
    expect(outage.postmortem).toMatchObject({ status: 'published' })
    const comp = (await t.api('GET', `/api/v1/incidents/${outage.id}/compensation`)).body
    expect(comp.sentences).toContainEqual(
      expect.stringMatching(
        /^Because Payments API was unavailable for .+ this month, your account receives a \d+% service credit\.$/,
      ),
    )
    const answers = await t.deps.db.execute(
      'SELECT answer FROM follow_up_answers WHERE incident_id = ? ORDER BY answer',
      [outage.id],
    )
    expect(answers.rows.map((r) => r.answer)).toEqual(['all_good', 'still_affected'])
    const metrics = (await t.api('GET', '/api/v1/metrics/communication')).body
    expect(metrics.rolling['30d'].follow_up).toEqual({ all_good: 1, still_affected: 1 })
    expect(metrics.rolling['30d'].postmortems_on_time).toBeGreaterThanOrEqual(1)
    // The communication metrics have substance: backdated starts, one late first message, one
    // broken update promise, a post-mortem on time and one late, reports answered within 2 h,
    // one after, one still open.
    expect(metrics.rolling['90d']).toMatchObject({
      // The two incidents published from alert drafts start at their first signal, so their
      // first message is measured like any other (and again, from the signal, below).
      first_message: { measured: 7, not_measured: 1, on_time: 6, late: 1, median_s: 9 * 60 },
      cadence: { broken: 1, incidents_with_broken_promises: 1 },
      postmortems: { on_time: 1, published_late: 1, awaiting_resolution: 1 },
      reports: { within_2h: 4, within_24h: 1, after_24h: 0, open: 1, overdue: 0 },
    })
    // The headline metric: alerts published after 6 and 11 min, two dismissed after 4 and 9 min.
    expect(metrics.rolling['30d'].signal_to_message).toEqual({
      drafts: 4,
      published: 2,
      median_s: (6 * 60 + 11 * 60) / 2,
      p90_s: 11 * 60,
      dismissed: 2,
      dismissed_median_s: (4 * 60 + 9 * 60) / 2,
      open: 0,
    })
    expect((await t.api('GET', '/api/v1/subscribers')).body.length).toBe(3)
    // Everything went through the real write path.
    const audit = await t.deps.db.execute(
      "SELECT COUNT(*) AS n FROM audit_log WHERE actor_name = 'demo'",
    )
    expect(Number(audit.rows[0]!.n)).toBeGreaterThan(20)
  })
})
