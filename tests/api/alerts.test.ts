import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

/** An Alertmanager notification (webhook version 4) with these alerts. */
function amNotification(
  alerts: { labels: Record<string, string>; status?: 'firing' | 'resolved'; fp?: string }[],
) {
  const status = alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved'
  return {
    version: '4',
    groupKey: '{}:{service="payments"}',
    truncatedAlerts: 0,
    status,
    receiver: 'amends',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a, i) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: { summary: `Error rate above 5% (${i})` },
      startsAt: '2026-03-10T11:58:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      fingerprint: a.fp ?? `fp${i}`,
    })),
  }
}

async function draftsOf(t: TestApp, query = '') {
  const res = await t.api('GET', `/api/v1/drafts${query}`)
  expect(res.status).toBe(200)
  return res.body as any[]
}

async function incidentCount(t: TestApp) {
  const rs = await t.deps.db.execute('SELECT COUNT(*) AS n FROM incidents')
  return Number(rs.rows[0]!.n)
}

describe('inbound alerts open draft incidents', () => {
  it('a generic alert naming a component opens one draft, never public by itself', async () => {
    const t = await createTestApp()
    const payments = await makeComponent(t, { name: 'Payments API' })
    const res = await t.api('POST', '/api/v1/alerts/generic', {
      status: 'firing',
      component: 'payments api',
      severity: 'critical',
      summary: 'p99 latency 9s on payments-7f9',
      id: 'latency',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    expect(res.body.drafts).toEqual([
      { id: expect.any(String), state: 'open', component_id: payments.id, opened: true },
    ])
    const [draft] = await draftsOf(t)
    expect(draft.origin).toBe('alert')
    expect(draft.proposal).toMatchObject({
      template: 'service-outage',
      vars: { component: 'Payments API' },
      components: { [payments.id]: 'major_outage' },
    })
    // The alert's text is for engineers: it is kept on the signal, never in the proposal.
    expect(JSON.stringify(draft.proposal)).not.toContain('payments-7f9')
    expect(draft.signals).toMatchObject([
      { source: 'generic', key: 'latency', status: 'firing', fired: 1, severity: 'critical' },
    ])
    expect(await incidentCount(t)).toBe(0)
    const component = await t.api('GET', `/api/v1/components/${payments.id}`)
    expect(component.body.status).toBe('operational')
  })

  it('repeats and flaps update one signal of one draft; all resolved marks the draft cleared', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Search' })
    const send = (status: 'firing' | 'resolved') =>
      t.api('POST', '/api/v1/alerts/generic', {
        status,
        component: c.id,
        id: 'slow',
        severity: 'warning',
      })
    expect((await send('firing')).status).toBe(202)
    t.clock.advance(60_000)
    expect((await send('firing')).body.drafts[0].opened).toBe(false)
    let [draft] = await draftsOf(t)
    expect(draft.signals).toHaveLength(1)
    expect(draft.signals[0].fired).toBe(1)
    expect(draft.proposal.template).toBe('degraded-performance')

    t.clock.advance(60_000)
    await send('resolved')
    ;[draft] = await draftsOf(t)
    expect(draft.cleared_at).toBe(t.clock.now().toISOString())
    expect(draft.signals[0]).toMatchObject({ status: 'resolved', fired: 1 })

    t.clock.advance(60_000)
    await send('firing')
    const all = await draftsOf(t)
    expect(all).toHaveLength(1)
    expect(all[0].cleared_at).toBeNull()
    expect(all[0].signals[0]).toMatchObject({ status: 'firing', fired: 2, resolved_at: null })
  })

  it('maps Alertmanager labels through the first matching rule; grouped alerts make one draft', async () => {
    const t = await createTestApp()
    const payments = await makeComponent(t, { name: 'Payments' })
    const other = await makeComponent(t, { name: 'Other' })
    const rule = await t.api('POST', '/api/v1/alert-rules', {
      match: { service: 'payments', severity: 'critical' },
      component_id: payments.id,
      component_status: 'major_outage',
    })
    expect(rule.status, JSON.stringify(rule.body)).toBe(201)
    await t.api('POST', '/api/v1/alert-rules', {
      match: { service: 'payments' },
      component_id: other.id,
      component_status: 'degraded_performance',
    })
    const res = await t.api(
      'POST',
      '/api/v1/alerts/alertmanager',
      amNotification([
        {
          labels: { alertname: 'HighErrors', service: 'payments', severity: 'critical', pod: 'a' },
        },
        {
          labels: { alertname: 'HighErrors', service: 'payments', severity: 'critical', pod: 'b' },
        },
      ]),
    )
    expect(res.status, JSON.stringify(res.body)).toBe(202)
    const drafts = await draftsOf(t)
    expect(drafts).toHaveLength(1)
    expect(drafts[0].component_id).toBe(payments.id)
    expect(drafts[0].signals.map((s: any) => s.key)).toEqual(['fp0', 'fp1'])

    // Both resolved in the next notification: the draft proposes to stand down.
    await t.api(
      'POST',
      '/api/v1/alerts/alertmanager',
      amNotification([
        { labels: { service: 'payments', severity: 'critical', pod: 'a' }, status: 'resolved' },
        { labels: { service: 'payments', severity: 'critical', pod: 'b' }, status: 'resolved' },
      ]),
    )
    const [after] = await draftsOf(t)
    expect(after.cleared_at).not.toBeNull()
    expect(after.signals.every((s: any) => s.status === 'resolved')).toBe(true)
  })

  it('alerts no rule maps gather in one draft without a component', async () => {
    const t = await createTestApp()
    await t.api(
      'POST',
      '/api/v1/alerts/grafana',
      amNotification([{ labels: { alertname: 'DiskFull' } }]),
    )
    await t.api(
      'POST',
      '/api/v1/alerts/grafana',
      amNotification([{ labels: { alertname: 'CPU' }, fp: 'cpu' }]),
    )
    const drafts = await draftsOf(t)
    expect(drafts).toHaveLength(1)
    expect(drafts[0].component_id).toBeNull()
    expect(drafts[0].signals).toHaveLength(2)
    expect(drafts[0].proposal.components).toEqual({})
  })

  it('publishes a draft once as an incident; later alerts join it until it is resolved', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Checkout' })
    const fire = (id: string) =>
      t.api('POST', '/api/v1/alerts/generic', {
        status: 'firing',
        component: c.id,
        id,
        severity: 'critical',
      })
    await fire('a')
    const [draft] = await draftsOf(t)
    // Someone looks at it seven minutes later: the incident still started with the alert.
    t.clock.advance(7 * 60_000)
    const [one, two] = await Promise.all([
      t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {}),
      t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {}),
    ])
    expect([one.status, two.status].sort()).toEqual([201, 409])
    const published = one.status === 201 ? one.body : two.body
    expect(published.name).toBe('Checkout unavailable')
    expect(published.status).toBe('investigating')
    expect(published.started_at).toBe(draft.first_signal_at)
    expect(published.incident_updates[0].created_at).toBe(t.clock.now().toISOString())
    expect(published.components).toEqual([
      expect.objectContaining({ id: c.id, status: 'major_outage' }),
    ])
    expect(await incidentCount(t)).toBe(1)
    const [after] = await draftsOf(t)
    expect(after).toMatchObject({ state: 'published', incident_id: published.id })

    expect((await fire('b')).body.drafts[0]).toMatchObject({ id: draft.id, opened: false })
    const resolved = await t.api('POST', `/api/v1/incidents/${published.id}/resolve`, {})
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(201)
    const next = await fire('a')
    expect(next.body.drafts[0]).toMatchObject({ opened: true, state: 'open' })
    expect(next.body.drafts[0].id).not.toBe(draft.id)
  })

  it('?state=active lists what still needs a person: open drafts and unresolved incidents', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'A' })
    const b = await makeComponent(t, { name: 'B' })
    const fire = async (component: string) =>
      (await t.api('POST', '/api/v1/alerts/generic', { status: 'firing', component })).body
        .drafts[0].id as string
    const active = async () =>
      ((await t.api('GET', '/api/v1/drafts?state=active')).body as { id: string }[])
        .map((d) => d.id)
        .sort()
    const open = await fire(a.id)
    const toPublish = await fire(b.id)
    const incident = (await t.api('POST', `/api/v1/drafts/${toPublish}/publish`, {})).body
    expect(await active()).toEqual([open, toPublish].sort())
    const listed = await t.api('GET', '/api/v1/drafts?state=active')
    expect(listed.headers.get('x-total-count')).toBe('2')
    await t.api('POST', `/api/v1/incidents/${incident.id}/resolve`, {})
    expect(await active()).toEqual([open])
    expect(((await t.api('GET', '/api/v1/drafts?state=open')).body as any[]).length).toBe(1)
    expect(((await t.api('GET', '/api/v1/drafts?state=published')).body as any[]).length).toBe(1)
  })

  it('dismisses with a reason only; edits are checked as publishing would check them', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Mail' })
    await t.api('POST', '/api/v1/alerts/generic', { status: 'firing', component: c.id })
    const [draft] = await draftsOf(t)

    const badEdit = await t.api('PATCH', `/api/v1/drafts/${draft.id}`, {
      proposal: {
        name: 'x',
        status: 'investigating',
        impact: 'minor',
        body: 'y',
        components: { aaaaaaaaaaaa: 'major_outage' },
      },
    })
    expect(badEdit.status).toBeGreaterThanOrEqual(400)
    expect(badEdit.body.error.code).toBeTruthy()
    const edit = await t.api('PATCH', `/api/v1/drafts/${draft.id}`, {
      proposal: {
        name: 'Some email is delayed',
        status: 'investigating',
        impact: 'minor',
        body: 'We are looking into it.',
        components: { [c.id]: 'degraded_performance' },
      },
    })
    expect(edit.status, JSON.stringify(edit.body)).toBe(200)
    expect(edit.body.proposal.name).toBe('Some email is delayed')

    const noReason = await t.api('POST', `/api/v1/drafts/${draft.id}/dismiss`, { reason: '  ' })
    expect(noReason.status).toBe(400)
    const dismissed = await t.api('POST', `/api/v1/drafts/${draft.id}/dismiss`, {
      reason: 'Synthetic check misfired',
    })
    expect(dismissed.status).toBe(200)
    expect(dismissed.body).toMatchObject({
      state: 'dismissed',
      dismissed_reason: 'Synthetic check misfired',
    })
    expect((await t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {})).status).toBe(409)
    expect(await incidentCount(t)).toBe(0)
    // The next alert starts a new draft.
    const again = await t.api('POST', '/api/v1/alerts/generic', {
      status: 'firing',
      component: c.id,
    })
    expect(again.body.drafts[0].opened).toBe(true)
  })

  it('a rule that says auto_publish publishes the draft at once', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'API' })
    await t.api('POST', '/api/v1/alert-rules', {
      match: { alertname: 'ApiDown' },
      component_id: c.id,
      component_status: 'major_outage',
      auto_publish: true,
    })
    const res = await t.api(
      'POST',
      '/api/v1/alerts/alertmanager',
      amNotification([{ labels: { alertname: 'ApiDown' } }]),
    )
    expect(res.body.drafts[0].state).toBe('published')
    expect(await incidentCount(t)).toBe(1)
    expect((await t.api('GET', `/api/v1/components/${c.id}`)).body.status).toBe('major_outage')
  })

  it('concurrent deliveries for one component open exactly one draft', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.api('POST', '/api/v1/alerts/generic', { status: 'firing', component: c.id, id: `a${i}` }),
      ),
    )
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(202))
    expect(results.filter((r) => r.body.drafts[0].opened)).toHaveLength(1)
    const drafts = await draftsOf(t)
    expect(drafts).toHaveLength(1)
    expect(drafts[0].signals).toHaveLength(6)
  })
})

