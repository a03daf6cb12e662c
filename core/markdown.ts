import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'
import { compile, type FormatCallback } from 'html-to-text'
import { memoized } from './memo.ts'

const marked = new Marked({ gfm: true, breaks: true, async: false })

/**
 * Only plain formatting survives: no scripts, styles, frames, forms, images, event handlers or
 * non-http(s)/mailto links, so nothing written in an update can run in a reader's browser, feed
 * reader or mail client.
 */
const POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h3',
    'h4',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer' }),
    h1: 'h3',
    h2: 'h3',
  },
}

/**
 * Markdown written by staff → HTML that is safe to put in pages, feeds and emails. The same
 * texts are rendered again at every publish (a timeline on its page, the home page, the feeds):
 * the latest few thousand are remembered.
 */
export const renderMarkdown: (markdown: string) => string = memoized(5000, (markdown) =>
  sanitizeHtml(marked.parse(markdown) as string, POLICY).trim(),
)

/** Columns a line takes in a fixed-width font: East Asian wide characters take two. */
function columns(s: string): number {
  let n = 0
  for (const ch of s) n += WIDE.test(ch) ? 2 : 1
  return n
}
const WIDE =
  /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u

/**
 * A heading in plain text (setext style): the text on its own line, underlined to its width with
 * `rule` ("=" for an email's own sections, "-" for the headings written inside them).
 */
export function underline(text: string, rule: '=' | '-'): string {
  const width = Math.max(3, ...text.split('\n').map((l) => columns(l.trim())))
  return `${text}\n${rule.repeat(width)}`
}

/** A markdown heading in a text part: its own line, underlined, never run into what follows. */
const underlined: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 2 })
  walk(elem.children, builder)
  builder.closeBlock({ trailingLineBreaks: 2, blockTransform: (text) => underline(text, '-') })
}

/**
 * html-to-text (a maintained converter, not our own regexes) set up for mail: headings
 * underlined, list items with "- " or "1. ", links as "text [url]", tables as columns, no hard
 * wrapping (phones wrap; a hard wrap would break lines twice).
 */
const toText = compile({
  wordwrap: false,
  formatters: { underlined },
  selectors: [
    { selector: 'h3', format: 'underlined' },
    { selector: 'h4', format: 'underlined' },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
})

/**
 * Markdown → plain text, for the text part of every email (and any other plain-text sink): the
 * sanitised HTML of renderMarkdown, so the text says exactly what the HTML part shows.
 */
export function markdownToText(markdown: string): string {
  return toText(renderMarkdown(markdown))
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
