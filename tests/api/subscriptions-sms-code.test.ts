import { describe, expect, it } from 'vitest'
import { subscriberLinks } from '../../api/services/links.ts'
import { MAX_CODE_ATTEMPTS, smsConfirmCode } from '../../api/services/sms-code.ts'
import { signToken } from '../../core/signed-token.ts'
import { str } from '../../db/rows.ts'
import type { SubscriberRecord } from '../../db/subscribers.ts'
import { makeComponent } from '../fixtures/factories.ts'
import {
  byTarget,
  confirmCode,
  seedEndpoint,
  SMS_ENV,
  subscribe,
  subscriberEvents,
} from '../fixtures/channel-subscribers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

// SMS double opt-in: the number gets a 6-digit code, the person types it into the form the
// request answered with. Wrong codes are counted, tokens are tied to their request.

const PHONE = '+447911123456'

async function request(t: TestApp, phone = PHONE) {
  const res = await subscribe(t, { channel: 'sms', phone })
  expect(res.status).toBe(202)
  return res.body.code_token as string
}

async function row(t: TestApp, phone = PHONE): Promise<SubscriberRecord> {
  return (await byTarget(t, 'sms', phone))!
}

/** The code the text carried (the notifier renders it the same way), and a wrong one. */
async function codes(t: TestApp, phone = PHONE) {
  const right = await smsConfirmCode(t.deps, await row(t, phone))
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0')
  return { right, wrong }
}

const attempts = async (t: TestApp) =>
  (
    await t.deps.db.execute(
      "SELECT action, details FROM audit_log WHERE action LIKE 'subscriber.code%' OR action = 'subscriber.confirm' ORDER BY id",
    )
  ).rows.map((r) => [r.action, JSON.parse(str(r, 'details'))])

