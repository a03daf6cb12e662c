import RSS from 'rss'
import { ENGLISH_FEED, type FeedWords } from './feed-words.ts'
import { formatTime } from './format.ts'
import type { IncidentView } from './site-data.ts'
import type { Locale } from './schemas/subscription.ts'
import type { PageInfo } from './snapshot.ts'

/** Which feed: the page, its language, and how a site path is written in that language. */
export interface FeedOf {
  page: PageInfo
  locale: Locale
  path: (sitePath: string) => string
  /** The feed's words in `locale` (English when not given). */
  words?: FeedWords
}

/** Every update of an item, newest first, as (already sanitised) HTML for feed readers. */
export function itemHtml(
  item: IncidentView,
  timeZone: string,
  w: FeedWords = ENGLISH_FEED,
): string {
  const parts: string[] = []
  const time = (iso: string) => escapeXml(formatTime(iso, timeZone, w.lang))
  if (item.kind === 'maintenance' && item.scheduled_for && item.scheduled_until) {
    parts.push(
      `<p>${escapeXml(w.scheduled)}: ${time(item.scheduled_for)} – ${time(item.scheduled_until)}</p>`,
    )
  }
  if (item.components.length) {
    parts.push(
      `<p>${escapeXml(w.affected)}: ${item.components.map((c) => escapeXml(c.name)).join(', ')}</p>`,
    )
  }
  const section = (title: string, html: string) =>
    `<p><strong>${escapeXml(title)}</strong></p>${html}`
  if (item.postmortem_html) parts.push(section(w.postmortem, item.postmortem_html))
  if (item.apology_html) parts.push(section(w.apology, item.apology_html))
  for (const sentence of item.compensation) parts.push(`<p>${escapeXml(sentence)}</p>`)
  if (item.workaround_html) parts.push(section(w.workaround, item.workaround_html))
  for (const u of item.updates) {
    parts.push(
      `<p><strong>${escapeXml(w.status(u.status))}</strong> — ${time(u.created_at)}</p>${u.body_html}`,
    )
  }
  return parts.join('\n')
}

function itemTitle(item: IncidentView, w: FeedWords): string {
  const status = item.cancelled_at ? w.cancelled : w.status(item.status)
  return w.itemTitle(item.kind, item.name, status)
}

/**
 * The GUID is the item's permanent page URL: it never changes when the incident is edited or
 * updated, so readers update the item instead of showing a duplicate.
 */
const guidOf = (base: string, item: IncidentView) => `${base}${item.path}`

/** RSS 2.0 with the `rss` package; one item per incident or maintenance window. */
export function rssFeed(of: FeedOf, items: readonly IncidentView[], updatedAt: string): string {
  const { page } = of
  const w = of.words ?? ENGLISH_FEED
  const base = page.url.replace(/\/+$/, '')
  const feed = new RSS({
    title: w.title(page.name),
    description: w.description(page.name),
    site_url: `${base}${of.path('/')}`,
    feed_url: `${base}${of.path('/history.rss')}`,
    language: of.locale,
    pubDate: updatedAt,
    ttl: 1,
  })
  for (const item of items) {
    feed.item({
      title: itemTitle(item, w),
      description: itemHtml(item, page.time_zone, w),
      url: `${base}${item.path}`,
      guid: guidOf(base, item),
      date: item.updated_at,
    })
  }
  // The package stamps <lastBuildDate> with the wall clock; the feed was last changed when its
  // newest item was, so the same data gives the same bytes (an unchanged feed is not rewritten).
  const built = `<lastBuildDate>${new Date(updatedAt).toUTCString()}</lastBuildDate>`
  return xmlSafe(
    feed.xml({ indent: false }).replace(/<lastBuildDate>[^<]*<\/lastBuildDate>/, built),
  )
}

/** Atom 1.0 (RFC 4287), written by hand: the format is small and every value is escaped. */
export function atomFeed(of: FeedOf, items: readonly IncidentView[], updatedAt: string): string {
  const { page } = of
  const w = of.words ?? ENGLISH_FEED
  const base = page.url.replace(/\/+$/, '')
  const entries = items.map(
    (item) => `<entry>
<id>${escapeXml(guidOf(base, item))}</id>
<title>${escapeXml(itemTitle(item, w))}</title>
<link rel="alternate" type="text/html" href="${escapeXml(`${base}${item.path}`)}"/>
<published>${item.started_at}</published>
<updated>${item.updated_at}</updated>
<content type="html">${escapeXml(itemHtml(item, page.time_zone, w))}</content>
</entry>`,
  )
  return xmlSafe(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(of.locale)}">
<id>${escapeXml(`${base}${of.path('/history.atom')}`)}</id>
<title>${escapeXml(w.title(page.name))}</title>
<link rel="self" type="application/atom+xml" href="${escapeXml(`${base}${of.path('/history.atom')}`)}"/>
<link rel="alternate" type="text/html" href="${escapeXml(`${base}${of.path('/history/')}`)}"/>
<updated>${updatedAt}</updated>
<author><name>${escapeXml(page.name)}</name></author>
${entries.join('\n')}
</feed>
`)
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

// Everything outside XML 1.0's Char production: C0 controls but tab/LF/CR, lone surrogates,
// U+FFFE and U+FFFF. With the u flag a paired surrogate is one code point and is kept.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/**
 * The feeds' last step: drops every character XML 1.0 forbids, so one stray control character in
 * an old row (input is checked now, rows written before were not) cannot make the whole feed
 * unreadable for every subscriber's reader.
 */
export function xmlSafe(xml: string): string {
  return xml.replace(NOT_XML_CHAR, '')
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!)
}
