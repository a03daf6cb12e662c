import { describe, expect, it } from 'vitest'
import { targetKey, type ChannelName } from '../../core/channels.ts'
import { getSubscriber } from '../../db/subscribers.ts'
import { makeComponent } from '../fixtures/factories.ts'
import {
  byTarget,
  seedEndpoint,
  SMS_ENV,
  subscribe,
  subscriberEvents,
} from '../fixtures/channel-subscribers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

// Subscribing with every channel through the public API: what is stored, what is asked of the
// notifier, and what is refused (bad URLs and numbers, channels not offered), writing nothing.

const HOOK = 'https://hooks.example.com/amends/T0001/B0002/secretpath'
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX'
const TEAMS = 'https://prod-42.westeurope.logic.azure.com/workflows/abc/triggers/manual/run?sig=zz'
const DISCORD = 'https://discord.com/api/webhooks/1234567890/tokenTOKENtoken'
const PHONE = '+447911123456'

const audit = async (t: TestApp) =>
  (
    await t.deps.db.execute(
      "SELECT action, details FROM audit_log WHERE target_type = 'subscriber' ORDER BY id",
    )
  ).rows

describe('subscribing with every channel (public API)', () => {
  it('stores each channel pending, with where its confirmation goes, and asks for one confirmation each', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const c = await makeComponent(t)
    const cases: [Record<string, unknown>, ChannelName, string, ChannelName][] = [
      [{ channel: 'webhook', url: HOOK, email: 'ops@acme.example' }, 'webhook', HOOK, 'email'],
      [{ channel: 'slack', url: SLACK, components: [c.id] }, 'slack', SLACK, 'slack'],
      [{ channel: 'teams', url: TEAMS, email: 'it@acme.example' }, 'teams', TEAMS, 'email'],
      [{ channel: 'discord', url: DISCORD, locale: 'zh-CN' }, 'discord', DISCORD, 'discord'],
      [{ channel: 'sms', phone: '+44 7911 123456' }, 'sms', PHONE, 'sms'],
    ]
    for (const [body, channel, target, via] of cases) {
      const res = await subscribe(t, body)
      expect(res.status, res.text).toBe(202)
      expect(res.body.status).toBe('pending_confirmation')
      expect('code_token' in res.body).toBe(channel === 'sms')
      const s = (await byTarget(t, channel, target))!
      expect(s).toMatchObject({
        channel,
        target,
        target_key: targetKey(channel, target),
        email_normalized: null,
        status: 'pending',
        confirm_via: via,
        confirm_attempts: 0,
        confirmation_sent_at: '2026-03-10T12:00:00.000Z',
      })
      // A webhook's signing secret is made now, stored sealed; no other channel has one.
      if (channel === 'webhook') expect(s.secret).toMatch(/^v1\.[\w-]+\.[\w-]+$/)
      else expect(s.secret).toBeNull()
    }
    expect((await byTarget(t, 'slack', SLACK))!.components).toEqual([c.id])
    expect((await byTarget(t, 'discord', DISCORD))!.locale).toBe('zh-CN')
    expect((await byTarget(t, 'teams', TEAMS))!.email).toBe('it@acme.example')
    expect((await subscriberEvents(t)).map((e) => e.type)).toEqual(
      Array(5).fill('subscriber.confirmation_requested'),
    )
    // The answer says where to look, by where the confirmation went.
    const again = async (body: Record<string, unknown>) => (await subscribe(t, body)).body.message
    expect(await again({ channel: 'webhook', url: HOOK, email: 'x@acme.example' })).toBe(
      'If the contact address can receive mail, a confirmation link is on its way to it.',
    )
    expect(await again({ channel: 'slack', url: SLACK })).toBe(
      'If the webhook URL works, a message with a confirmation link is on its way to its channel.',
    )
    // Nothing personal in the append-only tables: the random id only.
    const dump = await dumpTables(t.deps.db)
    const journal = JSON.stringify([dump.outbox, dump.audit_log])
    for (const secret of ['hooks.', 'secretpath', 'acme.example', '7911', 'tokenTOKEN', 'sig=zz'])
      expect(journal).not.toContain(secret)
    expect((await audit(t)).map((r) => r.action)).toEqual([
      ...Array(5).fill('subscriber.create'),
      'subscriber.confirmation_throttled',
      'subscriber.confirmation_throttled',
    ])
  })

  it('keeps one subscription per endpoint however its URL or number is spelled', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const urls = [
      'https://hooks.example.com/amends/in',
      'HTTPS://Hooks.Example.COM/amends/in',
      'https://hooks.example.com:443/amends/in',
      'https://hooks.example.com./amends/in',
      'https://hooks.example.com/amends/in#section',
      '  https://hooks.example.com/amends/in  ',
      'https://hooks.example.com/amends/x/../in',
      'https://hooks.example.com/amends/./in',
    ]
    const phones = [
      '+44 7911 123456',
      '+447911123456',
      '+44-7911-123456',
      '+44 (0)7911 123456',
      '+44.7911.123.456',
      '+４４ ７９１１ １２３４５６',
      '+44\u00a07911\u00a0123456',
      '++447911123456',
    ]
    for (const url of urls)
      expect(
        (await subscribe(t, { channel: 'webhook', url, email: 'a@acme.example' })).status,
      ).toBe(202)
    for (const phone of phones)
      expect((await subscribe(t, { channel: 'sms', phone })).status).toBe(202)
    const rows = (await dumpTables(t.deps.db)).subscribers as { target: string }[]
    expect(rows.map((r) => r.target)).toEqual(['https://hooks.example.com/amends/in', PHONE])
    expect(await subscriberEvents(t, 'subscriber.confirmation_requested')).toHaveLength(2)
    // A different path, query or channel is another endpoint.
    await subscribe(t, {
      channel: 'webhook',
      url: 'https://hooks.example.com/amends/in/',
      email: 'a@acme.example',
    })
    await subscribe(t, {
      channel: 'webhook',
      url: 'https://hooks.example.com/amends/in?v=2',
      email: 'a@acme.example',
    })
    await subscribe(t, { channel: 'slack', url: 'https://hooks.example.com/amends/in' })
    expect((await dumpTables(t.deps.db)).subscribers).toHaveLength(5)
    console.log(
      `one endpoint: ${urls.length} URL spellings and ${phones.length} number spellings → 2 subscriptions`,
    )
  })

  it('refuses URLs it must not call: 422 refused_url naming url, for every URL channel, writing nothing', async () => {
    const t = await createTestApp()
    // Names are resolved where the process can (Node: DNS); here a table stands in for it.
    const dns: Record<string, string[]> = {
      'rebind.example.com': ['127.0.0.1'],
      'intranet.example.com': ['10.1.2.3'],
      'v6-loopback.example.com': ['::1'],
      'metadata.example.com': ['169.254.169.254'],
      'mixed.example.com': ['93.184.216.34', '192.168.0.10'],
      'mapped.example.com': ['::ffff:127.0.0.1'],
      'cgnat.example.com': ['100.64.1.1'],
      'nothing.example.com': [],
      'public.example.com': ['93.184.216.34'],
    }
    t.deps.resolveHost = (host) => {
      const found = dns[host]
      return found ? Promise.resolve(found) : Promise.reject(new Error(`ENOTFOUND ${host}`))
    }
    const refused = [
      'http://public.example.com/hook',
      'ftp://public.example.com/hook',
      'javascript:alert(1)',
      'not a url',
      'https://user:pass@public.example.com/hook',
      'https://127.0.0.1/hook',
      'https://127.1/hook',
      'https://2130706433/hook',
      'https://0x7f.0.0.1/hook',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://10.0.0.1/hook',
      'https://172.16.5.4/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00::1]/hook',
      'https://[fe80::1]/hook',
      'https://0.0.0.0/hook',
      'https://100.64.0.1/hook',
      'https://localhost/hook',
      'https://localhost./hook',
      'https://LOCALHOST/hook',
      'https://api.localhost/hook',
      'https://printer.local/hook',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://metadata.google.internal./computeMetadata/v1/',
      'https://router.home.arpa/hook',
      'https://intranet/hook',
      'https://rebind.example.com/hook',
      'https://intranet.example.com/hook',
      'https://v6-loopback.example.com/hook',
      'https://metadata.example.com/hook',
      'https://mixed.example.com/hook',
      'https://mapped.example.com/hook',
      'https://cgnat.example.com/hook',
      'https://nothing.example.com/hook',
      'https://unknown-name.example.com/hook',
    ]
    const before = await dumpTables(t.deps.db)
    let through = 0
    for (const channel of ['webhook', 'slack', 'teams', 'discord'] as const) {
      for (const url of refused) {
        const res = await subscribe(t, { channel, url, email: 'ops@acme.example' })
        if (res.status === 202) through++
        expect([channel, url, res.status, res.body.error?.code]).toEqual([
          channel,
          url,
          422,
          'refused_url',
        ])
        expect(res.body.error.details).toEqual([{ path: 'url', message: expect.any(String) }])
        // The message names what is wrong, never the path (a chat URL's path is its secret).
        expect(res.body.error.message).not.toContain('/hook')
      }
    }
    expect(through).toBe(0)
    expect(await dumpTables(t.deps.db)).toEqual(before)
    console.log(`refused URLs: ${refused.length} variants x 4 URL channels: ${through} got through`)
    // A public name is fine.
    expect(
      (await subscribe(t, { channel: 'discord', url: 'https://public.example.com/hook' })).status,
    ).toBe(202)
  })

  it('calls private and plain-http targets only when OUTBOUND_ALLOW_PRIVATE says so', async () => {
    const t = await createTestApp({ env: { OUTBOUND_ALLOW_PRIVATE: 'true' } })
    t.deps.resolveHost = () => Promise.resolve(['127.0.0.1'])
    for (const url of ['http://127.0.0.1:8080/hook', 'https://localhost/hook', 'http://10.0.0.2/x'])
      expect(
        (await subscribe(t, { channel: 'webhook', url, email: 'ops@acme.example' })).status,
      ).toBe(202)
    // Still no other scheme, and no credentials in the URL.
    expect((await subscribe(t, { channel: 'slack', url: 'ftp://127.0.0.1/x' })).status).toBe(422)
    expect((await subscribe(t, { channel: 'slack', url: 'http://u:p@127.0.0.1/x' })).status).toBe(
      422,
    )
  })

  it('says what each channel needs: 400 with the field, for a missing, unused or bad address, writing nothing', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const before = await dumpTables(t.deps.db)
    const cases: [Record<string, unknown>, [string, RegExp][]][] = [
      [{ channel: 'webhook', email: 'a@acme.example' }, [['url', /^Required: the https URL/]]],
      [{ channel: 'webhook', url: HOOK }, [['email', /^Required: the address that confirms/]]],
      [{ channel: 'slack' }, [['url', /Slack incoming webhook URL/]]],
      [{ channel: 'teams', url: '' }, [['url', /empty/]]],
      [
        { channel: 'discord', phone: PHONE },
        [
          ['phone', /Not used for Discord/],
          ['url', /Discord webhook URL/],
        ],
      ],
      [{ channel: 'sms' }, [['phone', /^Required: the mobile number/]]],
      [
        { channel: 'sms', phone: PHONE, email: 'a@acme.example' },
        [['email', /Not used for text message/]],
      ],
      [{ channel: 'sms', phone: PHONE, url: HOOK }, [['url', /Not used for text message/]]],
      [{ email: 'a@acme.example', url: HOOK }, [['url', /Not used for email/]]],
      [{ channel: 'email' }, [['email', /^Required: the address/]]],
      [{ channel: 'fax', phone: PHONE }, [['channel', /Invalid option/]]],
      [{ channel: 'slack', url: `https://hooks.slack.com/${'x'.repeat(2100)}` }, [['url', /2048/]]],
      [
        { channel: 'slack', url: 'https://hooks.slack.com/\u0000x' },
        [['url', /control character/]],
      ],
      [{ channel: 'webhook', url: HOOK, email: 'not-an-address' }, [['email', /email address/]]],
    ]
    const badPhones = [
      '123',
      '+44 20 7946 0958',
      '+1 800 555 0199',
      '+44 870 123 4567',
      '07911 123456',
      '+44 7911 12345',
      '+44 7911 1234567',
      '+44 7911 12345a',
      'tel:+447911123456',
      '+999 123456',
      '(+44) 7911 123456',
      '   ',
      '+'.padEnd(45, '1'),
    ]
    for (const phone of badPhones) cases.push([{ channel: 'sms', phone }, [['phone', /./]]])
    for (const [body, wanted] of cases) {
      const res = await subscribe(t, body)
      expect([JSON.stringify(body).slice(0, 80), res.status]).toEqual([
        JSON.stringify(body).slice(0, 80),
        400,
      ])
      const details = (res.body.error.details as { path: string; message: string }[]).sort((a, b) =>
        a.path.localeCompare(b.path),
      )
      expect(details.map((d) => d.path)).toEqual(wanted.map(([p]) => p).sort())
      for (const [path, message] of wanted)
        expect(details.find((d) => d.path === path)!.message).toMatch(message)
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    console.log(`bad numbers: ${badPhones.length} variants: 0 got through`)
  })

  it('refuses a channel that is not offered (or SMS without a provider): 422 channel_disabled', async () => {
    const only = await createTestApp({ env: { SUBSCRIBE_CHANNELS: 'email,slack', ...SMS_ENV } })
    const before = await dumpTables(only.deps.db)
    for (const body of [
      { channel: 'webhook', url: HOOK, email: 'a@acme.example' },
      { channel: 'teams', url: TEAMS },
      { channel: 'sms', phone: PHONE },
    ]) {
      const res = await subscribe(only, body)
      expect(res.status).toBe(422)
      expect(res.body.error).toMatchObject({
        code: 'channel_disabled',
        details: [{ path: 'channel', message: expect.stringMatching(/not offered here/) }],
      })
    }
    expect(await dumpTables(only.deps.db)).toEqual(before)
    expect((await subscribe(only, { channel: 'slack', url: SLACK })).status).toBe(202)
    expect((await subscribe(only, { email: 'a@acme.example' })).status).toBe(202)

    const noProvider = await createTestApp()
    const sms = await subscribe(noProvider, { channel: 'sms', phone: PHONE })
    expect(sms.status).toBe(422)
    expect(sms.body.error.message).toMatch(/no SMS provider is configured/)
  })
})

