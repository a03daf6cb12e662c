import { describe, expect, it } from 'vitest'
import { parseCsv, restoreCell } from '../../core/csv.ts'
import { str, strOrNull } from '../../db/rows.ts'
import { createPerson, ORIGIN, signIn, type ConsoleSession } from '../fixtures/console.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { seedSubscriber, subscriberTables, subscriptionsNow } from '../fixtures/subscribers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

// The Subscribers section (admin): list, search, counts, one subscriber, erasure, CSV import
// with its preview, export. In-process, through the console's own forms.

const idem = () => Math.random().toString(36).slice(2).padEnd(24, '0').slice(0, 24)

/** The page as a person reads it: tags gone, entities decoded, spaces collapsed. */
const text = (html: string) =>
  unescape(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .replace(/ ([,.;:)])/g, '$1')
    .trim()

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

/** A hidden field's value in a page (the CSV and digest the preview carries). */
function hidden(html: string, name: string): string {
  const m = new RegExp(`<input\\s+type="hidden"\\s+name="${name}"\\s+value="([^"]*)"`).exec(html)
  if (!m) throw new Error(`no hidden field ${name}`)
  return unescape(m[1]!)
}

async function world(zone?: string) {
  const t = await createTestApp(zone ? { env: { TIME_ZONE: zone } } : {})
  await createPerson(t, { role: 'admin', email: 'ann@example.com', name: 'Ann Lee' })
  const s = await signIn(t, 'ann@example.com')
  const checkout = await makeComponent(t, { name: 'Checkout' })
  const api = await makeComponent(t, { name: 'Public API' })
  return { t, s, checkout, api }
}

/** Posts the import form as a browser does: multipart, a file part (maybe empty), the paste box. */
function upload(
  t: TestApp,
  s: ConsoleSession,
  o: { file?: string | Uint8Array; paste?: string; csrf?: string | null; origin?: string } = {},
) {
  const fd = new FormData()
  if (o.csrf !== null) fd.append('_csrf', o.csrf ?? s.csrf)
  const bytes = o.file === undefined ? [] : [o.file as BlobPart]
  fd.append(
    'file',
    new File(bytes, o.file === undefined ? '' : 'subscribers.csv', { type: 'text/csv' }),
  )
  fd.append('csv', o.paste ?? '')
  return t.app.request('/admin/subscribers/import', {
    method: 'POST',
    headers: { cookie: s.cookie, origin: o.origin ?? ORIGIN },
    body: fd,
  })
}

/** Presses the preview's import button (the fields it carries, a given idempotency key). */
function commit(s: ConsoleSession, preview: string, key = hidden(preview, '_idem')) {
  return s.post('/admin/subscribers/import/commit', {
    csv: hidden(preview, 'csv'),
    digest: hidden(preview, 'digest'),
    _idem: key,
  })
}

async function auditRows(t: TestApp, action: string) {
  const rs = await t.deps.db.execute({
    sql: 'SELECT actor_name, actor_email, details FROM audit_log WHERE action = ? ORDER BY id',
    args: [action],
  })
  return rs.rows.map((r) => ({
    actor: [r.actor_name, r.actor_email],
    details: JSON.parse(strOrNull(r, 'details') ?? 'null') as unknown,
  }))
}

