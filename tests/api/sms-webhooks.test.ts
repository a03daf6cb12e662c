import { afterEach, describe, expect, it } from 'vitest'
import { newId } from '../../core/ids.ts'
import { createOutboundPoster } from '../../api/http/outbound.node.ts'
import { createSmsProvider } from '../../api/jobs/notifier/channels/sms-provider.ts'
import { str } from '../../db/rows.ts'
import { getSubscriber, insertSubscriber } from '../../db/subscribers.ts'
import {
  startSmsProvider,
  twilioSignature,
  type SmsProviderStandIn,
} from '../fixtures/sms-provider.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const SITE = 'https://status.example.com'
const INBOUND = `${SITE}/api/v1/sms/inbound`
const STATUS = `${SITE}/api/v1/sms/status`
const PHONE = '+447911123456'

const providers: SmsProviderStandIn[] = []
afterEach(async () => {
  for (const p of providers.splice(0)) await p.close()
})

async function setUp() {
  const provider = await startSmsProvider()
  providers.push(provider)
  const t = await createTestApp({
    env: {
      SMS_API_URL: provider.url,
      SMS_ACCOUNT_SID: provider.accountSid,
      SMS_AUTH_TOKEN: provider.authToken,
      SMS_FROM: '+15005550006',
    },
  })
  provider.deliver = (url, init) => t.app.request(url, init)
  const id = await addPhone(t, PHONE)
  return { t, provider, id }
}

async function addPhone(t: TestApp, phone: string, status: 'pending' | 'confirmed' = 'confirmed') {
  const id = newId()
  const at = t.clock.now().toISOString()
  await t.deps.db.batch(
    insertSubscriber({
      id,
      channel: 'sms',
      email: null,
      email_normalized: null,
      target: phone,
      target_key: `sms:${phone}`,
      secret: null,
      confirm_via: 'sms',
      confirm_code_hash: null,
      confirm_attempts: 0,
      locale: 'en',
      all_components: true,
      components: [],
      status,
      created_at: at,
      confirmed_at: status === 'confirmed' ? at : null,
      unsubscribed_at: null,
      quarantined_at: null,
      confirmation_sent_at: null,
      permanent_failures: 0,
      token_version: 1,
      version: 0,
    }),
    'write',
  )
  return id
}

const statusOf = async (t: TestApp, id: string) => (await getSubscriber(t.deps.db, id))!.status

async function unsubscribeAudit(t: TestApp) {
  const rs = await t.deps.db.execute(
    "SELECT actor_name, target_id, details FROM audit_log WHERE action = 'subscriber.unsubscribe'",
  )
  return rs.rows.map((r) => ({
    actor: str(r, 'actor_name'),
    target: str(r, 'target_id'),
    details: JSON.parse(str(r, 'details')) as unknown,
  }))
}

/** A text sent through our provider client, so the stand-in holds it with our callback URL. */
async function sentText(provider: SmsProviderStandIn, t: TestApp) {
  const post = createOutboundPoster({ allowPrivate: true })
  const client = createSmsProvider(t.deps.config.sms!, post)
  expect(await client.send({ to: PHONE, body: 'Hello', statusCallback: STATUS })).toEqual({
    result: 'delivered',
  })
  await post.close()
  return provider.messages.at(-1)!.sid
}

describe('POST /api/v1/sms/inbound (replies to our number)', () => {
  it('ends the subscription on STOP, answers with an empty TwiML reply, audited as the provider', async () => {
    const { t, provider, id } = await setUp()
    const res = await provider.inbound(INBOUND, PHONE, 'Stop.')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/)
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>')
    expect(await statusOf(t, id)).toBe('unsubscribed')
    expect(await unsubscribeAudit(t)).toEqual([
      { actor: 'SMS provider', target: id, details: { via: 'reply' } },
    ])
    const outbox = await t.deps.db.execute(
      "SELECT payload FROM outbox WHERE type = 'subscriber.unsubscribed'",
    )
    expect(outbox.rows.map((r) => str(r, 'payload'))).toEqual([
      JSON.stringify({ subscriber_id: id }),
    ])
    // Again: nothing more happens.
    expect((await provider.inbound(INBOUND, PHONE, 'STOP')).status).toBe(200)
    expect(await unsubscribeAudit(t)).toHaveLength(1)
  })

  it('ends a pending subscription too (STOP answered to the code)', async () => {
    const { t, provider } = await setUp()
    const pending = await addPhone(t, '+447911123457', 'pending')
    expect((await provider.inbound(INBOUND, '+447911123457', 'UNSUBSCRIBE')).status).toBe(200)
    expect(await statusOf(t, pending)).toBe('unsubscribed')
  })

  it('changes nothing for other replies, START included, nor for an unknown number', async () => {
    const { t, provider, id } = await setUp()
    const before = await dumpTables(t.deps.db)
    for (const [from, body] of [
      [PHONE, 'START'],
      [PHONE, 'UNSTOP'],
      [PHONE, 'Thanks!'],
      [PHONE, "don't stop"],
      [PHONE, ''],
      ['+447911123499', 'STOP'],
      ['not a number', 'STOP'],
    ] as const) {
      const res = await provider.inbound(INBOUND, from, body)
      expect(res.status, `${from} ${body}`).toBe(200)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect(await statusOf(t, id)).toBe('confirmed')
  })
})