const NUMBERS: Record<string, string> = {
  confirmed: '+447911123401',
  unsubscribed: '+447911123402',
  quarantined: '+447911123403',
  pending: '+447911123404',
  new0: '+447911123405',
  new660000: '+447911123406',
}

describe('known endpoints of every channel (enumeration)', () => {
  it('answers new, pending, confirmed, unsubscribed and quarantined endpoints alike, and changes no confirmed one', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const c = await makeComponent(t)
    type Shape = {
      channel: Exclude<ChannelName, 'email'>
      field: 'url' | 'phone'
      make: (n: string) => string
      email?: string
    }
    const shapes: Shape[] = [
      {
        channel: 'webhook',
        field: 'url',
        make: (n) => `https://hooks.example.com/${n}`,
        email: 'ops@acme.example',
      },
      { channel: 'slack', field: 'url', make: (n) => `https://hooks.slack.com/services/T/B/${n}` },
      {
        channel: 'teams',
        field: 'url',
        make: (n) => `https://teams.example.com/wf/${n}`,
        email: 'it@acme.example',
      },
      { channel: 'discord', field: 'url', make: (n) => `https://discord.com/api/webhooks/1/${n}` },
      { channel: 'sms', field: 'phone', make: (n) => NUMBERS[n]! },
    ]
    const states = ['confirmed', 'unsubscribed', 'quarantined'] as const
    const seeded = new Map<string, string>()
    for (const sh of shapes) {
      for (const status of states) {
        const target = sh.make(status)
        seeded.set(
          `${sh.channel} ${status}`,
          await seedEndpoint(t, sh.channel, target, { status, email: 'owner@acme.example' }),
        )
      }
      expect(
        (
          await subscribe(t, {
            channel: sh.channel,
            [sh.field]: sh.make('pending'),
            email: sh.email,
          })
        ).status,
      ).toBe(202)
    }
    const snapshot = async () =>
      Object.fromEntries(
        await Promise.all(
          [...seeded].map(async ([k, id]) => {
            const { version: _v, ...rest } = (await getSubscriber(t.deps.db, id))!
            return [k, rest]
          }),
        ),
      )
    const confirmedBefore = await snapshot()
    const requested = (await subscriberEvents(t, 'subscriber.confirmation_requested')).length
    let compared = 0
    for (const wait of [0, 11 * 60_000]) {
      t.clock.advance(wait)
      for (const sh of shapes) {
        const answers = []
        for (const name of [`new${wait}`, 'pending', ...states]) {
          // A stranger's request: other components, another language, their own contact.
          const res = await subscribe(t, {
            channel: sh.channel,
            [sh.field]: sh.make(name),
            email: sh.email ? 'stranger@evil.example' : undefined,
            components: [c.id],
            locale: 'zh-CN',
          })
          // A code form's token is random per request; its shape is all an answer may share.
          const token = res.body.code_token as string | undefined
          if (token) {
            const payload = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
            expect(Object.keys(payload)).toEqual(['p', 's', 'v', 'e', 'x'])
            expect(payload).toMatchObject({ p: 'sms_code', v: 0, e: expect.any(Number) })
          }
          answers.push([
            res.status,
            res.headers.get('content-type'),
            res.text.replace(/"code_token":"[^"]+"/, '"code_token":"…"'),
          ])
          compared++
        }
        expect(new Set(answers.map((a) => JSON.stringify(a))).size, sh.channel).toBe(1)
      }
    }
    // The confirmed and quarantined endpoints are as they were (only an unsubscribed one, after
    // the interval, came back as a fresh pending opt-in: its owner left, anyone may ask again).
    const after = await snapshot()
    for (const sh of shapes) {
      for (const status of ['confirmed', 'quarantined'] as const) {
        const k = `${sh.channel} ${status}`
        expect(after[k], k).toEqual(confirmedBefore[k])
      }
      expect(after[`${sh.channel} unsubscribed`]).toMatchObject({
        status: 'pending',
        email: sh.email ? 'stranger@evil.example' : null,
      })
    }
    // Asked: the new endpoints twice, the pending ones and the unsubscribed ones once each (after
    // the interval); never a confirmed or quarantined one.
    const asked = (await subscriberEvents(t, 'subscriber.confirmation_requested')).slice(requested)
    expect(asked).toHaveLength(shapes.length * 4)
    for (const sh of shapes)
      for (const status of ['confirmed', 'quarantined'])
        expect(asked.map((e) => e.id)).not.toContain(seeded.get(`${sh.channel} ${status}`))
    console.log(
      `enumeration: ${compared} answers across ${shapes.length} channels and 5 states: 1 distinct answer per channel`,
    )
  })

  it('a concurrent duplicate of a new endpoint answers 202 twice and asks once', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const results = await Promise.all([
      subscribe(t, { channel: 'discord', url: DISCORD }),
      subscribe(t, { channel: 'discord', url: DISCORD }),
      subscribe(t, { channel: 'sms', phone: PHONE }),
      subscribe(t, { channel: 'sms', phone: PHONE }),
    ])
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202])
    expect(await subscriberEvents(t, 'subscriber.confirmation_requested')).toHaveLength(2)
  })
})