describe('/admin/subscribers: list, search, counts', () => {
  it('searches by address (substring, any case), filters by status and pages through', async () => {
    const { t, s, checkout } = await world('Europe/Berlin')
    await seedSubscriber(t, 'Ada.Lovelace@Example.com', { ago: 180_000 })
    await seedSubscriber(t, 'bob@example.org', { components: [checkout.id], ago: 120_000 })
    await seedSubscriber(t, 'carol_x@example.com', { status: 'pending', ago: 60_000 })
    await seedSubscriber(t, 'dave@example.net', { status: 'unsubscribed', ago: 30_000 })
    await seedSubscriber(t, 'eve@example.net', { status: 'quarantined', locale: 'zh-CN' })

    const all = await s.get('/admin/subscribers')
    expect(all.status).toBe(200)
    const page = text(await all.text())
    expect(page).toContain('5 subscribers, newest first')
    for (const e of ['Ada.Lovelace@Example.com', 'bob@example.org', 'carol_x@example.com'])
      expect(page).toContain(e)
    // Every status is named in words (colour is only a second signal).
    expect(page).toMatch(
      /Ada\.Lovelace@Example\.com Email Confirmed All components English 10 Mar 2026 /,
    )
    expect(page).toMatch(/bob@example\.org Email Confirmed Checkout English/)
    expect(page).toMatch(/carol_x@example\.com Email Pending/)
    expect(page).toMatch(/dave@example\.net Email Unsubscribed/)
    expect(page).toMatch(/eve@example\.net Email Quarantined All components Chinese \(simplified\)/)
    expect(page).toContain('All 5 Confirmed 2 Pending 1 Unsubscribed 1 Quarantined 1')

    const search = async (q: string, status = '') => {
      const res = await s.get(`/admin/subscribers?q=${encodeURIComponent(q)}&status=${status}`)
      expect(res.status).toBe(200)
      return [
        ...(await res.text()).matchAll(/href="\/admin\/subscribers\/[0-9a-z]{12}">([^<]+)</g),
      ].map((m) => m[1])
    }
    expect(await search('LOVELACE')).toEqual(['Ada.Lovelace@Example.com'])
    expect(await search('example.net')).toEqual(['eve@example.net', 'dave@example.net'])
    // LIKE's wildcards are literal characters here.
    expect(await search('_x')).toEqual(['carol_x@example.com'])
    expect(await search('%')).toEqual([])
    expect(await search('', 'quarantined')).toEqual(['eve@example.net'])
    expect(await search('example', 'confirmed')).toEqual([
      'bob@example.org',
      'Ada.Lovelace@Example.com',
    ])
    const none = text(await (await s.get('/admin/subscribers?q=nobody')).text())
    expect(none).toContain('No subscriber matches this search.')

    const bad = await s.get('/admin/subscribers?status=gone')
    expect(bad.status).toBe(400)
    expect(text(await bad.text())).toMatch(/Check the search: that status: Invalid option/)

    for (let i = 0; i < 55; i++) await seedSubscriber(t, `bulk${i}@example.com`)
    const links = async (path: string) =>
      [
        ...(await (await s.get(path)).text()).matchAll(
          /href="\/admin\/subscribers\/([0-9a-z]{12})"/g,
        ),
      ].map((m) => m[1])
    const [one, two] = [await links('/admin/subscribers'), await links('/admin/subscribers?page=2')]
    expect([one.length, two.length, new Set([...one, ...two]).size]).toEqual([50, 10, 60])
    const p2 = text(await (await s.get('/admin/subscribers?page=2')).text())
    expect(p2).toContain('Page 2 of 2')
    expect(p2).toContain('Ada.Lovelace@Example.com')
  })

  it('counts confirmed subscribers per component and channel; every-component ones in each row', async () => {
    const { t, s, checkout, api } = await world()
    await seedSubscriber(t, 'all1@example.com')
    await seedSubscriber(t, 'all2@example.com')
    await seedSubscriber(t, 'pay@example.com', { components: [checkout.id] })
    await seedSubscriber(t, 'pending@example.com', { status: 'pending', components: [api.id] })
    await seedSubscriber(t, 'gone@example.com', { status: 'unsubscribed' })
    const html = await (await s.get('/admin/subscribers')).text()
    const audience = text(
      /<section class="card" aria-labelledby="audience-h">[\s\S]*?<\/section>/.exec(html)![0],
    )
    expect(audience).toContain('Component Email Checkout 3 Public API 2')
    expect(audience).toContain('2 of them follow every component')
    expect(html).toContain('<td class="num" data-label="Email">3</td>')
    // The API gives the same figures as rows {component, channel, count}.
    const counts = (await t.api('GET', '/api/v1/subscribers/counts')).body
    expect(counts.by_component_channel).toEqual([
      { component_id: checkout.id, component: 'Checkout', channel: 'email', count: 3 },
      { component_id: api.id, component: 'Public API', channel: 'email', count: 2 },
    ])
  })

  it('is for admins only: editors and viewers get 403 on every page and form, and no menu entry', async () => {
    const { t, checkout } = await world()
    const id = await seedSubscriber(t, 'keep@example.com', { components: [checkout.id] })
    const sessions: [string, ConsoleSession][] = []
    for (const role of ['editor', 'viewer'] as const) {
      await createPerson(t, { role, email: `${role}@example.com` })
      sessions.push([role, await signIn(t, `${role}@example.com`)])
    }
    const before = await subscriberTables(t)
    for (const [role, s] of sessions) {
      const home = await (await s.get('/admin/')).text()
      expect(home).not.toContain('href="/admin/subscribers"')
      for (const path of [
        '/admin/subscribers',
        `/admin/subscribers/${id}`,
        '/admin/subscribers/import',
        '/admin/subscribers/export.csv',
      ]) {
        const res = await s.get(path)
        expect([role, path, res.status]).toEqual([role, path, 403])
        expect(await res.text()).not.toContain('keep@example.com')
      }
      const remove = await s.post(`/admin/subscribers/${id}/remove`, {
        confirm: 'yes',
        _idem: idem(),
      })
      expect(remove.status).toBe(403)
      expect((await upload(t, s, { file: 'email\nnew@example.com\n' })).status).toBe(403)
      const commitRes = await s.post('/admin/subscribers/import/commit', {
        csv: 'email\nnew@example.com\n',
        digest: 'a'.repeat(64),
        _idem: idem(),
      })
      expect(commitRes.status).toBe(403)
    }
    expect(await subscriberTables(t)).toEqual(before)
    // Signed out: sent to sign in, nothing shown.
    const anon = await t.app.request('/admin/subscribers')
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toMatch(/^\/admin\/sign-in/)
  })
})

