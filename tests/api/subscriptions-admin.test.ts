import { describe, expect, it } from 'vitest'
import { subscriberLinks } from '../../api/services/links.ts'
import { parseCsv } from '../../core/csv.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { str } from '../../db/rows.ts'

// The operator's side: list, search, counts, erasure and CSV import (admin scope).

let nextIp = 1
async function subscribe(t: TestApp, email: string, components?: string[]) {
  const res = await t.app.request(
    '/api/v1/subscriptions',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, components }),
    },
    { incoming: { socket: { remoteAddress: `198.51.100.${nextIp++ % 250}` } } },
  )
  expect(res.status).toBe(202)
  const row = (
    await t.deps.db.execute(
      'SELECT id, token_version FROM subscribers WHERE email_normalized = ?',
      [email.toLowerCase()],
    )
  ).rows[0]!
  return { id: str(row, 'id'), token_version: Number(row.token_version) }
}

async function links(t: TestApp, s: { id: string; token_version: number }) {
  const l = await subscriberLinks(t.deps, s)
  return { confirm: new URL(l.confirm).pathname, unsubscribe: new URL(l.unsubscribe).pathname }
}

const post = (t: TestApp, path: string) => t.app.request(path, { method: 'POST' })

async function confirmed(t: TestApp, email: string, components?: string[]) {
  const s = await subscribe(t, email, components)
  expect((await post(t, (await links(t, s)).confirm)).status).toBe(200)
  return s.id
}

async function unsubscribed(t: TestApp, email: string) {
  const s = await subscribe(t, email)
  const l = await links(t, s)
  await post(t, l.confirm)
  expect((await post(t, l.unsubscribe)).status).toBe(200)
  return s.id
}

const importCsv = (t: TestApp, csv: string, opts: { token?: string | null; type?: string } = {}) =>
  t.api('POST', '/api/v1/subscribers/import', undefined, {
    raw: csv,
    token: opts.token,
    headers: { 'content-type': opts.type ?? 'text/csv' },
  })

