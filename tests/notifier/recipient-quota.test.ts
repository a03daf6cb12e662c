import { describe, expect, it } from 'vitest'
import { createFanOut } from '../../api/jobs/notifier/fanout.ts'
import { CONFIRMATION_QUOTA, THANK_YOU_QUOTA } from '../../api/services/rate-limit.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { addSubscriber } from './world.ts'

const HOUR = 3_600_000
let nextIp = 1
/** Each request from its own address, as a spammer with many machines would send them. */
const fromNewIp = () => ({
  incoming: { socket: { remoteAddress: `198.51.100.${nextIp++ % 250}` } },
})

async function post(t: TestApp, path: string, type: string, body: string) {
  const res = await t.app.request(
    path,
    { method: 'POST', headers: { 'content-type': type }, body },
    fromNewIp(),
  )
  return { status: res.status, text: await res.text() }
}
const FORM = 'application/x-www-form-urlencoded'
const subscribeByForm = (t: TestApp, email: string) =>
  post(t, '/subscribe', FORM, new URLSearchParams({ email }).toString())
const subscribeByApi = (t: TestApp, email: string) =>
  post(t, '/api/v1/subscriptions', 'application/json', JSON.stringify({ email }))
const reportByForm = (t: TestApp, email: string, message: string) =>
  post(t, '/report', FORM, new URLSearchParams({ email, message }).toString())

/** One victim's address, written every way a stranger could vary it; all share one quota. */
const VICTIM_VARIANTS = [
  'victim@example.org',
  'Victim@Example.org',
  'victim+1@example.org',
  'victim+news@example.org',
  'VICTIM+X@EXAMPLE.ORG',
  'victim+a+b@example.org',
  '  victim+pad@example.org  ',
  'victim+@example.org',
]

/** Runs the fan-out and counts the deliveries made for `eventType` events. */
async function delivered(t: TestApp, eventType: string): Promise<number> {
  await createFanOut(t.deps, { owner: 'test', leaseMs: 60_000, batch: 500 }).runOnce()
  const rs = await t.deps.db.execute(
    `SELECT COUNT(*) AS n FROM deliveries d JOIN outbox o ON o.id = d.event_id WHERE o.type = ?`,
    [eventType],
  )
  return Number(rs.rows[0]!.n)
}

describe('per-recipient mail quotas', () => {
  it(`confirmation requests: at most ${CONFIRMATION_QUOTA.perHour} an hour and ${CONFIRMATION_QUOTA.perDay} a day per address, +tags included`, async () => {
    const t = await createTestApp()
    const requested = 'subscriber.confirmation_requested'
    const counts: number[] = []
    for (let hour = 0; hour < 5; hour++) {
      for (const [i, email] of VICTIM_VARIANTS.entries()) {
        const res = i % 2 ? await subscribeByApi(t, email) : await subscribeByForm(t, email)
        expect([200, 202], email).toContain(res.status)
      }
      counts.push(await delivered(t, requested))
      t.clock.advance(HOUR + 60_000)
    }
    // One in each of the first three hours, then the day's share is used up.
    expect(counts).toEqual([1, 2, 3, 3, 3])
    // Every request was taken (the subscribers exist, pending), only the mail is bounded.
    const events = await t.deps.db.execute('SELECT COUNT(*) AS n FROM outbox WHERE type = ?', [
      requested,
    ])
    expect(Number(events.rows[0]!.n)).toBeGreaterThan(VICTIM_VARIANTS.length * 2)
    // Another address is not held back by it; a day later the victim gets one again.
    expect((await subscribeByForm(t, 'someone@example.org')).status).toBe(200)
    expect(await delivered(t, requested)).toBe(4)
    t.clock.advance(20 * HOUR)
    expect((await subscribeByForm(t, 'victim+later@example.org')).status).toBe(200)
    expect(await delivered(t, requested)).toBe(5)
    console.info(
      `confirmation quota: ${VICTIM_VARIANTS.length} variants x 5 hours, ${counts.at(-1)} mailed`,
    )
  })

  it('a quarantined (bounced) address is never sent a confirmation, and the answer is the same as for any address', async () => {
    const t = await createTestApp()
    const bounced = await addSubscriber(t.deps.db, {
      email: 'bounced@example.org',
      status: 'quarantined',
    })
    for (let i = 0; i < 3; i++) {
      const form = await subscribeByForm(t, 'bounced@example.org')
      const fresh = await subscribeByForm(t, `fresh${i}@example.org`)
      expect(form.status).toBe(fresh.status)
      expect(form.text.replace('bounced@example.org', 'X')).toBe(
        fresh.text.replace(`fresh${i}@example.org`, 'X'),
      )
      const api = await subscribeByApi(t, 'Bounced@Example.org')
      const other = await subscribeByApi(t, `other${i}@example.org`)
      expect([api.status, api.text]).toEqual([other.status, other.text])
      t.clock.advance(HOUR + 60_000)
    }
    await delivered(t, 'subscriber.confirmation_requested')
    const mine = await t.deps.db.execute(
      'SELECT COUNT(*) AS n FROM deliveries WHERE subscriber_id = ?',
      [bounced.id],
    )
    expect(Number(mine.rows[0]!.n)).toBe(0)
    const row = await t.deps.db.execute('SELECT status FROM subscribers WHERE id = ?', [bounced.id])
    expect(row.rows[0]!.status).toBe('quarantined')
  })

  it(`thank-yous: +tags share one address's quota (${THANK_YOU_QUOTA.perHour} an hour, ${THANK_YOU_QUOTA.perDay} a day)`, async () => {
    const t = await createTestApp()
    const counts: number[] = []
    for (let hour = 0; hour < 5; hour++) {
      for (const email of VICTIM_VARIANTS) {
        expect((await reportByForm(t, email, 'Spam')).status).toBe(200)
      }
      counts.push(await delivered(t, 'feedback.received'))
      t.clock.advance(HOUR + 60_000)
    }
    expect(counts).toEqual([1, 2, 3, 3, 3])
    // A different local part is another address, with its own quota.
    expect((await reportByForm(t, 'victim2+x@example.org', 'Slow')).status).toBe(200)
    expect(await delivered(t, 'feedback.received')).toBe(4)
  })
})
