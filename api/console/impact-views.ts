import { html } from 'hono/html'
import { CHANNEL_LABELS } from '../../core/channels.ts'
import { formatDuration } from '../../core/format.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { ImpactView } from '../../core/schemas/recovery.ts'
import { downtimeWeightsText } from '../../core/uptime.ts'
import { amendsNav } from './amends-nav.ts'
import { windowText } from './clock.ts'
import { excerpt, impactPill, statusPill, time } from './labels.ts'
import type { Html } from './layout.ts'

export interface ImpactPageProps {
  incident: Incident
  impact: ImpactView
  timeZone: string
}

const count = new Intl.NumberFormat('en-GB')
const SOURCE_LABELS = { form: 'Report form', follow_up: 'Follow-up: still affected' } as const
const EXCERPT = 200

/** A stretch of outage in words: "None", "Under 1 min", "3 h 12 min". */
export function outageText(seconds: number): string {
  if (seconds <= 0) return 'None'
  return seconds < 30 ? 'Under 1 min' : formatDuration(seconds * 1000)
}

const people = (n: number) => `${count.format(n)} ${n === 1 ? 'subscriber' : 'subscribers'}`

/**
 * Step one of service recovery, assess the cost: whom the incident reached, how long each
 * component was down (weighted as uptime and credits weigh it), and what customers reported.
 */
export function impactPage(p: ImpactPageProps): Html {
  const i = p.incident
  const m = p.impact
  const open = i.status !== 'resolved'
  const weights = downtimeWeightsText()
  // prettier-ignore
  return html`${amendsNav(i.id, 'impact')}
<p class="row">${statusPill(i.status)} ${impactPill(i.impact)}</p>
<dl class="facts">
<div><dt>${open ? 'Ongoing for' : 'Lasted'}</dt><dd>${formatDuration(m.duration_seconds * 1000)} <span class="muted">(${i.resolved_at ? windowText(i.started_at, i.resolved_at, p.timeZone) : html`since ${time(i.started_at, p.timeZone)}`})</span></dd></div>
<div><dt>Subscribers affected</dt><dd><strong>${people(m.affected_subscribers)}</strong> <span class="muted">(${m.channels.map((c) => `${CHANNEL_LABELS[c.channel]}: ${count.format(c.count)}`).join(', ')})</span></dd></div>
<div><dt>Weighted downtime</dt><dd>${outageText(m.total_weighted_outage_seconds)} <span class="muted">across ${m.components.length === 1 ? 'its component' : `${m.components.length} components`}</span></dd></div>
<div><dt>Customer reports</dt><dd>${m.reports.total === 0 ? 'None' : html`<a href="#reports-h">${count.format(m.reports.total)}</a>`}</dd></div>
</dl>
${open ? html`<p class="warn">Still open: the figures grow until it is resolved.</p>` : ''}

<section aria-labelledby="subs-h">
<h2 id="subs-h">Subscribers affected</h2>
<p class="small muted">Confirmed subscribers who hear about each component, counting those who follow every component. Someone who follows two of them is in both rows and once in the total.</p>
${m.subscribers.length === 0 ? html`<p>No component is named on this incident, so no subscriber is counted as affected.</p>` : html`<table class="stack narrow">
<thead><tr><th scope="col">Component</th><th scope="col">Channel</th><th scope="col" class="num">Subscribers</th></tr></thead>
<tbody>
${m.subscribers.map((s) => html`<tr><td class="lead">${s.component_name}</td><td data-label="Channel">${CHANNEL_LABELS[s.channel]}</td><td data-label="Subscribers" class="num">${count.format(s.count)}</td></tr>`)}
</tbody>
</table>
<p>In all: <strong>${people(m.affected_subscribers)}</strong>, each counted once.</p>`}
</section>

<section aria-labelledby="outage-h">
<h2 id="outage-h">Outage per component</h2>
<p class="small muted">While the incident ${open ? 'has been open' : 'was open'}. Weighted downtime: ${weights}. The service credit counts downtime the same way.</p>
${m.components.length === 0 ? html`<p>No component is named on this incident.</p>` : html`<table class="stack impact-outage">
<thead><tr><th scope="col">Component</th><th scope="col" class="num">Major outage</th><th scope="col" class="num">Partial outage</th><th scope="col" class="num">Degraded</th><th scope="col" class="num">Weighted downtime</th></tr></thead>
<tbody>
${m.components.map((c) => html`<tr><td class="lead">${c.name}</td><td data-label="Major outage" class="num">${outageText(c.major_seconds)}</td><td data-label="Partial outage" class="num">${outageText(c.partial_seconds)}</td><td data-label="Degraded" class="num">${outageText(c.degraded_seconds)}</td><td data-label="Weighted downtime" class="num"><strong>${outageText(c.weighted_outage_seconds)}</strong></td></tr>`)}
</tbody>
</table>`}
</section>

<section aria-labelledby="reports-h">
<h2 id="reports-h">Customer reports <span class="count">(${count.format(m.reports.total)})</span></h2>
${m.reports.total === 0 ? html`<p>No customer has reported a problem about this incident.</p>` : html`<ul class="cards reports">
${m.reports.items.map((r) => html`<li class="card"><blockquote class="quote">${excerpt(r.message, EXCERPT)}</blockquote>
<p class="small row">${statusPill(r.status)} <span class="muted">${SOURCE_LABELS[r.source]} · ${time(r.created_at, p.timeZone)}</span> <a href="/admin/inbox/${r.id}">Open in the inbox<span class="vh">: report of ${time(r.created_at, p.timeZone)}</span></a></p></li>`)}
</ul>
${m.reports.total > m.reports.items.length ? html`<p class="small muted">The ${count.format(m.reports.items.length)} newest of ${count.format(m.reports.total)} are shown.</p>` : ''}`}
</section>`
}
