import { describe, expect, it } from 'vitest'
import { parseCsv, restoreCell } from '../../core/csv.ts'
import { str, strOrNull } from '../../db/rows.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { seedSubscriber, subscriberTables, subscriptionsNow } from '../fixtures/subscribers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

// The API side of the import preview (dry run, digest) and of the CSV export.

const importCsv = (
  t: TestApp,
  csv: string,
  query = '',
  opts: { token?: string; headers?: Record<string, string> } = {},
) =>
  t.api('POST', `/api/v1/subscribers/import${query}`, undefined, {
    raw: csv,
    token: opts.token,
    headers: { 'content-type': 'text/csv', ...opts.headers },
  })

async function exportCsv(t: TestApp, token?: string) {
  const res = await t.app.request('/api/v1/subscribers/export', {
    headers: { authorization: `Bearer ${token ?? 'amd_test_admin_token_0123456789abcdef'}` },
  })
  return { res, text: await res.text() }
}

async function auditActions(t: TestApp) {
  const rs = await t.deps.db.execute(
    'SELECT action, actor_name, details FROM audit_log ORDER BY id',
  )
  return rs.rows.map((r) => [str(r, 'action'), str(r, 'actor_name'), strOrNull(r, 'details')])
}

async function importWorld() {
  const t = await createTestApp()
  const a = await makeComponent(t, { name: 'A' })
  const b = await makeComponent(t, { name: 'B' })
  await seedSubscriber(t, 'pending@example.com', { status: 'pending' })
  const same = await seedSubscriber(t, 'same@example.com')
  const change = await seedSubscriber(t, 'change@example.com', { components: [a.id] })
  const left = await seedSubscriber(t, 'left@example.com', { status: 'unsubscribed' })
  const csv = [
    'email,components,locale',
    'new@example.com,,',
    'same@example.com,,',
    `change@example.com,${b.id},zh-CN`,
    'left@example.com,,',
  ].join('\n')
  return { t, a, b, same, change, left, csv }
}

describe('POST /api/v1/subscribers/import?dry_run=true', () => {
  it('answers the report an import would give, row by row, and writes nothing', async () => {
    const { t, a, b, same, change, left, csv } = await importWorld()
    const before = await subscriberTables(t)
    const dry = await importCsv(t, csv, '?dry_run=true')
    expect(dry.status, JSON.stringify(dry.body)).toBe(200)
    expect(dry.body).toEqual({
      dry_run: true,
      created: 1,
      updated: 1,
      unchanged: 1,
      skipped: 1,
      errors: [],
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      rows: [
        {
          line: 2,
          action: 'create',
          reason: null,
          subscriber_id: null,
          before: null,
          after: { status: 'confirmed', locale: 'en', all_components: true, components: [] },
        },
        {
          line: 3,
          action: 'unchanged',
          reason: null,
          subscriber_id: same,
          before: { status: 'confirmed', locale: 'en', all_components: true, components: [] },
          after: null,
        },
        {
          line: 4,
          action: 'update',
          reason: null,
          subscriber_id: change,
          before: { status: 'confirmed', locale: 'en', all_components: false, components: [a.id] },
          after: {
            status: 'confirmed',
            locale: 'zh-CN',
            all_components: false,
            components: [b.id],
          },
        },
        {
          line: 5,
          action: 'skip',
          reason: 'unsubscribed',
          subscriber_id: left,
          before: { status: 'unsubscribed', locale: 'en', all_components: true, components: [] },
          after: null,
        },
      ],
    })
    // Not an address in it: a report may be stored for a retry, and erasure must reach it.
    expect(JSON.stringify(dry.body)).not.toContain('@')
    expect(await subscriberTables(t)).toEqual(before)

    // The same file again: the same plan, the same digest (CRLF and a BOM change nothing).
    const again = await importCsv(t, `\uFEFF${csv.replaceAll('\n', '\r\n')}`, '?dry_run=true')
    expect(again.body).toEqual(dry.body)

    // Committed with that digest: the report is the plan, with the new address's id.
    const done = await importCsv(t, csv, `?digest=${dry.body.digest}`)
    expect(done.status).toBe(200)
    const id = (await t.api('GET', '/api/v1/subscribers?q=new@')).body[0].id
    expect(done.body).toEqual({
      ...dry.body,
      dry_run: false,
      rows: [{ ...dry.body.rows[0], subscriber_id: id }, ...dry.body.rows.slice(1)],
    })
  })

  it('a digest that no longer matches is refused with 409 import_changed and writes nothing', async () => {
    const { t, csv } = await importWorld()
    const dry = await importCsv(t, csv, '?dry_run=true')
    // The subscriber to update unsubscribes meanwhile.
    await t.deps.db.execute(
      "UPDATE subscribers SET status = 'unsubscribed', version = version + 1 WHERE email_normalized = 'change@example.com'",
    )
    const before = await subscriberTables(t)
    const res = await importCsv(t, csv, `?digest=${dry.body.digest}`)
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('import_changed')
    expect(await subscriberTables(t)).toEqual(before)
    // A file other than the previewed one, with the preview's digest: refused too.
    const other = await importCsv(t, `${csv}\nextra@example.com,,`, `?digest=${dry.body.digest}`)
    expect(other.status).toBe(409)
    expect(await subscriberTables(t)).toEqual(before)
    const bad = await importCsv(t, csv, '?digest=nothex')
    expect(bad.status).toBe(400)
    expect((await importCsv(t, csv, '?dry_run=yes')).status).toBe(400)
    expect(await subscriberTables(t)).toEqual(before)
  })

  it('an invalid file gets the same 400 in a dry run; dry runs need the admin scope', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const res = await importCsv(t, 'email\nnot-an-address\n', '?dry_run=true')
    expect(res.status).toBe(400)
    expect(res.body.error.details).toEqual([
      { path: 'lines.2.email', message: 'Must be an email address' },
    ])
    const writer = await t.token('write')
    const after = await dumpTables(t.deps.db)
    expect(after.subscribers).toEqual(before.subscribers)
    expect(
      (await importCsv(t, 'email\na@example.com\n', '?dry_run=true', { token: writer })).status,
    ).toBe(403)
  })

  it('a dry run neither replays nor stores an Idempotency-Key; the import with it still does', async () => {
    const t = await createTestApp()
    const key = { headers: { 'idempotency-key': 'imp-7' } }
    const dry = await importCsv(t, 'email\na@example.com\n', '?dry_run=true', key)
    expect(dry.body.dry_run).toBe(true)
    const real = await importCsv(t, 'email\na@example.com\n', '', key)
    expect(real.body).toMatchObject({ dry_run: false, created: 1 })
    const replay = await importCsv(t, 'email\na@example.com\n', '', key)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body).toEqual(real.body)
    // A later dry run with the same key shows what importing now would do, not the stored report.
    const later = await importCsv(t, 'email\na@example.com\n', '?dry_run=true', key)
    expect(later.headers.get('idempotent-replayed')).toBeNull()
    expect(later.body).toMatchObject({ dry_run: true, created: 0, unchanged: 1 })
  })

  it('an erased subscriber leaves no address behind, even in a stored import report', async () => {
    const t = await createTestApp()
    await importCsv(t, 'email\nerase.me@example.com\n', '', {
      headers: { 'idempotency-key': 'imp-erase' },
    })
    const id = (await t.api('GET', '/api/v1/subscribers?q=erase.me')).body[0].id
    expect((await t.api('DELETE', `/api/v1/subscribers/${id}`)).status).toBe(200)
    expect(JSON.stringify(await dumpTables(t.deps.db))).not.toMatch(/erase\.me/i)
  })
})

