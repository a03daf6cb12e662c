import { afterEach, describe, expect, it } from 'vitest'
import { newId } from '../../core/ids.ts'
import { countSms } from '../../core/sms-text.ts'
import type { Db } from '../../db/client.ts'
import { deliveryCounts } from '../../db/deliveries.ts'
import { str, strOrNull } from '../../db/rows.ts'
import { getSubscriber, insertSubscriber } from '../../db/subscribers.ts'
import { smsConfirmCode } from '../../api/services/sms-code.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { startSmsProvider, type SmsProviderStandIn } from '../fixtures/sms-provider.ts'
import { addSubscriber, createMailWorld, waitUntil, type MailWorld } from './world.ts'

const FROM = '+15005550006'
const SITE = 'https://status.example.com'

const providers: SmsProviderStandIn[] = []
afterEach(async () => {
  for (const p of providers.splice(0)) await p.close()
})

/** A notifier world whose SMS provider is the local stand-in. */
async function smsWorld(env: Record<string, string> = {}) {
  const provider = await startSmsProvider()
  providers.push(provider)
  const w = await createMailWorld({
    env: {
      SMS_API_URL: provider.url,
      SMS_ACCOUNT_SID: provider.accountSid,
      SMS_AUTH_TOKEN: provider.authToken,
      SMS_FROM: FROM,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      ...env,
    },
  })
  provider.deliver = (url, init) => w.t.app.request(url, init)
  return { w, t: w.t, provider }
}

/** A text-message subscriber written straight to the table (the subscribe side is built apart). */
async function addPhone(
  db: Db,
  phone: string,
  o: {
    status?: 'pending' | 'confirmed' | 'unsubscribed' | 'quarantined'
    components?: string[]
    locale?: 'en' | 'zh-CN'
    confirmationSentAt?: string
  } = {},
) {
  const id = newId()
  const status = o.status ?? 'confirmed'
  await db.batch(
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
      locale: o.locale ?? 'en',
      all_components: !o.components?.length,
      components: o.components ?? [],
      status,
      created_at: '2026-03-01T00:00:00.000Z',
      confirmed_at: status === 'pending' ? null : '2026-03-01T00:00:00.000Z',
      unsubscribed_at: null,
      quarantined_at: null,
      confirmation_sent_at: o.confirmationSentAt ?? null,
      permanent_failures: 0,
      token_version: 1,
      version: 0,
    }),
    'write',
  )
  return id
}

async function statusOf(w: MailWorld, id: string) {
  return (await getSubscriber(w.t.deps.db, id))!.status
}

async function deliveriesOf(db: Db, subscriberId: string) {
  const rs = await db.execute({
    sql: 'SELECT status, last_error FROM deliveries WHERE subscriber_id = ? ORDER BY id',
    args: [subscriberId],
  })
  return rs.rows.map((r) => ({ status: str(r, 'status'), error: strOrNull(r, 'last_error') }))
}

