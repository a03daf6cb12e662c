import { amendsNav } from './amends-nav.ts'
import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import type { SloTargets } from '../../core/communication-slo.ts'
import { formatDuration } from '../../core/format.ts'
import { renderMarkdown } from '../../core/markdown.ts'
import type { Component } from '../../core/schemas/component.ts'
import type { Incident, IncidentStatus, IncidentUpdate } from '../../core/schemas/incident.ts'
import type { AppEnv } from '../env.ts'
import { ago, updateClock } from './clock.ts'
import {
  checkbox,
  formAlert,
  input,
  one,
  select,
  textarea,
  writeFields,
  type FieldErrors,
  type Form,
} from './forms.ts'
import {
  componentPill,
  componentStatusLabel,
  IMPACT_OPTIONS,
  impactPill,
  OPEN_STATUS_OPTIONS,
  OUTAGE_OPTIONS,
  statusLabel,
  statusPill,
  time,
} from './labels.ts'
import type { Html } from './layout.ts'

/** Which form on the page a re-render is about (the update forms of the timeline by update id). */
export type IncidentForm = 'update' | 'resolve' | 'reopen' | 'edit' | `text:${string}`

export interface IncidentPageState {
  form?: IncidentForm
  values?: Form
  errors?: FieldErrors
  preview?: Html
}

export interface IncidentPageProps {
  incident: Incident
  /** Every component, for the "other components" of an update. */
  components: readonly Component[]
  canWrite: boolean
  timeZone: string
  now: Date
  slo: SloTargets
  /** The apology is asked for when resolving (core/incident-rules.ts apologyExpected). */
  apologyExpected: boolean
  /** Prefilled text: the playbook's wording when there is one. */
  prefill: {
    update: { status: IncidentStatus; body: string } | null
    resolve: { body: string; apology: string }
    /** Statuses the playbook has wording for (links that prefill the update form). */
    wordings: IncidentStatus[]
  }
  state: IncidentPageState
}

const md = (s: string) => raw(renderMarkdown(s))

/** One incident: what it is and how late its next update is, the forms to act, the timeline. */
export function incidentPage(c: Context<AppEnv>, p: IncidentPageProps): Html {
  const i = p.incident
  const open = i.status !== 'resolved'
  const clock = updateClock(i, p.slo, p.now)
  const latest = i.incident_updates[0]
  const st = p.state
  const shownForms: IncidentForm[] = !p.canWrite
    ? []
    : open
      ? ['update', 'resolve', 'edit', ...i.incident_updates.map((u) => `text:${u.id}` as const)]
      : ['reopen', 'edit', ...i.incident_updates.map((u) => `text:${u.id}` as const)]
  // A refusal about a form this page no longer shows (resolved meanwhile): said at the top.
  const orphan = st.errors && st.form && !shownForms.includes(st.form) ? st.errors : undefined
  // prettier-ignore
  return html`${amendsNav(i.id, 'incident')}
<div class="incident-head">
<p class="row">${statusPill(i.status)} ${impactPill(i.impact)}${clock ? html` <span class="clock${clock.late ? ' late' : ''}">${clock.text}</span>` : ''}${i.translations ? html` <span class="muted small">Translated: ${Object.keys(i.translations).join(', ')}</span>` : ''}</p>
<dl class="facts">
<div><dt>Started</dt><dd>${time(i.started_at, p.timeZone)} <span class="muted">(${ago(i.started_at, p.now)})</span></dd></div>
${i.resolved_at ? html`<div><dt>Resolved</dt><dd>${time(i.resolved_at, p.timeZone)} <span class="muted">after ${formatDuration(Date.parse(i.resolved_at) - Date.parse(i.started_at))}</span></dd></div>` : ''}
<div><dt>${open ? 'Components' : 'Components during it'}</dt><dd>${i.components.length ? html`<ul class="plain">${i.components.map((x) => html`<li>${x.name} ${componentPill(x.status)}</li>`)}</ul>` : 'None named'}</dd></div>
<div><dt>Status page</dt><dd><a href="${i.shortlink}">Open this incident’s public page</a></dd></div>
<div><dt>Communication</dt><dd><a href="/admin/metrics/incidents/${i.id}">First message, gaps between updates, reports</a></dd></div>
</dl>
${latest ? html`<div class="latest"><p class="small"><strong>Latest update</strong> · ${statusLabel(latest.status)} · ${ago(latest.created_at, p.now)}</p><div class="md">${md(latest.body)}</div></div>` : ''}
${i.workaround ? html`<div class="pv-workaround"><p><strong>Workaround on the page</strong></p>${md(i.workaround)}</div>` : ''}
${i.apology ? html`<div class="pv-workaround"><p><strong>Apology on the page</strong></p>${md(i.apology)}</div>` : ''}
</div>
${orphan ? formAlert(orphan, []) : ''}
${p.canWrite && open ? updateForm(c, p) : ''}
${p.canWrite && open ? resolveForm(c, p) : ''}
${p.canWrite && !open ? reopenForm(c, p) : ''}
<section aria-labelledby="timeline-h">
<h2 id="timeline-h">Timeline</h2>
<ol class="timeline" reversed>
${i.incident_updates.map((u) => timelineEntry(c, p, u))}
</ol>
</section>
${p.canWrite ? editForm(c, p) : ''}`
}

