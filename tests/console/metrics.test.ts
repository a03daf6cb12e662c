import { describe, expect, it } from 'vitest'
import { makeComponent, makeGroup, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { createPerson, signIn } from '../fixtures/console.ts'

const MIN = 60_000
const HOUR = 60 * MIN

/** The text of every cell with this data-label, tags dropped. */
const cellsOf = (page: string, label: string) =>
  [...page.matchAll(new RegExp(`<td data-label="${label}">(.*?)</td>`, 'g'))].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  )

describe('console: metrics, and the pages under the console CSP', () => {
  it('shows the figures in tables beside their charts, to every role, behind the session', async () => {
    const t = await createTestApp()
    // Started 40 minutes before the first word about it: late against the 15-minute target.
    const late = await makeIncident(t, {
      name: 'Checkout <errors>',
      started_at: '2026-03-10T11:20:00Z',
    })
    // Opened the moment it started: 0 by construction, so not measured.
    await makeIncident(t, { name: 'Search slow', impact: 'minor' })
    t.clock.advance(95 * MIN)
    await t.api('POST', `/api/v1/incidents/${late.id}/updates`, { status: 'identified', body: 'x' })
    await createPerson(t, { role: 'viewer', email: 'vi@example.com' })
    const v = await signIn(t, 'vi@example.com')
    const res = await v.get('/admin/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self'")
    const page = await res.text()
    expect(page).toContain('<h1>Communication metrics</h1>')
    expect(page).toContain('<a href="/admin/metrics" aria-current="page">Metrics</a>')
    expect(page).toContain('Checkout &lt;errors&gt;')

    // The summary: only the measured incident counts, so 0 of 1, never "50 %" or "100 %".
    const row = (label: string) =>
      page
        .match(new RegExp(`<th scope="row">${label}</th><td>([^<]*)</td><td>([^<]*)</td>`))
        ?.slice(1)
    expect(row('First message within 15 min')).toEqual(['0 of 1 (0%)', '0 of 1 (0%)'])
    expect(row('First public message, median')).toEqual([
      '40 min (1 measured)',
      '40 min (1 measured)',
    ])
    expect(row('Opened at impact start \\(not measured\\)')).toEqual(['1', '1'])
    // Both still silent after 95 minutes: two running gaps, both already over the promise.
    expect(row('Gaps within the promised 60 min')).toEqual(['0 of 2 (0%)', '0 of 2 (0%)'])
    expect(row('Broken update promises')).toEqual(['2 in 2 incidents', '2 in 2 incidents'])

    // Each row of the first-message table, oldest first, in words.
    const cell = (label: string) => cellsOf(page, label)
    expect(cell('Time to first message')).toEqual([
      '40 min late',
      'opened at impact start — not measured',
    ])
    expect(cell('Longest silence')).toEqual([
      '1 h 35 min promise broken',
      '1 h 35 min so far promise broken',
    ])
    expect(cell('Post-mortem')).toEqual(['due after resolution'])

    // Charts, each an image with a title and a summary, the target drawn as a line; the
    // not-measured incident has no bar (bar 2 is missing from the first chart).
    const svgs = [
      ...page.matchAll(
        /<svg viewBox="0 0 360 196" role="img" aria-labelledby="(\w+)-t \1-d">([\s\S]*?)<\/svg>/g,
      ),
    ]
    expect(svgs.map((m) => m[1])).toEqual(['first', 'gaps'])
    const first = svgs[0]![2]!
    expect(first).toContain(
      '<title id="first-t">Time from the start of impact to the first public message</title>',
    )
    expect(first).toContain(
      '1 incidents measured, 1 over the 15-minute target; 1 opened at impact start, not measured.',
    )
    expect(first.match(/<rect /g)).toHaveLength(1)
    expect(first).toMatch(/<rect class="done late" /)
    expect(first).toMatch(
      /<line class="target" [^>]*><\/line><text class="target" [^>]*>target 15 min<\/text>/,
    )
    expect(svgs[1]![2]).toMatch(/<rect class="done late" [\s\S]*<rect class="open late" /)
    // Post-mortem not due until resolved: nothing to chart, said in words.
    expect(page).toContain(
      'None measurable yet: the major and critical incidents are not resolved.',
    )
    expect(page).toContain('No reports received in the last 90 days.')

    // One incident's page, linked from the tables and from the incident itself.
    expect(page).toContain(`<a href="/admin/metrics/incidents/${late.id}">`)
    const incidentPage = await (await v.get(`/admin/incidents/${late.id}`)).text()
    expect(incidentPage).toContain(`<a href="/admin/metrics/incidents/${late.id}">`)
    const one = await (await v.get(`/admin/metrics/incidents/${late.id}`)).text()
    expect(one).toContain('<h1>Communication: Checkout &lt;errors&gt;</h1>')
    expect(one).toContain('(backdated by 40 min when the incident was opened)')
    // The 95-minute silence, then the one that started with the update just posted.
    expect(cellsOf(one, 'Silence')).toEqual(['1 h 35 min promise broken', '0 s so far · in time'])
    expect(cellsOf(one, 'Next update promised by')).toEqual([
      '10 Mar 2026, 13:00 UTC',
      '10 Mar 2026, 14:35 UTC',
    ])

    const anon = await t.app.request('/admin/metrics')
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Fmetrics')
    const old = await t.app.request('/staff/metrics')
    expect(old.status).toBe(301)
    expect(old.headers.get('location')).toBe('/admin/metrics')
  })

  it('an empty database: honest "no data" everywhere, no chart drawn, no rate', async () => {
    const t = await createTestApp()
    await createPerson(t, { role: 'viewer', email: 'vi@example.com' })
    const page = await (await (await signIn(t, 'vi@example.com')).get('/admin/metrics')).text()
    expect(page).not.toContain('<svg')
    expect(page).not.toMatch(/\d+%/)
    expect(page.match(/No incidents in the last 90 days\./g)).toHaveLength(2)
    expect(page).toContain(
      'No major or critical incidents in the last 90 days: no post-mortem owed.',
    )
    expect(page).toContain('No reports received in the last 90 days.')
    expect(page).toContain('<td>none measured</td>')
  })

  it('the window: 30 or 90 days; anything else is refused', async () => {
    const t = await createTestApp({ now: '2026-01-20T12:00:00.000Z' })
    await makeIncident(t, { name: 'Older', started_at: '2026-01-20T11:50:00Z' })
    t.clock.set('2026-03-10T12:00:00.000Z')
    await makeIncident(t, { name: 'Recent', started_at: '2026-03-10T11:48:00Z' })
    await createPerson(t, { role: 'viewer', email: 'vi@example.com' })
    const v = await signIn(t, 'vi@example.com')
    const p90 = await (await v.get('/admin/metrics')).text()
    const p30 = await (await v.get('/admin/metrics?days=30')).text()
    expect(p90).toContain('>Older</a>')
    expect(p30).not.toContain('>Older</a>')
    expect(p30).toContain('>Recent</a>')
    expect(p30).toContain('<a href="/admin/metrics?days=30" aria-current="page">Last 30 days</a>')
    for (const days of ['7', '30d', '1e3', '-30']) {
      const res = await v.get(`/admin/metrics?days=${days}`)
      expect(res.status, days).toBe(400)
      expect(await res.text()).toContain('The window is the last 30 or 90 days')
    }
  })

  it('one incident: its reports open, late or overdue; unknown ids are a 404 page', async () => {
    const t = await createTestApp()
    const i = await makeIncident(t, { name: 'API errors', started_at: '2026-03-10T11:45:00Z' })
    for (const [message, wait] of [
      ['First', 23],
      ['Second', 3],
    ] as const) {
      const r = await t.api(
        'POST',
        '/api/v1/feedback',
        { message, incident: i.id },
        { token: null },
      )
      expect(r.status).toBe(202)
      t.clock.advance(wait * HOUR)
    }
    const m = await makeMaintenance(t)
    await createPerson(t, { role: 'viewer', email: 'vi@example.com' })
    const v = await signIn(t, 'vi@example.com')
    const page = await (await v.get(`/admin/metrics/incidents/${i.id}`)).text()
    // Received 26 h and 3 h ago, neither answered.
    expect(cellsOf(page, 'First reply')).toEqual(['waiting 26 h overdue', 'waiting 3 h late'])
    // The 24 h line is drawn once a bar comes near it.
    expect(page).toContain('limit 24 h')
    for (const id of ['zzzzzzzzzzzz', m.id, 'not-an-id']) {
      const res = await v.get(`/admin/metrics/incidents/${id}`)
      expect(res.status, id).toBe(404)
    }
  })

  it('no page of maintenance, components, audit or metrics has an inline style or script', async () => {
    const t = await createTestApp()
    const g = await makeGroup(t, { name: 'Core' })
    const c = await makeComponent(t, { name: 'API', group_id: g.id })
    const m = await makeMaintenance(t, { components: [c.id] })
    const inc = await makeIncident(t, { components: { [c.id]: 'partial_outage' } })
    await createPerson(t, { role: 'editor', email: 'ed@example.com' })
    const s = await signIn(t, 'ed@example.com')
    const paths = [
      '/admin/maintenance',
      '/admin/maintenance/new',
      `/admin/maintenance/${m.id}`,
      '/admin/components',
      '/admin/components/new',
      `/admin/components/${c.id}`,
      '/admin/component-groups/new',
      `/admin/component-groups/${g.id}`,
      '/admin/audit',
      '/admin/metrics',
      '/admin/metrics?days=30',
      `/admin/metrics/incidents/${inc.id}`,
    ]
    for (const path of paths) {
      const res = await s.get(path)
      expect(res.status, path).toBe(200)
      const page = await res.text()
      expect(page, path).not.toMatch(/\sstyle=/i)
      expect(page, path).not.toMatch(/<style/i)
      expect(page, path).not.toMatch(/<script(?![^>]*\ssrc=)/i)
      expect(page, path).not.toMatch(/\son[a-z]+=/i)
      // One h1 per page (the layout's), ids unique.
      expect(page.match(/<h1/g), path).toHaveLength(1)
      const ids = [...page.matchAll(/\sid="([^"]+)"/g)].map((x) => x[1])
      expect(ids.length - new Set(ids).size, `${path} repeats an id`).toBe(0)
    }
  })
})
