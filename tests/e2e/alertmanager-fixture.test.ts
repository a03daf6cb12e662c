// The Alertmanager fixture against the real program: its webhooks, as a receiver gets them, are
// what the inbound alert endpoint will be fed (grouping, Bearer header, firing then resolved).
import { afterEach, describe, expect, it } from 'vitest'
import { startAlertmanager } from '../fixtures/alertmanager.ts'
import { startReceiver, type HttpReceiver } from '../fixtures/http-receiver.ts'

const receivers: HttpReceiver[] = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})

async function receiver(): Promise<HttpReceiver> {
  const r = await startReceiver()
  receivers.push(r)
  return r
}

const latency = { alertname: 'HighLatency', service: 'api', severity: 'critical' }
const errors = { alertname: 'ErrorRate', service: 'api', severity: 'warning' }

/** A webhook body's fields the tests read. */
interface Notification {
  version: string
  groupKey: string
  status: string
  receiver: string
  groupLabels: Record<string, string>
  commonLabels: Record<string, string>
  alerts: NotifiedAlert[]
}
interface NotifiedAlert {
  status: string
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  generatorURL: string
  fingerprint: string
}
const body = (r: HttpReceiver, i: number) => r.received[i]!.json as Notification
/** The two alerts of a notification, ErrorRate then HighLatency (Alertmanager's order is its own). */
const byName = (n: Notification) =>
  [...n.alerts].sort((a, b) =>
    String(a.labels.alertname).localeCompare(String(b.labels.alertname)),
  ) as [NotifiedAlert, NotifiedAlert]

describe('a real Alertmanager sending its webhooks', () => {
  it('groups two alerts of one service into one firing webhook, then one resolved webhook', async () => {
    const hook = await receiver()
    const am = await startAlertmanager({ webhookUrl: `${hook.url}/hook`, bearer: 'am-secret-1' })
    const startsAt = new Date(Date.now() - 60_000).toISOString()
    await am.push([
      {
        labels: latency,
        annotations: { summary: 'p99 above 2s' },
        startsAt,
        generatorURL: 'http://prometheus.test/graph?g0.expr=latency',
      },
      { labels: errors, annotations: { summary: '5xx above 1%' }, startsAt },
    ])

    await hook.waitFor(1)
    const first = hook.received[0]!
    expect(first.method).toBe('POST')
    expect(first.path).toBe('/hook')
    expect(first.headers.authorization).toBe('Bearer am-secret-1')
    expect(first.headers['content-type']).toContain('application/json')
    const firing = body(hook, 0)
    expect(firing).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'amends',
      externalURL: am.url,
      groupLabels: { service: 'api' },
      commonLabels: { service: 'api' },
    })
    expect(firing.groupKey).toContain('service="api"')
    expect(firing.alerts).toHaveLength(2)
    const [e, l] = byName(firing)
    expect(l).toMatchObject({
      status: 'firing',
      labels: latency,
      annotations: { summary: 'p99 above 2s' },
      generatorURL: 'http://prometheus.test/graph?g0.expr=latency',
    })
    expect(e).toMatchObject({ status: 'firing', labels: errors })
    expect(new Date(l.startsAt).toISOString()).toBe(startsAt)
    // Firing alerts carry Go's zero time as their end.
    expect(l.endsAt).toBe('0001-01-01T00:00:00Z')
    expect(l.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(l.fingerprint).not.toBe(e.fingerprint)

    await am.resolve(latency, errors)
    await hook.waitFor(2)
    // Nothing came between: the second webhook is the resolution, for the same group.
    const resolved = body(hook, 1)
    expect(hook.received[1]!.headers.authorization).toBe('Bearer am-secret-1')
    expect(resolved).toMatchObject({ version: '4', status: 'resolved', groupKey: firing.groupKey })
    expect(resolved.alerts).toHaveLength(2)
    const [re, rl] = byName(resolved)
    expect(rl).toMatchObject({
      status: 'resolved',
      labels: latency,
      annotations: { summary: 'p99 above 2s' },
      fingerprint: l.fingerprint,
    })
    expect(re).toMatchObject({ status: 'resolved', labels: errors, fingerprint: e.fingerprint })
    expect(new Date(rl.startsAt).toISOString()).toBe(startsAt)
    expect(new Date(rl.endsAt).getTime()).toBeGreaterThan(new Date(startsAt).getTime())
  })

  it('sends an alert of another service in a notification of its own', async () => {
    const hook = await receiver()
    const am = await startAlertmanager({ webhookUrl: hook.url })
    const db = { alertname: 'ReplicaLag', service: 'db' }
    await am.push([{ labels: latency }, { labels: db }])

    await hook.waitFor(2)
    const bodies = [body(hook, 0), body(hook, 1)].sort((a, b) =>
      String(a.groupLabels.service).localeCompare(String(b.groupLabels.service)),
    )
    expect(bodies.map((b) => b.groupLabels)).toEqual([{ service: 'api' }, { service: 'db' }])
    expect(bodies.map((b) => b.alerts.map((a) => a.labels))).toEqual([[latency], [db]])
    expect(bodies.map((b) => b.status)).toEqual(['firing', 'firing'])
    expect(bodies[0]!.groupKey).not.toBe(bodies[1]!.groupKey)
    // Without a bearer the receiver's http_config is left out: no Authorization header at all.
    expect(hook.received.map((r) => r.headers.authorization)).toEqual([undefined, undefined])
  })

  it('groups by the labels it is given', async () => {
    const hook = await receiver()
    const am = await startAlertmanager({ webhookUrl: hook.url, groupBy: ['severity'] })
    await am.push([{ labels: latency }, { labels: { ...errors, severity: 'critical' } }])

    await hook.waitFor(1)
    expect(body(hook, 0).groupLabels).toEqual({ severity: 'critical' })
    expect(body(hook, 0).alerts).toHaveLength(2)
  })

  it('fails loudly when Alertmanager refuses an alert', async () => {
    const hook = await receiver()
    const am = await startAlertmanager({ webhookUrl: hook.url })
    await expect(am.push([{ labels: {} }])).rejects.toThrow(/refused the alerts: 400/)
    await expect(
      am.push([
        { labels: latency, startsAt: '2026-01-02T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' },
      ]),
    ).rejects.toThrow(/refused the alerts: 400/)
  })

  it('stops the program and can be stopped twice', async () => {
    const hook = await receiver()
    const am = await startAlertmanager({ webhookUrl: hook.url })
    await am.stop()
    await am.stop()
    await expect(fetch(`${am.url}/-/ready`)).rejects.toThrow()
  })
})