/** The state of one form: what was typed and its errors, when the re-render is about it. */
function stateOf(p: IncidentPageProps, form: IncidentForm) {
  const mine = p.state.form === form
  const values = mine ? p.state.values : undefined
  return {
    errors: mine ? p.state.errors : undefined,
    preview: mine ? p.state.preview : undefined,
    val: (name: string, fallback = '') => (values ? one(values, name) : fallback),
    checked: (name: string) => (values ? one(values, name) === 'on' : true),
  }
}

function previewBox(id: string, preview: Html | undefined, action: string): Html {
  return html`<div id="${id}" class="preview">
    ${preview ?? html`<p class="muted">Press Preview to see what the page and the email will say before you ${action}.</p>`}
  </div>`
}

function actions(form: string, primary: string, danger = false): Html {
  // prettier-ignore
  return html`<div class="actions"><button type="submit" class="secondary" name="_action" value="preview" formaction="${form}#${form.split('/').pop()}-preview">Preview</button><button type="submit"${danger ? html` class="danger"` : ''}>${primary}</button></div>`
}

function updateForm(c: Context<AppEnv>, p: IncidentPageProps): Html {
  const i = p.incident
  const s = stateOf(p, 'update')
  const held = new Set(i.components.map((x) => x.id))
  const others = p.components.filter((x) => !held.has(x.id))
  const action = `/admin/incidents/${i.id}/updates`
  const pre = p.prefill.update
  const shown = ['status', 'body', 'workaround', ...p.components.map((x) => `components.${x.id}`)]
  // prettier-ignore
  return html`<section aria-labelledby="update-h" id="update">
<h2 id="update-h">Post an update</h2>
${p.prefill.wordings.length ? html`<p class="small">Start from the playbook’s wording: ${p.prefill.wordings.map((w, n) => html`${n ? ' · ' : ''}<a href="/admin/incidents/${i.id}?wording=${w}#update">${statusLabel(w)}</a>`)}</p>` : ''}
${formAlert(s.errors, shown)}
<form method="post" action="${action}" class="stacked wide" data-preview="/admin/incidents/${i.id}/preview" data-preview-into="updates-preview">
${writeFields(c)}<input type="hidden" name="_form" value="update">
${select({ form: 'update', name: 'status', label: 'Status', value: s.val('status', pre?.status ?? i.status), errors: s.errors, options: OPEN_STATUS_OPTIONS })}
${textarea({ form: 'update', name: 'body', label: 'Message', value: s.val('body', pre?.body ?? ''), errors: s.errors, rows: 6, hint: 'What changed, what customers can expect, and when the next update comes. Even “no news yet” helps.' })}
${i.components.length ? html`<fieldset class="statuses"><legend>Components</legend>
${i.components.map((x) => select({ form: 'update', name: `components.${x.id}`, label: x.name, value: s.val(`components.${x.id}`, x.status), errors: s.errors, options: OUTAGE_OPTIONS }))}
</fieldset>` : ''}
${others.length ? html`<details${others.some((x) => s.val(`components.${x.id}`)) ? html` open` : ''}><summary>Other components</summary><div class="statuses">
${others.map((x) => select({ form: 'update', name: `components.${x.id}`, label: x.name, value: s.val(`components.${x.id}`), errors: s.errors, options: [{ value: '', label: `Not affected (${componentStatusLabel(x.status).toLowerCase()})` }, ...OUTAGE_OPTIONS.filter((o) => o.value !== 'operational')] }))}
</div></details>` : ''}
${textarea({ form: 'update', name: 'workaround', label: 'Workaround (optional)', value: s.val('workaround', i.workaround ?? ''), errors: s.errors, rows: 3, hint: 'Shown above the timeline until changed. Empty it to take it down.' })}
${checkbox({ form: 'update', name: 'notify', label: 'Email subscribers about this update', checked: s.checked('notify'), errors: s.errors })}
${previewBox('updates-preview', s.preview, 'post it')}
${actions(action, 'Post the update')}
</form>
</section>`
}

