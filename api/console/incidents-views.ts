import { html } from 'hono/html'
import type { SloTargets } from '../../core/communication-slo.ts'
import { formatDuration } from '../../core/format.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import { ago, updateClock } from './clock.ts'
import { impactPill, statusPill, time } from './labels.ts'
import type { Html } from './layout.ts'

export interface IncidentsListProps {
  open: Incident[]
  resolved: Incident[]
  page: number
  pages: number
  total: number
  timeZone: string
  now: Date
  slo: SloTargets
  canWrite: boolean
}

const link = (i: Incident) => html`<a href="/admin/incidents/${i.id}">${i.name}</a>`

/** Open incidents first (all of them), then the resolved ones, newest first, a page at a time. */
export function incidentsList(p: IncidentsListProps): Html {
  // prettier-ignore
  return html`${p.canWrite ? html`<p><a class="button" href="/admin/incidents/new">Open an incident</a></p>` : ''}
<h2>Open <span class="count">(${p.open.length})</span></h2>
${p.open.length === 0 ? html`<p>No open incidents.</p>` : html`<table class="stack">
<thead><tr><th scope="col">Incident</th><th scope="col">Status</th><th scope="col">Impact</th><th scope="col">Started</th><th scope="col">Next update</th></tr></thead>
<tbody>${p.open.map((i) => {
    const clock = updateClock(i, p.slo, p.now)
    return html`<tr><td data-label="Incident">${link(i)}</td><td data-label="Status">${statusPill(i.status)}</td><td data-label="Impact">${impactPill(i.impact)}</td><td data-label="Started">${ago(i.started_at, p.now)}</td><td data-label="Next update">${clock ? html`<span class="clock${clock.late ? ' late' : ''}">${clock.short}</span>` : ''}</td></tr>`
  })}</tbody>
</table>`}
<h2>Resolved <span class="count">(${p.total})</span></h2>
${p.resolved.length === 0 ? html`<p>${p.page > 1 ? 'No more resolved incidents.' : 'No resolved incidents yet.'}</p>` : html`<table class="stack">
<thead><tr><th scope="col">Incident</th><th scope="col">Impact</th><th scope="col">Started</th><th scope="col">Lasted</th></tr></thead>
<tbody>${p.resolved.map((i) => html`<tr><td data-label="Incident">${link(i)}</td><td data-label="Impact">${impactPill(i.impact)}</td><td data-label="Started">${time(i.started_at, p.timeZone)}</td><td data-label="Lasted">${i.resolved_at ? formatDuration(Date.parse(i.resolved_at) - Date.parse(i.started_at)) : ''}</td></tr>`)}</tbody>
</table>`}
${p.pages > 1 ? html`<nav class="pager" aria-label="Resolved incidents pages">
${p.page > 1 ? html`<a href="/admin/incidents?page=${p.page - 1}" rel="prev">← Newer</a>` : ''}
<span>Page ${p.page} of ${p.pages}</span>
${p.page < p.pages ? html`<a href="/admin/incidents?page=${p.page + 1}" rel="next">Older →</a>` : ''}
</nav>` : ''}`
}
