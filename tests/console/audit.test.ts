import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { createPerson, signIn } from '../fixtures/console.ts'

const ZONE = 'Europe/Berlin'

/** The rows the audit page shows: [when, who, what, target]. */
function rows(page: string): string[][] {
  const body = page.split('<tbody>')[1]?.split('</tbody>')[0] ?? ''
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].slice(0, 4).map((td) =>
      td[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  )
}

/**
 * Two editors and a token write on three days, around midnight in Berlin:
 *  - 10 Mar 23:30 CET (22:30Z): Ann adds "Checkout" through the console
 *  - 11 Mar 00:30 CET (23:30Z on the 10th): Bob sets Checkout to partial outage
 *  - 11 Mar 13:00 CET: a service token adds "Search"
 *  - 12 Mar 09:00 CET: Ann renames Checkout
 */
async function world() {
  const t = await createTestApp({ now: '2026-03-10T22:30:00.000Z', env: { TIME_ZONE: ZONE } })
  const ann = await createPerson(t, { role: 'editor', email: 'ann@example.com', name: 'Ann Lee' })
  const bob = await createPerson(t, { role: 'editor', email: 'bob@example.com', name: 'Bob Ray' })
  // Fresh sessions at each step: a day's jump outlasts a session's 12 idle hours.
  const as = (email: string) => signIn(t, email)
  const form = {
    description: '',
    group_id: '',
    position: '',
    status: 'operational',
    sla_target: '99.9',
  }
  const posted = async (email: string, path: string, fields: Record<string, string>) =>
    expect((await (await as(email)).post(path, fields)).status).toBe(303)
  await posted(ann.email, '/admin/components/new', { ...form, name: 'Checkout' })
  const checkout = (await t.api('GET', '/api/v1/components')).body[0]
  t.clock.set('2026-03-10T23:30:00.000Z')
  await posted(bob.email, `/admin/components/${checkout.id}/status`, { status: 'partial_outage' })
  t.clock.set('2026-03-11T12:00:00.000Z')
  const search = await makeComponent(t, { name: 'Search' })
  t.clock.set('2026-03-12T08:00:00.000Z')
  await posted(ann.email, `/admin/components/${checkout.id}`, {
    ...form,
    name: 'Checkout <v2>',
    position: String(checkout.position),
    status: 'partial_outage',
  })
  await createPerson(t, { role: 'viewer', email: 'vi@example.com', name: 'Vi Ewer' })
  const viewer = await signIn(t, 'vi@example.com')
  return { t, ann, bob, viewer, checkout, search }
}