function resolveForm(c: Context<AppEnv>, p: IncidentPageProps): Html {
  const i = p.incident
  const s = stateOf(p, 'resolve')
  const action = `/admin/incidents/${i.id}/resolve`
  // prettier-ignore
  return html`<section aria-labelledby="resolve-h" id="resolve">
<h2 id="resolve-h">Resolve</h2>
<details${s.errors || s.preview ? html` open` : ''}><summary>Write the resolution${p.apologyExpected ? ' and the apology' : ''}</summary>
<p class="small muted">Components this incident holds go back to operational, unless another open incident still holds them.</p>
${formAlert(s.errors, ['body', 'apology'])}
<form method="post" action="${action}" class="stacked wide" data-preview="/admin/incidents/${i.id}/preview" data-preview-into="resolve-preview">
${writeFields(c)}<input type="hidden" name="_form" value="resolve">
${textarea({ form: 'resolve', name: 'body', label: 'Message', value: s.val('body', p.prefill.resolve.body), errors: s.errors, rows: 4 })}
${p.apologyExpected ? textarea({ form: 'resolve', name: 'apology', label: 'Apology', value: s.val('apology', p.prefill.resolve.apology), errors: s.errors, rows: 5, hint: `A ${i.impact} incident is resolved with an apology: say sorry, name the impact, no excuses. Shown on the page and in the email.` }) : ''}
${checkbox({ form: 'resolve', name: 'notify', label: 'Email subscribers that it is resolved', checked: s.checked('notify'), errors: s.errors })}
${previewBox('resolve-preview', s.preview, 'resolve it')}
${actions(action, 'Resolve the incident')}
</form>
</details>
</section>`
}

function reopenForm(c: Context<AppEnv>, p: IncidentPageProps): Html {
  const i = p.incident
  const s = stateOf(p, 'reopen')
  const action = `/admin/incidents/${i.id}/reopen`
  // prettier-ignore
  return html`<section aria-labelledby="reopen-h" id="reopen">
<h2 id="reopen-h">Reopen</h2>
<details${s.errors || s.preview ? html` open` : ''}><summary>It is not over: reopen this incident</summary>
<p class="small muted">Its components go back to the statuses the incident held them at.</p>
${formAlert(s.errors, ['status', 'body'])}
<form method="post" action="${action}" class="stacked wide" data-preview="/admin/incidents/${i.id}/preview" data-preview-into="reopen-preview">
${writeFields(c)}<input type="hidden" name="_form" value="reopen">
${select({ form: 'reopen', name: 'status', label: 'Status', value: s.val('status', 'investigating'), errors: s.errors, options: OPEN_STATUS_OPTIONS })}
${textarea({ form: 'reopen', name: 'body', label: 'Message', value: s.val('body'), errors: s.errors, rows: 4, hint: 'Why it is open again and what customers see.' })}
${checkbox({ form: 'reopen', name: 'notify', label: 'Email subscribers about it', checked: s.checked('notify'), errors: s.errors })}
${previewBox('reopen-preview', s.preview, 'reopen it')}
${actions(action, 'Reopen the incident')}
</form>
</details>
</section>`
}

