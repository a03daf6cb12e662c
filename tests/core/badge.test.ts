import { describe, expect, it } from 'vitest'
import {
  BADGE_COLORS,
  badgeSvg,
  badgeText,
  LABEL_COLOR,
  MAX_BADGE_CHARS,
  textWidth,
} from '../../core/badge.ts'
import { ComponentStatus } from '../../core/schemas/component.ts'
import { xmlProblems } from '../fixtures/feed-readers.ts'

/** WCAG relative luminance contrast of white on `hex`. */
function contrastWithWhite(hex: string): number {
  const full = hex.length === 4 ? [...hex.slice(1)].map((c) => c + c).join('') : hex.slice(1)
  const [r, g, b] = [0, 2, 4].map((i) => {
    const v = parseInt(full.slice(i, i + 2), 16) / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  })
  const l = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
  return 1.05 / (l + 0.05)
}

const widthOf = (svg: string) => Number(/^<svg[^>]* width="(\d+)"/.exec(svg)![1])

// Hostile component names: XML specials, markup, controls, bidi overrides, zero-width and
// invisible characters, lone surrogates, line breaks and very long names.
const HOSTILE = [
  '<script>alert(1)</script>',
  '"><svg onload=alert(1)>',
  "' onmouseover='x",
  'A & B',
  '&amp; already',
  ']]><x/>',
  '<!-- c -->',
  '<?xml version="1.0"?>',
  '<![CDATA[x]]>',
  'a\u0000b',
  'bell\u0007',
  'esc\u001b[31mred',
  'del\u007f',
  'c1\u0085\u009b',
  'tab\tand\nnewline\r\n',
  'ls\u2028ps\u2029',
  'rlo\u202eevil.exe',
  'lre\u202aembed\u202c',
  'isolate\u2066x\u2069',
  'rlm\u200fmark\u200e',
  'alm\u061c',
  'zw\u200bsp\u200c\u200dj',
  'bom\ufeff',
  'word joiner\u2060',
  'nonchar\uffff\ufffe',
  'lone \ud800 high',
  'lone \udc00 low',
  'x'.repeat(500),
  '中'.repeat(200),
  '   ',
  '',
  '\u202e\u202e\u202e',
  'e\u0301 combining',
  '😀 emoji',
]
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

describe('badges', () => {
  it('every status has its own colour, and white text on it is readable (≥ 4.5:1)', () => {
    const colors = ComponentStatus.options.map((s) => BADGE_COLORS[s])
    expect(new Set(colors).size).toBe(ComponentStatus.options.length)
    for (const c of [...colors, LABEL_COLOR]) expect(contrastWithWhite(c), c).toBeGreaterThan(4.5)
    for (const s of ComponentStatus.options) {
      const svg = badgeSvg({ label: 'API', message: s, color: BADGE_COLORS[s] })
      expect(svg).toContain(`fill="${BADGE_COLORS[s]}"`)
    }
  })

  it('is an accessible image: role="img", a <title> and an aria-label saying label and message', () => {
    const svg = badgeSvg({ label: 'Payments API', message: 'major outage', color: '#cf222e' })
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/)
    expect(svg).toContain('aria-label="Payments API: major outage"')
    expect(svg).toContain('<title>Payments API: major outage</title>')
    // The shadow copy of each text is hidden from assistive technology.
    expect(svg.match(/<text aria-hidden="true"/g)).toHaveLength(2)
  })

  it('grows with its text; wide (CJK) characters count a full em', () => {
    const w = (label: string) =>
      widthOf(badgeSvg({ label, message: 'operational', color: '#1a7f37' }))
    expect(w('API')).toBeLessThan(w('Payments API'))
    expect(w('Payments API')).toBeLessThan(w('Payments API and webhooks'))
    expect(textWidth('iiii')).toBeLessThan(textWidth('mmmm'))
    expect(textWidth('支付')).toBe(22)
    expect(textWidth('支付')).toBeGreaterThan(textWidth('ab'))
    // The message rect starts where the label rect ends.
    const svg = badgeSvg({ label: 'status', message: 'operational', color: '#1a7f37' })
    const lw = Number(/<rect width="(\d+)" height="20" fill="#555"/.exec(svg)![1])
    expect(svg).toContain(`<rect x="${lw}" `)
    expect(lw).toBe(textWidth('status') + 10)
  })

  it(`escapes and normalises hostile names: ${HOSTILE.length} variants x 2 fields, 0 got through`, async () => {
    const OWN_TAGS = new Set([
      'svg',
      'title',
      'linearGradient',
      'stop',
      'clipPath',
      'rect',
      'g',
      'text',
    ])
    const OWN_ATTRS = new Set(
      'xmlns width height viewBox role aria-label aria-hidden id x y x2 y2 offset stop-color stop-opacity rx fill fill-opacity clip-path text-anchor font-family font-size text-rendering textLength'.split(
        ' ',
      ),
    )
    let through = 0
    const all: string[] = []
    for (const name of HOSTILE) {
      for (const field of ['label', 'message'] as const) {
        const svg = badgeSvg({
          label: field === 'label' ? name : 'status',
          message: field === 'message' ? name : 'ok',
          color: '#1a7f37',
        })
        // Well-formed XML (libxml2), only the badge's own elements and attributes, and no
        // invisible or reordering character in what it says.
        const tags = [...svg.matchAll(/<([a-zA-Z]+)([^>]*)>/g)]
        const attrs = tags.flatMap((t) =>
          [...t[2]!.matchAll(/\s([a-zA-Z:-]+)="[^"]*"/g)].map((a) => a[1]!),
        )
        const stripped = tags.reduce((rest, t) => rest.replace(t[0], ''), svg)
        all.push(svg)
        const bad =
          tags.some((t) => !OWN_TAGS.has(t[1]!)) ||
          attrs.some((a) => !OWN_ATTRS.has(a)) ||
          /<(?!\/)/.test(stripped) ||
          FORBIDDEN.test(svg)
        if (bad) through++
      }
    }
    // libxml2 reads them all as one document: one badge that is not well-formed breaks it.
    expect(await xmlProblems(`<badges>${all.join('')}</badges>`)).toBe('')
    expect(through).toBe(0)
  })

  it('says long names in at most 40 characters, an empty one as "?"', () => {
    expect([...badgeText('x'.repeat(500))]).toHaveLength(MAX_BADGE_CHARS)
    expect(badgeText('x'.repeat(500)).endsWith('…')).toBe(true)
    expect(badgeText('\u202e\u200b  \n')).toBe('?')
    expect(badgeText('  Payments \n API  ')).toBe('Payments API')
    expect(badgeText('rlo\u202eevil.exe')).toBe('rloevil.exe')
    expect(badgeText('e\u0301')).toBe('é')
    expect(badgeText('😀 '.repeat(30))).not.toMatch(/[\ud800-\udfff](?![\udc00-\udfff])$/)
    expect(badgeText('A & B')).toBe('A & B')
    expect(badgeSvg({ label: 'A & B', message: 'ok', color: '#1a7f37' })).toContain('A &amp; B')
  })

  it('refuses a colour that is not a hex colour (it lands in an attribute)', () => {
    const svg = badgeSvg({ label: 'a', message: 'b', color: '"/><script>x</script>' })
    expect(svg).not.toContain('script')
  })
})
