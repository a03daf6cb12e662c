import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { newId } from '../../core/ids.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

/** A customer's report from its own address, as the public API takes it. */
function report(t: TestApp, n: number, body: Record<string, unknown>) {
  return t.api(
    'POST',
    '/api/v1/feedback',
    { message: `It does not work (${n})`, ...body },
    {
      token: null,
      headers: { 'x-forwarded-for': `198.51.100.${n % 250}` },
    },
  )
}

async function drafts(t: TestApp) {
  return (await t.api('GET', '/api/v1/drafts')).body as any[]
}

const app = () => createTestApp({ env: { TRUST_PROXY: 'true' } })

describe('a spike of customer reports opens a draft', () => {
  it('one report, or four, opens nothing; the fifth within ten minutes opens one draft', async () => {
    const t = await app()
    const c = await makeComponent(t, { name: 'Checkout' })
    for (let i = 1; i <= 4; i++) {
      expect((await report(t, i, { component: c.id })).status).toBe(202)
      t.clock.advance(60_000)
    }
    expect(await drafts(t)).toEqual([])
    await report(t, 5, { component: c.id })
    const [draft] = await drafts(t)
    expect(draft).toMatchObject({ origin: 'reports', component_id: c.id, state: 'open' })
    expect(draft.signals).toMatchObject([
      { kind: 'reports', source: 'reports', status: 'firing', labels: { reports: '5' } },
    ])
    expect(draft.signals[0].summary).toBe('5 customer reports in 10 min (usually 0.0)')
    // More reports keep to the same draft and signal.
    for (let i = 6; i <= 9; i++) await report(t, i, { component: c.id })
    const after = await drafts(t)
    expect(after).toHaveLength(1)
    expect(after[0].signals).toHaveLength(1)
    expect(after[0].signals[0].labels.reports).toBe('9')
  })

  it('reports spread over more than the window do not add up', async () => {
    const t = await app()
    const c = await makeComponent(t)
    for (let i = 1; i <= 8; i++) {
      await report(t, i, { component: c.id })
      t.clock.advance(3 * 60_000)
    }
    expect(await drafts(t)).toEqual([])
  })

  it("counts reports about an incident toward each of the incident's components", async () => {
    const t = await app()
    const a = await makeComponent(t, { name: 'A' })
    const b = await makeComponent(t, { name: 'B' })
    const incident = await makeIncident(t, {
      components: { [a.id]: 'degraded_performance', [b.id]: 'partial_outage' },
    })
    for (let i = 1; i <= 5; i++) await report(t, i, { incident: incident.id })
    const list = await drafts(t)
    expect(list.map((d) => d.component_id).sort()).toEqual([a.id, b.id].sort())
  })

  it("measures against the component's usual rate over the week before", async () => {
    const t = await app()
    const busy = await makeComponent(t, { name: 'Busy' })
    // Three reports every ten minutes for the last week: usually 3, so the bar is 12.
    const now = t.clock.now().getTime()
    const rows = []
    for (let w = 1; w <= 1008; w++) {
      for (let k = 0; k < 3; k++) {
        const at = new Date(now - 10 * 60_000 - w * 10 * 60_000 + k * 1000).toISOString()
        rows.push({
          sql: `INSERT INTO feedback (id, incident_id, component_id, subscriber_id, email, message, source, status, created_at)
                VALUES (?, NULL, ?, NULL, NULL, 'old', 'form', 'closed', ?)`,
          args: [newId(), busy.id, at],
        })
      }
    }
    await t.deps.db.batch(rows, 'write')
    for (let i = 1; i <= 11; i++) await report(t, i, { component: busy.id })
    expect(await drafts(t)).toEqual([])
    await report(t, 12, { component: busy.id })
    const [draft] = await drafts(t)
    expect(draft.signals[0].summary).toBe('12 customer reports in 10 min (usually 3.0)')
  })

  it('reads the usual rate again after a minute (it is remembered that long, not longer)', async () => {
    const t = await app()
    const c = await makeComponent(t)
    await report(t, 1, { component: c.id })
    // A busy week appears (as if written by another process): 3 reports every ten minutes.
    const now = t.clock.now().getTime()
    const rows = []
    for (let w = 1; w <= 1008; w++)
      for (let k = 0; k < 3; k++)
        rows.push({
          sql: `INSERT INTO feedback (id, incident_id, component_id, subscriber_id, email, message, source, status, created_at)
                VALUES (?, NULL, ?, NULL, NULL, 'old', 'form', 'closed', ?)`,
          args: [newId(), c.id, new Date(now - 10 * 60_000 - w * 10 * 60_000 + k).toISOString()],
        })
    await t.deps.db.batch(rows, 'write')
    t.clock.advance(61_000)
    // Five in the window is no spike against a usual three.
    for (let i = 2; i <= 5; i++) await report(t, i, { component: c.id })
    expect(await drafts(t)).toEqual([])
  })

  it('clears once the window has emptied, at the next scheduler tick', async () => {
    const t = await app()
    const c = await makeComponent(t)
    for (let i = 1; i <= 5; i++) await report(t, i, { component: c.id })
    expect((await drafts(t))[0].cleared_at).toBeNull()
    t.clock.advance(11 * 60_000)
    await createScheduler(t.deps).tick()
    const [draft] = await drafts(t)
    expect(draft.cleared_at).toBe(t.clock.now().toISOString())
    expect(draft.signals[0].status).toBe('resolved')
    // A tick with nothing new changes nothing more.
    await createScheduler(t.deps).tick()
    expect((await drafts(t))[0].signals[0].fired).toBe(1)
  })

  it('reports that name no component gather in the draft without one', async () => {
    const t = await app()
    for (let i = 1; i <= 5; i++) await report(t, i, {})
    const [draft] = await drafts(t)
    expect(draft.component_id).toBeNull()
    expect(draft.proposal.components).toEqual({})
  })
})
