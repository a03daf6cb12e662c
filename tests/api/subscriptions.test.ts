import { OpenAPIHono } from '@hono/zod-openapi'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../api/env.ts'
import { handleError } from '../../api/errors.ts'
import { mountSubscriptions } from '../../api/routes/subscriptions.ts'
import { subscriberLinks } from '../../api/services/links.ts'
import { ipKey } from '../../api/services/rate-limit.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { str } from '../../db/rows.ts'

// Requests carry the client address the way @hono/node-server passes it (c.env.incoming.socket).
let nextIp = 1
const envFor = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } })

async function subscribe(
  t: TestApp,
  body: unknown,
  ip = `198.51.100.${nextIp++ % 250}`,
  headers: Record<string, string> = {},
) {
  const res = await t.app.request(
    '/api/v1/subscriptions',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    envFor(ip),
  )
  return { status: res.status, text: await res.text(), headers: res.headers }
}

async function row(t: TestApp, email: string) {
  const rs = await t.deps.db.execute('SELECT * FROM subscribers WHERE email_normalized = ?', [
    email.toLowerCase(),
  ])
  return rs.rows[0] as unknown as
    | {
        id: string
        status: string
        token_version: number
        all_components: number
        locale: string
        confirmation_sent_at: string | null
        confirmed_at: string | null
        unsubscribed_at: string | null
      }
    | undefined
}

async function events(t: TestApp, type?: string) {
  const rs = await t.deps.db.execute(
    'SELECT type, aggregate_id, payload FROM outbox WHERE type LIKE ? ORDER BY id',
    [type ?? 'subscriber.%'],
  )
  return rs.rows.map((r) => ({
    type: str(r, 'type'),
    id: str(r, 'aggregate_id'),
    payload: JSON.parse(str(r, 'payload')),
  }))
}

async function linkPaths(t: TestApp, email: string) {
  const s = (await row(t, email))!
  const links = await subscriberLinks(t.deps, { id: s.id, token_version: Number(s.token_version) })
  const path = (u: string) => new URL(u).pathname
  return {
    confirm: path(links.confirm),
    manage: path(links.manage),
    unsubscribe: path(links.unsubscribe),
  }
}

const post = (t: TestApp, path: string, body = '') =>
  t.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  })

async function subscribeAndConfirm(t: TestApp, email: string, components?: string[]) {
  expect((await subscribe(t, { email, components })).status).toBe(202)
  expect((await post(t, (await linkPaths(t, email)).confirm)).status).toBe(200)
}

const ACCEPTED =
  '{"status":"pending_confirmation","message":"If this address can receive mail, a confirmation link is on its way."}'

