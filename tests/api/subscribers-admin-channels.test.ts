import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { openSecret } from '../../api/services/secret-box.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { byTarget, seedEndpoint, SMS_ENV, subscribe } from '../fixtures/channel-subscribers.ts'
import { seedSubscriber } from '../fixtures/subscribers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

// Staff add subscribers of any channel (confirmed: they vouch for them), see them per channel,
// and rotate a webhook's signing secret. Admin scope only.

const HOOK = 'https://hooks.example.com/status/in'
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXXabcd'

/** The secret signs and verifies as the Standard Webhooks library does on the receiving side. */
function expectWorkingSecret(secret: string) {
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
  const wh = new Webhook(secret)
  const body = '{"meta":{"unsubscribe":"x"}}'
  // The library checks the timestamp against the real clock.
  const at = new Date()
  const headers = {
    'webhook-id': 'msg_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': wh.sign('msg_1', at, body),
  }
  expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
  expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow()
}

const create = (t: TestApp, body: unknown, headers: Record<string, string> = {}) =>
  t.api('POST', '/api/v1/subscribers', body, { headers })

describe('staff add subscribers of any channel (POST /api/v1/subscribers)', () => {
  it('creates confirmed subscribers, each channel with its address; a webhook gets its secret once', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const c = await makeComponent(t)
    const hook = await create(
      t,
      { channel: 'webhook', url: HOOK, components: [c.id] },
      { 'idempotency-key': 'add-hook' },
    )
    expect(hook.status, JSON.stringify(hook.body)).toBe(201)
    expect(hook.body).toEqual({
      id: expect.any(String),
      channel: 'webhook',
      email: null,
      url: HOOK,
      phone: null,
      locale: 'en',
      status: 'confirmed',
      all_components: false,
      components: [c.id],
      created_at: '2026-03-10T12:00:00.000Z',
      confirmed_at: '2026-03-10T12:00:00.000Z',
      unsubscribed_at: null,
      quarantined_at: null,
      permanent_failures: 0,
      signing_secret: expect.any(String),
    })
    const secret = hook.body.signing_secret as string
    expectWorkingSecret(secret)
    // Stored sealed: the row opens to the secret the answer showed, and holds nothing readable.
    const row = (await byTarget(t, 'webhook', HOOK))!
    expect(row.secret).not.toContain(secret.slice(6, 20))
    expect(await openSecret(t.deps, row.secret!)).toBe(secret)
    // Never again: not in the detail, the list, the stored replay or anywhere in the database.
    const detail = await t.api('GET', `/api/v1/subscribers/${hook.body.id}`)
    expect(detail.body).not.toHaveProperty('signing_secret')
    const replay = await create(
      t,
      { channel: 'webhook', url: HOOK, components: [c.id] },
      { 'idempotency-key': 'add-hook' },
    )
    expect(replay.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body.signing_secret).toBe('(shown once; rotate the secret to get a new one)')
    expect(JSON.stringify(await dumpTables(t.deps.db))).not.toContain(secret.slice(6))

    const others = [
      [
        { channel: 'slack', url: SLACK, email: 'ops@acme.example' },
        { channel: 'slack', url: SLACK, email: 'ops@acme.example' },
      ],
      [
        { channel: 'teams', url: 'https://teams.example.com/wf/1' },
        { channel: 'teams', email: null },
      ],
      [
        { channel: 'discord', url: 'https://discord.com/api/webhooks/1/t', locale: 'zh-CN' },
        { locale: 'zh-CN' },
      ],
      [
        { channel: 'sms', phone: '+1 (415) 555-2671', email: 'owner@acme.example' },
        { phone: '+14155552671', email: 'owner@acme.example' },
      ],
      [
        { email: 'Ada@Example.com' },
        { channel: 'email', email: 'Ada@Example.com', url: null, phone: null },
      ],
    ] as const
    for (const [body, shape] of others) {
      const res = await create(t, body)
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      expect(res.body).toMatchObject({ ...shape, status: 'confirmed' })
      expect(res.body).not.toHaveProperty('signing_secret')
    }
    // No confirmation is asked of anyone; each is announced as confirmed, by id only.
    const dump = await dumpTables(t.deps.db)
    const types = (dump.outbox as { type: string }[])
      .map((e) => e.type)
      .filter((x) => x.startsWith('subscriber.'))
    expect(types).toEqual(Array(6).fill('subscriber.confirmed'))
    const audit = (dump.audit_log as { action: string; details: string }[]).filter(
      (a) => a.action === 'subscriber.create',
    )
    expect(audit.map((a) => JSON.parse(a.details).confirmed_by)).toEqual(Array(6).fill('staff'))
    expect(JSON.stringify([dump.outbox, dump.audit_log])).not.toMatch(
      /hooks\.|acme\.example|5552671|Example\.com/,
    )
  })

  it('refuses an endpoint that is already a subscriber (any status, any spelling): 409, writing nothing', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    await seedEndpoint(t, 'webhook', HOOK, { status: 'unsubscribed' })
    await seedEndpoint(t, 'sms', '+447911123456', { status: 'quarantined' })
    await seedSubscriber(t, 'ada@example.com', { status: 'pending' })
    expect((await subscribe(t, { channel: 'slack', url: SLACK })).status).toBe(202)
    const writer = await t.token('write')
    // Tokens record when they were last used: everything else must stay as it is.
    const tables = async () => {
      const { api_tokens: _used, ...rest } = await dumpTables(t.deps.db)
      return rest
    }
    const before = await tables()
    const cases: [unknown, string][] = [
      [{ channel: 'webhook', url: 'HTTPS://HOOKS.example.com:443/status/in#x' }, 'url'],
      [{ channel: 'sms', phone: '+44 7911 123456' }, 'phone'],
      [{ email: ' ADA@example.com ' }, 'email'],
      [{ channel: 'slack', url: SLACK, email: 'x@acme.example' }, 'url'],
    ]
    for (const [body, path] of cases) {
      const res = await create(t, body)
      expect(res.status).toBe(409)
      expect(res.body.error).toMatchObject({
        code: 'subscriber_exists',
        details: [
          {
            path,
            message: expect.stringMatching(
              /^Already a subscriber \([0-9a-z]{12}, (unsubscribed|quarantined|pending)\)/,
            ),
          },
        ],
      })
    }
    // The rest of the one error shape: bad input 400, refused URL or channel 422, no scope 403.
    expect((await create(t, { channel: 'webhook' })).status).toBe(400)
    expect((await create(t, { channel: 'discord', url: 'https://10.0.0.1/x' })).status).toBe(422)
    expect(
      (await t.api('POST', '/api/v1/subscribers', { email: 'b@example.com' }, { token: writer }))
        .status,
    ).toBe(403)
    expect(
      (await t.api('POST', '/api/v1/subscribers', { email: 'b@example.com' }, { token: null }))
        .status,
    ).toBe(401)
    expect(await tables()).toEqual(before)
    const off = await createTestApp({ env: { SUBSCRIBE_CHANNELS: 'email' } })
    const disabled = await create(off, { channel: 'slack', url: SLACK })
    expect(disabled.status).toBe(422)
    expect(disabled.body.error.code).toBe('channel_disabled')
  })

  it('rotates a webhook secret: the new one once, the old one gone; other channels have none', async () => {
    const t = await createTestApp()
    const hook = await create(t, { channel: 'webhook', url: HOOK })
    const first = hook.body.signing_secret as string
    const rotated = await t.api(
      'POST',
      `/api/v1/subscribers/${hook.body.id}/rotate-secret`,
      {},
      {
        headers: { 'idempotency-key': 'rot-1' },
      },
    )
    expect(rotated.status).toBe(200)
    expect(rotated.body).toEqual({ id: hook.body.id, signing_secret: expect.any(String) })
    const second = rotated.body.signing_secret as string
    expect(second).not.toBe(first)
    expectWorkingSecret(second)
    const row = (await byTarget(t, 'webhook', HOOK))!
    expect(await openSecret(t.deps, row.secret!)).toBe(second)
    const replay = await t.api(
      'POST',
      `/api/v1/subscribers/${hook.body.id}/rotate-secret`,
      {},
      {
        headers: { 'idempotency-key': 'rot-1' },
      },
    )
    expect(replay.body.signing_secret).toBe('(shown once; rotate the secret to get a new one)')
    expect((await byTarget(t, 'webhook', HOOK))!.secret).toBe(row.secret)
    const audit = await t.deps.db.execute(
      "SELECT details FROM audit_log WHERE action = 'subscriber.rotate_secret'",
    )
    expect(audit.rows).toHaveLength(1)
    expect(JSON.stringify(await dumpTables(t.deps.db))).not.toContain(second.slice(6))

    const slack = await create(t, { channel: 'slack', url: SLACK })
    const refused = await t.api('POST', `/api/v1/subscribers/${slack.body.id}/rotate-secret`, {})
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('not_a_webhook')
    expect((await t.api('POST', '/api/v1/subscribers/aaaaaaaaaaaa/rotate-secret', {})).status).toBe(
      404,
    )
    const writer = await t.token('write')
    expect(
      (
        await t.api(
          'POST',
          `/api/v1/subscribers/${hook.body.id}/rotate-secret`,
          {},
          {
            token: writer,
          },
        )
      ).status,
    ).toBe(403)
  })
})