describe('subscriber administration', () => {
  it('lists, searches and filters subscribers with X-Total-Count; admin scope only', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const b = await makeComponent(t)
    await confirmed(t, 'ada@example.com')
    t.clock.advance(1000)
    await confirmed(t, 'bob@example.org', [a.id])
    t.clock.advance(1000)
    await subscribe(t, 'carol_x@example.com', [b.id])
    t.clock.advance(1000)
    await unsubscribed(t, 'dave@example.net')

    const all = await t.api('GET', '/api/v1/subscribers')
    expect(all.status).toBe(200)
    expect(all.headers.get('x-total-count')).toBe('4')
    expect(all.body.map((s: any) => s.email)).toEqual([
      'dave@example.net',
      'carol_x@example.com',
      'bob@example.org',
      'ada@example.com',
    ])
    expect(all.body[2]).toEqual({
      id: expect.any(String),
      channel: 'email',
      email: 'bob@example.org',
      url: null,
      phone: null,
      locale: 'en',
      status: 'confirmed',
      all_components: false,
      components: [a.id],
      created_at: '2026-03-10T12:00:01.000Z',
      confirmed_at: '2026-03-10T12:00:01.000Z',
      unsubscribed_at: null,
      quarantined_at: null,
      permanent_failures: 0,
    })
    const emails = async (query: string) => {
      const res = await t.api('GET', `/api/v1/subscribers?${query}`)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body.map((s: any) => s.email)
    }
    expect(await emails('q=EXAMPLE.COM')).toEqual(['carol_x@example.com', 'ada@example.com'])
    // LIKE wildcards in the query are literal.
    expect(await emails('q=_x')).toEqual(['carol_x@example.com'])
    expect(await emails('q=%25')).toEqual([])
    expect(await emails('status=confirmed')).toEqual(['bob@example.org', 'ada@example.com'])
    // "Who hears about A": those who chose it, and those who chose everything.
    expect(await emails(`component=${a.id}&status=confirmed`)).toEqual([
      'bob@example.org',
      'ada@example.com',
    ])
    expect(await emails(`component=${b.id}`)).toEqual([
      'dave@example.net',
      'carol_x@example.com',
      'ada@example.com',
    ])
    const page = await t.api('GET', '/api/v1/subscribers?per_page=1&page=2')
    expect(page.body.map((s: any) => s.email)).toEqual(['carol_x@example.com'])
    expect(page.headers.get('x-total-count')).toBe('4')
    expect((await t.api('GET', '/api/v1/subscribers?status=gone')).status).toBe(400)

    const writer = await t.token('write')
    expect((await t.api('GET', '/api/v1/subscribers', undefined, { token: writer })).status).toBe(
      403,
    )
    expect(
      (await t.api('GET', '/api/v1/subscribers/counts', undefined, { token: writer })).status,
    ).toBe(403)
    expect((await t.api('GET', '/api/v1/subscribers', undefined, { token: null })).status).toBe(401)
  })

  it('gets one subscriber; 404 for an unknown id', async () => {
    const t = await createTestApp()
    const id = await confirmed(t, 'ada@example.com')
    const res = await t.api('GET', `/api/v1/subscribers/${id}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id,
      email: 'ada@example.com',
      status: 'confirmed',
      all_components: true,
    })
    expect(res.body).not.toHaveProperty('token_version')
    expect((await t.api('GET', '/api/v1/subscribers/aaaaaaaaaaaa')).status).toBe(404)
  })

  it('counts confirmed subscribers per component, "all components" ones counted for every component', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'A' })
    const b = await makeComponent(t, { name: 'B' })
    const c = await makeComponent(t, { name: 'C' })
    await confirmed(t, 'all1@example.com')
    await confirmed(t, 'all2@example.com')
    await confirmed(t, 'ab@example.com', [a.id, b.id])
    await confirmed(t, 'b@example.com', [b.id])
    await subscribe(t, 'pending@example.com', [c.id])
    await subscribe(t, 'pending-all@example.com')
    await unsubscribed(t, 'gone@example.com')
    const res = await t.api('GET', '/api/v1/subscribers/counts')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      total: 7,
      by_status: { pending: 2, confirmed: 4, unsubscribed: 1, quarantined: 0 },
      all_components: 2,
      components: [
        { id: a.id, name: 'A', confirmed: 3 },
        { id: b.id, name: 'B', confirmed: 4 },
        { id: c.id, name: 'C', confirmed: 2 },
      ],
      by_component_channel: [
        { component_id: a.id, component: 'A', channel: 'email', count: 3 },
        { component_id: b.id, component: 'B', channel: 'email', count: 4 },
        { component_id: c.id, component: 'C', channel: 'email', count: 2 },
      ],
      by_channel: { email: 7, webhook: 0, slack: 0, teams: 0, discord: 0, sms: 0 },
    })
  })

  it('DELETE erases the subscriber and its deliveries; nothing personal is left anywhere', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const id = await confirmed(t, 'erase.me@example.com', [a.id])
    await t.deps.db.execute({
      sql: "INSERT INTO deliveries (event_id, subscriber_id, status, next_attempt_at, created_at) VALUES (1, ?, 'sent', ?, ?)",
      args: [id, '2026-03-10T12:00:00.000Z', '2026-03-10T12:00:00.000Z'],
    })
    const keep = await confirmed(t, 'keep@example.com')
    const res = await t.api('DELETE', `/api/v1/subscribers/${id}`, undefined, {
      headers: { 'idempotency-key': 'erase-1' },
    })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ id, deleted_at: '2026-03-10T12:00:00.000Z' })
    expect((await t.api('GET', `/api/v1/subscribers/${id}`)).status).toBe(404)
    expect((await t.api('DELETE', `/api/v1/subscribers/${id}`)).status).toBe(404)
    const dump = await dumpTables(t.deps.db)
    expect(JSON.stringify(dump)).not.toMatch(/erase\.me/i)
    expect(dump.deliveries).toEqual([])
    expect(dump.subscriber_components).toEqual([])
    expect(dump.subscribers!.map((r: any) => r.id)).toEqual([keep])
    const events = dump.outbox!.filter((r: any) => r.type === 'subscriber.deleted')
    expect(events.map((r: any) => r.aggregate_id)).toEqual([id])
    // The address may subscribe again from scratch.
    const again = await subscribe(t, 'erase.me@example.com')
    expect(again.id).not.toBe(id)
  })

  it('imports a CSV: new addresses confirmed, pending confirmed, opt-outs respected, quoting handled', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const b = await makeComponent(t)
    await subscribe(t, 'pending@example.com')
    const keep = await confirmed(t, 'same@example.com')
    await confirmed(t, 'change@example.com')
    await unsubscribed(t, 'left@example.com')
    const csv = [
      '\uFEFFEmail,Components,Locale',
      `new-all@example.com,,`,
      `"New.Some@Example.com","${a.id}; ${b.id}",zh-CN`,
      '',
      `pending@example.com,${a.id},`,
      `same@example.com,,en`,
      `change@example.com,${b.id},`,
      `LEFT@example.com,,`,
    ].join('\r\n')
    const res = await importCsv(t, csv)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({
      dry_run: false,
      created: 2,
      updated: 2,
      unchanged: 1,
      skipped: 1,
      errors: [],
    })
    expect(res.body.rows.map((r: any) => [r.line, r.action, r.reason])).toEqual([
      [2, 'create', null],
      [3, 'create', null],
      [5, 'update', null],
      [6, 'unchanged', null],
      [7, 'update', null],
      [8, 'skip', 'unsubscribed'],
    ])

    const get = async (email: string) =>
      (await t.api('GET', `/api/v1/subscribers?q=${encodeURIComponent(email)}`)).body[0]
    expect(await get('new-all@example.com')).toMatchObject({
      status: 'confirmed',
      all_components: true,
      locale: 'en',
      confirmed_at: '2026-03-10T12:00:00.000Z',
    })
    expect(await get('new.some@example.com')).toMatchObject({
      email: 'New.Some@Example.com',
      status: 'confirmed',
      all_components: false,
      components: [a.id, b.id].sort(),
      locale: 'zh-CN',
    })
    expect(await get('pending@example.com')).toMatchObject({
      status: 'confirmed',
      components: [a.id],
    })
    expect(await get('same@example.com')).toMatchObject({
      id: keep,
      status: 'confirmed',
      all_components: true,
    })
    expect(await get('change@example.com')).toMatchObject({
      all_components: false,
      components: [b.id],
    })
    expect(await get('left@example.com')).toMatchObject({ status: 'unsubscribed' })
    // Imports never trigger a confirmation email; each change is an event, the import one audit row.
    const outbox = (
      await t.deps.db.execute("SELECT type FROM outbox WHERE type = 'subscriber.imported'")
    ).rows
    expect(outbox).toHaveLength(4)
    const audit = await t.api('GET', '/api/v1/audit')
    expect(audit.body[0]).toMatchObject({
      action: 'subscriber.import',
      actor_name: expect.any(String),
      details: { created: 2, updated: 2, unchanged: 1, skipped: 1 },
    })

    // Running the same file again changes nothing.
    const before = await dumpTables(t.deps.db)
    const again = await importCsv(t, csv)
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 5, skipped: 1 })
    const after = await dumpTables(t.deps.db)
    expect(after.subscribers).toEqual(before.subscribers)
    expect(after.subscriber_components).toEqual(before.subscriber_components)
  })

  it('a file without a components column leaves existing choices alone', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    await confirmed(t, 'chosen@example.com', [a.id])
    const res = await importCsv(t, 'email,locale\nchosen@example.com,zh-CN\n')
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 0, skipped: 0 })
    expect((await t.api('GET', '/api/v1/subscribers?q=chosen')).body[0]).toMatchObject({
      components: [a.id],
      all_components: false,
      locale: 'zh-CN',
    })
  })

  it('rejects a file with any bad row as a whole, listing every problem by line, writing nothing', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const writer = await t.token('write')
    const before = await dumpTables(t.deps.db)
    const csv = [
      'email,components,locale',
      'good@example.com,,',
      'not-an-address,,',
      `"multi\nline@example.com",,`,
      `ok2@example.com,${a.id};aaaaaaaaaaaa,`,
      'ok3@example.com,,fr',
      'GOOD@example.com,,',
      'extra@example.com,,en,surplus',
    ].join('\n')
    const res = await importCsv(t, csv)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_csv')
    expect(res.body.error.message).toMatch(/nothing was imported/)
    expect(res.body.error.details).toEqual([
      { path: 'lines.3.email', message: expect.any(String) },
      { path: 'lines.4.email', message: expect.any(String) },
      { path: 'lines.6.components', message: 'No component with id aaaaaaaaaaaa' },
      { path: 'lines.7.locale', message: 'Must be one of en, zh-CN' },
      { path: 'lines.8.email', message: 'The same address as line 2' },
      { path: 'lines.9', message: 'Has 4 fields; the header has 3' },
    ])
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const cases: [string, string][] = [
      ['', 'lines.1'],
      ['name,email\nx,a@example.com', 'lines.1'],
      ['components,locale\n,en', 'lines.1'],
      ['email,email\na@example.com,a@example.com', 'lines.1'],
      ['email\n', 'lines.2'],
      ['email\n"a@example.com', 'lines.2'],
    ]
    for (const [body, path] of cases) {
      const bad = await importCsv(t, body)
      expect([body, bad.status, bad.body.error.details[0].path]).toEqual([body, 400, path])
    }
    expect((await importCsv(t, 'email\na@example.com', { type: 'application/json' })).status).toBe(
      415,
    )
    expect((await importCsv(t, 'email\na@example.com', { type: 'text/plain' })).status).toBe(415)
    expect((await importCsv(t, 'email\na@example.com', { token: writer })).status).toBe(403)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('an idempotent import replays its report', async () => {
    const t = await createTestApp()
    const first = await t.api('POST', '/api/v1/subscribers/import', undefined, {
      raw: 'email\na@example.com\n',
      headers: { 'content-type': 'text/csv', 'idempotency-key': 'imp-1' },
    })
    expect(first.body).toMatchObject({ created: 1, updated: 0, unchanged: 0, skipped: 0 })
    const replay = await t.api('POST', '/api/v1/subscribers/import', undefined, {
      raw: 'email\na@example.com\n',
      headers: {
        'content-type': 'text/csv',
        'idempotency-key': 'imp-1',
        authorization: `Bearer ${ADMIN_TOKEN}`,
      },
    })
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body).toEqual(first.body)
  })

  it('parses RFC 4180 CSV with the line each record starts on', () => {
    expect(parseCsv('a,b\r\n"x, ""y""",z\n\n"multi\nline",2\nlast')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'z'] },
      { line: 4, fields: ['multi\nline', '2'] },
      { line: 6, fields: ['last'] },
    ])
    expect(parseCsv('\uFEFFemail\n,\n')).toEqual([
      { line: 1, fields: ['email'] },
      { line: 2, fields: ['', ''] },
    ])
  })

  it('documents the endpoints in the OpenAPI file', async () => {
    const t = await createTestApp()
    const doc = (await t.api('GET', '/api/v1/openapi.json', undefined, { token: null })).body
    for (const path of [
      '/api/v1/subscriptions',
      '/api/v1/subscribers',
      '/api/v1/subscribers/counts',
      '/api/v1/subscribers/{id}',
      '/api/v1/subscribers/import',
    ]) {
      expect(doc.paths).toHaveProperty([path])
    }
    expect(doc.paths['/api/v1/subscriptions'].post.security).toBeUndefined()
    expect(doc.paths['/api/v1/subscriptions'].post.responses).toHaveProperty('429')
    expect(doc.paths['/api/v1/subscribers/import'].post.requestBody.content).toHaveProperty([
      'text/csv',
    ])
    expect(doc.components.schemas).toHaveProperty('SubscriptionCreate')
  })
})
