import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFragmentCache, type FragmentCache } from '../../api/jobs/fragment-cache.ts'
import { createPublisher } from '../../api/jobs/publisher.node.ts'
import type { SiteRenderer } from '../../api/jobs/site-renderer.node.ts'
import type { RouteData } from '../../core/site-data.ts'
import { catalogFor } from '../../templates/locales/index.ts'
import { makeComponent, makeGroup, makeIncident } from '../fixtures/factories.ts'
import { publisherFor, siteRenderer } from '../fixtures/site-publish.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { diffTrees, formatDifferences } from '../fixtures/tree-diff.ts'

const DAY = 24 * 60 * 60_000
/** The pages made of reused parts (site/src/components/Reuse.astro). */
const REUSING = /^\/(uptime\/|history\/(\d{4}-\d{2}\/)?)?$/

/**
 * Three components: one in a group, two with an incident in their bars (one open, one resolved;
 * their links differ by locale) and one without (its bar is the same data in every locale).
 */
async function statusPage() {
  const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
  const checkout = await makeComponent(t, { name: 'Checkout' })
  const login = await makeComponent(t, { name: 'Login' })
  await makeComponent(t, { name: 'Search' })
  await makeGroup(t, { name: 'Storefront', components: [login.id] })
  const resolved = (await makeIncident(t, {
    name: 'Checkout was slow',
    components: { [checkout.id]: 'degraded_performance' },
  })) as { id: string }
  t.clock.advance(DAY + 3_600_000)
  const resolve = await t.api('POST', `/api/v1/incidents/${resolved.id}/resolve`, {
    body: 'Fixed.',
    components: { [checkout.id]: 'operational' },
  })
  expect(resolve.status).toBe(201)
  const open = (await makeIncident(t, {
    name: 'Login fails',
    components: { [login.id]: 'major_outage' },
  })) as { id: string }
  t.clock.advance(3_600_000)
  return { t, checkout, login, open }
}

/** A cache that counts its hits and misses. */
function counting(cache: FragmentCache) {
  const n = { hits: 0, misses: 0 }
  const counted: FragmentCache = {
    get(key) {
      const html = cache.get(key)
      if (html === undefined) n.misses++
      else n.hits++
      return html
    },
    set: (key, html) => cache.set(key, html),
    clear: () => cache.clear(),
    get size() {
      return cache.size
    },
  }
  return { n, cache: counted }
}