describe('subscribers of every channel in the admin API', () => {
  it('lists with channel filter and search, masks chat URLs in lists, shows them whole one by one', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const a = await makeComponent(t, { name: 'A' })
    const ids: Record<string, string> = {}
    ids.email = await seedSubscriber(t, 'ada@example.com', { ago: 5000 })
    ids.slack = await seedEndpoint(t, 'slack', SLACK, {
      email: 'ops@acme.example',
      ago: 4000,
      components: [a.id],
    })
    ids.webhook = await seedEndpoint(t, 'webhook', HOOK, { ago: 3000 })
    ids.sms = await seedEndpoint(t, 'sms', '+447911123456', { ago: 2000 })
    ids.discord = await seedEndpoint(t, 'discord', 'https://discord.com/api/webhooks/1/zzzz9876', {
      status: 'pending',
      ago: 1000,
    })
    const list = await t.api('GET', '/api/v1/subscribers')
    expect(list.body.map((s: any) => [s.channel, s.url ?? s.phone ?? s.email])).toEqual([
      ['discord', 'discord.com/…9876'],
      ['sms', '+447911123456'],
      ['webhook', HOOK],
      ['slack', 'hooks.slack.com/…abcd'],
      ['email', 'ada@example.com'],
    ])
    expect(JSON.stringify(list.body)).not.toContain('XXXXsecret')
    expect((await t.api('GET', `/api/v1/subscribers/${ids.slack}`)).body).toMatchObject({
      channel: 'slack',
      url: SLACK,
      email: 'ops@acme.example',
    })
    const ofChannel = async (q: string) =>
      (await t.api('GET', `/api/v1/subscribers?${q}`)).body.map((s: any) => s.id)
    expect(await ofChannel('channel=slack')).toEqual([ids.slack])
    expect(await ofChannel('channel=sms&status=confirmed')).toEqual([ids.sms])
    expect(await ofChannel('channel=email')).toEqual([ids.email])
    // A search finds a contact address, a URL's host or a number.
    expect(await ofChannel('q=acme.example')).toEqual([ids.slack])
    expect(await ofChannel('q=hooks.example')).toEqual([ids.webhook])
    expect(await ofChannel('q=7911')).toEqual([ids.sms])
    expect(await ofChannel(`component=${a.id}&channel=slack`)).toEqual([ids.slack])
    expect((await t.api('GET', '/api/v1/subscribers?channel=fax')).status).toBe(400)

    const counts = (await t.api('GET', '/api/v1/subscribers/counts')).body
    expect(counts.by_channel).toEqual({
      email: 1,
      webhook: 1,
      slack: 1,
      teams: 0,
      discord: 1,
      sms: 1,
    })
    expect(counts.by_component_channel).toEqual([
      { component_id: a.id, component: 'A', channel: 'email', count: 1 },
      { component_id: a.id, component: 'A', channel: 'webhook', count: 1 },
      { component_id: a.id, component: 'A', channel: 'slack', count: 1 },
      { component_id: a.id, component: 'A', channel: 'sms', count: 1 },
    ])
    expect(counts.components).toEqual([{ id: a.id, name: 'A', confirmed: 4 }])
  })

  it('counts an incident’s reach per channel: every channel in use, zeros included, each subscriber once', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const pay = await makeComponent(t, { name: 'Payments API' })
    const other = await makeComponent(t, { name: 'Dashboard' })
    await seedSubscriber(t, 'all@example.com')
    await seedEndpoint(t, 'slack', SLACK, { components: [pay.id] })
    await seedEndpoint(t, 'sms', '+447911123456')
    await seedEndpoint(t, 'sms', '+447911123457', { components: [pay.id, other.id] })
    await seedEndpoint(t, 'discord', 'https://discord.com/api/webhooks/1/t', {
      components: [other.id],
    })
    await seedEndpoint(t, 'webhook', HOOK, { status: 'pending' })
    const inc = (
      await t.api('POST', '/api/v1/incidents', {
        name: 'Payments failing',
        status: 'investigating',
        impact: 'major',
        body: 'Looking into it.',
        components: { [pay.id]: 'major_outage' },
      })
    ).body
    const impact = (await t.api('GET', `/api/v1/incidents/${inc.id}/impact`)).body
    expect(impact.affected_subscribers).toBe(4)
    // Webhook: nobody confirmed, so no row; Discord: in use, nobody affected, a zero.
    expect(impact.channels).toEqual([
      { channel: 'email', count: 1 },
      { channel: 'slack', count: 1 },
      { channel: 'discord', count: 0 },
      { channel: 'sms', count: 2 },
    ])
    expect(impact.subscribers.map((r: any) => [r.channel, r.count])).toEqual([
      ['email', 1],
      ['slack', 1],
      ['discord', 0],
      ['sms', 2],
    ])
  })
})
