import type { Context } from 'hono'
import { html } from 'hono/html'
import type { Draft, SignalView } from '../../core/schemas/alerts.ts'
import type { Component } from '../../core/schemas/component.ts'
import type { DraftReport } from '../../db/draft-reports.ts'
import type { IncidentCreate } from '../../core/schemas/incident.ts'
import type { AppEnv } from '../env.ts'
import { ago } from './clock.ts'
import {
  formAlert,
  postButton,
  textarea,
  writeFields,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { componentPill, excerpt, time } from './labels.ts'
import type { Html } from './layout.ts'

const SOURCES: Record<string, string> = {
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  generic: 'Generic webhook',
  reports: 'Customer reports',
}

/** A signal's source in words: a check by its name (its source is `check:<id>`). */
function sourceName(s: Pick<SignalView, 'source' | 'labels'>): string {
  if (s.source.startsWith('check:')) return s.labels.check ?? 'a check'
  return SOURCES[s.source] ?? s.source
}

/** Where a draft came from, in words: its signals' sources ("Alertmanager", "a check"). */
export function originOf(d: Draft): string {
  if (d.origin === 'reports') return 'customer reports'
  const sources = [...new Set(d.signals.map(sourceName))]
  if (d.origin === 'check') return sources.length ? `check ${sources.join(', ')}` : 'a check'
  return sources.length ? sources.join(', ') : 'alerts'
}

/** The component a draft is about, or the catch-all for alerts no rule maps. */
export function draftSubject(d: Draft, components: readonly Component[]): string {
  if (!d.component_id) return 'Alerts no rule maps to a component'
  return components.find((c) => c.id === d.component_id)?.name ?? 'A deleted component'
}

const firing = (d: Draft) => d.signals.filter((s) => s.status === 'firing').length

/** What a proposal does to its component (the status it would put it in), if it names one. */
function proposedStatus(d: Draft): Html {
  const status = d.component_id
    ? (d.proposal as IncidentCreate | null)?.components?.[d.component_id]
    : undefined
  return status ? html`<span class="small muted">Proposes</span> ${componentPill(status)}` : html``
}

const clearedBadge = html`<span class="pill s-cleared">cleared</span>`

/**
 * The Now page's drafts: each open one with where it came from, how long it has been going, how
 * many signals fire, and one-click publishing; a published one whose alerts all resolved asks
 * whether to resolve its incident.
 */
export function draftCards(
  c: Context<AppEnv>,
  p: { drafts: Draft[]; components: readonly Component[]; canWrite: boolean; now: Date },
): Html {
  const open = p.drafts.filter((d) => d.state === 'open')
  const settled = p.drafts.filter((d) => d.state === 'published' && d.cleared_at)
  if (open.length === 0 && settled.length === 0) return html``
  // prettier-ignore
  return html`<section aria-labelledby="drafts-h">
<h2 id="drafts-h">Drafts from monitoring <span class="count">(${open.length})</span></h2>
<p class="small muted">Not public yet: publish one as it is, or review its wording first.</p>
${open.map((d) => {
    const subject = draftSubject(d, p.components)
    return html`<article class="card draft-card">
<h3><a href="/admin/drafts/${d.id}">${subject}</a></h3>
<p class="row">${proposedStatus(d)}${d.cleared_at ? html` ${clearedBadge}` : ''}</p>
<p class="small muted">From ${originOf(d)} · first signal ${ago(d.first_signal_at, p.now)} · ${firing(d)} of ${d.signals.length} ${d.signals.length === 1 ? 'signal' : 'signals'} firing${d.report_count ? ` · ${d.report_count} customer ${d.report_count === 1 ? 'report' : 'reports'}` : ''}</p>
${d.cleared_at ? html`<p class="small">Every signal has resolved: it may be over already. Review it, and dismiss it if customers never noticed.</p>` : ''}
<div class="actions">
${p.canWrite ? postButton(c, `/admin/drafts/${d.id}/publish`, html`Publish as is<span class="vh">: ${subject}</span>`) : ''}
<a class="button secondary" href="/admin/drafts/${d.id}">Review<span class="vh"> ${subject}</span></a>
</div>
</article>`
  })}
${settled.map((d) => html`<article class="card draft-card">
<h3><a href="/admin/incidents/${d.incident_id}">${draftSubject(d, p.components)}</a></h3>
<p class="row">${clearedBadge}</p>
<p>Alerts resolved ${ago(d.cleared_at!, p.now)} — resolve the incident?</p>
${p.canWrite ? html`<p><a class="button secondary" href="/admin/incidents/${d.incident_id}#resolve">Resolve the incident<span class="vh"> for ${draftSubject(d, p.components)}</span></a></p>` : ''}
</article>`)}
</section>`
}

export interface DraftPageProps {
  draft: Draft
  subject: string
  canWrite: boolean
  /** The edit form (incident-form-views.ts openIncidentForm), already rendered; null: read only. */
  editForm: Html | null
  /** The proposal as it would read, for a person who cannot edit it. */
  preview: Html | null
  /** A refusal of publishing (the draft changed meanwhile). */
  errors?: FieldErrors
  dismiss: { values: Form | null; errors?: FieldErrors }
  /** The customer reports a spike attached (db/draft-reports.ts), oldest first. */
  reports: readonly DraftReport[]
  timeZone: string
  now: Date
}

/** /admin/drafts/{id}: state, the proposal (editable while open), publish, dismiss, signals. */
export function draftPage(c: Context<AppEnv>, p: DraftPageProps): Html {
  const d = p.draft
  const reason = p.dismiss.values?.reason
  // prettier-ignore
  return html`<p class="row"><span class="pill s-${d.state === 'open' ? 'draft' : d.state}">${d.state === 'open' ? 'draft, not public' : d.state}</span> ${proposedStatus(d)}${d.cleared_at ? html` ${clearedBadge}` : ''}</p>
<p class="small muted">${p.subject} · from ${originOf(d)} · first signal ${ago(d.first_signal_at, p.now)}, last ${ago(d.last_signal_at, p.now)} · ${firing(d)} of ${d.signals.length} firing</p>
${formAlert(p.errors, [])}
${d.state === 'published' && d.incident_id ? html`<div class="when sent"><p>Published ${d.published_at ? time(d.published_at, p.timeZone) : ''} as <a href="/admin/incidents/${d.incident_id}">this incident</a>.</p>${d.cleared_at ? html`<p>Alerts resolved — <a href="/admin/incidents/${d.incident_id}#resolve">resolve the incident?</a></p>` : ''}</div>` : ''}
${d.state === 'dismissed' ? html`<div class="when none"><p>Dismissed ${d.dismissed_at ? time(d.dismissed_at, p.timeZone) : ''}: ${d.dismissed_reason}</p></div>` : ''}
${d.state === 'open' && p.canWrite ? html`<div class="actions">${postButton(c, `/admin/drafts/${d.id}/publish`, html`Publish as is`)}</div>
<p class="small muted">Publishes the saved proposal below; save your changes first.</p>` : ''}
${p.reports.length ? reportList(d, p.reports, p.timeZone) : ''}
${d.state === 'open' ? html`<section aria-labelledby="proposal-h">
<h2 id="proposal-h">The proposal</h2>
${p.editForm ?? p.preview ?? ''}
</section>` : ''}
${d.state === 'open' && p.canWrite ? html`<section aria-labelledby="dismiss-h">
<h2 id="dismiss-h">Dismiss</h2>
<p class="small muted">Nothing customers noticed, or a false alarm: the reason is kept for the team and the metrics.</p>
${formAlert(p.dismiss.errors, ['reason'])}
<form method="post" action="/admin/drafts/${d.id}/dismiss" class="stacked wide">
${writeFields(c)}
${textarea({ form: 'dismiss', name: 'reason', label: 'Why dismiss it', value: typeof reason === 'string' ? reason : '', errors: p.dismiss.errors, rows: 2, required: true })}
<div class="actions"><button type="submit" class="danger">Dismiss the draft</button></div>
</form>
</section>` : ''}
<section aria-labelledby="signals-h">
<h2 id="signals-h">Signals <span class="count">(${d.signals.length})</span></h2>
${signalTable(d.signals, p.timeZone)}
</section>
`
}

const REPORT_EXCERPT = 200

/** The reports a spike attached, and what publishing does for the people who wrote them. */
function reportList(d: Draft, reports: readonly DraftReport[], timeZone: string): Html {
  const addressed = reports.filter((r) => r.hasEmail).length
  const thanks =
    d.state !== 'open'
      ? ''
      : addressed === 0
        ? html`<p class="small muted">None of them left an address.</p>`
        : html`<p class="small">
            Publishing thanks the ${addressed === 1 ? 'one person' : html`${addressed} people`} who
            left an address by email: “you helped us find this”, with a link to the incident.
          </p>`
  // prettier-ignore
  return html`<section aria-labelledby="reports-h">
<h2 id="reports-h">Customer reports <span class="count">(${reports.length})</span></h2>
${thanks}
<ul class="cards">
${reports.map((r) => html`<li class="card"><blockquote class="quote"><a href="/admin/inbox/${r.id}">${excerpt(r.message, REPORT_EXCERPT)}</a></blockquote><p class="small muted">${time(r.createdAt, timeZone)} · ${r.hasEmail ? 'left an address' : 'no address'}</p></li>`)}
</ul>
</section>`
}

function signalTable(signals: readonly SignalView[], timeZone: string): Html {
  if (signals.length === 0) return html`<p class="muted">No signals.</p>`
  // prettier-ignore
  return html`<table class="stack">
<thead><tr><th scope="col">Source</th><th scope="col">Summary</th><th scope="col">Labels</th><th scope="col">Status</th><th scope="col">Fired</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
<tbody>
${signals.map((s) => html`<tr>
<td data-label="Source" class="lead"><span class="nowrap">${sourceName(s)}</span>${s.severity ? html` <span class="small muted">${s.severity}</span>` : ''}</td>
<td data-label="Summary">${s.summary || html`<span class="muted">none</span>`}</td>
<td data-label="Labels">${Object.keys(s.labels).length ? html`<ul class="labels">${Object.entries(s.labels).map(([k, v]) => html`<li><code>${k}=${v}</code></li>`)}</ul>` : html`<span class="muted">none</span>`}</td>
<td data-label="Status"><span class="pill s-${s.status === 'firing' ? 'firing' : 'cleared'}">${s.status}</span></td>
<td data-label="Fired" class="nowrap">×${s.fired}</td>
<td data-label="First seen">${time(s.first_at, timeZone)}</td>
<td data-label="Last seen">${time(s.last_at, timeZone)}</td>
</tr>`)}
</tbody>
</table>`
}