/**
 * Which other languages a text is also written in (through the API): the console edits the
 * default language only, and a correction keeps the others (incident-input.ts `corrected`).
 */
function alsoIn(
  translations: Partial<Record<string, Record<string, string>>> | undefined,
  field: string,
): string {
  const tags = Object.entries(translations ?? {})
    .filter(([, f]) => f?.[field] !== undefined)
    .map(([l]) => l)
  return tags.length
    ? ` Also written in ${tags.join(', ')}: a correction here keeps that text as it is.`
    : ''
}

function timelineEntry(c: Context<AppEnv>, p: IncidentPageProps, u: IncidentUpdate): Html {
  const form = `text:${u.id}` as const
  const s = stateOf(p, form)
  const changes = u.affected_components?.filter((a) => a.old_status !== a.new_status) ?? []
  // prettier-ignore
  return html`<li id="u-${u.id}">
<h3>${statusLabel(u.status)} <span class="muted small">· ${time(u.created_at, p.timeZone)}${u.deliver_notifications ? '' : ' · not emailed'}</span></h3>
<div class="md">${md(u.body)}</div>
${alsoIn(u.translations, 'body') ? html`<p class="muted small">Translated: ${Object.keys(u.translations ?? {}).join(', ')}</p>` : ''}
${changes.length ? html`<ul class="plain small">${changes.map((a) => html`<li>${a.name}: ${componentStatusLabel(a.old_status)} → ${componentStatusLabel(a.new_status)}</li>`)}</ul>` : ''}
${p.canWrite ? html`<details${s.errors ? html` open` : ''}><summary>Correct the text</summary>
${formAlert(s.errors, ['body'])}
<form method="post" action="/admin/incidents/${p.incident.id}/updates/${u.id}/text" class="stacked wide">
${writeFields(c)}
${textarea({ form: `text-${u.id}`, name: 'body', label: 'Text', value: s.val('body', u.body), errors: s.errors, rows: 5, hint: `For typos and wrong figures: the page shows the new text, nobody is emailed again, the audit log keeps both.${alsoIn(u.translations, 'body')}` })}
<div class="actions"><button type="submit">Save the correction</button></div>
</form>
</details>` : ''}
</li>`
}

function editForm(c: Context<AppEnv>, p: IncidentPageProps): Html {
  const i = p.incident
  const s = stateOf(p, 'edit')
  // prettier-ignore
  return html`<section aria-labelledby="edit-h">
<h2 id="edit-h">Name and impact</h2>
<details${s.errors ? html` open` : ''}><summary>Change the name or impact</summary>
${formAlert(s.errors, ['name', 'impact'])}
<form method="post" action="/admin/incidents/${i.id}/edit" class="stacked">
${writeFields(c)}
${input({ form: 'edit', name: 'name', label: 'Name', value: s.val('name', i.name), errors: s.errors, hint: `No timeline entry and no email; the audit log keeps the old name.${alsoIn(i.translations, 'name')}` })}
${select({ form: 'edit', name: 'impact', label: 'Impact', value: s.val('impact', i.impact), errors: s.errors, options: IMPACT_OPTIONS })}
<div class="actions"><button type="submit">Save</button></div>
</form>
</details>
</section>`
}
