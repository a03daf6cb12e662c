import { describe, expect, it } from 'vitest'
import { atomFeed, rssFeed, xmlSafe } from '../../core/feeds.ts'
import { loadSiteData } from '../../api/services/site-data.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { readFeed, xmlProblems } from '../fixtures/feed-readers.ts'
import { createTestApp } from '../fixtures/test-app.ts'

// Rows written before input was checked (or by hand in the database) may hold anything.
const STORED = [
  ...Array.from({ length: 0x20 }, (_, c) => String.fromCharCode(c)),
  '\u007f',
  '\u0085',
  '\u009b',
  '\udfff', // low before high: two lone surrogates, not a pair
  '\ud800',
  '\ufffe',
  '\uffff',
].join('')

describe('feeds stay well-formed whatever the rows hold', () => {
  it('strips what XML 1.0 forbids from RSS and Atom built from rows with control characters', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const inc = await makeIncident(t, { components: { [a.id]: 'major_outage' } })
    const dirty = `Checkout \u001b[31mdown\u001b[0m ${STORED}`
    await t.deps.db.batch([
      {
        sql: 'UPDATE incidents SET name = ?, workaround = ? WHERE id = ?',
        args: [dirty, dirty, inc.id],
      },
      { sql: 'UPDATE incident_updates SET body = ? WHERE incident_id = ?', args: [dirty, inc.id] },
      { sql: 'UPDATE components SET name = ? WHERE id = ?', args: [dirty, a.id] },
    ])
    const data = await loadSiteData(t.deps)
    const items = await data.feedItems()
    const page = { ...data.common.page, name: `Example ${STORED}` }
    for (const xml of [
      rssFeed({ page, locale: 'en', path: (p) => p }, items, '2026-03-10T12:00:00.000Z'),
      atomFeed({ page, locale: 'en', path: (p) => p }, items, '2026-03-10T12:00:00.000Z'),
    ]) {
      expect(await xmlProblems(xml)).toBe('')
      const [entry] = readFeed(xml).entries
      expect(entry!.title).toMatch(/^Checkout \[31mdown\[0m /)
      expect(entry!.content).toContain('[31mdown')
    }
  })

  it('xmlSafe keeps tab, line breaks and every allowed character, including astral ones', () => {
    const kept = 'a\tb\nc\rd é 日本 😀 \u{10fffd} \ue000 \ufffd'
    expect(xmlSafe(kept)).toBe(kept)
    expect(xmlSafe(`x${STORED}y`)).toBe('x\t\n\r\u007f\u0085\u009by')
  })
})