describe('sms channel: the texts', () => {
  it('texts each subscriber what is affected for them, in their language, one segment in English', async () => {
    const { w, t, provider } = await smsWorld({ LOCALES: 'en,zh-CN' })
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    await addPhone(t.deps.db, '+447911123401', { components: [pay.id] })
    await addPhone(t.deps.db, '+447911123402', { components: [dash.id] })
    await addPhone(t.deps.db, '+447911123403', { locale: 'zh-CN' })
    await addSubscriber(t.deps.db, { components: [pay.id] })
    const inc = await makeIncident(t, {
      name: { en: 'Card payments failing', 'zh-CN': '银行卡支付失败' },
      body: {
        en: 'Charges fail for **some** cards; we are rolling back the release from this morning.',
        'zh-CN': '部分银行卡扣款失败，我们正在回滚今早的发布。',
      },
      components: { [pay.id]: 'major_outage' },
    })
    await w.settle()

    expect(provider.messages.map((m) => m.to).sort()).toEqual(['+447911123401', '+447911123403'])
    expect(w.sink.messages).toHaveLength(1) // the email subscriber, as before
    const link = `${SITE}/incidents/${inc.id}/`
    const en = provider.messages.find((m) => m.to === '+447911123401')!
    // 160 characters hold no more than this: the update is what gives way.
    expect(en.body).toBe(
      [
        'Example Status: Investigating: Card payments failing',
        'Affected for you: Payments API',
        link,
        'Reply STOP to unsubscribe',
      ].join('\n'),
    )
    expect(countSms(en.body)).toMatchObject({ encoding: 'GSM-7', segments: 1 })
    expect(en.num_segments).toBe('1')
    const zh = provider.messages.find((m) => m.to === '+447911123403')!
    expect(zh.body.startsWith('【Example Status】正在调查：银行卡支付失败\n')).toBe(true)
    expect(zh.body).toContain('您关注的服务中受影响的：Payments API')
    expect(zh.body).not.toContain('Card payments')
    expect(zh.body.endsWith(`${SITE}/zh-CN/incidents/${inc.id}/\n回复STOP退订`)).toBe(true)
    expect(countSms(zh.body).encoding).toBe('UCS-2')
    expect(countSms(zh.body).segments).toBeLessThanOrEqual(2)

    // What the provider was asked: its Messages API, Basic auth, the form, our callback.
    const sends = provider.sends()
    expect(sends).toHaveLength(2)
    for (const r of sends) {
      expect(r.path).toBe(`/2010-04-01/Accounts/${provider.accountSid}/Messages.json`)
      expect(r.headers.authorization).toBe(
        `Basic ${Buffer.from(`${provider.accountSid}:${provider.authToken}`).toString('base64')}`,
      )
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded')
      expect(Object.keys(r.form!).sort()).toEqual(['Body', 'From', 'StatusCallback', 'To'])
      expect(r.form!.From).toBe(FROM)
      expect(r.form!.StatusCallback).toBe(`${SITE}/api/v1/sms/status`)
    }
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: 3, failed: 0 })
  })

  it('says once it is over what was affected and works again; nothing to the unsubscribed', async () => {
    const { w, t, provider } = await smsWorld()
    const pay = await makeComponent(t, { name: 'Payments API' })
    await addPhone(t.deps.db, '+447911123401', { components: [pay.id] })
    await addPhone(t.deps.db, '+447911123404', { status: 'unsubscribed' })
    await addPhone(t.deps.db, '+447911123405', { status: 'pending' })
    const inc = await makeIncident(t, {
      name: 'Card payments down',
      components: { [pay.id]: 'major_outage' },
    })
    await w.settle()
    t.clock.advance(30 * 60_000)
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, { body: 'All good.' })
    await w.settle()
    expect(provider.messages.map((m) => m.to)).toEqual(['+447911123401', '+447911123401'])
    expect(provider.messages[1]!.body).toBe(
      [
        'Example Status: Resolved: Card payments down',
        'Working normally again: Payments API',
        `${SITE}/incidents/${inc.id}/`,
        'Reply STOP to unsubscribe',
      ].join('\n'),
    )
  })

  it('puts in as much of the update as there is room for, cut at a word', async () => {
    const { w, t, provider } = await smsWorld()
    await addPhone(t.deps.db, '+447911123401')
    const inc = await makeIncident(t, {
      name: 'Slow logins',
      body: 'Logins take up to a minute; sessions already open work normally. Next update by 10:30.',
    })
    await w.settle()
    expect(provider.messages[0]!.body).toBe(
      [
        'Example Status: Investigating: Slow logins',
        'Logins take up to a minute; sessions...',
        `${SITE}/incidents/${inc.id}/`,
        'Reply STOP to unsubscribe',
      ].join('\n'),
    )
    expect(countSms(provider.messages[0]!.body).units).toBeLessThanOrEqual(160)
  })

  it('texts the confirmation code, the same code on a retry, once', async () => {
    const { w, t, provider } = await smsWorld()
    const sentAt = '2026-03-10T11:59:00.000Z'
    const id = await addPhone(t.deps.db, '+447911123406', {
      status: 'pending',
      confirmationSentAt: sentAt,
    })
    provider.script({ status: 500 })
    await t.deps.db.execute({
      sql: `INSERT INTO outbox (type, aggregate_type, aggregate_id, payload, created_at)
            VALUES ('subscriber.confirmation_requested', 'subscriber', ?, ?, ?)`,
      args: [id, JSON.stringify({ subscriber_id: id }), '2026-03-10T12:00:00.000Z'],
    })
    await w.settle()
    const code = await smsConfirmCode(t.deps, {
      id,
      token_version: 1,
      confirmation_sent_at: sentAt,
    })
    expect(code).toMatch(/^\d{6}$/)
    const sends = provider.sends()
    expect(sends).toHaveLength(2)
    expect(sends[0]!.form!.Body).toBe(sends[1]!.form!.Body)
    expect(provider.messages).toHaveLength(1)
    expect(provider.messages[0]!.body).toBe(
      `Your Example Status status code: ${code}. Enter it on the page to confirm your text alerts. Did not ask? Ignore this text.\nReply STOP to unsubscribe`,
    )
    expect(countSms(provider.messages[0]!.body).segments).toBe(1)
  })
})

