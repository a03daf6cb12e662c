import { html } from 'hono/html'
import type { IncidentCommunicationMetrics } from '../services/metrics.ts'
import { chartWithTable, type Bar } from './charts.ts'
import { fromNow } from './clock.ts'
import { impactPill, statusPill, time } from './labels.ts'
import type { Html } from './layout.ts'
import { dur, firstMessageText, gapText, postmortemText, reportsSection } from './metrics-views.ts'

/** How the impact start was set: the one thing that decides whether the first message is measured. */
function impactStartText(m: IncidentCommunicationMetrics['incident']): string {
  const f = m.first_message
  if (f.state === 'opened_at_impact_start')
    return 'not backdated: the incident was opened at impact start'
  if (f.state === 'ahead_of_impact') return 'after the first public message'
  const lead = Date.parse(m.created_at) - Date.parse(m.started_at)
  return lead > 0 ? `backdated by ${dur(lead / 1000)} when the incident was opened` : ''
}

/** "1 of 3 broken", "2 of 2 kept; silent for 20 min now", with the longest silence. */
function promisesText(i: IncidentCommunicationMetrics['incident']): Html {
  if (!i.gaps.length) return html`one update, no gap yet`
  const closed = i.gaps.filter((g) => g.to !== null).length
  const running = i.gaps.find((g) => g.to === null)
  const parts: Html[] = []
  if (i.broken_promises) {
    parts.push(html`<strong class="late">${i.broken_promises} of ${i.gaps.length} broken</strong>`)
  } else if (closed) parts.push(html`${closed} of ${closed} kept`)
  if (running) {
    const past = running.late ? html` <strong class="late">past the promise</strong>` : ''
    parts.push(html`silent for ${dur(running.seconds)} now${past}`)
  }
  parts.push(html`longest silence ${dur(i.longest_gap_s)}`)
  return html`${parts.map((p, n) => html`${n ? '; ' : ''}${p}`)}`
}

/** One incident's communication: first message, every gap against the promise, post-mortem, reports. */
export function incidentMetricsBody(m: IncidentCommunicationMetrics, timeZone: string): Html {
  const i = m.incident
  const t = m.targets
  const promise = t.update_gap_minutes * 60
  const bars: Bar[] = i.gaps.map((g, n) => ({
    label: String(n + 1),
    seconds: g.seconds,
    late: g.late,
    open: g.to === null,
  }))
  const start = impactStartText(i)
  // prettier-ignore
  const gapsTable = html`<table class="stack">
<caption>Every silence between public updates, against the promised ${t.update_gap_minutes} min</caption>
<thead><tr><th scope="col">#</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Next update promised by</th><th scope="col">Silence</th></tr></thead>
<tbody>${i.gaps.map((g, n) => html`<tr><td class="idx">${n + 1}</td><td data-label="From">${time(g.from, timeZone)}</td><td data-label="To">${g.to ? time(g.to, timeZone) : html`<span class="muted">still silent</span>`}</td><td data-label="Next update promised by">${time(g.due_at, timeZone)}</td><td data-label="Silence">${gapText(g)}</td></tr>`)}</tbody>
</table>`
  // prettier-ignore
  return html`<p><a href="/admin/incidents/${i.id}">Open the incident</a> · <a href="/admin/metrics">All communication metrics</a></p>
<dl class="facts">
<div><dt>Impact</dt><dd>${impactPill(i.impact)} ${statusPill(i.status)}</dd></div>
<div><dt>Impact started</dt><dd>${time(i.started_at, timeZone)}${start ? html` <span class="muted">(${start})</span>` : ''}</dd></div>
<div><dt>First public message</dt><dd>${i.first_message.at ? time(i.first_message.at, timeZone) : 'none'}</dd></div>
<div><dt>Time to first message</dt><dd>${firstMessageText(i.first_message)} <span class="muted">(target ${t.first_update_minutes} min)</span></dd></div>
<div><dt>Update promises</dt><dd>${promisesText(i)}</dd></div>
${i.resolved_at ? html`<div><dt>Resolved</dt><dd>${time(i.resolved_at, timeZone)} <span class="muted">after ${dur(i.time_to_resolve_s)}</span></dd></div>` : i.next_update_due_at ? html`<div><dt>Next update</dt><dd>promised by ${time(i.next_update_due_at, timeZone)} <span class="muted">(${fromNow(i.next_update_due_at, new Date(m.generated_at))})</span></dd></div>` : ''}
<div><dt>Post-mortem</dt><dd>${postmortemText(i.postmortem, m.generated_at)}${i.postmortem.due_at ? html` <span class="muted">(due ${time(i.postmortem.due_at, timeZone)})</span>` : ''}</dd></div>
</dl>
<h2>Gaps between updates</h2>
${chartWithTable(
    {
      id: 'gaps',
      title: 'Every silence between public updates',
      summary: `${i.gaps.length} gaps; ${i.broken_promises} longer than the promised ${t.update_gap_minutes} minutes.`,
      caption: `One bar per gap, in order, numbered as in the table; outlined: still silent now. The dashed line is the promised ${t.update_gap_minutes} min.`,
      bars,
      targets: [{ seconds: promise, label: `promise ${t.update_gap_minutes} min` }],
      empty: 'No gap to measure: the incident has had one public update.',
    },
    i.gaps.length ? gapsTable : html``,
  )}
<h2>Reports about this incident</h2>
${reportsSection('reports', m.reports, { timeZone, about: false, empty: 'No reports about this incident.' })}`
}