describe('subscribing (public API, double opt-in)', () => {
  it('creates a pending subscriber and asks the notifier for exactly one confirmation email', async () => {
    const t = await createTestApp()
    const res = await subscribe(t, { email: ' Ada@Example.com ', locale: 'zh-CN' })
    expect(res.status).toBe(202)
    expect(res.text).toBe(ACCEPTED)
    const s = (await row(t, 'ada@example.com'))!
    expect(s).toMatchObject({
      status: 'pending',
      locale: 'zh-CN',
      all_components: 1,
      confirmation_sent_at: '2026-03-10T12:00:00.000Z',
      confirmed_at: null,
    })
    expect((s as unknown as { email: string }).email).toBe('Ada@Example.com')
    expect(await events(t)).toEqual([
      { type: 'subscriber.confirmation_requested', id: s.id, payload: { subscriber_id: s.id } },
    ])
    const audit = (
      await t.deps.db.execute(
        "SELECT actor_name, action, details FROM audit_log WHERE target_type = 'subscriber'",
      )
    ).rows
    expect(audit.map((r) => [r.actor_name, r.action])).toEqual([
      ['subscriber', 'subscriber.create'],
    ])
    // Nothing personal in the append-only tables: deleting the subscriber must be able to erase it.
    expect(JSON.stringify((await dumpTables(t.deps.db)).outbox)).not.toMatch(/ada@/i)
    expect(JSON.stringify(audit)).not.toMatch(/ada@/i)
  })

  it('stores chosen components; unknown or malformed ids are a 400 with paths and write nothing', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const b = await makeComponent(t)
    expect(
      (await subscribe(t, { email: 'x@example.com', components: [a.id, b.id, a.id] })).status,
    ).toBe(202)
    const s = (await row(t, 'x@example.com'))!
    expect(s.all_components).toBe(0)
    const chosen = await t.deps.db.execute(
      'SELECT component_id FROM subscriber_components WHERE subscriber_id = ? ORDER BY component_id',
      [s.id],
    )
    expect(chosen.rows.map((r) => r.component_id)).toEqual([a.id, b.id].sort())

    const before = await dumpTables(t.deps.db)
    const unknown = await subscribe(t, {
      email: 'y@example.com',
      components: [a.id, 'aaaaaaaaaaaa'],
    })
    expect(unknown.status).toBe(400)
    expect(JSON.parse(unknown.text).error).toMatchObject({
      code: 'unknown_component',
      details: [{ path: 'components.aaaaaaaaaaaa' }],
    })
    const bad = await subscribe(t, {
      email: 'not-an-address',
      components: ['nope'],
      locale: 'fr',
      extra: 1,
    })
    expect(bad.status).toBe(400)
    expect(
      JSON.parse(bad.text)
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['components.0', 'email', 'locale', 'request body'])
    const notJson = await t.app.request('/api/v1/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=a@b.co',
    })
    expect(notJson.status).toBe(415)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('never reveals whether an address is known: new, pending, confirmed and unsubscribed get identical answers', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t)
    await subscribe(t, { email: 'pending@example.com' })
    await subscribeAndConfirm(t, 'confirmed@example.com')
    await subscribeAndConfirm(t, 'left@example.com')
    expect(
      (
        await post(
          t,
          (await linkPaths(t, 'left@example.com')).unsubscribe,
          'List-Unsubscribe=One-Click',
        )
      ).status,
    ).toBe(200)

    const setUp = (await events(t, 'subscriber.confirmation_requested')).length
    for (const wait of [0, 11 * 60_000]) {
      t.clock.advance(wait)
      const answers = []
      for (const email of [
        `new${wait}@example.com`,
        'pending@example.com',
        'confirmed@example.com',
        'left@example.com',
      ]) {
        const res = await subscribe(t, { email, components: [c.id] })
        answers.push([res.status, res.headers.get('content-type'), res.text])
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
      expect(answers[0]).toEqual([202, 'application/json', ACCEPTED])
    }
    // Only what is safe happened: the confirmed subscription is untouched and got no mail.
    const confirmed = (await row(t, 'confirmed@example.com'))!
    expect(confirmed).toMatchObject({ status: 'confirmed', all_components: 1 })
    const requested = (await events(t, 'subscriber.confirmation_requested'))
      .slice(setUp)
      .map((e) => e.id)
    expect(requested).not.toContain(confirmed.id)
    // Pending and unsubscribed addresses got a new confirmation only once the 10 minutes had passed.
    const pending = (await row(t, 'pending@example.com'))!
    const left = (await row(t, 'left@example.com'))!
    expect(requested.filter((id) => id === pending.id)).toHaveLength(1)
    expect(requested.filter((id) => id === left.id)).toHaveLength(1)
    expect(requested).toHaveLength(4)
    expect(left.status).toBe('pending')
  })

  it('sends at most one confirmation per address per 10 minutes', async () => {
    const t = await createTestApp()
    const count = async () => (await events(t, 'subscriber.confirmation_requested')).length
    await subscribe(t, { email: 'a@example.com' })
    expect(await count()).toBe(1)
    await subscribe(t, { email: 'A@example.com' })
    t.clock.advance(9 * 60_000 + 59_000)
    const late = await subscribe(t, { email: 'a@example.com' })
    expect(late.status).toBe(202)
    expect(await count()).toBe(1)
    expect((await row(t, 'a@example.com'))!.confirmation_sent_at).toBe('2026-03-10T12:00:00.000Z')
    t.clock.advance(1_000)
    await subscribe(t, { email: 'a@example.com', locale: 'zh-CN' })
    expect(await count()).toBe(2)
    expect(await row(t, 'a@example.com')).toMatchObject({
      confirmation_sent_at: '2026-03-10T12:10:00.000Z',
      locale: 'zh-CN',
      status: 'pending',
    })
  })

  it('limits requests per client address: the 11th in an hour is a 429 with Retry-After that writes nothing', async () => {
    const t = await createTestApp()
    const ip = '203.0.113.7'
    for (let i = 0; i < 10; i++)
      expect((await subscribe(t, { email: `u${i}@example.com` }, ip)).status).toBe(202)
    t.clock.advance(30 * 60_000)
    const before = await dumpTables(t.deps.db)
    const refused = await subscribe(t, { email: 'u10@example.com' }, ip)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1800')
    expect(JSON.parse(refused.text)).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/try again in 30 minutes/) },
    })
    // Invalid requests from a blocked address are refused too, before validation.
    expect((await subscribe(t, { email: 'bad' }, ip)).status).toBe(429)
    // The HTML form shares the limit.
    const form = await t.app.request(
      '/subscribe',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=u11%40example.com',
      },
      envFor(ip),
    )
    expect(form.status).toBe(429)
    expect(form.headers.get('retry-after')).toBe('1800')
    expect(await form.text()).toMatch(/Too many requests/)
    expect(await dumpTables(t.deps.db)).toEqual(before)
    // Forwarding headers are not trusted by default: they cannot buy a fresh bucket.
    expect(
      (await subscribe(t, { email: 'u12@example.com' }, ip, { 'x-forwarded-for': '192.0.2.1' }))
        .status,
    ).toBe(429)
    // Someone else is not affected, and the window slides.
    expect((await subscribe(t, { email: 'other@example.com' }, '203.0.113.8')).status).toBe(202)
    t.clock.advance(30 * 60_000)
    expect((await subscribe(t, { email: 'u10@example.com' }, ip)).status).toBe(202)
  })

  it('counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4', async () => {
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(ipKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(ipKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(ipKey('::ffff:192.0.2.9')).toBe('192.0.2.9')
    expect(ipKey('192.0.2.9')).toBe('192.0.2.9')
    const t = await createTestApp()
    for (let i = 0; i < 10; i++)
      expect(
        (await subscribe(t, { email: `v${i}@example.com` }, `2001:db8:1:2::${i + 1}`)).status,
      ).toBe(202)
    expect((await subscribe(t, { email: 'v10@example.com' }, '2001:db8:1:2:ffff::1')).status).toBe(
      429,
    )
    expect((await subscribe(t, { email: 'v10@example.com' }, '2001:db8:1:3::1')).status).toBe(202)
  })

  it('trusts X-Forwarded-For only when told a proxy sets it (right-most entry)', async () => {
    const t = await createTestApp()
    const app = new OpenAPIHono<AppEnv>()
    app.onError((err, c) => handleError(err, c, t.deps.log))
    mountSubscriptions(app, t.deps, { trustProxy: true, perIpPerHour: 1 })
    const call = (xff: string, email: string) =>
      app.request(
        '/api/v1/subscriptions',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
          body: JSON.stringify({ email }),
        },
        envFor('10.0.0.1'),
      )
    expect((await call('192.0.2.50, 198.51.100.1', 'p@example.com')).status).toBe(202)
    expect((await call('192.0.2.51, 198.51.100.1', 'q@example.com')).status).toBe(429)
    expect((await call('198.51.100.2', 'q@example.com')).status).toBe(202)
  })

  it('a concurrent duplicate of a new address still answers 202 and sends one confirmation', async () => {
    const t = await createTestApp()
    const results = await Promise.all([
      subscribe(t, { email: 'same@example.com' }),
      subscribe(t, { email: 'same@example.com' }),
    ])
    expect(results.map((r) => r.status)).toEqual([202, 202])
    expect(await events(t, 'subscriber.confirmation_requested')).toHaveLength(1)
  })

  it('runs the state machine: pending → confirmed → unsubscribed → pending → confirmed, old links dying on the way', async () => {
    const t = await createTestApp()
    await subscribe(t, { email: 'cycle@example.com' })
    const first = await linkPaths(t, 'cycle@example.com')
    expect((await post(t, first.confirm)).status).toBe(200)
    expect(await row(t, 'cycle@example.com')).toMatchObject({
      status: 'confirmed',
      token_version: 1,
      confirmed_at: '2026-03-10T12:00:00.000Z',
    })
    t.clock.advance(60_000)
    expect((await post(t, first.unsubscribe, 'List-Unsubscribe=One-Click')).status).toBe(200)
    expect(await row(t, 'cycle@example.com')).toMatchObject({
      status: 'unsubscribed',
      token_version: 2,
      unsubscribed_at: '2026-03-10T12:01:00.000Z',
    })
    // The old manage and confirm links died with the unsubscribe.
    expect((await t.app.request(first.manage)).status).toBe(400)
    expect((await post(t, first.confirm)).status).toBe(400)
    t.clock.advance(10 * 60_000)
    await subscribe(t, { email: 'cycle@example.com' })
    expect(await row(t, 'cycle@example.com')).toMatchObject({
      status: 'pending',
      token_version: 2,
      unsubscribed_at: null,
      confirmed_at: null,
    })
    const second = await linkPaths(t, 'cycle@example.com')
    expect((await post(t, second.confirm)).status).toBe(200)
    // The unsubscribe link from before must not end the new subscription.
    expect((await post(t, first.unsubscribe, 'List-Unsubscribe=One-Click')).status).toBe(400)
    expect((await row(t, 'cycle@example.com'))!.status).toBe('confirmed')
    expect((await events(t)).map((e) => e.type)).toEqual([
      'subscriber.confirmation_requested',
      'subscriber.confirmed',
      'subscriber.unsubscribed',
      'subscriber.confirmation_requested',
      'subscriber.confirmed',
    ])
  })
})
