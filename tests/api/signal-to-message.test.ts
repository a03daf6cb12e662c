import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

// The headline metric on a fake clock: every figure below is worked out by hand from the times.

const MIN = 60_000
const DAY = 86_400_000

async function alert(t: TestApp, component: string, id = 'down'): Promise<string> {
  const res = await t.api('POST', '/api/v1/alerts/generic', {
    status: 'firing',
    component,
    severity: 'critical',
    summary: `${component} is down`,
    id,
  })
  expect(res.status, JSON.stringify(res.body)).toBe(202)
  return res.body.drafts[0].id as string
}

async function publish(t: TestApp, draftId: string): Promise<string> {
  const res = await t.api('POST', `/api/v1/drafts/${draftId}/publish`, {})
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.id as string
}

describe('first signal → first public message', () => {
  it('per draft, with median and p90 over each window; dismissed and open drafts counted apart', async () => {
    const t = await createTestApp({ now: '2026-01-20T12:00:00.000Z' })
    for (const name of ['Old', 'Payments', 'Search', 'Login', 'Mail', 'Export']) {
      await makeComponent(t, { name })
    }
    // 49 days before "now" (inside 90 days, outside 30): published after 10 min.
    const old = await alert(t, 'Old')
    t.clock.advance(10 * MIN)
    await publish(t, old)

    t.clock.set('2026-03-10T12:00:00.000Z')
    const pay = await alert(t, 'Payments')
    t.clock.advance(4 * MIN)
    // A repeat of the signal does not move its first time.
    await alert(t, 'Payments')
    const payIncident = await publish(t, pay)
    t.clock.advance(MIN)
    const search = await alert(t, 'Search')
    t.clock.advance(20 * MIN)
    await publish(t, search)
    // A later update is not the first message.
    t.clock.advance(5 * MIN)
    const up = await t.api('POST', `/api/v1/incidents/${payIncident}/updates`, {
      status: 'identified',
      body: 'We found the cause.',
    })
    expect(up.status).toBe(201)
    const login = await alert(t, 'Login')
    t.clock.advance(2 * MIN)
    await publish(t, login)
    const mail = await alert(t, 'Mail')
    t.clock.advance(5 * MIN)
    const dismissed = await t.api('POST', `/api/v1/drafts/${mail}/dismiss`, {
      reason: 'Planned restart',
    })
    expect(dismissed.status).toBe(200)
    await alert(t, 'Export')
    t.clock.advance(MIN)

    const res = await t.api('GET', '/api/v1/metrics/communication')
    expect(res.status).toBe(200)
    const m = res.body
    const byId = new Map(m.drafts.map((d: any) => [d.id, d]))
    expect(m.drafts).toHaveLength(6)
    expect(byId.get(pay)).toMatchObject({ state: 'published', seconds: 240 })
    expect(byId.get(search)).toMatchObject({ state: 'published', seconds: 1200 })
    expect(byId.get(login)).toMatchObject({ state: 'published', seconds: 120 })
    expect(byId.get(old)).toMatchObject({ state: 'published', seconds: 600 })
    expect(byId.get(mail)).toMatchObject({
      state: 'dismissed',
      seconds: null,
      dismissed_reason: 'Planned restart',
    })

    // 30 days: 120, 240, 1200 → median 240; p90 is the 3rd of 3 (nearest rank).
    expect(m.rolling['30d'].signal_to_message).toEqual({
      drafts: 5,
      published: 3,
      median_s: 240,
      p90_s: 1200,
      dismissed: 1,
      dismissed_median_s: 300,
      open: 1,
    })
    // 90 days: 120, 240, 600, 1200 → median (240 + 600) / 2; p90 the 4th of 4.
    expect(m.rolling['90d'].signal_to_message).toEqual({
      drafts: 6,
      published: 4,
      median_s: 420,
      p90_s: 1200,
      dismissed: 1,
      dismissed_median_s: 300,
      open: 1,
    })

    // 95 days on, nothing is left in either window.
    t.clock.advance(95 * DAY)
    const later = (await t.api('GET', '/api/v1/metrics/communication')).body
    expect(later.drafts).toEqual([])
    expect(later.rolling['90d'].signal_to_message).toEqual({
      drafts: 0,
      published: 0,
      median_s: null,
      p90_s: null,
      dismissed: 0,
      dismissed_median_s: null,
      open: 0,
    })
  })
})
