import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createMailWorld, rawHeader } from './world.ts'

/** The whole loop through the public subscription API and the links in the emails. */
describe('a subscriber’s journey by email', () => {
  it('subscribes, confirms from the email, gets incident mail, leaves with one click', async () => {
    const w = await createMailWorld()
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const sub = await t.api(
      'POST',
      '/api/v1/subscriptions',
      { email: 'ada@example.org', components: [pay.id] },
      { token: null },
    )
    expect(sub.status).toBe(202)
    await w.settle()
    expect(w.sink.messages).toHaveLength(1)
    const confirmation = await simpleParser(w.sink.messages[0]!.raw)
    expect(confirmation.subject).toBe('[Example Status] Confirm your subscription')
    const confirmUrl = /https:\/\/status\.example\.com(\/confirm\/\S+)/.exec(
      confirmation.text!,
    )![1]!
    const confirmed = await t.app.request(confirmUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    })
    expect(confirmed.status).toBe(200)

    const inc = await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    await w.settle()
    expect(w.sink.messages).toHaveLength(2)
    const incidentMail = w.sink.messages[1]!
    const unsubscribe = /^<https:\/\/status\.example\.com(\/unsubscribe\/[^>]+)>$/.exec(
      rawHeader(incidentMail.raw, 'List-Unsubscribe')!,
    )![1]!
    // What a mail provider does for RFC 8058 one-click unsubscribe.
    const left = await t.app.request(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(left.status).toBe(200)

    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found it.',
    })
    await w.settle()
    expect(w.sink.messages).toHaveLength(2)
  })
})