describe('console: audit log', () => {
  it('shows every write newest first: when in the zone, who with the email, what, target, what changed', async () => {
    const { viewer, checkout } = await world()
    const res = await viewer.get('/admin/audit')
    expect(res.status).toBe(200)
    const page = await res.text()
    // Every sign-in is recorded too (Ann twice, Bob and Vi once); the writes are the rest.
    const all = rows(page)
    expect(all.filter((r) => r[2] === 'Signed in').map((r) => r[1]!.split(' ')[0])).toEqual([
      'Vi',
      'Ann',
      'Bob',
      'Ann',
    ])
    const shown = all.filter((r) => r[2] !== 'Signed in')
    expect(shown.slice(0, 4)).toEqual([
      [
        '12 Mar 2026, 09:00 CET',
        'Ann Lee ann@example.com',
        'Changed a component',
        'Component: Checkout &lt;v2&gt;',
      ],
      [
        '11 Mar 2026, 13:00 CET',
        'admin (AMENDS_ADMIN_TOKEN)',
        'Added a component',
        'Component: Search',
      ],
      [
        '11 Mar 2026, 00:30 CET',
        'Bob Ray bob@example.com',
        'Changed a component',
        'Component: Checkout &lt;v2&gt;',
      ],
      [
        '10 Mar 2026, 23:30 CET',
        'Ann Lee ann@example.com',
        'Added a component',
        'Component: Checkout &lt;v2&gt;',
      ],
    ])
    // The first token, made at the first start, is the oldest entry.
    expect(shown.slice(4).map((r) => r[2])).toEqual(['Created an API token'])
    // The target links to its console page; an edit says what changed, escaped.
    expect(page).toContain(
      `<a href="/admin/components/${checkout.id}">Component: Checkout &lt;v2&gt;</a>`,
    )
    expect(page).toContain(
      '<li><span class="field-name">name</span>: <del>Checkout</del> → <ins>Checkout &lt;v2&gt;</ins></li>',
    )
    expect(page).toContain(
      '<li><span class="field-name">status</span>: <del>Operational</del> → <ins>Partial outage</ins></li>',
    )
    // A viewer gets a filter form (GET) but nothing that writes.
    expect(page.match(/method="post"/g)).toHaveLength(1)
    expect(page).toContain('method="get" action="/admin/audit"')
  })

  it('filters by person, target and days in the zone: exactly the matching rows', async () => {
    const { t, ann, bob, viewer, checkout, search } = await world()
    const whats = async (query: string) => {
      const res = await viewer.get(`/admin/audit?${query}`)
      expect(res.status, query).toBe(200)
      return rows(await res.text())
        .filter((r) => r[2] !== 'Signed in')
        .map((r) => `${r[1]!.split(' ')[0]} ${r[2]}`)
    }
    expect(await whats(`actor_user_id=${ann.id}`)).toEqual([
      'Ann Changed a component',
      'Ann Added a component',
    ])
    expect(await whats(`actor_email=BOB%40example.com`)).toEqual(['Bob Changed a component'])
    expect(await whats(`target_type=component&target_id=${checkout.id}`)).toEqual([
      'Ann Changed a component',
      'Bob Changed a component',
      'Ann Added a component',
    ])
    expect(await whats(`target_type=component&target_id=${search.id}`)).toEqual([
      'admin Added a component',
    ])
    expect(await whats('target_type=maintenance')).toEqual([])
    // Days are Berlin days: 23:30 CET on the 10th is the 10th; 00:30 CET on the 11th the 11th.
    // (The first token was made at the first start, 23:30 CET on the 10th, by the server.)
    expect(await whats('from=2026-03-10&to=2026-03-10')).toEqual([
      'Ann Added a component',
      'bootstrap Created an API token',
    ])
    expect(await whats('from=2026-03-11&to=2026-03-11')).toEqual([
      'admin Added a component',
      'Bob Changed a component',
    ])
    expect(await whats('from=2026-03-12')).toEqual(['Ann Changed a component'])
    expect(await whats('to=2026-03-10')).toHaveLength(2)
    expect(await whats('to=2026-03-09')).toEqual([])
    expect(
      await whats(`actor_user_id=${ann.id}&target_id=${checkout.id}&from=2026-03-11&to=2026-03-12`),
    ).toEqual(['Ann Changed a component'])
    expect(await whats(`actor_user_id=${bob.id}&from=2026-03-12`)).toEqual([])

    // The API answers the same filters, with the person's email on each entry.
    const reader = await t.token('read')
    const api = await t.api(
      'GET',
      `/api/v1/audit?actor_user_id=${ann.id}&target_type=component&from=2026-03-10T23:00:00%2B01:00&to=2026-03-13T00:00:00Z`,
      undefined,
      { token: reader },
    )
    expect(api.status).toBe(200)
    expect(api.headers.get('x-total-count')).toBe('2')
    expect(api.body.map((e: any) => [e.action, e.actor_email, e.actor_user_id])).toEqual([
      ['component.update', 'ann@example.com', ann.id],
      ['component.create', 'ann@example.com', ann.id],
    ])
    const byTarget = await t.api(
      'GET',
      `/api/v1/audit?target_type=component&target_id=${checkout.id}&actor_email=bob@example.com`,
    )
    expect(byTarget.body.map((e: any) => e.action)).toEqual(['component.update'])
    expect(byTarget.body[0].details).toEqual({
      status: 'partial_outage',
      previous: { status: 'operational' },
    })
  })

  it('refuses a bad filter beside its field with 400, in the console and the API', async () => {
    const { t, viewer } = await world()
    const cases: [string, string, RegExp][] = [
      ['from=2026-02-30', 'from', /Enter a day/],
      ['to=yesterday', 'to', /Enter a day/],
      ['from=2026-03-12&to=2026-03-11', 'to', /on or after/],
      ['target_type=DROP%20TABLE', 'target_type', /target type/],
      ['target_id=%3Cscript%3E', 'target_id', /id of the target/],
      ['actor_user_id=ann', 'actor_user_id', /12-character id/],
      ['actor_email=not-an-email', 'actor_email', /email/],
    ]
    for (const [query, field, message] of cases) {
      const res = await viewer.get(`/admin/audit?${query}`)
      expect(res.status, query).toBe(400)
      const page = await res.text()
      expect(new RegExp(`id="f-${field}-error">([^<]*)<`).exec(page)?.[1], query).toMatch(message)
      expect(rows(page), query).toEqual([])
    }
    for (const query of [
      'from=2026-03-12',
      'to=2026-03-12T00:00:00Z&from=2026-03-13T00:00:00Z',
      'target_type=DROP%20TABLE',
      'actor_user_id=ann',
      'per_page=1000',
    ]) {
      const res = await t.api('GET', `/api/v1/audit?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.body.error.code).toBe('invalid_input')
    }
  })

  it('pages through long logs keeping the filter', async () => {
    const t = await createTestApp({ env: { TIME_ZONE: ZONE } })
    const ann = await createPerson(t, { role: 'editor', email: 'ann@example.com', name: 'Ann' })
    const s = await signIn(t, ann.email)
    const c = await makeComponent(t, { name: 'Flappy' })
    const statuses = ['degraded_performance', 'operational']
    for (let i = 0; i < 55; i++) {
      expect(
        (await s.post(`/admin/components/${c.id}/status`, { status: statuses[i % 2]! })).status,
      ).toBe(303)
    }
    const first = await (await s.get(`/admin/audit?actor_user_id=${ann.id}`)).text()
    // 55 status changes and the sign-in.
    expect(first).toContain('56 entries match, newest first')
    expect(rows(first)).toHaveLength(50)
    expect(first).toContain(`href="/admin/audit?actor_user_id=${ann.id}&amp;page=2" rel="next"`)
    const second = await (await s.get(`/admin/audit?actor_user_id=${ann.id}&page=2`)).text()
    expect(rows(second)).toHaveLength(6)
    expect(rows(second).at(-1)?.[2]).toBe('Signed in')
    expect(second).toContain('Page 2 of 2')
  })

  it('needs a session: no session is sent to sign in', async () => {
    const t = await createTestApp()
    const res = await t.app.request('/admin/audit')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Faudit')
  })
})
