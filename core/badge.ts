import type { ComponentStatus } from './schemas/component.ts'

/**
 * Shields-style status badges (`/badge.svg`, `/components/{id}/badge.svg`), pure SVG. Every text
 * that reaches a badge goes through `badgeText` (the one normaliser) and then `xml` (the one
 * escaper): component names are typed by people and a badge is embedded on other sites.
 */

/** White text on each colour has a contrast of at least 4.5:1 (the status site's light tones). */
export const BADGE_COLORS: Record<ComponentStatus, string> = {
  operational: '#1a7f37',
  degraded_performance: '#9a6700',
  partial_outage: '#bc4c00',
  major_outage: '#cf222e',
  under_maintenance: '#0969da',
}
export const LABEL_COLOR = '#555'

/** Longer texts are cut (with "…"): a badge is a glance, not a paragraph. */
export const MAX_BADGE_CHARS = 40

// Controls (C0, DEL, C1), bidi embeddings/overrides/isolates and marks, zero-width characters,
// the BOM, noncharacters and lone surrogates: invisible, or able to reorder what is shown.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
const SPACES = /[\s\u2028\u2029]+/g

/** A person's text as a badge shows it: one line, visible characters only, at most 40 of them. */
export function badgeText(raw: string, fallback = '?'): string {
  const flat = raw
    .normalize('NFC')
    .replace(/[\t\n\r\u2028\u2029]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .trim()
  const chars = [...flat]
  if (chars.length === 0) return fallback
  return chars.length > MAX_BADGE_CHARS
    ? `${chars
        .slice(0, MAX_BADGE_CHARS - 1)
        .join('')
        .trimEnd()}…`
    : flat
}

const XML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
const xml = (s: string) => s.replace(/[&<>"']/g, (c) => XML[c]!)

// Verdana at 11px, the font shields measure with (px per character, rounded to a tenth).
const WIDTHS: [string, number][] = [
  ["il.,:;'|!", 3.3],
  [' ', 3.9],
  ['fjtrI()[]{}-', 4.6],
  ['J', 5],
  ['csz"', 5.8],
  ['FLPkvxy?', 6.4],
  ['abdeghnopqu0123456789$#_+=<>*~^', 6.9],
  ['ETYZ', 7],
  ['ABCKRSVX&', 7.6],
  ['HNU', 8.2],
  ['DGOQ', 8.6],
  ['w%', 8.9],
  ['M', 9.3],
  ['@', 10.4],
  ['mW', 10.8],
]
const WIDTH = new Map(WIDTHS.flatMap(([cs, w]) => [...cs].map((c) => [c, w] as const)))

// East Asian wide and fullwidth characters (CJK, kana, hangul, fullwidth forms) take a full em.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u

/** The width of a badge text in px, from a per-character table (unknown characters: average). */
export function textWidth(text: string): number {
  let w = 0
  for (const c of text) w += WIDTH.get(c) ?? (WIDE.test(c) ? 11 : 7)
  return Math.ceil(w)
}

export interface Badge {
  label: string
  message: string
  color: string
}

/** The SVG of a badge: label on grey, message on `color`; `role="img"` with its text as the name. */
export function badgeSvg(b: Badge): string {
  const label = badgeText(b.label)
  const message = badgeText(b.message)
  const color = /^#[0-9a-f]{3,6}$/i.test(b.color) ? b.color : LABEL_COLOR
  const lw = textWidth(label) + 10
  const mw = textWidth(message) + 10
  const w = lw + mw
  const name = xml(`${label}: ${message}`)
  const text = (s: string, x: number, width: number) =>
    `<text aria-hidden="true" x="${x}" y="15" fill="#010101" fill-opacity=".3" textLength="${width}">${xml(s)}</text>` +
    `<text x="${x}" y="14" textLength="${width}">${xml(s)}</text>`
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" viewBox="0 0 ${w} 20" role="img" aria-label="${name}">` +
    `<title>${name}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="${LABEL_COLOR}"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="11">` +
    text(label, lw / 2, lw - 10) +
    text(message, lw + mw / 2, mw - 10) +
    `</g></svg>`
  )
}