describe('sms channel: guarantees', () => {
  it('retries a 5xx and a 429 (after its Retry-After) and sends each text once', async () => {
    const { w, t, provider } = await smsWorld()
    await addPhone(t.deps.db, '+447911123401')
    provider.script(
      { status: 503, code: 20500, message: 'Service unavailable' },
      { status: 429, code: 20429, message: 'Too many requests', headers: { 'retry-after': '0' } },
      'drop',
    )
    await makeIncident(t)
    await w.settle()
    expect(provider.sends()).toHaveLength(4)
    expect(provider.messages).toHaveLength(1)
    expect(await deliveryCounts(t.deps.db)).toEqual({ pending: 0, sent: 1, failed: 0 })
  })

  it('after a send whose answer was lost, finds the text at the provider instead of sending it twice', async () => {
    const { w, t, provider } = await smsWorld()
    const id = await addPhone(t.deps.db, '+447911123401')
    // The provider creates the message, then the connection dies before its answer: to us, the
    // outcome is unknown, exactly as after a crash between its answer and our record.
    provider.script('accept-then-drop')
    await makeIncident(t)
    await w.settle()
    expect(provider.messages).toHaveLength(1)
    expect(provider.sends()).toHaveLength(1)
    const lookups = provider.receiver.received.filter((r) => r.method === 'GET')
    expect(lookups.length).toBeGreaterThanOrEqual(1)
    expect(new URL(lookups[0]!.path, 'http://x').searchParams.get('To')).toBe('+447911123401')
    expect(await deliveriesOf(t.deps.db, id)).toEqual([{ status: 'sent', error: null }])
  })

  it('sends again when the provider has no such text (the earlier send never arrived)', async () => {
    const { w, t, provider } = await smsWorld()
    await addPhone(t.deps.db, '+447911123401')
    provider.script('drop')
    await makeIncident(t)
    await w.settle()
    expect(provider.sends()).toHaveLength(2)
    expect(provider.messages).toHaveLength(1)
  })

  it('fails a text to a number the provider calls invalid (it counts towards quarantine)', async () => {
    const { w, t, provider } = await smsWorld()
    const bad = await addPhone(t.deps.db, '+447911123401')
    provider.script({ status: 400, code: 21211, message: "The 'To' number is not valid." })
    await makeIncident(t)
    await w.settle()
    expect(await deliveriesOf(t.deps.db, bad)).toEqual([
      { status: 'failed', error: expect.stringMatching(/answered 400 \(error 21211\)$/) },
    ])
    expect((await getSubscriber(t.deps.db, bad))!.permanent_failures).toBe(1)
    expect(provider.messages).toHaveLength(0)
  })

  it('retries, blaming nobody, when the provider refuses our own account or sender', async () => {
    const { w, t, provider } = await smsWorld()
    const ours = await addPhone(t.deps.db, '+447911123402')
    provider.script({ status: 400, code: 21606, message: 'From is not SMS-capable' })
    w.notifier.start()
    await makeIncident(t)
    w.notifier.kick()
    await waitUntil(async () => (await deliveriesOf(t.deps.db, ours))[0]?.error != null)
    expect(await deliveriesOf(t.deps.db, ours)).toEqual([
      {
        status: 'pending',
        error: expect.stringContaining('refused our account or sender; check the SMS_* settings'),
      },
    ])
    expect((await getSubscriber(t.deps.db, ours))!.permanent_failures).toBe(0)
    // No error names the number, the text or the credentials.
    const e = (await deliveriesOf(t.deps.db, ours))[0]!.error!
    expect(e).not.toContain('7911123')
    expect(e).not.toContain(provider.authToken)
    expect(e).not.toContain(provider.accountSid)
  })

  it('unsubscribes, not quarantines, a number the provider says opted out (21610)', async () => {
    const { w, t, provider } = await smsWorld()
    const id = await addPhone(t.deps.db, '+447911123401')
    provider.script({
      status: 400,
      code: 21610,
      message: 'Attempt to send to unsubscribed recipient',
    })
    await makeIncident(t)
    await w.settle()
    expect(await statusOf(w, id)).toBe('unsubscribed')
    const audit = await t.deps.db.execute(
      "SELECT actor_name, details FROM audit_log WHERE action = 'subscriber.unsubscribe'",
    )
    expect(audit.rows.map((r) => [r.actor_name, JSON.parse(str(r, 'details'))])).toEqual([
      ['SMS provider', { via: 'send_refused' }],
    ])
    await makeIncident(t, { name: 'Another' })
    await w.settle()
    expect(provider.sends()).toHaveLength(1)
  })
})