describe('confirming an SMS subscription with the texted code', () => {
  it('the right code confirms; sending it again says so and writes nothing', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const c = await makeComponent(t)
    const res = await subscribe(t, { channel: 'sms', phone: '+44 7911 123456', components: [c.id] })
    const token = res.body.code_token as string
    expect(res.body.message).toMatch(/6-digit code is on its way/)
    const { right } = await codes(t)
    expect(right).toMatch(/^\d{6}$/)
    // Typed with a space in the middle, as people read it off a phone.
    const ok = await confirmCode(t, token, `${right.slice(0, 3)} ${right.slice(3)}`)
    expect(ok).toEqual({
      status: 200,
      body: { status: 'confirmed', message: expect.stringMatching(/STOP/) },
    })
    expect(await row(t)).toMatchObject({
      status: 'confirmed',
      confirmed_at: '2026-03-10T12:00:00.000Z',
      confirm_attempts: 0,
      components: [c.id],
    })
    expect((await subscriberEvents(t)).map((e) => e.type)).toEqual([
      'subscriber.confirmation_requested',
      'subscriber.confirmed',
    ])
    expect(await attempts(t)).toEqual([['subscriber.confirm', { via: 'sms_code' }]])

    const before = await dumpTables(t.deps.db)
    expect(await confirmCode(t, token, right)).toEqual({
      status: 200,
      body: { status: 'already_confirmed', message: 'This number was already confirmed.' },
    })
    expect(await dumpTables(t.deps.db)).toEqual(before)
    // Nothing about the number is in the journal.
    expect(JSON.stringify([before.audit_log, before.outbox])).not.toContain('7911')
  })

  it(`allows ${MAX_CODE_ATTEMPTS} wrong codes per request, then only a new request helps (6 tries)`, async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const token = await request(t)
    const { right, wrong } = await codes(t)
    const answers = []
    for (let i = 0; i < 6; i++) {
      // The sixth is the right code: too late.
      const res = await confirmCode(t, token, i === 5 ? right : wrong)
      answers.push([res.status, res.body.error.code, res.body.error.message])
    }
    expect(answers).toEqual([
      [400, 'wrong_code', 'That code is not right: 4 tries left'],
      [400, 'wrong_code', 'That code is not right: 3 tries left'],
      [400, 'wrong_code', 'That code is not right: 2 tries left'],
      [400, 'wrong_code', 'That code is not right: 1 try left'],
      [409, 'too_many_attempts', expect.stringMatching(/^5 wrong codes: subscribe again/)],
      [409, 'too_many_attempts', expect.stringMatching(/^5 wrong codes/)],
    ])
    expect(await row(t)).toMatchObject({ status: 'pending', confirm_attempts: 5 })
    expect(await attempts(t)).toEqual(
      [1, 2, 3, 4, 5].map((n) => ['subscriber.code_rejected', { attempts: n }]),
    )
    // A refused try writes nothing: the limit was already reached.
    const locked = await dumpTables(t.deps.db)
    expect((await confirmCode(t, token, wrong)).status).toBe(409)
    expect(await dumpTables(t.deps.db)).toEqual(locked)

    // Asking again within 10 minutes: fresh tries at the same code, and no second text.
    t.clock.advance(5 * 60_000)
    const again = await request(t)
    expect((await row(t)).confirm_attempts).toBe(0)
    expect(await subscriberEvents(t, 'subscriber.confirmation_requested')).toHaveLength(1)
    expect((await codes(t)).right).toBe(right)
    expect((await confirmCode(t, again, wrong)).body.error.message).toBe(
      'That code is not right: 4 tries left',
    )
    expect((await confirmCode(t, again, right)).body.status).toBe('confirmed')
  })

  it('a request after 10 minutes texts a new code; the old form and the old code stop working', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const first = await request(t)
    const old = (await codes(t)).right
    t.clock.advance(10 * 60_000)
    const second = await request(t)
    expect(await subscriberEvents(t, 'subscriber.confirmation_requested')).toHaveLength(2)
    const now = (await codes(t)).right
    expect(now).not.toBe(old)
    const before = await dumpTables(t.deps.db)
    const stale = await confirmCode(t, first, now)
    expect(stale.status).toBe(400)
    expect(stale.body.error).toMatchObject({
      code: 'code_token_invalid',
      details: [{ path: 'token' }],
    })
    expect(await dumpTables(t.deps.db)).toEqual(before)
    // The old code is just a wrong code now.
    expect((await confirmCode(t, second, old)).body.error.code).toBe('wrong_code')
    expect((await confirmCode(t, second, now)).body.status).toBe('confirmed')
  })

  it('refuses forged, tampered, expired and borrowed tokens and bad codes, writing nothing', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const token = await request(t)
    const s = await row(t)
    const { right } = await codes(t)
    const [body, sig] = token.split('.') as [string, string]
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString())
    const other = await seedEndpoint(t, 'sms', '+447911123499', { status: 'pending' })
    const links = await subscriberLinks(t.deps, s)
    const forged = [
      // Signed with another key.
      await signToken('another-secret-that-is-long-enough-0123456789', payload),
      // The payload changed under the signature: another subscriber, a later expiry, another request.
      `${Buffer.from(JSON.stringify({ ...payload, s: other })).toString('base64url')}.${sig}`,
      `${Buffer.from(JSON.stringify({ ...payload, e: payload.e + 3600 })).toString('base64url')}.${sig}`,
      `${Buffer.from(JSON.stringify({ ...payload, x: 'A'.repeat(22) })).toString('base64url')}.${sig}`,
      // A confirmation link's token is not a code form's.
      links.confirm.split('/').pop()!,
      links.manage.split('/').pop()!,
      `${token}.x`,
      token.slice(0, -2),
      'garbage',
      'a.b',
    ]
    const before = await dumpTables(t.deps.db)
    for (const f of forged) {
      const res = await confirmCode(t, f, right)
      expect([f.slice(0, 20), res.status, res.body.error?.code]).toEqual([
        f.slice(0, 20),
        400,
        'code_token_invalid',
      ])
    }
    // The code must look like one: a 400 that counts nothing.
    for (const code of ['', '12345', '1234567', 'abcdef', '12-34-56', '١٢٣٤٥٦', `${right}0`]) {
      const res = await confirmCode(t, token, code)
      expect([code, res.status, res.body.error.details?.[0]?.path]).toEqual([code, 400, 'code'])
    }
    // Half an hour later the form has expired, right code or not.
    t.clock.advance(30 * 60_000 + 1000)
    expect((await confirmCode(t, token, right)).body.error.code).toBe('code_token_invalid')
    expect(await dumpTables(t.deps.db)).toEqual(before)
    console.log(`code tokens: ${forged.length + 1} forged, borrowed or expired: 0 accepted`)
  })

  it("a known number's form meets only wrong codes: a confirmed or quarantined one never changes", async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const c = await makeComponent(t)
    const numbers = {
      confirmed: '+447911123401',
      quarantined: '+447911123402',
      pending: '+447911123403',
    }
    await seedEndpoint(t, 'sms', numbers.confirmed, { status: 'confirmed', components: [c.id] })
    await seedEndpoint(t, 'sms', numbers.quarantined, { status: 'quarantined', ago: 3600_000 })
    const sequences: Record<string, unknown[]> = {}
    for (const [state, phone] of Object.entries(numbers)) {
      const token = await request(t, phone)
      const { wrong } = await codes(t, phone)
      const seq = []
      for (let i = 0; i < 6; i++) {
        const res = await confirmCode(t, token, wrong)
        seq.push([res.status, res.body.error.code, res.body.error.message])
      }
      sequences[state] = seq
    }
    expect(sequences.confirmed).toEqual(sequences.pending)
    expect(sequences.quarantined).toEqual(sequences.pending)
    expect(await row(t, numbers.confirmed)).toMatchObject({
      status: 'confirmed',
      components: [c.id],
    })
    expect(await row(t, numbers.quarantined)).toMatchObject({ status: 'quarantined' })
    // Even its own old code does not bring a quarantined number back.
    t.clock.advance(60 * 60_000)
    const token = await request(t, numbers.quarantined)
    const { right } = await codes(t, numbers.quarantined)
    expect((await confirmCode(t, token, right)).body.error.code).toBe('wrong_code')
    expect((await row(t, numbers.quarantined)).status).toBe('quarantined')
    expect(await subscriberEvents(t, 'subscriber.confirmed')).toEqual([])
  })

  it('counts wrong codes sent at once, each exactly once (compare-and-set on the row)', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const token = await request(t)
    const { wrong } = await codes(t)
    const results = await Promise.all(
      Array.from({ length: MAX_CODE_ATTEMPTS + 2 }, () => confirmCode(t, token, wrong)),
    )
    expect(results.map((r) => r.body.error.code).sort()).toEqual(
      [
        ...Array(MAX_CODE_ATTEMPTS - 1).fill('wrong_code'),
        ...Array(3).fill('too_many_attempts'),
      ].sort(),
    )
    expect((await row(t)).confirm_attempts).toBe(MAX_CODE_ATTEMPTS)
  })

  it('a confirmation link never confirms a text subscription: only the code does', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    await request(t)
    const s = await row(t)
    const { confirm } = await subscriberLinks(t.deps, s)
    const path = new URL(confirm).pathname
    for (const method of ['GET', 'POST']) {
      const res = await t.app.request(path, { method })
      expect(res.status).toBe(400)
      expect(await res.text()).toMatch(/This link does not work/)
    }
    expect((await row(t)).status).toBe('pending')
  })

  it('limits the codes one client address may type: the 31st in an hour is a 429', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const ip = '203.0.113.9'
    for (let i = 0; i < 30; i++) {
      const res = await confirmCode(t, 'garbage', '123456', ip)
      expect(res.status).toBe(400)
    }
    const refused = await confirmCode(t, 'garbage', '123456', ip)
    expect(refused.status).toBe(429)
    expect(refused.body.error.code).toBe('rate_limited')
    expect((await confirmCode(t, 'garbage', '123456', '203.0.113.10')).status).toBe(400)
  })
})
