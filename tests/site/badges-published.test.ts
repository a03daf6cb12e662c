import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStaticFiles } from '../../api/static.node.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

describe('published badges', () => {
  it('/badge.svg and each component badge follow the status; a removed component loses its badge', async () => {
    const t = await createTestApp()
    const api = await makeComponent(t, { name: 'Payments API' })
    const web = await makeComponent(t, { name: 'Dashboard & <Reports>' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()

    expect(read(outDir, 'badge.svg')).toContain('aria-label="status: All Systems Operational"')
    const apiBadge = `components/${api.id}/badge.svg`
    expect(read(outDir, apiBadge)).toContain('aria-label="Payments API: operational"')
    expect(read(outDir, `components/${web.id}/badge.svg`)).toContain(
      '<title>Dashboard &amp; &lt;Reports&gt;: operational</title>',
    )

    const res = await t.api('PATCH', `/api/v1/components/${api.id}`, { status: 'partial_outage' })
    expect(res.status).toBe(200)
    await publisher.catchUp()
    expect(read(outDir, apiBadge)).toContain('aria-label="Payments API: partial outage"')
    expect(read(outDir, apiBadge)).toContain('fill="#bc4c00"')
    // The page's badge says what the banner says (core/status-rollup.ts pageStatus).
    expect(read(outDir, 'badge.svg')).toContain('aria-label="status: Minor Service Outage"')
    expect(read(outDir, `components/${web.id}/badge.svg`)).toContain(': operational')

    // An open critical incident outweighs the components, on the badge as on the banner.
    const opened = await t.api('POST', '/api/v1/incidents', {
      name: 'Everything is slow',
      status: 'investigating',
      impact: 'critical',
      body: 'Looking into it.',
      components: {},
    })
    expect(opened.status).toBe(201)
    await publisher.catchUp()
    const page = read(outDir, 'badge.svg')
    expect(page).toContain('aria-label="status: Major Service Outage"')
    expect(page).toContain('fill="#cf222e"')
    const home = read(outDir, 'index.html')
    expect(home).toContain('Major Service Outage')

    // Served as SVG with the page's short caching, readable from other origins' pages as images.
    const serve = createStaticFiles(outDir)
    const hit = serve(new Request('http://status.test/badge.svg'))!
    expect(hit.status).toBe(200)
    expect(hit.headers.get('content-type')).toBe('image/svg+xml')
    expect(hit.headers.get('cache-control')).toMatch(/max-age=10\b/)
    expect(hit.headers.get('x-content-type-options')).toBe('nosniff')

    expect((await t.api('DELETE', `/api/v1/components/${web.id}`)).status).toBe(200)
    await publisher.publishAll()
    expect(existsSync(join(outDir, `components/${web.id}`))).toBe(false)
    expect(existsSync(join(outDir, apiBadge))).toBe(true)
  })
})
