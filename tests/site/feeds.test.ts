import { describe, expect, it } from 'vitest'
import { atomFeed, rssFeed } from '../../core/feeds.ts'
import { loadSiteData } from '../../api/services/site-data.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { readFeed, xmlProblems } from '../fixtures/feed-readers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const XSS = [
  'Hello <script>alert("x")</script>',
  '<img src=x onerror="alert(1)">',
  '[click](javascript:alert(1))',
  '<a href="https://ok.example" onclick="steal()">ok</a>',
  '<iframe src="https://evil.example"></iframe>',
].join('\n\n')

async function feeds(t: TestApp) {
  const data = await loadSiteData(t.deps)
  const items = await data.feedItems()
  const page = data.common.page
  return {
    rss: rssFeed({ page, locale: 'en', path: (p) => p }, items, '2026-03-10T12:00:00.000Z'),
    atom: atomFeed({ page, locale: 'en', path: (p) => p }, items, '2026-03-10T12:00:00.000Z'),
  }
}

describe('history feeds', () => {
  it('RSS and Atom are well-formed (libxml2) and read by an independent parser, one item per incident or window', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'API & "Edge" <v2>' })
    await makeIncident(t, {
      name: 'Errors on API & <Edge>',
      components: { [a.id]: 'partial_outage' },
    })
    await makeMaintenance(t, { name: 'Upgrade', components: [a.id] })
    const { rss, atom } = await feeds(t)
    for (const [xml, version] of [
      [rss, 'rss'],
      [atom, 'atom'],
    ] as const) {
      expect(await xmlProblems(xml)).toBe('')
      const parsed = readFeed(xml)
      expect(parsed.format).toBe(version)
      expect(parsed.entries.map((e) => e.title).sort()).toEqual([
        'Errors on API & <Edge> (Investigating)',
        'Maintenance: Upgrade (Scheduled)',
      ])
    }
  })

  it('an item carries every update, and its GUID survives edits and updates', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { name: 'Slow checkout', body: 'First we noticed it.' })
    const before = readFeed((await feeds(t)).rss).entries[0]!
    const beforeAtom = readFeed((await feeds(t)).atom).entries[0]!
    t.clock.advance(600_000)
    await t.api('PATCH', `/api/v1/incidents/${inc.id}`, { name: 'Slow checkout for EU cards' })
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Then we found the cause.',
    })
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, { body: 'Finally it was fixed.' })
    const { rss, atom } = await feeds(t)
    const after = readFeed(rss).entries[0]!
    const afterAtom = readFeed(atom).entries[0]!
    expect(after.id).toBe(before.id)
    expect(after.id).toBe(`https://status.example.com/incidents/${inc.id}/`)
    expect(afterAtom.id).toBe(beforeAtom.id)
    expect(after.title).toBe('Slow checkout for EU cards (Resolved)')
    for (const entry of [after, afterAtom]) {
      const order = [
        'Finally it was fixed.',
        'Then we found the cause.',
        'First we noticed it.',
      ].map((s) => entry.content.indexOf(s))
      expect(order.every((i) => i >= 0)).toBe(true)
      expect(order).toEqual([...order].sort((x, y) => x - y))
      expect(entry.content).toMatch(/Resolved.*UTC/s)
    }
  })

  it('script, event handlers and javascript: links are inert in both feeds', async () => {
    const t = await createTestApp()
    await makeIncident(t, { name: '<script>alert(1)</script>', body: XSS, workaround: XSS })
    const { rss, atom } = await feeds(t)
    for (const xml of [rss, atom]) {
      expect(await xmlProblems(xml)).toBe('')
      const entry = readFeed(xml).entries[0]!
      // What a reader will render: no live script, handler, frame or javascript: URL.
      expect(entry.content).not.toMatch(/<script|<iframe|<img|onerror=|onclick=|javascript:/i)
      expect(entry.content).toContain('https://ok.example')
      expect(entry.title).toBe('<script>alert(1)</script> (Investigating)')
    }
    // Titles are plain text (CDATA in RSS, escaped in Atom); bodies carry no live markup at all.
    const withoutTitles = (xml: string) => xml.replace(/<title>[\s\S]*?<\/title>/g, '')
    expect(withoutTitles(rss)).not.toMatch(/<script|onerror=|javascript:/i)
    expect(withoutTitles(atom)).not.toMatch(/&lt;script|onerror=|javascript:/i)
  })
})