describe('sms channel: at most so many texts per number per hour', () => {
  it('counts in the database across two notifiers: the rest waits its turn, none is dropped', async () => {
    const { w, t, provider } = await smsWorld({ SMS_PER_NUMBER_PER_HOUR: '2' })
    const id = await addPhone(t.deps.db, '+447911123401')
    const other = await addPhone(t.deps.db, '+447911123402')
    const second = await w.another('test-2')
    second.start()
    for (const name of ['One', 'Two', 'Three', 'Four']) await makeIncident(t, { name })
    w.notifier.start()
    // Settled for this number: two sent, two waiting (a sent one is never retried).
    await waitUntil(async () => {
      const ds = await deliveriesOf(t.deps.db, id)
      const sent = ds.filter((d) => d.status === 'sent').length
      return sent === 2 && ds.filter((d) => d.error?.startsWith('waiting')).length === 2
    })
    expect(provider.messages.filter((m) => m.to === '+447911123401')).toHaveLength(2)
    // Another number has its own allowance.
    await waitUntil(() => provider.messages.filter((m) => m.to === '+447911123402').length === 2)
    const waiting = await t.deps.db.execute({
      sql: "SELECT next_attempt_at FROM deliveries WHERE subscriber_id = ? AND status = 'pending'",
      args: [id],
    })
    for (const r of waiting.rows)
      expect(Date.parse(str(r, 'next_attempt_at')) - Date.now()).toBeGreaterThan(50 * 60_000)
    expect(
      (await deliveriesOf(t.deps.db, other)).filter((d) => d.status === 'pending'),
    ).toHaveLength(2)
  })

  it('a flood of updates ends in the latest text (the resolution) once the number has room', async () => {
    const { w, t, provider } = await smsWorld({ SMS_PER_NUMBER_PER_HOUR: '3' })
    const id = await addPhone(t.deps.db, '+447911123401')
    // This number has just had its three texts of the hour.
    const now = new Date().toISOString()
    for (let i = 1; i <= 3; i++)
      await t.deps.db.execute({
        sql: `INSERT INTO deliveries (event_id, subscriber_id, channel, status, next_attempt_at,
                created_at, sent_at, quota_key)
              VALUES (?, ?, 'sms', 'sent', ?, ?, ?, 'sms:+447911123401')`,
        args: [900_000 + i, id, now, now, now],
      })
    w.notifier.start()
    const inc = await makeIncident(t, { name: 'Flapping API' })
    for (let i = 0; i < 8; i++) {
      t.clock.advance(60_000)
      await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
        status: 'identified',
        body: `Update ${i}`,
      })
      w.notifier.kick()
    }
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, { body: 'Fixed for good.' })
    w.notifier.kick()
    // Every text has been tried: none went out, the older ones gave way to the newer ones, the
    // rest wait for the hour to end (none is dropped).
    const tried = async () => {
      const ds = (await deliveriesOf(t.deps.db, id)).slice(3)
      return (
        ds.length === 10 && ds.every((d) => d.status === 'failed' || d.error?.startsWith('waiting'))
      )
    }
    await waitUntil(tried)
    expect(provider.sends()).toHaveLength(0)
    // The hour passes.
    await t.deps.db.execute({
      sql: "UPDATE deliveries SET sent_at = ? WHERE event_id > 900000 AND status = 'sent'",
      args: [new Date(Date.now() - 2 * 3_600_000).toISOString()],
    })
    await t.deps.db.execute({
      sql: "UPDATE deliveries SET next_attempt_at = ? WHERE status = 'pending'",
      args: [new Date().toISOString()],
    })
    await w.settle()
    expect(provider.messages).toHaveLength(1)
    expect(provider.messages[0]!.body).toMatch(/^Example Status: Resolved: Flapping API\n/)
    const ds = (await deliveriesOf(t.deps.db, id)).slice(3)
    expect(ds.at(-1)).toEqual({ status: 'sent', error: null })
    for (const d of ds.slice(0, -1))
      expect(d).toEqual({
        status: 'failed',
        error: 'skipped: a later text about the same record supersedes it',
      })
  })
})

describe('sms channel: off without a provider', () => {
  it('sends nothing and says why when SMS_* is not set', async () => {
    const w = await createMailWorld()
    const id = await addPhone(w.t.deps.db, '+447911123401')
    await makeIncident(w.t)
    await w.settle()
    expect(await deliveriesOf(w.t.deps.db, id)).toEqual([
      { status: 'failed', error: 'skipped: no sms channel is configured' },
    ])
  })
})
