import { html, raw } from 'hono/html'
import { formatDuration, formatTime } from '../../core/format.ts'
import type { communicationMetrics, CommunicationSummary } from '../services/metrics.ts'
import { layout, type Html } from './layout.ts'

type Metrics = Awaited<ReturnType<typeof communicationMetrics>>

const dur = (s: number | null) => (s === null ? '—' : formatDuration(s * 1000))
const pct = (r: number | null) => (r === null ? '—' : `${Math.round(r * 100)}%`)

function summaryTable(label: string, s: CommunicationSummary): Html {
  // prettier-ignore
  return html`<table>
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
 * A small bar chart of time to first update per incident, with the target as a line; drawn as
 * inline SVG so the page needs no script. Each bar has a text alternative in the table below.
 */
function chart(m: Metrics): Html {
  const rows = [...m.incidents].reverse().slice(-30)
  const target = m.targets.first_update_minutes * 60
  const max = Math.max(target * 2, ...rows.map((r) => r.time_to_first_update_s))
  const w = 600
  const h = 160
  const bw = rows.length ? Math.min(40, (w - 20) / rows.length) : 0
  const y = (s: number) => h - 20 - (s / max) * (h - 40)
  const bars = rows
    .map((r, i) => {
      const top = y(r.time_to_first_update_s)
      const cls = r.first_update_met ? 'ok' : 'late'
      return `<rect class="${cls}" x="${10 + i * bw}" y="${top}" width="${Math.max(1, bw - 3)}" height="${h - 20 - top}"></rect>`
    })
    .join('')
  // prettier-ignore
  return html`<figure>
<svg viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="chart-t" width="100%">
<title id="chart-t">Time to first update per incident, oldest to newest; the line is the ${m.targets.first_update_minutes}-minute target</title>
${raw(bars)}
<line x1="0" x2="${w}" y1="${y(target)}" y2="${y(target)}" class="target"/>
</svg>
<figcaption>Time to first update, last ${rows.length} incidents (bars over the line missed the ${m.targets.first_update_minutes}-minute target).</figcaption>
</figure>`
}

export function metricsPage(m: Metrics, siteName: string, siteUrl: string, timeZone: string): Html {
  const rows = m.incidents.map(
    (r) =>
      // prettier-ignore
      html`<tr><td>${r.name}</td><td>${r.impact}</td><td>${formatTime(r.started_at, timeZone)}</td><td>${dur(r.time_to_first_update_s)}${r.first_update_met ? '' : ' (late)'}</td><td>${dur(r.longest_gap_s)}${r.cadence_met ? '' : ' (too long)'}</td><td>${r.postmortem_required ? (r.postmortem_met === null ? 'due' : r.postmortem_met ? 'on time' : 'late') : '—'}</td><td>${r.apology ? 'yes' : 'no'}</td></tr>`,
  )
  // prettier-ignore
  const body = html`<style>${raw('table{border-collapse:collapse;margin:1rem 0;width:100%;display:block;overflow-x:auto}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--line)}caption{text-align:left;font-weight:600}.wrap{max-width:60rem}rect.ok{fill:#1a7f37}rect.late{fill:#cf222e}line.target{stroke:currentColor;stroke-dasharray:4 3}')}</style>
<p class="muted">Staff only. Generated ${formatTime(m.generated_at, timeZone)}.</p>
${chart(m)}
${summaryTable('Last 30 days', m.rolling['30d'])}
${summaryTable('Last 90 days', m.rolling['90d'])}
<table tabindex="0">
<caption>Incidents, last 90 days</caption>
<thead><tr><th scope="col">Incident</th><th scope="col">Impact</th><th scope="col">Started</th><th scope="col">First update</th><th scope="col">Longest silence</th><th scope="col">Post-mortem</th><th scope="col">Apology</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
  return layout({ title: 'Communication metrics', siteName, siteUrl, body })
}