describe('GET /api/v1/subscribers/export', () => {
  it('is CSV of the confirmed subscribers, neutralised, an attachment, never cached, audited', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'A' })
    const b = await makeComponent(t, { name: 'B' })
    await seedSubscriber(t, 'ada@example.com')
    await seedSubscriber(t, 'bob@example.com', { components: [b.id, a.id], locale: 'zh-CN' })
    await seedSubscriber(t, '@cmd@example.com')
    await seedSubscriber(t, '\t=1+1@example.com')
    await seedSubscriber(t, 'pending@example.com', { status: 'pending' })
    await seedSubscriber(t, 'left@example.com', { status: 'unsubscribed' })
    await seedSubscriber(t, 'bounced@example.com', { status: 'quarantined' })
    const { res, text } = await exportCsv(t)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="subscribers-2026-03-10.csv"',
    )
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(text).toBe(
      [
        '"email","components","locale"',
        '"\'\t=1+1@example.com","","en"',
        '"\'@cmd@example.com","","en"',
        '"ada@example.com","","en"',
        `"bob@example.com","${[a.id, b.id].sort().join(';')}","zh-CN"`,
        '',
      ].join('\r\n'),
    )
    const cells = parseCsv(text).flatMap((r) => r.fields)
    for (const c of cells) expect(c).not.toMatch(/^\s*[=+\-@]|^[\t\r]/)
    expect(cells.map(restoreCell)).toContain('\t=1+1@example.com')
    expect((await auditActions(t)).filter(([action]) => action === 'subscriber.export')).toEqual([
      ['subscriber.export', 'admin (AMENDS_ADMIN_TOKEN)', '{"count":4}'],
    ])
  })

  it('round-trips: export, erase, import the export: the same subscriptions, the same file', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'A' })
    const b = await makeComponent(t, { name: 'B' })
    const emails = [
      'plain@example.com',
      'Mixed.Case@Example.COM',
      '-dash@example.com',
      '+plus@example.com',
      "'quote@example.com",
      "'-both@example.com",
      "o'brien@example.com",
      'under_score@example.com',
    ]
    for (const [i, e] of emails.entries()) {
      await seedSubscriber(t, e, {
        components: i % 3 === 0 ? [] : i % 3 === 1 ? [a.id] : [a.id, b.id],
        locale: i % 2 ? 'zh-CN' : 'en',
      })
    }
    const before = await subscriptionsNow(t)
    const first = await exportCsv(t)
    await t.deps.db.batch(['DELETE FROM subscriber_components', 'DELETE FROM subscribers'], 'write')
    const res = await importCsv(t, first.text)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ created: emails.length, updated: 0, skipped: 0 })
    expect(await subscriptionsNow(t)).toEqual(before)
    expect((await exportCsv(t)).text).toBe(first.text)
    // Imported over the same subscribers, the export changes nothing.
    expect((await importCsv(t, first.text, '?dry_run=true')).body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: emails.length,
    })
  })

  it('needs the admin scope', async () => {
    const t = await createTestApp()
    await seedSubscriber(t, 'secret@example.com')
    for (const scope of ['read', 'write'] as const) {
      const { res, text } = await exportCsv(t, await t.token(scope))
      expect([scope, res.status]).toEqual([scope, 403])
      expect(text).not.toContain('secret@')
    }
    const anon = await t.app.request('/api/v1/subscribers/export')
    expect(anon.status).toBe(401)
  })
})