describe('/admin/subscribers/:id and erasure', () => {
  it('shows one subscriber, and erases only after the box is ticked, once, signed by the person', async () => {
    const { t, s, checkout, api } = await world('Europe/Berlin')
    const id = await seedSubscriber(t, 'erase.me@example.com', {
      components: [checkout.id, api.id],
      locale: 'zh-CN',
    })
    await t.deps.db.execute({
      sql: "INSERT INTO deliveries (event_id, subscriber_id, status, next_attempt_at, created_at) VALUES (1, ?, 'sent', ?, ?)",
      args: [id, '2026-03-10T12:00:00.000Z', '2026-03-10T12:00:00.000Z'],
    })
    const res = await s.get(`/admin/subscribers/${id}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>erase.me@example.com</h1>')
    const page = text(html)
    expect(page).toContain('Status Confirmed Gets updates about the components below.')
    expect(page).toContain('Follows Checkout, Public API')
    expect(page).toContain('Language Chinese (simplified)')
    expect(page).toContain('Subscribed 10 Mar 2026, 13:00 CET')
    expect(page).toContain('Confirmed 10 Mar 2026, 13:00 CET')
    expect(html).toContain('data-confirm="Erase erase.me@example.com? This cannot be undone."')
    expect((await s.get('/admin/subscribers/aaaaaaaaaaaa')).status).toBe(404)
    expect((await s.get('/admin/subscribers/not-an-id')).status).toBe(404)

    // Without JavaScript the dialog never shows: the unticked box refuses, writing nothing.
    const before = await subscriberTables(t)
    const unticked = await s.post(`/admin/subscribers/${id}/remove`, { _idem: idem() })
    expect(unticked.status).toBe(400)
    expect(text(await unticked.text())).toContain(
      'Tick the box to confirm: erasing cannot be undone',
    )
    // No CSRF token, or another site's Origin: refused, nothing written.
    const key = idem()
    expect(
      (await s.post(`/admin/subscribers/${id}/remove`, { confirm: 'yes', _idem: key, _csrf: '' }))
        .status,
    ).toBe(403)
    expect(
      (
        await s.post(
          `/admin/subscribers/${id}/remove`,
          { confirm: 'yes', _idem: key },
          { origin: 'https://evil.example' },
        )
      ).status,
    ).toBe(403)
    expect(await subscriberTables(t)).toEqual(before)

    // Ticked, and pressed twice with the same form: erased once.
    const first = await s.post(`/admin/subscribers/${id}/remove`, { confirm: 'yes', _idem: key })
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/admin/subscribers?notice=removed')
    const second = await s.post(`/admin/subscribers/${id}/remove`, { confirm: 'yes', _idem: key })
    expect(second.status).toBe(303)
    expect(second.headers.get('location')).toBe('/admin/subscribers?notice=removed')
    expect(await auditRows(t, 'subscriber.delete')).toEqual([
      { actor: ['Ann Lee', 'ann@example.com'], details: null },
    ])
    const after = await subscriberTables(t)
    expect(after.subscribers).toEqual([])
    expect(after.deliveries).toEqual([])
    expect(JSON.stringify(after)).not.toMatch(/erase\.me/i)
    const list = text(await (await s.get('/admin/subscribers?notice=removed')).text())
    expect(list).toContain('Subscriber erased: the address and its delivery records are gone')
    expect((await s.get(`/admin/subscribers/${id}`)).status).toBe(404)
  })
})

describe('/admin/subscribers/import: preview, then exactly that', () => {
  /** Subscribers in every state an import meets, and a file that touches each of them. */
  async function importWorld() {
    const w = await world()
    const { t, checkout, api } = w
    await seedSubscriber(t, 'pending@example.com', { status: 'pending' })
    await seedSubscriber(t, 'same@example.com')
    await seedSubscriber(t, 'change@example.com', { components: [checkout.id] })
    await seedSubscriber(t, 'left@example.com', { status: 'unsubscribed' })
    await seedSubscriber(t, 'bounced@example.com', { status: 'quarantined' })
    const csv = [
      '\uFEFFEmail,Components,Locale',
      'new-all@example.com,,',
      `"New.Some@Example.com","${api.id}; ${checkout.id}",zh-CN`,
      'pending@example.com,,',
      'same@example.com,,en',
      `change@example.com,${api.id},zh-CN`,
      'LEFT@example.com,,',
      'bounced@example.com,,',
    ].join('\r\n')
    return { ...w, csv }
  }

  it('previews every row’s change, writes nothing, then commits exactly the preview, signed by the person', async () => {
    const { t, s, csv } = await importWorld()
    const before = await subscriberTables(t)
    const res = await upload(t, s, { file: csv })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1>Import preview</h1>')
    const page = text(html)
    expect(page).toContain('2 new 2 updated 2 skipped 1 unchanged')
    expect(page).toContain('New addresses (2)')
    expect(page).toMatch(/2 new-all@example\.com follows: All components language: English/)
    expect(page).toMatch(
      /3 New\.Some@Example\.com follows: Checkout, Public API language: Chinese \(simplified\)/,
    )
    expect(page).toMatch(/4 pending@example\.com status: Pending → Confirmed/)
    expect(page).toMatch(
      /6 change@example\.com follows: Checkout → Public API language: English → Chinese \(simplified\)/,
    )
    expect(page).toMatch(
      /7 LEFT@example\.com Unsubscribed left as it is: an import never overrides an opt-out/,
    )
    expect(page).toMatch(/8 bounced@example\.com Quarantined left as it is/)
    expect(page).toMatch(
      /1 unchanged address Line Address What happens 5 same@example\.com Already as in the file/,
    )
    expect(page).toContain('Import these 4 changes?')
    expect(await subscriberTables(t)).toEqual(before)

    const done = await commit(s, html)
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe('/admin/subscribers?notice=imported')
    expect(await subscriptionsNow(t)).toEqual([
      { email: 'bounced@example.com', status: 'quarantined', locale: 'en', components: 'all' },
      {
        email: 'change@example.com',
        status: 'confirmed',
        locale: 'zh-CN',
        components: (await t.api('GET', '/api/v1/subscribers?q=change')).body[0].components.join(
          ';',
        ),
      },
      { email: 'left@example.com', status: 'unsubscribed', locale: 'en', components: 'all' },
      { email: 'new-all@example.com', status: 'confirmed', locale: 'en', components: 'all' },
      expect.objectContaining({
        email: 'New.Some@Example.com',
        status: 'confirmed',
        locale: 'zh-CN',
      }),
      { email: 'pending@example.com', status: 'confirmed', locale: 'en', components: 'all' },
      { email: 'same@example.com', status: 'confirmed', locale: 'en', components: 'all' },
    ])
    expect(await auditRows(t, 'subscriber.import')).toEqual([
      {
        actor: ['Ann Lee', 'ann@example.com'],
        details: { created: 2, updated: 2, unchanged: 1, skipped: 2 },
      },
    ])
    // Each change is one event; no confirmation email is asked for.
    const events = await t.deps.db.execute('SELECT type FROM outbox ORDER BY id')
    expect(
      events.rows.map((r) => str(r, 'type')).filter((x) => x.startsWith('subscriber.')),
    ).toEqual(Array(4).fill('subscriber.imported'))
    const list = text(await (await s.get('/admin/subscribers?notice=imported')).text())
    expect(list).toContain('Import done: the subscribers are as the preview showed')
  })

  it('a double submit of the import writes once; a forged digest or a missing CSRF token writes nothing', async () => {
    const { t, s, csv } = await importWorld()
    const preview = await (await upload(t, s, { file: csv })).text()
    const before = await subscriberTables(t)
    const forged = await s.post('/admin/subscribers/import/commit', {
      csv: hidden(preview, 'csv'),
      digest: 'f'.repeat(64),
      _idem: idem(),
    })
    expect(forged.status).toBe(409)
    const noCsrf = await s.post('/admin/subscribers/import/commit', {
      csv: hidden(preview, 'csv'),
      digest: hidden(preview, 'digest'),
      _idem: idem(),
      _csrf: '',
    })
    expect(noCsrf.status).toBe(403)
    const noDigest = await s.post('/admin/subscribers/import/commit', {
      csv: hidden(preview, 'csv'),
      _idem: idem(),
    })
    expect(noDigest.status).toBe(400)
    expect(await subscriberTables(t)).toEqual(before)

    const key = idem()
    const [a, b] = await Promise.all([commit(s, preview, key), commit(s, preview, key)])
    expect([a.status, b.status]).toEqual([303, 303])
    const again = await commit(s, preview, key)
    expect(again.status).toBe(303)
    expect(await auditRows(t, 'subscriber.import')).toHaveLength(1)
    expect(await subscriptionsNow(t)).toHaveLength(7)
  })

  it('refuses to commit when a subscriber changed since the preview, and shows the new preview', async () => {
    const { t, s, csv } = await importWorld()
    const preview = await (await upload(t, s, { file: csv })).text()
    // Someone unsubscribes meanwhile (the link in an email): the preview would update them.
    await t.deps.db.execute(
      "UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?, version = version + 1 WHERE email_normalized = 'change@example.com'",
      [t.clock.now().toISOString()],
    )
    const before = await subscriberTables(t)
    const res = await commit(s, preview)
    expect(res.status).toBe(409)
    const html = await res.text()
    const page = text(html)
    expect(page).toContain(
      'The subscribers changed since the preview you confirmed, so nothing was imported.',
    )
    expect(page).toContain('2 new 1 updated 3 skipped 1 unchanged')
    expect(page).toMatch(/6 change@example\.com Unsubscribed left as it is/)
    expect(await subscriberTables(t)).toEqual(before)
    expect(hidden(html, 'digest')).not.toBe(hidden(preview, 'digest'))

    // An address in the file subscribed meanwhile: the planned "new" row is no longer new.
    await seedSubscriber(t, 'new-all@example.com', { status: 'pending' })
    const stale = await commit(s, html)
    expect(stale.status).toBe(409)
    expect(text(await stale.text())).toContain('1 new 2 updated 3 skipped 1 unchanged')
    expect(await auditRows(t, 'subscriber.import')).toEqual([])

    // The newest preview, unchanged since, goes in.
    const latest = await (await upload(t, s, { file: csv })).text()
    expect((await commit(s, latest)).status).toBe(303)
    expect(await subscriptionsNow(t)).toContainEqual({
      email: 'change@example.com',
      status: 'unsubscribed',
      locale: 'en',
      components: expect.any(String),
    })
  })

  it('an invalid file shows every problem by line and column, nothing can be committed, the rows stay to fix', async () => {
    const { t, s, api } = await world()
    const before = await subscriberTables(t)
    const csv = [
      'email,components,locale',
      'good@example.com,,',
      'not-an-address,,',
      `ok2@example.com,${api.id};aaaaaaaaaaaa,`,
      'ok3@example.com,,fr',
      'GOOD@example.com,,',
      'extra@example.com,,en,surplus',
    ].join('\n')
    const res = await upload(t, s, { paste: csv })
    expect(res.status).toBe(400)
    const html = await res.text()
    const page = text(html)
    expect(page).toContain('5 problems in the file: nothing can be imported until they are fixed')
    expect(page).toMatch(/3 email Must be an email address/)
    expect(page).toMatch(/4 components No component with id aaaaaaaaaaaa/)
    expect(page).toMatch(/5 locale Must be one of en, zh-CN/)
    expect(page).toMatch(/6 email The same address as line 2/)
    expect(page).toMatch(/7 whole line Has 4 fields; the header has 3/)
    expect(html).not.toContain('/admin/subscribers/import/commit')
    expect(html.replace(/\r\n/g, '\n')).toContain(
      '>email,components,locale\ngood@example.com,,\nnot-an-address,,',
    )
    expect(await subscriberTables(t)).toEqual(before)

    // A malformed CSV line, a semicolon-separated spreadsheet, an empty upload, both at once.
    const cases: [Parameters<typeof upload>[2], number, string][] = [
      [
        { file: 'email\n"a@example.com,\n' },
        400,
        '2 whole line A quote (") opened here is never closed',
      ],
      [{ file: 'email;components;locale\na@example.com;;en\n' }, 400, 'separated by semicolons'],
      [{ file: 'name\nAda\n' }, 400, 'Unknown or repeated column(s): name'],
      [{ file: 'email\n,,\n' }, 400, '2 whole line Add one row per address'],
      [{}, 400, 'Choose a CSV file, or paste its rows below'],
      [
        { file: 'email\na@example.com\n', paste: 'email\nb@example.com' },
        400,
        'Choose a file or paste rows, not both',
      ],
      [
        {
          file: new Uint8Array([
            ...new TextEncoder().encode('email\nb'),
            0xe9,
            ...new TextEncoder().encode('@example.com\n'),
          ]),
        },
        400,
        'This file is not UTF-8 text',
      ],
      [
        { file: `email\n${'x'.repeat(70_000)}@example.com\n` },
        413,
        'The upload is larger than 64 KB',
      ],
    ]
    for (const [o, status, message] of cases) {
      const r = await upload(t, s, o)
      const body = text(await r.text())
      expect([JSON.stringify(o).slice(0, 60), r.status, body.includes(message)]).toEqual([
        JSON.stringify(o).slice(0, 60),
        status,
        true,
      ])
    }
    expect(await subscriberTables(t)).toEqual(before)
  })

  it('the upload keeps the console’s checks: CSRF, Origin, multipart only, no transfer encodings', async () => {
    const { t, s } = await world()
    const before = await subscriberTables(t)
    expect((await upload(t, s, { file: 'email\na@example.com\n', csrf: null })).status).toBe(403)
    expect(
      (await upload(t, s, { file: 'email\na@example.com\n', csrf: 'x'.repeat(43) })).status,
    ).toBe(403)
    expect(
      (await upload(t, s, { file: 'email\na@example.com\n', origin: 'https://evil.example' }))
        .status,
    ).toBe(403)
    // urlencoded to the upload path: 415 (the console's other paths keep refusing multipart).
    expect(
      (await s.post('/admin/subscribers/import', { csv: 'email\na@example.com' })).status,
    ).toBe(415)
    const fd = new FormData()
    fd.append('_csrf', s.csrf)
    const people = await t.app.request('/admin/people/invite', {
      method: 'POST',
      headers: { cookie: s.cookie, origin: ORIGIN },
      body: fd,
    })
    expect(people.status).toBe(415)
    // A base64 part: refused before the parser could decode it.
    const boundary = 'b0undary'
    const raw = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="_csrf"',
      '',
      s.csrf,
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="a.csv"',
      'Content-Type: text/csv',
      'Content-Transfer-Encoding: base64',
      '',
      btoa('email\na@example.com\n'),
      `--${boundary}--`,
      '',
    ].join('\r\n')
    const b64 = await t.app.request('/admin/subscribers/import', {
      method: 'POST',
      headers: {
        cookie: s.cookie,
        origin: ORIGIN,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: raw,
    })
    expect(b64.status).toBe(400)
    expect(await subscriberTables(t)).toEqual(before)
    // The same body without the header previews (so the refusal was about the encoding).
    const plain = raw
      .replace('Content-Transfer-Encoding: base64\r\n', '')
      .replace(btoa('email\na@example.com\n'), 'email\na@example.com\n')
    const ok = await t.app.request('/admin/subscribers/import', {
      method: 'POST',
      headers: {
        cookie: s.cookie,
        origin: ORIGIN,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body: plain,
    })
    expect(ok.status).toBe(200)
    expect(text(await ok.text())).toContain('1 new 0 updated 0 skipped 0 unchanged')
  })
})

describe('/admin/subscribers/export.csv', () => {
  it('downloads the confirmed subscribers as CSV that imports back to the same subscriptions, audited', async () => {
    const { t, s, checkout, api } = await world()
    await seedSubscriber(t, 'ada@example.com')
    await seedSubscriber(t, 'bob@example.com', {
      components: [api.id, checkout.id],
      locale: 'zh-CN',
    })
    // Addresses a spreadsheet would read as formulas (valid ones, and one only a database holds).
    await seedSubscriber(t, '-2+3@example.com', { components: [checkout.id] })
    await seedSubscriber(t, '+cmd@example.com')
    await seedSubscriber(t, "'-quote@example.com")
    await seedSubscriber(t, '=HYPERLINK("https://evil.example","x")@example.com')
    await seedSubscriber(t, 'pending@example.com', { status: 'pending' })
    await seedSubscriber(t, 'left@example.com', { status: 'unsubscribed' })
    await seedSubscriber(t, 'bounced@example.com', { status: 'quarantined' })

    const res = await s.get('/admin/subscribers/export.csv')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="subscribers-2026-03-10.csv"',
    )
    expect(res.headers.get('cache-control')).toBe('no-store')
    const csv = await res.text()
    const records = parseCsv(csv)
    expect(records[0]!.fields).toEqual(['email', 'components', 'locale'])
    const cells = records.slice(1).map((r) => r.fields)
    expect(cells.map((c) => restoreCell(c[0]!))).toEqual([
      "'-quote@example.com",
      '+cmd@example.com',
      '-2+3@example.com',
      '=HYPERLINK("https://evil.example","x")@example.com',
      'ada@example.com',
      'bob@example.com',
    ])
    // No cell starts a formula as a spreadsheet opens it.
    for (const c of cells.flat()) expect(c).not.toMatch(/^\s*[=+\-@\t\r]/)
    expect(csv).toContain('"\'=HYPERLINK(""https://evil.example"",""x"")@example.com"')
    expect(cells[5]).toEqual(['bob@example.com', [api.id, checkout.id].sort().join(';'), 'zh-CN'])
    expect(await auditRows(t, 'subscriber.export')).toEqual([
      { actor: ['Ann Lee', 'ann@example.com'], details: { count: 6 } },
    ])

    // Erased, then imported from the export: the same subscriptions (the one address the import
    // refuses is reported on its line, and the file goes in without it).
    const exported = (await subscriptionsNow(t)).filter(
      (x) => x.status === 'confirmed' && !x.email.includes('HYPERLINK'),
    )
    await t.deps.db.batch(['DELETE FROM subscriber_components', 'DELETE FROM subscribers'], 'write')
    const refused = text(await (await upload(t, s, { file: csv })).text())
    expect(refused).toMatch(/5 email Must be an email address/)
    const withoutForged = csv
      .split('\r\n')
      .filter((l) => !l.includes('HYPERLINK'))
      .join('\r\n')
    const preview = await (await upload(t, s, { file: withoutForged })).text()
    expect(text(preview)).toContain('5 new 0 updated 0 skipped 0 unchanged')
    expect((await commit(s, preview)).status).toBe(303)
    expect(await subscriptionsNow(t)).toEqual(exported)
    // And out again: the same file.
    const again = await (await s.get('/admin/subscribers/export.csv')).text()
    expect(again).toBe(withoutForged)
  })
})
