// The brand colour as the page's accent, made readable: links and the focus ring must keep a 4.5:1
// contrast (WCAG AA) on the light and on the dark background, whatever colour a company picks.

type Rgb = [number, number, number]

const rgbOf = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb
const hexOf = (c: Rgb) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/** WCAG contrast ratio of two `#rrggbb` colours (1..21). */
export function contrast(a: string, b: string): number {
  const [x, y] = [luminance(rgbOf(a)), luminance(rgbOf(b))].sort((p, q) => q - p) as [
    number,
    number,
  ]
  return (x + 0.05) / (y + 0.05)
}

/**
 * `color` itself when it reads on `background` at `ratio`, else the nearest shade that does:
 * mixed towards black on a light background, towards white on a dark one, in 2% steps.
 */
export function readableOn(color: string, background: string, ratio = 4.5): string {
  const base = rgbOf(color)
  const towards = luminance(rgbOf(background)) > 0.5 ? 0 : 255
  for (let step = 0; step <= 50; step++) {
    const t = step / 50
    const c = hexOf(base.map((v) => v + (towards - v) * t) as Rgb)
    if (contrast(c, background) >= ratio) return c
  }
  return towards === 0 ? '#000000' : '#ffffff'
}
