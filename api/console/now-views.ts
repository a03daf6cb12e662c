import { html } from 'hono/html'
import type { PageStatus } from '../../core/status-rollup.ts'
import type { Component } from '../../core/schemas/component.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { IncidentRecord } from '../../core/records.ts'
import type { FeedbackRecord } from '../../db/feedback.ts'
import { ago, fromNow, type UpdateClock } from './clock.ts'
import { componentPill, excerpt, impactPill, statusPill, time } from './labels.ts'
import type { Html } from './layout.ts'

export interface NowProps {
  /** Drafts from monitoring (drafts-views.ts draftCards): first, they are what needs a person. */
  drafts: Html
  status: PageStatus
  siteUrl: string
  /** Components not operational, as the public page shows them now. */
  troubled: Component[]
  /** Open incidents, the most urgent clock first. */
  open: { incident: Incident; clock: UpdateClock | null }[]
  running: IncidentRecord[]
  upcoming: IncidentRecord[]
  reports: { feedback: FeedbackRecord; incident: { id: string; name: string } | null }[]
  canWrite: boolean
  timeZone: string
  now: Date
}

const EXCERPT = 160

/**
 * The console's front page, for a phone at 3 a.m.: drafts from monitoring waiting for a person,
 * the page status, the open incidents with the most overdue update first, the button to open
 * one, maintenance, and what customers report.
 */
export function nowPage(p: NowProps): Html {
  const openButton = p.canWrite
    ? html`<p><a class="button big" href="/admin/incidents/new">Open an incident</a></p>`
    : ''
  // prettier-ignore
  return html`${p.drafts}<section class="banner i-${p.status.indicator}" aria-labelledby="page-status-h">
<h2 id="page-status-h" class="banner-title">${p.status.description}</h2>
<p class="small">What the <a href="${p.siteUrl}/">public status page</a> shows now.${p.troubled.length ? '' : ' Every component is operational.'}</p>
${p.troubled.length ? html`<ul class="plain">${p.troubled.map((c) => html`<li>${c.name} ${componentPill(c.status)}</li>`)}</ul>` : ''}
</section>
<section aria-labelledby="open-h">
<h2 id="open-h">Open incidents <span class="count">(${p.open.length})</span></h2>
${p.open.length === 0 ? html`<p>None. All quiet.</p>` : p.open.map(({ incident: i, clock }) => html`<article class="card incident-card i-${i.impact}${clock?.late ? ' is-late' : ''}">
<h3><a href="/admin/incidents/${i.id}">${i.name}</a></h3>
${clock ? html`<p class="clock big-clock${clock.late ? ' late' : ''}">${clock.text}</p>` : ''}
<p class="row">${statusPill(i.status)} ${impactPill(i.impact)}</p>
<p class="small muted">Started ${ago(i.started_at, p.now)} · last update ${ago(i.incident_updates[0]?.created_at ?? i.created_at, p.now)}</p>
${i.components.length ? html`<ul class="plain small">${i.components.map((c) => html`<li>${c.name} ${componentPill(c.status)}</li>`)}</ul>` : ''}
${p.canWrite ? html`<p><a class="button secondary" href="/admin/incidents/${i.id}#update">Post an update<span class="vh"> to ${i.name}</span></a></p>` : ''}
</article>`)}
</section>
${openButton}
<section aria-labelledby="maint-h">
<h2 id="maint-h">Maintenance</h2>
${p.running.length === 0 && p.upcoming.length === 0 ? html`<p>None in progress or scheduled.</p>` : html`<ul class="cards">
${p.running.map((m) => html`<li class="card"><p><strong>${m.name}</strong> ${statusPill(m.status)}</p><p class="small muted">${m.scheduled_until ? html`Due to end ${fromNow(m.scheduled_until, p.now)}, ${time(m.scheduled_until, p.timeZone)}` : 'No planned end'}</p></li>`)}
${p.upcoming.map((m) => html`<li class="card"><p><strong>${m.name}</strong> ${statusPill(m.status)}</p><p class="small muted">${m.scheduled_for ? html`Starts ${fromNow(m.scheduled_for, p.now)}, ${time(m.scheduled_for, p.timeZone)}` : ''}</p></li>`)}
</ul>`}
<p class="small"><a href="/admin/maintenance">All maintenance</a></p>
</section>
<section aria-labelledby="reports-h">
<h2 id="reports-h">Recent reports from customers</h2>
${p.reports.length === 0 ? html`<p>No reports yet.</p>` : html`<ul class="cards">
${p.reports.map(({ feedback: f, incident }) => html`<li class="card"><blockquote class="quote"><a href="/admin/inbox/${f.id}">${excerpt(f.message, EXCERPT)}</a></blockquote><p class="small muted">${statusPill(f.status)} ${ago(f.created_at, p.now)}${incident ? html` · about <a href="/admin/incidents/${incident.id}">${incident.name}</a>` : ''}${f.source === 'follow_up' ? ' · answer to a follow-up' : ''}</p></li>`)}
</ul>`}
<p class="small"><a href="/admin/inbox">All reports, in the inbox</a></p>
</section>`
}