describe('who may post alerts', () => {
  it("takes the source's own token in the header or the URL, a write API token, nothing else", async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    const body = { status: 'firing', component: c.id }
    const rotated = await t.api('POST', '/api/v1/alert-sources/generic/token', {})
    expect(rotated.status).toBe(201)
    const { token, url } = rotated.body
    expect(url).toBe(`https://status.example.com/api/v1/alerts/generic?token=${token}`)
    const other = (await t.api('POST', '/api/v1/alert-sources/grafana/token', {})).body.token

    expect((await t.api('POST', '/api/v1/alerts/generic', body, { token })).status).toBe(202)
    expect(
      (await t.api('POST', `/api/v1/alerts/generic?token=${token}`, body, { token: null })).status,
    ).toBe(202)
    expect(
      (await t.api('POST', '/api/v1/alerts/generic', body, { token: await t.token('write') }))
        .status,
    ).toBe(202)

    const refused = [
      await t.api('POST', '/api/v1/alerts/generic', body, { token: null }),
      await t.api('POST', `/api/v1/alerts/generic?token=${token}x`, body, { token: null }),
      await t.api('POST', '/api/v1/alerts/generic', body, { token: other }),
      await t.api('POST', `/api/v1/alerts/generic?token=${other}`, body, { token: null }),
    ]
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401])
    for (const r of refused) expect(r.body.error.code).toBe('unauthorized')
    expect(
      (await t.api('POST', '/api/v1/alerts/generic', body, { token: await t.token('read') }))
        .status,
    ).toBe(403)

    // Rotating again: the old token stops working.
    await t.api('POST', '/api/v1/alert-sources/generic/token', {})
    expect((await t.api('POST', '/api/v1/alerts/generic', body, { token })).status).toBe(401)
    expect((await t.api('POST', '/api/v1/alerts/nagios', body)).status).toBe(404)
    // Rules and tokens are an admin's.
    const writer = await t.token('write')
    expect(
      (await t.api('POST', '/api/v1/alert-sources/generic/token', {}, { token: writer })).status,
    ).toBe(403)
  })

  it('refuses bad deliveries whole, in the one error shape, writing nothing', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Known' })
    const bad: [unknown, number][] = [
      [{ status: 'firing', component: 'Unknown' }, 422],
      [
        [
          { status: 'firing', component: c.id },
          { status: 'firing', component: 'nope' },
        ],
        422,
      ],
      [{ status: 'burning', component: c.id }, 400],
      [{ status: 'firing' }, 400],
      [{ status: 'firing', component: c.id, extra: 1 }, 400],
      [[], 400],
      ['firing', 400],
      [null, 400],
    ]
    for (const [body, status] of bad) {
      const res = await t.api('POST', '/api/v1/alerts/generic', body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(Object.keys(res.body)).toEqual(['error'])
    }
    const prom: unknown[] = [
      { alerts: [] },
      { alerts: [{ status: 'firing' }] },
      { alerts: 'x' },
      {},
    ]
    for (const body of prom) {
      const res = await t.api('POST', '/api/v1/alerts/alertmanager', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
    }
    const notJson = await t.api('POST', '/api/v1/alerts/generic', undefined, {
      raw: '{"status":',
      headers: { 'content-type': 'application/json' },
    })
    expect(notJson.status).toBe(400)
    expect(await draftsOf(t)).toEqual([])
    const signals = await t.deps.db.execute('SELECT COUNT(*) AS n FROM signals')
    expect(Number(signals.rows[0]!.n)).toBe(0)
  })

  it('keeps control characters and lone surrogates out of what it stores', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    const nasty = ['a\u0000b', '\u001b[31mred', 'x\ud800y', 'z\ufdd0', 'c\u0085d', 'tab\tok']
    for (const [i, summary] of nasty.entries()) {
      const res = await t.api('POST', '/api/v1/alerts/generic', {
        status: 'firing',
        component: c.id,
        id: `n${i}`,
        summary,
      })
      expect(res.status).toBe(202)
    }
    const [draft] = await draftsOf(t)
    const summaries = draft.signals.map((s: any) => s.summary)
    expect(summaries).toEqual([
      'a\ufffdb',
      '\ufffd[31mred',
      'x\ufffdy',
      'z\ufffd',
      'c\ufffdd',
      'tab\tok',
    ])
  })
})
