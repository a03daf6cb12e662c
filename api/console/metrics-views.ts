import { html, raw } from 'hono/html'
import { formatDuration, formatTime } from '../../core/format.ts'
import type { communicationMetrics, CommunicationSummary } from '../services/metrics.ts'
import type { Html } from './layout.ts'

export type Metrics = Awaited<ReturnType<typeof communicationMetrics>>

const dur = (s: number | null) => (s === null ? '—' : formatDuration(s * 1000))
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`)

function summaryTable(label: string, s: CommunicationSummary): Html {
  // prettier-ignore
  return html`<table class="facts">
<caption>${label}</caption>
<tbody>
<tr><th scope="row">Incidents</th><td>${s.incidents}</td></tr>
<tr><th scope="row">Time to first update (median)</th><td>${dur(s.median_time_to_first_update_s)} · ${pct(s.first_update_met_rate)} on time</td></tr>
<tr><th scope="row">Longest silence (median)</th><td>${dur(s.median_longest_gap_s)} · ${pct(s.cadence_met_rate)} within target</td></tr>
<tr><th scope="row">Time to resolve (median)</th><td>${dur(s.median_time_to_resolve_s)}</td></tr>
<tr><th scope="row">Post-mortems on time</th><td>${s.postmortems_on_time} of ${s.postmortems_due} due</td></tr>
<tr><th scope="row">Apologies (major and critical)</th><td>${s.apologies_given} given, ${s.resolved_without_apology} missing</td></tr>
<tr><th scope="row">Follow-up answers</th><td>${s.follow_up.all_good} all good, ${s.follow_up.still_affected} still affected</td></tr>
<tr><th scope="row">Feedback</th><td>${s.feedback.received} received, ${s.feedback.answered} answered (median ${dur(s.feedback.median_first_response_s)}), ${s.feedback.within_2h} within 2 h, ${s.feedback.overdue} overdue</td></tr>
</tbody>
</table>`
}

/**
 * A small bar chart of time to first update per incident, with the target as a line: inline SVG
 * (allowed by the console's CSP; its colours come from classes in the stylesheet, never from
 * style attributes). Each bar's figure is also in the table below.
 */
function chart(m: Metrics): Html {
  const rows = [...m.incidents].reverse().slice(-30)
  const target = m.targets.first_update_minutes * 60
  const max = Math.max(target * 2, ...rows.map((r) => r.time_to_first_update_s))
  const w = 600
  const h = 140
  const base = h - 10
  const bw = rows.length ? (w - 20) / Math.max(rows.length, 10) : 0
  const y = (s: number) => base - (s / max) * (base - 10)
  // Numbers and fixed class names only: nothing a person wrote goes into this markup. A bar of
  // 0 s still shows as a stub, so "answered at once" is not mistaken for "no data".
  const bars = rows
    .map((r, i) => {
      const top = Math.min(base - 3, y(r.time_to_first_update_s))
      const cls = r.first_update_met ? 'ok' : 'late'
      return `<rect class="${cls}" x="${(10 + i * bw).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, bw - 4).toFixed(1)}" height="${(base - top).toFixed(1)}"></rect>`
    })
    .join('')
  // prettier-ignore
  return html`<figure class="chart">
<svg viewBox="0 0 ${w} ${h}" preserveAspectRatio="xMinYMid meet" role="img" aria-labelledby="chart-t">
<title id="chart-t">Time to first update per incident, oldest to newest; the line is the ${m.targets.first_update_minutes}-minute target</title>
${raw(bars)}
<line x1="0" x2="${w}" y1="${base}" y2="${base}" class="axis"></line>
<line x1="0" x2="${w}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}" class="target"></line>
</svg>
<figcaption class="small muted">Time to first update, last ${rows.length} incidents. Bars above the dashed line missed the ${m.targets.first_update_minutes}-minute target (shown in red, and marked “late” in the table).</figcaption>
</figure>`
}

/** The communication metrics: the chart, the 30- and 90-day summaries, one row per incident. */
export function metricsBody(m: Metrics, timeZone: string): Html {
  const rows = m.incidents.map(
    (r) =>
      // prettier-ignore
      html`<tr><td data-label="Incident"><a href="/admin/incidents/${r.id}">${r.name}</a></td><td data-label="Impact"><span class="pill s-${r.impact}">${r.impact}</span></td><td data-label="Started">${formatTime(r.started_at, timeZone)}</td><td data-label="First update">${dur(r.time_to_first_update_s)}${r.first_update_met ? '' : html` <strong class="late">late</strong>`}</td><td data-label="Longest silence">${dur(r.longest_gap_s)}${r.cadence_met ? '' : html` <strong class="late">too long</strong>`}</td><td data-label="Post-mortem">${r.postmortem_required ? (r.postmortem_met === null ? 'due' : r.postmortem_met ? 'on time' : 'late') : '—'}</td><td data-label="Apology">${r.apology ? 'yes' : 'no'}</td></tr>`,
  )
  // prettier-ignore
  return html`<p class="muted">Targets: first update within ${m.targets.first_update_minutes} min, then at least every ${m.targets.update_gap_minutes} min; post-mortem within ${m.targets.postmortem_days} days. Figures as of ${formatTime(m.generated_at, timeZone)}.</p>
${m.incidents.length ? chart(m) : html`<p>No incidents in the last 90 days.</p>`}
<div class="two">
${summaryTable('Last 30 days', m.rolling['30d'])}
${summaryTable('Last 90 days', m.rolling['90d'])}
</div>
<h2>Incidents, last 90 days</h2>
${m.incidents.length ? html`<table class="stack">
<thead><tr><th scope="col">Incident</th><th scope="col">Impact</th><th scope="col">Started</th><th scope="col">First update</th><th scope="col">Longest silence</th><th scope="col">Post-mortem</th><th scope="col">Apology</th></tr></thead>
<tbody>${rows}</tbody>
</table>` : html`<p>None.</p>`}`
}
