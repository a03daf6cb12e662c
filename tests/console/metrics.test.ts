import { describe, expect, it } from 'vitest'
import { makeComponent, makeGroup, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { createPerson, signIn } from '../fixtures/console.ts'

describe('console: metrics, and the pages under the console CSP', () => {
  it('shows the communication metrics with the chart to every role, behind the session', async () => {
    const t = await createTestApp()
    // Started 40 minutes before the first word about it: late against the 15-minute target.
    await makeIncident(t, { name: 'Checkout <errors>', started_at: '2026-03-10T11:20:00Z' })
    await makeIncident(t, { name: 'Search slow' })
    await createPerson(t, { role: 'viewer', email: 'vi@example.com' })
    const v = await signIn(t, 'vi@example.com')
    const res = await v.get('/admin/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self'")
    const page = await res.text()
    expect(page).toContain('<h1>Communication metrics</h1>')
    expect(page).toContain('<a href="/admin/metrics" aria-current="page">Metrics</a>')
    expect(page).toMatch(
      /<svg viewBox="0 0 600 140" preserveAspectRatio="xMinYMid meet" role="img" aria-labelledby="chart-t">/,
    )
    expect(page).toMatch(/<rect class="late" /)
    expect(page).toMatch(/<rect class="ok" /)
    expect(page).toContain('Checkout &lt;errors&gt;')
    expect(page).toContain('Last 30 days')
    expect(page).toMatch(/<td data-label="First update">40 min <strong class="late">late<\/strong>/)

    const anon = await t.app.request('/admin/metrics')
    expect(anon.status).toBe(303)
    expect(anon.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Fmetrics')
    const old = await t.app.request('/staff/metrics')
    expect(old.status).toBe(301)
    expect(old.headers.get('location')).toBe('/admin/metrics')
  })

  it('no page of maintenance, components, audit or metrics has an inline style or script', async () => {
    const t = await createTestApp()
    const g = await makeGroup(t, { name: 'Core' })
    const c = await makeComponent(t, { name: 'API', group_id: g.id })
    const m = await makeMaintenance(t, { components: [c.id] })
    await makeIncident(t, { components: { [c.id]: 'partial_outage' } })
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
