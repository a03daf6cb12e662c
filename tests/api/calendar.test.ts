import { describe, expect, it } from 'vitest'
import { calendarLink, subscriberLinks } from '../../api/services/links.ts'
import { signingSecret } from '../../api/services/secrets.ts'
import { CHANNELS, targetKey, type ChannelName } from '../../core/channels.ts'
import { newId } from '../../core/ids.ts'
import { signToken } from '../../core/signed-token.ts'
import { getSubscriber, insertSubscriber } from '../../db/subscribers.ts'
import { readCalendar, textOf } from '../fixtures/calendar.ts'
import { makeComponent, makeMaintenance } from '../fixtures/factories.ts'
import { seedSubscriber } from '../fixtures/subscribers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

const HOST = 'status.example.com'
const uid = (id: string) => `${id}@${HOST}`
const path = (url: string) => new URL(url).pathname

async function get(t: TestApp, p: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(p, { headers })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

/** The calendar link of a subscriber as it is now (its current token_version). */
async function linkOf(t: TestApp, id: string) {
  const s = (await getSubscriber(t.deps.db, id))!
  return path(await calendarLink(t.deps, s))
}

async function calendarOf(t: TestApp, id: string) {
  const res = await get(t, await linkOf(t, id))
  expect(res.status, res.text).toBe(200)
  const cal = readCalendar(res.text)
  expect(cal.problems).toEqual([])
  return { ...cal, text: res.text, headers: res.headers }
}

/** Two components and four windows: one each, both, and none named. */
async function world(t: TestApp) {
  const pay = await makeComponent(t, { name: 'Payments API' })
  const dash = await makeComponent(t, { name: 'Dashboard' })
  const mPay = await makeMaintenance(t, { name: 'Card vault upgrade', components: [pay.id] })
  const mDash = await makeMaintenance(t, { name: 'Charts rebuild', components: [dash.id] })
  const mBoth = await makeMaintenance(t, { name: 'Network move', components: [pay.id, dash.id] })
  const mNone = await makeMaintenance(t, { name: 'Office move', components: [] })
  return { pay, dash, mPay, mDash, mBoth, mNone }
}

describe('GET /calendar/<token>.ics (a subscriber’s own maintenance calendar)', () => {
  it('holds only the windows of the subscriber’s components; all-components subscribers get all', async () => {
    const t = await createTestApp()
    const w = await world(t)
    const payOnly = await seedSubscriber(t, 'pay@example.com', { components: [w.pay.id] })
    const everything = await seedSubscriber(t, 'all@example.com')

    const mine = await calendarOf(t, payOnly)
    expect(mine.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    expect(mine.headers.get('cache-control')).toBe('private, max-age=300')
    expect(mine.headers.get('set-cookie')).toBeNull()
    expect(mine.events.map((e) => e.uid).sort()).toEqual([uid(w.mPay.id), uid(w.mBoth.id)].sort())
    // Only their own components are named, even in a window holding others.
    expect(mine.byUid.get(uid(w.mBoth.id))!.description).toContain(
      'Your services in this maintenance: Payments API\n',
    )
    expect(mine.calendar?.['WR-CALNAME']).toBe('Example Status maintenance (your services)')

    const all = await calendarOf(t, everything)
    expect(all.events.map((e) => e.uid).sort()).toEqual(
      [w.mPay, w.mDash, w.mBoth, w.mNone].map((m) => uid(m.id)).sort(),
    )
    // The same window has the same UID in every calendar, and the API's times.
    for (const m of [w.mPay, w.mBoth]) {
      const [a, b] = [mine.byUid.get(uid(m.id))!, all.byUid.get(uid(m.id))!]
      expect(new Date(a.start).toISOString()).toBe(m.scheduled_for)
      expect(new Date(a.end!).toISOString()).toBe(m.scheduled_until)
      expect([b.start, b.end, b.sequence]).toEqual([a.start, a.end, a.sequence])
      expect(textOf(a.url)).toBe(m.shortlink)
    }
  })

  it('renders the same bytes again (stable UIDs); answers 304 to its ETag; HEAD works', async () => {
    const t = await createTestApp()
    await world(t)
    const id = await seedSubscriber(t, 'a@example.com')
    const link = await linkOf(t, id)
    const first = await get(t, link)
    t.clock.advance(60_000)
    const second = await get(t, link)
    expect(second.text).toBe(first.text)
    const etag = first.headers.get('etag')!
    expect(etag).toBeTruthy()
    expect((await get(t, link, { 'if-none-match': etag })).status).toBe(304)
    const head = await t.app.request(link, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('a reschedule through the API bumps SEQUENCE and moves the event; a cancel keeps it, CANCELLED', async () => {
    const t = await createTestApp()
    const w = await world(t)
    const id = await seedSubscriber(t, 'a@example.com', { components: [w.pay.id] })
    const before = (await calendarOf(t, id)).byUid.get(uid(w.mPay.id))!
    expect(before.status).toBe('CONFIRMED')

    t.clock.advance(60_000)
    const later = {
      scheduled_for: '2026-03-14T22:00:00.000Z',
      scheduled_until: '2026-03-15T01:00:00.000Z',
    }
    expect((await t.api('PATCH', `/api/v1/maintenances/${w.mPay.id}`, later)).status).toBe(200)
    const moved = (await calendarOf(t, id)).byUid.get(uid(w.mPay.id))!
    expect(moved.sequence).toBeGreaterThan(before.sequence!)
    expect(new Date(moved.start).toISOString()).toBe(later.scheduled_for)
    expect(new Date(moved.end!).toISOString()).toBe(later.scheduled_until)
    expect(new Date(moved.dtstamp).toISOString()).toBe(t.clock.now().toISOString())

    // Another reschedule: higher again. Renaming is a change too.
    t.clock.advance(60_000)
    await t.api('PATCH', `/api/v1/maintenances/${w.mPay.id}`, {
      scheduled_until: '2026-03-15T02:00:00.000Z',
    })
    await t.api('PATCH', `/api/v1/maintenances/${w.mPay.id}`, { name: 'Card vault upgrade, v2' })
    const again = (await calendarOf(t, id)).byUid.get(uid(w.mPay.id))!
    expect(again.sequence).toBeGreaterThan(moved.sequence!)
    expect(textOf(again.summary)).toBe('Maintenance: Card vault upgrade, v2')

    t.clock.advance(60_000)
    const cancel = await t.api('POST', `/api/v1/maintenances/${w.mPay.id}/cancel`, {
      body: 'Not needed after all.',
    })
    expect(cancel.status).toBe(201)
    const cancelled = (await calendarOf(t, id)).byUid.get(uid(w.mPay.id))!
    expect(cancelled.status).toBe('CANCELLED')
    expect(cancelled.sequence).toBeGreaterThan(again.sequence!)
    expect(cancelled.description).toMatch(/^Status: Cancelled\n/)
    expect(cancelled.description).toContain('Not needed after all.')
    // Its UID never changed.
    expect(cancelled.uid).toBe(before.uid)
  })

  it('works for a subscriber of every channel, in their language', async () => {
    const t = await createTestApp()
    const w = await world(t)
    for (const channel of CHANNELS) {
      const id = await seedChannelSubscriber(t, channel, [w.dash.id])
      const cal = await calendarOf(t, id)
      expect(cal.events.map((e) => e.uid).sort(), channel).toEqual(
        [uid(w.mDash.id), uid(w.mBoth.id)].sort(),
      )
    }
    const zh = await seedSubscriber(t, 'zh@example.com', { locale: 'zh-CN' })
    const cal = await calendarOf(t, zh)
    expect(textOf(cal.byUid.get(uid(w.mNone.id))!.summary)).toBe('维护：Office move')
  })

  it('a link stops working on unsubscribe and stays dead after subscribing again; the new one works', async () => {
    const t = await createTestApp()
    await world(t)
    const id = await seedSubscriber(t, 'r@example.com')
    const old = await linkOf(t, id)
    expect((await get(t, old)).status).toBe(200)
    const links = await subscriberLinks(t.deps, (await getSubscriber(t.deps.db, id))!)
    const unsub = await t.app.request(path(links.unsubscribe), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(unsub.status).toBe(200)
    const gone = await get(t, old)
    expect(gone.status).toBe(404)
    expect(JSON.parse(gone.text)).toEqual({
      error: { code: 'not_found', message: 'No calendar at this address' },
    })
    // Even a link signed for the unsubscribed subscriber's current version shows nothing.
    expect((await get(t, await linkOf(t, id))).status).toBe(404)

    const again = await t.app.request(
      '/api/v1/subscriptions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'r@example.com' }),
      },
      { incoming: { socket: { remoteAddress: '198.51.100.9' } } },
    )
    expect(again.status).toBe(202)
    const s = (await getSubscriber(t.deps.db, id))!
    const confirm = path((await subscriberLinks(t.deps, s)).confirm)
    expect((await t.app.request(confirm, { method: 'POST' })).status).toBe(200)
    expect((await getSubscriber(t.deps.db, id))!.status).toBe('confirmed')
    expect((await get(t, old)).status).toBe(404)
    expect((await get(t, await linkOf(t, id))).status).toBe(200)
  })

  it('answers 404 to forged, tampered, other-purpose and malformed links, and writes nothing', async () => {
    const t = await createTestApp()
    await world(t)
    const id = await seedSubscriber(t, 'f@example.com')
    const good = await linkOf(t, id)
    const token = good.slice('/calendar/'.length, -'.ics'.length)
    const [body, sig] = token.split('.') as [string, string]
    const secret = await signingSecret(t.deps)
    const other = 'another-secret-that-is-long-enough-0123456789'
    const sign = (s: string, p: Parameters<typeof signToken>[1]) => signToken(s, p)
    const links = await subscriberLinks(t.deps, (await getSubscriber(t.deps.db, id))!)
    const tokenOf = (url: string) => path(url).split('/').pop()!
    const variants: [string, string][] = [
      [
        'another secret',
        `/calendar/${await sign(other, { p: 'calendar', s: id, v: 1, e: 0 })}.ics`,
      ],
      ['a manage token', `/calendar/${tokenOf(links.manage)}.ics`],
      ['an unsubscribe token', `/calendar/${tokenOf(links.unsubscribe)}.ics`],
      ['a confirm token', `/calendar/${tokenOf(links.confirm)}.ics`],
      [
        'an older version',
        `/calendar/${await sign(secret, { p: 'calendar', s: id, v: 0, e: 0 })}.ics`,
      ],
      [
        'a newer version',
        `/calendar/${await sign(secret, { p: 'calendar', s: id, v: 2, e: 0 })}.ics`,
      ],
      ['nobody', `/calendar/${await sign(secret, { p: 'calendar', s: newId(), v: 1, e: 0 })}.ics`],
      ['expired', `/calendar/${await sign(secret, { p: 'calendar', s: id, v: 1, e: 1 })}.ics`],
      ['signature changed', `/calendar/${body}.${sig.slice(0, -2)}AA.ics`],
      ['payload changed', `/calendar/${body.slice(0, -2)}AA.${sig}.ics`],
      ['signature dropped', `/calendar/${body}.ics`],
      ['three parts', `/calendar/${token}.x.ics`],
      ['no .ics', `/calendar/${token}`],
      ['another suffix', `/calendar/${token}.json`],
      ['garbage', '/calendar/garbage.ics'],
      ['empty', '/calendar/.ics'],
      ['huge', `/calendar/${'a'.repeat(5000)}.ics`],
      ['path traversal', `/calendar/..%2F..%2Fetc%2Fpasswd.ics`],
    ]
    const before = await dumpTables(t.deps.db)
    const wrong: string[] = []
    for (const [label, p] of variants) {
      const res = await get(t, p)
      if (res.status !== 404) wrong.push(`${label}: ${res.status}`)
    }
    expect(wrong).toEqual([])
    expect(t.log.lines.filter((e) => e.level === 'error')).toEqual([])
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect((await get(t, good)).status).toBe(200)
    console.info(`calendar links: ${variants.length} forged or wrong links, all 404`)
  })

  it('the manage page offers the calendar, as webcal:// and as https', async () => {
    const t = await createTestApp()
    await world(t)
    const id = await seedSubscriber(t, 'm@example.com')
    const links = await subscriberLinks(t.deps, (await getSubscriber(t.deps.db, id))!)
    const page = await t.app.request(path(links.manage))
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Add maintenance to your calendar')
    const https = /value="(https:\/\/status\.example\.com\/calendar\/[^"]+\.ics)"/.exec(html)![1]!
    expect(html).toContain(`href="${https.replace(/^https:/, 'webcal:')}"`)
    expect(path(https)).toBe(await linkOf(t, id))
    expect((await get(t, path(https))).status).toBe(200)
  })
})

/** A confirmed subscriber of any channel, written straight to the database. */
async function seedChannelSubscriber(t: TestApp, channel: ChannelName, components: string[]) {
  if (channel === 'email') return seedSubscriber(t, 'email@example.com', { components })
  const target = channel === 'sms' ? '+14155550123' : `https://hooks.example.com/${channel}/abcd`
  const id = newId()
  const at = t.clock.now().toISOString()
  await t.deps.db.batch(
    insertSubscriber({
      id,
      channel,
      email: channel === 'webhook' ? 'ops@example.com' : null,
      email_normalized: null,
      target,
      target_key: targetKey(channel, target),
      secret: null,
      confirm_via: null,
      confirm_code_hash: null,
      confirm_attempts: 0,
      locale: 'en',
      all_components: false,
      components,
      status: 'confirmed',
      created_at: at,
      confirmed_at: at,
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
