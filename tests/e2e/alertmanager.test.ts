// A real Prometheus Alertmanager routes its webhooks to Amends: a mapped service's alerts open one
// draft within a minute, staff publish it, the resolve notification proposes resolving, and a
// flapping alert stays one draft.
import { serve, type ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startAlertmanager } from '../fixtures/alertmanager.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { waitFor } from '../fixtures/server-process.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const servers: ServerType[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r))
})

/** The test app on a real port, as Alertmanager reaches it. */
async function listen(t: TestApp): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function drafts(t: TestApp): Promise<any[]> {
  return (await t.api('GET', '/api/v1/drafts')).body as any[]
}

const latency = { alertname: 'HighLatency', service: 'payments', severity: 'critical' }
const errors = { alertname: 'ErrorRate', service: 'payments', severity: 'critical' }

describe('Alertmanager → draft incidents', () => {
  it('opens one draft for a mapped service, publishes it, and proposes resolving on resolve', async () => {
    const t = await createTestApp()
    const payments = await makeComponent(t, { name: 'Payments' })
    const rule = await t.api('POST', '/api/v1/alert-rules', {
      source: 'alertmanager',
      match: { service: 'payments', severity: 'critical' },
      component_id: payments.id,
      component_status: 'major_outage',
    })
    expect(rule.status).toBe(201)
    const { token } = (await t.api('POST', '/api/v1/alert-sources/alertmanager/token', {})).body
    const base = await listen(t)
    const am = await startAlertmanager({
      webhookUrl: `${base}/api/v1/alerts/alertmanager`,
      bearer: token,
    })

    const fired = Date.now()
    await am.push([
      { labels: latency, annotations: { summary: 'p99 above 2 s' } },
      { labels: errors, annotations: { summary: '5xx above 5 %' } },
    ])
    const [draft] = await waitFor(
      'a draft',
      async () => {
        const list = await drafts(t)
        return list[0]?.signals.length === 2 ? list : null
      },
      () => am.output(),
    )
    expect(Date.now() - fired).toBeLessThan(60_000)
    expect(await drafts(t)).toHaveLength(1)
    expect(draft).toMatchObject({ state: 'open', component_id: payments.id, origin: 'alert' })
    expect(draft.signals.map((s: any) => s.summary).sort()).toEqual([
      '5xx above 5 %',
      'p99 above 2 s',
    ])
    for (const s of draft.signals) expect(s.key).toMatch(/^[0-9a-f]{16}$/)
    // Nothing public until someone publishes.
    expect((await t.api('GET', `/api/v1/components/${payments.id}`)).body.status).toBe(
      'operational',
    )

    const published = await t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {})
    expect(published.status).toBe(201)
    expect((await t.api('GET', `/api/v1/components/${payments.id}`)).body.status).toBe(
      'major_outage',
    )

    await am.resolve(latency, errors)
    const [cleared] = await waitFor(
      'the resolve notification',
      async () => {
        const list = await drafts(t)
        return list[0]?.cleared_at ? list : null
      },
      () => am.output(),
    )
    expect(cleared).toMatchObject({ state: 'published', incident_id: published.body.id })
    expect(cleared.signals.every((s: any) => s.status === 'resolved')).toBe(true)
  })

  it('a flapping alert stays one draft and one signal', async () => {
    const t = await createTestApp()
    const payments = await makeComponent(t, { name: 'Payments' })
    await t.api('POST', '/api/v1/alert-rules', {
      match: { service: 'payments' },
      component_id: payments.id,
      component_status: 'partial_outage',
    })
    const writer = await t.token('write')
    const base = await listen(t)
    const am = await startAlertmanager({
      webhookUrl: `${base}/api/v1/alerts/alertmanager`,
      bearer: writer,
    })
    const signal = async (want: (s: any) => boolean) =>
      waitFor(
        'the next notification',
        async () => {
          const s = (await drafts(t))[0]?.signals[0]
          return s && want(s) ? s : null
        },
        () => am.output(),
      )

    for (let flap = 1; flap <= 3; flap++) {
      await am.push([{ labels: latency }])
      await signal((s) => s.status === 'firing' && s.fired === flap)
      await am.resolve(latency)
      await signal((s) => s.status === 'resolved' && s.fired === flap)
    }
    const list = await drafts(t)
    expect(list).toHaveLength(1)
    expect(list[0].signals).toHaveLength(1)
    expect(list[0].signals[0].fired).toBe(3)
  })
})
