import { html, raw } from 'hono/html'
import type { Html } from './layout.ts'

/**
 * The console's one chart: bars of durations against target lines, as inline SVG (no script; the
 * console's CSP forbids style attributes, so every colour and size comes from classes in
 * console-css.ts). The numbers are in the table the caller sets beside it (`chartWithTable`):
 * that table is the accessible source, the SVG an image with a title and a one-line summary.
 */
export interface Bar {
  /** Under the bar; the same as the first column of the table beside it ("1", "2"…). */
  label: string
  seconds: number
  /** `open`: still running (drawn outlined); `late` also on an open bar: already over. */
  late: boolean
  open?: boolean
}

export interface Target {
  seconds: number
  /** Beside the line: "target 15 min". */
  label: string
}

export interface ChartSpec {
  /** Unique on the page: the SVG's title and description ids start with it. */
  id: string
  title: string
  /** What the bars show and how they did, for people who cannot see them. */
  summary: string
  /** Under the chart: what a bar is, and how to read it. */
  caption: string
  bars: readonly Bar[]
  targets: readonly Target[]
  /** Said instead of an empty chart when there are no bars. */
  empty: string
  /** The axis unit, when durations are not minutes or longer (response times: `ms`). */
  unit?: { seconds: number; name: string }
}

// The drawing, in viewBox units: about one CSS pixel each at 390 px, so 11-unit labels stay legible
// on a phone; wider screens scale it up (capped in CSS).
const W = 360
const H = 196
const LEFT = 34
const RIGHT = 8
const TOP = 24
const BOTTOM = 22
const PLOT_W = W - LEFT - RIGHT
const PLOT_H = H - TOP - BOTTOM
const MIN = 60
const HOUR = 3600
const DAY = 86_400

/** The unit a chart's axis counts in: minutes up to 2 h, hours up to 3 days, then days. */
export function axisUnit(maxSeconds: number): { seconds: number; name: string } {
  if (maxSeconds <= 2 * HOUR) return { seconds: MIN, name: 'min' }
  if (maxSeconds <= 3 * DAY) return { seconds: HOUR, name: 'h' }
  return { seconds: DAY, name: 'days' }
}

/** A round step giving 3 to 6 ticks up to `max` (in the axis unit). */
function tickStep(max: number): number {
  for (const step of [1, 2, 5, 10, 15, 20, 30, 60, 120, 240, 500, 1000]) {
    if (max / step <= 5) return step
  }
  return Math.ceil(max / 5)
}

const n = (x: number) => x.toFixed(1)

function svg(spec: ChartSpec): string {
  const highest = Math.max(
    ...spec.bars.map((b) => b.seconds),
    ...spec.targets.map((t) => t.seconds),
  )
  const unit = spec.unit ?? axisUnit(highest)
  // Headroom above the highest bar or line, so a target's label never sits on the frame.
  const step = tickStep((highest * 1.15) / unit.seconds || 1)
  const top = Math.max(step, Math.ceil((highest * 1.15) / unit.seconds / step) * step)
  const y = (seconds: number) => TOP + PLOT_H - (seconds / unit.seconds / top) * PLOT_H
  const base = TOP + PLOT_H
  const out: string[] = []
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(
      `<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${n(y(v * unit.seconds))}" y2="${n(y(v * unit.seconds))}"></line>`,
      `<text class="tick" x="${LEFT - 4}" y="${n(y(v * unit.seconds) + 4)}" text-anchor="end">${v}</text>`,
    )
  }
  out.push(
    `<text class="unit" x="${LEFT - 4}" y="${TOP - 12}" text-anchor="end">${unit.name}</text>`,
  )
  // Few bars stay narrow and to the left rather than stretching into slabs.
  const slot = PLOT_W / Math.max(spec.bars.length, 8)
  const width = Math.min(slot * 0.7, 26)
  const every = Math.ceil(16 / slot)
  spec.bars.forEach((b, i) => {
    const x = LEFT + slot * i + (slot - width) / 2
    // A bar of 0 still shows as a stub: "at once" is not "no data".
    const h = Math.max(1.5, base - y(b.seconds))
    const cls = `${b.open ? 'open' : 'done'}${b.late ? ' late' : ''}`
    out.push(
      `<rect class="${cls}" x="${n(x)}" y="${n(base - h)}" width="${n(width)}" height="${n(h)}"></rect>`,
    )
    // The last bar is labelled too, unless its label would run into the previous one.
    const last = i === spec.bars.length - 1 && (i % every) * slot >= 16
    if (i % every === 0 || last) {
      out.push(
        `<text class="tick" x="${n(x + width / 2)}" y="${H - 6}" text-anchor="middle">${esc(b.label)}</text>`,
      )
    }
  })
  out.push(`<line class="axis" x1="${LEFT}" x2="${W - RIGHT}" y1="${base}" y2="${base}"></line>`)
  for (const t of spec.targets) {
    const ty = n(y(t.seconds))
    out.push(
      `<line class="target" x1="${LEFT}" x2="${W - RIGHT}" y1="${ty}" y2="${ty}"></line>`,
      `<text class="target" x="${W - RIGHT}" y="${n(y(t.seconds) - 4)}" text-anchor="end">${esc(t.label)}</text>`,
    )
  }
  return out.join('')
}

// Labels are figures and fixed words, never what a person wrote; escaped all the same.
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The chart, or its honest "no data" state: never an empty frame that reads as zeros. */
export function barChart(spec: ChartSpec): Html {
  if (spec.bars.length === 0) {
    // prettier-ignore
    return html`<figure class="chart" aria-labelledby="${spec.id}-c">
<p class="nodata">${spec.empty}</p>
<figcaption id="${spec.id}-c" class="small muted">${spec.title}: no data.</figcaption>
</figure>`
  }
  // prettier-ignore
  return html`<figure class="chart" aria-labelledby="${spec.id}-c">
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${spec.id}-t ${spec.id}-d">
<title id="${spec.id}-t">${spec.title}</title>
<desc id="${spec.id}-d">${spec.summary}</desc>
${raw(svg(spec))}
</svg>
<figcaption id="${spec.id}-c" class="small muted">${spec.caption}</figcaption>
</figure>`
}

/** A chart and the table of its numbers, side by side on a wide screen, table below on a phone. */
export function chartWithTable(spec: ChartSpec, table: Html): Html {
  return html`<div class="chart-pair">${barChart(spec)}${table}</div>`
}