/** The publisher's render calls, with the number of fragments its cache held at each. */
function recording(r: SiteRenderer) {
  const calls: { path: string; route: RouteData; cached: number | undefined }[] = []
  const renderer: SiteRenderer = {
    ...r,
    renderFile(path, route, fragments) {
      calls.push({ path, route, cached: fragments?.size })
      return r.renderFile(path, route, fragments)
    },
  }
  return { calls, renderer }
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

/** A full build that reuses nothing, compared with `dir` byte for byte. */
async function expectFullBuild(t: TestApp, dir: string, what: string) {
  const { publisher, outDir } = await publisherFor(t, { reuse: false })
  await publisher.publishAll()
  const diffs = diffTrees(dir, outDir)
  expect(diffs, `${what}\n${formatDifferences(diffs)}`).toEqual([])
}

describe('reused page parts (Reuse.astro)', () => {
  it('are the same bytes from a cold cache, a warm one and no cache, scoped styles and all', async () => {
    const { t } = await statusPage()
    const r = recording(await siteRenderer())
    await createPublisher({ deps: t.deps, renderer: r.renderer, outDir: tempDir('p') }).publishAll()
    const pages = r.calls.filter((c) => REUSING.test(c.path))
    // /, /uptime/, /history/ and its one month, in two locales.
    expect(pages.length).toBe(8)
    const { n, cache } = counting(createFragmentCache())
    for (const { path, route } of pages) {
      const fresh = await r.renderer.render(path, route)
      const before = { ...n }
      const cold = await r.renderer.render(path, route, cache)
      const coldMisses = n.misses - before.misses
      const warm = await r.renderer.render(path, route, cache)
      const where = `${path} (${route.common.locale})`
      expect(cold, where).toBe(fresh)
      expect(warm, where).toBe(fresh)
      // The warm render took every part from the cache: as many hits as the cold one had misses.
      expect(n.misses - before.misses, where).toBe(coldMisses)
      expect(n.hits - before.hits, where).toBeGreaterThanOrEqual(coldMisses)
    }
    expect(n.hits).toBeGreaterThan(0)
    const home = await r.renderer.render('/', pages[0]!.route, cache)
    // The rows' scoped styles still apply: their elements carry the component's attribute.
    expect(home).toMatch(/<li class="comp" data-astro-cid-\w+>/)
  })

  it('show what changed on the next incremental publish (7 variants, every page)', async () => {
    const { t, checkout, login, open } = await statusPage()
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    // Two locales share the cache: each page's parts are in its own words.
    for (const [file, locale] of [
      ['index.html', 'en'],
      ['zh-CN/index.html', 'zh-CN'],
    ] as const) {
      const words = catalogFor(locale).site.uptime
      expect(read(outDir, file)).toContain(`<span aria-hidden="true">${words.today}</span>`)
    }
    await expectFullBuild(t, outDir, 'after the first full publish, in two locales')
    const variants: [string, () => Promise<unknown>, Record<string, string>][] = [
      [
        'a component renamed',
        () => t.api('PATCH', `/api/v1/components/${checkout.id}`, { name: 'Payments' }),
        { 'index.html': 'Payments', 'uptime/index.html': 'Payments' },
      ],
      [
        'a component described',
        () => t.api('PATCH', `/api/v1/components/${login.id}`, { description: 'Sign-in' }),
        { 'index.html': 'Sign-in' },
      ],
      [
        "an incident renamed (bars' tooltips, a past day, a month's list)",
        () => t.api('PATCH', `/api/v1/incidents/${open.id}`, { name: 'Sign-in fails' }),
        { 'index.html': 'Sign-in fails', 'history/index.html': 'Sign-in fails' },
      ],
      [
        'a component status changed',
        () => t.api('PATCH', `/api/v1/components/${checkout.id}`, { status: 'partial_outage' }),
        { 'zh-CN/index.html': catalogFor('zh-CN').site.frame.componentStatus.partial_outage },
      ],
      [
        'an incident resolved',
        () =>
          t.api('POST', `/api/v1/incidents/${open.id}/resolve`, {
            body: 'Fixed.',
            components: { [login.id]: 'operational' },
          }),
        { 'history/index.html': '1 h' },
      ],
      [
        'a day passed (every bar moves on)',
        async () => {
          t.clock.advance(DAY)
          await publisher.refreshOpen()
        },
        {},
      ],
      [
        'a component removed from its group',
        () => t.api('PATCH', `/api/v1/components/${login.id}`, { group_id: null }),
        {},
      ],
    ]
    for (const [what, change, shows] of variants) {
      const before = read(outDir, 'index.html')
      t.clock.advance(60_000)
      await change()
      await publisher.catchUp()
      expect(read(outDir, 'index.html'), what).not.toBe(before)
      for (const [file, text] of Object.entries(shows)) {
        expect(read(outDir, file), `${what}: ${file}`).toContain(text)
      }
      await expectFullBuild(t, outDir, what)
    }
  })

  it('a full publish starts from an empty cache', async () => {
    const { t, checkout } = await statusPage()
    const r = recording(await siteRenderer())
    const publisher = createPublisher({ deps: t.deps, renderer: r.renderer, outDir: tempDir('p') })
    await publisher.publishAll()
    await t.api('PATCH', `/api/v1/components/${checkout.id}`, { name: 'Payments' })
    await publisher.catchUp()
    // The incremental publish rendered with the parts the full one left.
    expect(r.calls.at(-1)!.cached).toBeGreaterThan(0)
    const from = r.calls.length
    await publisher.publishAll()
    expect(r.calls[from]!.cached).toBe(0)
  })
})
