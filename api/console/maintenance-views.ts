import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import { formatDuration, formatTime } from '../../core/format.ts'
import { zoneAbbreviation } from '../../core/local-time.ts'
import { renderMarkdown } from '../../core/markdown.ts'
import type { Component, ComponentGroup } from '../../core/schemas/component.ts'
import type { Maintenance, MaintenanceStatus } from '../../core/schemas/maintenance.ts'
import type { AppEnv } from '../env.ts'
import { componentSections } from './components-views.ts'
import {
  checkbox,
  formAlert,
  input,
  select,
  textarea,
  writeFields,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { statusLabel, statusPill } from './labels.ts'
import type { Html } from './layout.ts'
import { fromNow, windowText } from './clock.ts'

export interface Catalogue {
  components: Component[]
  groups: ComponentGroup[]
}

/** The short-notice warning shown before saving, with the start it is about. */
export interface NoticeCheck {
  /** The start the warning is about (the confirmation carries it back). */
  start: string
  message: string
}

const maintenancePill = (m: Maintenance): Html =>
  statusPill(m.cancelled_at ? 'cancelled' : m.status)

/** Where the window stands, from the app's clock: "starts in 3 h", "overran by 10 min". */
export function clockText(m: Maintenance, now: Date): string {
  const t = now.getTime()
  if (m.cancelled_at) return `cancelled ${fromNow(m.cancelled_at, now)}`
  if (m.status === 'completed') return `ended ${fromNow(m.resolved_at ?? m.scheduled_until, now)}`
  if (m.status === 'scheduled') {
    return Date.parse(m.scheduled_for) > t
      ? `starts ${fromNow(m.scheduled_for, now)}`
      : `was due to start ${fromNow(m.scheduled_for, now)}`
  }
  const end = Date.parse(m.scheduled_until)
  return end >= t
    ? `ends ${fromNow(m.scheduled_until, now)}`
    : `overrunning by ${formatDuration(t - end)}`
}

function late(m: Maintenance, now: Date): boolean {
  if (m.cancelled_at || m.status === 'completed') return false
  const due = m.status === 'scheduled' ? m.scheduled_for : m.scheduled_until
  return Date.parse(due) < now.getTime()
}

const names = (m: Maintenance) => m.components.map((c) => c.name).join(', ') || 'None'

function table(list: Maintenance[], timeZone: string, now: Date): Html {
  // prettier-ignore
  return html`<table class="stack">
<thead><tr><th scope="col">Maintenance</th><th scope="col">Window (${zoneAbbreviation(now.toISOString(), timeZone)})</th><th scope="col">Components</th></tr></thead>
<tbody>${list.map((m) => html`<tr>
<td class="lead"><a href="/admin/maintenance/${m.id}">${m.name}</a><br>${maintenancePill(m)}${m.short_notice ? html` <span class="pill s-minor">Short notice</span>` : ''}</td>
<td data-label="Window">${windowText(m.scheduled_for, m.scheduled_until, timeZone)}<br><span class="clock${late(m, now) ? ' late' : ''}">${clockText(m, now)}</span></td>
<td data-label="Components">${names(m)}</td>
</tr>`)}</tbody>
</table>`
}

export interface ListProps {
  active: Maintenance[]
  upcoming: Maintenance[]
  recent: { items: Maintenance[]; total: number; page: number; perPage: number }
  timeZone: string
  now: Date
  canWrite: boolean
}

export function maintenanceList(p: ListProps): Html {
  const { recent } = p
  const pages = Math.max(1, Math.ceil(recent.total / recent.perPage))
  // prettier-ignore
  return html`${p.canWrite ? html`<p><a class="button" href="/admin/maintenance/new">Schedule maintenance</a></p>` : ''}
<h2>In progress</h2>
${p.active.length ? table(p.active, p.timeZone, p.now) : html`<p class="muted">Nothing in progress.</p>`}
<h2>Upcoming</h2>
${p.upcoming.length ? table(p.upcoming, p.timeZone, p.now) : html`<p class="muted">Nothing scheduled.</p>`}
<h2 id="recent">Recent</h2>
${recent.items.length ? table(recent.items, p.timeZone, p.now) : html`<p class="muted">No completed or cancelled maintenance yet.</p>`}
${pages > 1 ? html`<nav class="pager" aria-label="Recent maintenance pages">${recent.page > 1 ? html`<a href="?page=${recent.page - 1}#recent" rel="prev">Newer</a>` : ''}<span>Page ${recent.page} of ${pages}</span>${recent.page < pages ? html`<a href="?page=${recent.page + 1}#recent" rel="next">Older</a>` : ''}</nav>` : ''}`
}

/** The components as checkboxes, one fieldset per group (each box with its own id). */
function componentChoice(
  name: string,
  cat: Catalogue,
  chosen: readonly string[],
  errors: FieldErrors | undefined,
  hint: string,
): Html {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const error = errors?.[name]
  const sections = componentSections(cat.components, cat.groups, { mergeUngrouped: true })
  // prettier-ignore
  return html`<fieldset class="choices"${error ? html` aria-describedby="${id}-error"` : html` aria-describedby="${id}-hint"`}>
<legend>Components under maintenance</legend>
<span class="hint" id="${id}-hint">${hint}</span>
${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
${sections.map((s) => html`${sections.length > 1 ? html`<p class="group-name">${s.group?.name ?? 'Not in a group'}</p>` : ''}
${s.components.map((c) => html`<div class="check"><input id="${id}-${c.id}" name="${name}" type="checkbox" value="${c.id}"${chosen.includes(c.id) ? html` checked` : ''}><label for="${id}-${c.id}">${c.name}</label></div>`)}`)}
${cat.components.length ? '' : html`<p class="muted">There are no components yet.</p>`}
</fieldset>`
}

function zoneHint(timeZone: string, now: Date): string {
  return `In ${timeZone} time (${zoneAbbreviation(now.toISOString(), timeZone)} now), the status page's zone.`
}

function warningBox(check: NoticeCheck, timeZone: string, now: Date, action: string): Html {
  // prettier-ignore
  return html`<div class="warn" role="alert">
<p><strong>Short notice: this starts ${fromNow(check.start, now)}</strong>, at ${formatTime(check.start, timeZone)}. ${check.message}.</p>
<p>Nothing is saved yet. ${action} anyway, or change the start and save again.</p>
<button type="submit" name="short_notice_ok" value="${check.start}">${action} anyway</button>
</div>`
}

export interface ScheduleFormProps {
  values: Form
  errors?: FieldErrors
  warning?: NoticeCheck
  cat: Catalogue
  timeZone: string
  now: Date
}

/** The form that schedules a window (values as typed; times are local to the page's zone). */
export function scheduleForm(c: Context<AppEnv>, p: ScheduleFormProps): Html {
  const v = (k: string) => (typeof p.values[k] === 'string' ? p.values[k] : '')
  const chosen = [p.values.components ?? []].flat()
  const shown = ['name', 'scheduled_for', 'scheduled_until', 'components', 'body']
  // prettier-ignore
  return html`<form method="post" action="/admin/maintenance/new" class="stacked">
${writeFields(c)}
${p.warning ? warningBox(p.warning, p.timeZone, p.now, 'Schedule') : ''}
${formAlert(p.errors, shown)}
${input({ name: 'name', label: 'Name', value: v('name'), errors: p.errors, required: true, hint: 'What customers see, e.g. “Database upgrade”.' })}
<fieldset>
<legend>When</legend>
<div class="pair">
<div class="grow">${input({ name: 'scheduled_for', label: 'Starts', type: 'datetime-local', value: v('scheduled_for'), errors: p.errors, required: true, hint: zoneHint(p.timeZone, p.now) })}</div>
<div class="grow">${input({ name: 'scheduled_until', label: 'Ends', type: 'datetime-local', value: v('scheduled_until'), errors: p.errors, required: true })}</div>
</div>
</fieldset>
${componentChoice('components', p.cat, chosen, p.errors, 'They show “under maintenance” while it is in progress.')}
${textarea({ name: 'body', label: 'Message to customers', value: v('body'), errors: p.errors, required: true, rows: 5, hint: 'Markdown. Say what changes for them and what to do, e.g. “Payments may be refused for up to five minutes; retry and they go through.”' })}
${checkbox({ name: 'deliver_notifications', label: 'Email subscribers: the announcement now, and reminders 24 h and 1 h before', checked: p.values.deliver_notifications !== undefined })}
${checkbox({ name: 'auto_transition', label: 'Start and complete automatically at these times', checked: p.values.auto_transition !== undefined })}
<div class="actions"><button type="submit">Schedule maintenance</button> <a class="button secondary" href="/admin/maintenance">Back</a></div>
</form>`
}

/** The forms of the maintenance page; each field is named `<form>.<field>` (ids stay unique). */
export type DetailForm = 'start' | 'complete' | 'update' | 'edit' | 'cancel'

export interface DetailProps {
  m: Maintenance
  cat: Catalogue
  timeZone: string
  now: Date
  canWrite: boolean
  /** The form to show open, with what was typed, its errors or its short-notice warning. */
  open?: { form: DetailForm; values: Form; errors?: FieldErrors; warning?: NoticeCheck }
  /** The defaults of each form (the edit form's current values, the default messages). */
  defaults: Record<DetailForm, Form>
}

function facts(m: Maintenance, timeZone: string, now: Date): Html {
  // prettier-ignore
  return html`<dl class="facts">
<dt>Status</dt><dd>${maintenancePill(m)} <span class="clock${late(m, now) ? ' late' : ''}">${clockText(m, now)}</span></dd>
<dt>Window</dt><dd>${windowText(m.scheduled_for, m.scheduled_until, timeZone)} (${formatDuration(Date.parse(m.scheduled_until) - Date.parse(m.scheduled_for))})</dd>
${m.started_at ? html`<dt>Started</dt><dd>${formatTime(m.started_at, timeZone)}</dd>` : ''}
${m.resolved_at ? html`<dt>${m.cancelled_at ? 'Cancelled' : 'Completed'}</dt><dd>${formatTime(m.resolved_at, timeZone)}</dd>` : ''}
<dt>Components</dt><dd>${names(m)}</dd>
<dt>Start and end</dt><dd>${m.auto_transition ? 'Automatic, at the scheduled times' : 'By hand'}</dd>
<dt>Notice</dt><dd>${m.short_notice ? html`<span class="pill s-minor">Short notice</span> announced ${formatDuration(Math.max(0, Date.parse(m.scheduled_for) - Date.parse(m.created_at)))} ahead` : html`Announced ${formatDuration(Math.max(0, Date.parse(m.scheduled_for) - Date.parse(m.created_at)))} ahead`}</dd>
<dt>Public page</dt><dd><a href="${m.shortlink}">${m.shortlink}</a></dd>
</dl>`
}

function timeline(m: Maintenance, timeZone: string): Html {
  // prettier-ignore
  return html`<ol class="timeline">${m.incident_updates.map((u) => html`<li>
<p class="row">${statusPill(u.status)} <span class="muted small">${formatTime(u.created_at, timeZone)}${u.deliver_notifications ? '' : ' · not emailed'}</span></p>
<div class="update-body">${raw(renderMarkdown(u.body))}</div>
</li>`)}</ol>`
}

const STATUS_CHOICES: Record<MaintenanceStatus, MaintenanceStatus[]> = {
  scheduled: ['scheduled', 'in_progress'],
  in_progress: ['in_progress', 'verifying', 'completed'],
  verifying: ['verifying', 'completed'],
  completed: [],
}

function action(
  p: DetailProps,
  form: DetailForm,
  summary: string,
  fields: (v: (k: string) => string, values: Form, errors?: FieldErrors) => Html,
  button: Html,
): Html {
  const open = p.open?.form === form ? p.open : undefined
  const values = open?.values ?? p.defaults[form]
  const v = (k: string) => {
    const x = values[`${form}.${k}`]
    return typeof x === 'string' ? x : ''
  }
  const shown = Object.keys(p.defaults[form])
  // prettier-ignore
  return html`<details class="action"${open ? html` open` : ''}>
<summary>${summary}</summary>
<form method="post" action="/admin/maintenance/${p.m.id}/${form}" class="stacked">
${open?.warning ? warningBox(open.warning, p.timeZone, p.now, 'Save') : ''}
${formAlert(open?.errors, shown)}
${fields(v, values, open?.errors)}
<div class="actions">${button}</div>
</form>
</details>`
}

function messageFields(form: DetailForm, label: string) {
  return (v: (k: string) => string, values: Form, errors?: FieldErrors) =>
    // prettier-ignore
    html`${textarea({ name: `${form}.body`, label, value: v('body'), errors, required: true, rows: 3 })}
${checkbox({ name: `${form}.deliver_notifications`, label: 'Email subscribers', checked: values[`${form}.deliver_notifications`] !== undefined })}`
}

function actions(c: Context<AppEnv>, p: DetailProps): Html {
  const m = p.m
  const scheduled = m.status === 'scheduled'
  const hidden = html`${writeFields(c)}`
  const withKey = (fields: ReturnType<typeof messageFields>) =>
    ((v, values, errors) => html`${hidden}${fields(v, values, errors)}`) as typeof fields
  const statuses = STATUS_CHOICES[m.status].map((s) => ({
    value: s,
    label: statusLabel(s),
  }))
  // prettier-ignore
  return html`<h2>Actions</h2>
<div class="action-list">
${scheduled
    ? action(p, 'start', 'Start now', withKey(messageFields('start', 'Message')), html`<button type="submit">Start maintenance now</button>`)
    : action(p, 'complete', 'Complete now', withKey(messageFields('complete', 'Message')), html`<button type="submit">Complete maintenance</button>`)}
${action(p, 'update', 'Post an update', (v, values, errors) => html`${hidden}${select({ name: 'update.status', label: 'Status', value: v('status'), options: statuses, errors })}${messageFields('update', 'Message')(v, values, errors)}`, html`<button type="submit">Post update</button>`)}
${action(p, 'edit', 'Edit details', (v, values, errors) => html`${hidden}
${input({ name: 'edit.name', label: 'Name', value: v('name'), errors, required: true })}
<div class="pair">
${scheduled ? html`<div class="grow">${input({ name: 'edit.scheduled_for', label: 'Starts', type: 'datetime-local', value: v('scheduled_for'), errors, required: true, hint: zoneHint(p.timeZone, p.now) })}</div>` : ''}
<div class="grow">${input({ name: 'edit.scheduled_until', label: 'Ends', type: 'datetime-local', value: v('scheduled_until'), errors, required: true, hint: scheduled ? undefined : `${zoneHint(p.timeZone, p.now)} The start and components of a started window stay as they are.` })}</div>
</div>
${scheduled ? componentChoice('edit.components', p.cat, [values['edit.components'] ?? []].flat(), errors, 'They show “under maintenance” while it is in progress.') : ''}
${checkbox({ name: 'edit.auto_transition', label: 'Start and complete automatically at the scheduled times', checked: values['edit.auto_transition'] !== undefined })}`, html`<button type="submit">Save changes</button>`)}
${scheduled ? action(p, 'cancel', 'Cancel maintenance', withKey(messageFields('cancel', 'Message')), html`<button type="submit" class="danger" data-confirm="Cancel this maintenance? Subscribers are told if “Email subscribers” is ticked.">Cancel maintenance</button>`) : ''}
</div>`
}

export function maintenanceDetail(c: Context<AppEnv>, p: DetailProps): Html {
  const open = !p.m.cancelled_at && p.m.status !== 'completed'
  const actionable = p.canWrite && open
  // A form sent from a page that was out of date (the window closed meanwhile): say why here.
  const refused = !actionable && p.open ? formAlert(p.open.errors, []) : ''
  // prettier-ignore
  return html`<p><a href="/admin/maintenance">← All maintenance</a></p>
${refused}
${facts(p.m, p.timeZone, p.now)}
${actionable ? actions(c, p) : ''}
<h2>Timeline</h2>
${timeline(p.m, p.timeZone)}`
}