describe('POST /api/v1/sms/status (what became of a text)', () => {
  it('ends the subscription when the provider reports 21610, and only then', async () => {
    const { t, provider, id } = await setUp()
    const sid = await sentText(provider, t)
    for (const status of ['queued', 'sent', 'delivered']) {
      expect((await provider.statusCallback(sid, status)).status).toBe(204)
    }
    expect((await provider.statusCallback(sid, 'undelivered', { errorCode: '30003' })).status).toBe(
      204,
    )
    expect(await statusOf(t, id)).toBe('confirmed')
    expect((await provider.statusCallback(sid, 'failed', { errorCode: '21610' })).status).toBe(204)
    expect(await statusOf(t, id)).toBe('unsubscribed')
    expect(await unsubscribeAudit(t)).toEqual([
      { actor: 'SMS provider', target: id, details: { via: 'status_callback' } },
    ])
  })
})

describe('the provider webhooks refuse what the provider did not sign', () => {
  it('answers 403 in the one error shape and changes nothing', async () => {
    const { t, provider, id } = await setUp()
    const sid = await sentText(provider, t)
    const before = await dumpTables(t.deps.db)
    const params = {
      From: PHONE,
      Body: 'STOP',
      To: '+15005550006',
      AccountSid: provider.accountSid,
    }
    const form = (p: Record<string, string>) => new URLSearchParams(p).toString()
    const post = async (url: string, body: string, signature?: string) =>
      t.app.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature !== undefined ? { 'x-twilio-signature': signature } : {}),
        },
        body,
      })
    const good = twilioSignature(provider.authToken, INBOUND, params)
    const attempts: [string, Promise<Response>][] = [
      ['unsigned', post(INBOUND, form(params))],
      ['empty signature', post(INBOUND, form(params), '')],
      ['another token', post(INBOUND, form(params), twilioSignature('guess', INBOUND, params))],
      [
        'signed for the other URL',
        post(INBOUND, form(params), twilioSignature(provider.authToken, STATUS, params)),
      ],
      [
        'signed for http://',
        post(
          INBOUND,
          form(params),
          twilioSignature(provider.authToken, INBOUND.replace('https', 'http'), params),
        ),
      ],
      ['a parameter added after signing', post(INBOUND, form({ ...params, Extra: '1' }), good)],
      [
        'a parameter changed after signing',
        post(INBOUND, form({ ...params, From: '+447911123457' }), good),
      ],
      ['a query added after signing', post(`${INBOUND}?x=1`, form(params), good)],
      ['forged (provider stand-in)', provider.inbound(INBOUND, PHONE, 'STOP', { forge: true })],
      [
        'forged status callback',
        provider.statusCallback(sid, 'failed', { errorCode: '21610', forge: true }),
      ],
      [
        'unsigned status callback',
        provider.statusCallback(sid, 'failed', { errorCode: '21610', sign: false }),
      ],
    ]
    for (const [what, res] of attempts) {
      const r = await res
      expect(r.status, what).toBe(403)
      expect(await r.json(), what).toEqual({
        error: {
          code: 'invalid_signature',
          message: 'The request does not carry the SMS provider signature for this URL',
        },
      })
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect(await statusOf(t, id)).toBe('confirmed')
    // The very request, signed, is believed.
    expect((await post(INBOUND, form(params), good)).status).toBe(200)
    expect(await statusOf(t, id)).toBe('unsubscribed')
  })

  it('refuses JSON (415) and oversized forms (413), and is not there without SMS_* (404)', async () => {
    const { t } = await setUp()
    const json = await t.api('POST', '/api/v1/sms/inbound', { From: PHONE, Body: 'STOP' })
    expect(json.status).toBe(415)
    expect(json.body.error.code).toBe('unsupported_media_type')
    const big = await t.app.request(INBOUND, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Body=${'x'.repeat(20_000)}`,
    })
    expect(big.status).toBe(413)

    const off = await createTestApp()
    for (const path of ['/api/v1/sms/inbound', '/api/v1/sms/status']) {
      const res = await off.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'From=%2B447911123456&Body=STOP',
      })
      expect(res.status).toBe(404)
      expect((await res.json()) as unknown).toEqual({
        error: { code: 'not_found', message: 'Text messages are not configured' },
      })
    }
  })
})
