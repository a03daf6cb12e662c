import { html } from 'hono/html'
import { formatTime } from '../../core/format.ts'
import type { AuditEntry } from '../../core/schemas/audit.ts'
import { ComponentStatus } from '../../core/schemas/component.ts'
import type { User } from '../../core/schemas/user.ts'
import { input, select, type FieldErrors } from './forms.ts'
import { componentStatusLabel } from './labels.ts'
import type { Html } from './layout.ts'

/** What people call an action; any other is shown as its code. */
const ACTIONS: Record<string, string> = {
  'maintenance.schedule': 'Scheduled maintenance',
  'maintenance.edit': 'Edited maintenance',
  'maintenance.updated': 'Posted a maintenance update',
  'maintenance.started': 'Started maintenance',
  'maintenance.verifying': 'Maintenance: verifying',
  'maintenance.completed': 'Completed maintenance',
  'maintenance.cancelled': 'Cancelled maintenance',
  'component.create': 'Added a component',
  'component.update': 'Changed a component',
  'component.delete': 'Deleted a component',
  'component_group.create': 'Added a group',
  'component_group.update': 'Changed a group',
  'component_group.delete': 'Deleted a group',
  'incident.create': 'Opened an incident',
  'incident.update': 'Posted an incident update',
  'incident.edit': 'Edited an incident',
  'incident.resolve': 'Resolved an incident',
  'incident.reopen': 'Reopened an incident',
  'incident.update_edit': 'Corrected an update',
  'postmortem.save': 'Saved a post-mortem draft',
  'postmortem.publish': 'Published a post-mortem',
  'compensation.decide': 'Decided a service credit',
  'feedback.reply': 'Replied to a report',
  'feedback.close': 'Closed a report',
  'subscriber.import': 'Imported subscribers',
  'subscriber.export': 'Exported the subscribers',
  'subscriber.delete': 'Erased a subscriber',
  'feedback.reopen': 'Reopened a report',
  'feedback.assign': 'Assigned a report',
  'feedback.digest': 'Mailed the digest of new reports',
  'user.inbox_digest': 'Changed their report emails',
  'token.create': 'Created an API token',
  'token.revoke': 'Revoked an API token',
  'session.sign_in': 'Signed in',
  'user.setup': 'Created the first admin',
  'user.setup_link': 'Printed a first-admin link',
  'user.invite': 'Invited a person',
  'user.reinvite': 'Invited a person again',
  'user.accept_invite': 'Accepted an invitation',
  'user.create': 'Added a person',
  'user.activate': 'Activated a person',
  'user.update': 'Changed a person',
  'user.disable': 'Disabled a person',
  'user.end_sessions': 'Signed a person out everywhere',
  'user.change_password': 'Changed their password',
  'user.reset_requested': 'Asked for a password reset',
  'user.reset_password': 'Reset their password',
}

const TARGETS: Record<string, string> = {
  maintenance: 'Maintenance',
  component: 'Component',
  component_group: 'Group',
  incident: 'Incident',
  token: 'API token',
  user: 'Person',
  subscriber: 'Subscriber',
  subscriber_import: 'Subscriber import',
  subscriber_export: 'Subscriber export',
  feedback: 'Report',
  inbox: 'Inbox',
}

export const targetLabel = (type: string) => TARGETS[type] ?? type.replaceAll('_', ' ')

/** Names of the things entries point at (components, groups, incidents, people, tokens). */
export type Names = ReadonlyMap<string, string>

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** One value of the details, as people read it: times in the zone, ids by name, yes/no. */
function value(v: unknown, names: Names, timeZone: string): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'boolean') return v ? 'yes' : 'no'
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') {
    if (ISO.test(v)) return formatTime(v, timeZone)
    const status = ComponentStatus.safeParse(v)
    if (status.success) return componentStatusLabel(status.data)
    const named = names.get(v)
    if (named) return named
    return v.length > 300 ? `${v.slice(0, 300)}…` : v
  }
  if (Array.isArray(v))
    return v.length ? v.map((x) => value(x, names, timeZone)).join(', ') : 'none'
  if (typeof v === 'object') {
    return Object.entries(v)
      .map(([k, x]) => `${names.get(k) ?? k}: ${value(x, names, timeZone)}`)
      .join('; ')
  }
  return '—'
}

const field = (k: string) => k.replaceAll('_', ' ')

/**
 * The details of an entry: an edit (details with `previous`) as "field: before → after" per
 * field it changed; anything else as "field: value". Every value is escaped by the template.
 */
export function detailsView(details: unknown, names: Names, timeZone: string): Html {
  if (details === null || details === undefined) return html`<span class="muted">—</span>`
  if (typeof details !== 'object' || Array.isArray(details)) {
    return html`${value(details, names, timeZone)}`
  }
  const d = details as Record<string, unknown>
  const previous =
    d.previous && typeof d.previous === 'object' && !Array.isArray(d.previous)
      ? (d.previous as Record<string, unknown>)
      : null
  if (previous) {
    // prettier-ignore
    return html`<ul class="changes">${Object.keys(previous).map((k) => html`<li><span class="field-name">${field(k)}</span>: <del>${value(previous[k], names, timeZone)}</del> → <ins>${value(d[k], names, timeZone)}</ins></li>`)}</ul>`
  }
  // prettier-ignore
  return html`<ul class="changes">${Object.entries(d).map(([k, v]) => html`<li><span class="field-name">${field(k)}</span>: ${value(v, names, timeZone)}</li>`)}</ul>`
}

export interface AuditListProps {
  rows: AuditEntry[]
  total: number
  page: number
  perPage: number
  names: Names
  /** The console page of a target, where there is one the person may open. */
  hrefOf: (type: string, id: string) => string | null
  timeZone: string
  /** The filter as typed (query string values), its errors, and the choices of its selects. */
  filter: Record<string, string>
  errors?: FieldErrors
  people: readonly User[]
  targetTypes: readonly string[]
}

function pageLink(filter: Record<string, string>, page: number): string {
  const q = new URLSearchParams(
    Object.entries({ ...filter, page: String(page) }).filter(([, v]) => v),
  )
  return `/admin/audit?${q.toString()}`
}

function filterForm(p: AuditListProps, open: boolean): Html {
  const f = (k: string) => p.filter[k] ?? ''
  const people = [
    { value: '', label: 'Anyone' },
    ...p.people.map((u) => ({ value: u.id, label: u.name ? `${u.name} <${u.email}>` : u.email })),
  ]
  const types = [
    { value: '', label: 'Anything' },
    ...[...new Set([...p.targetTypes, f('target_type')].filter(Boolean))].map((t) => ({
      value: t,
      label: targetLabel(t),
    })),
  ]
  // prettier-ignore
  return html`<details class="filters"${open ? html` open` : ''}>
<summary>Filter by person, target or days</summary>
<form method="get" action="/admin/audit" aria-label="Filter the audit log">
${p.errors ? html`<div class="alert" role="alert"><p><strong>Check the filter: ${Object.values(p.errors).length === 1 ? 'one field needs' : 'some fields need'} fixing.</strong></p>${p.errors._form ? html`<p>${p.errors._form}</p>` : ''}</div>` : ''}
<div class="filter-grid">
${select({ name: 'actor_user_id', label: 'Person', value: f('actor_user_id'), options: people, errors: p.errors })}
${f('actor_email') ? input({ name: 'actor_email', label: 'Email', type: 'email', value: f('actor_email'), errors: p.errors }) : ''}
${select({ name: 'target_type', label: 'Target', value: f('target_type'), options: types, errors: p.errors })}
${input({ name: 'target_id', label: 'Target id', value: f('target_id'), errors: p.errors, hint: 'From the address of its page.' })}
${input({ name: 'from', label: 'From (day)', type: 'date', value: f('from'), errors: p.errors })}
${input({ name: 'to', label: 'To (day, included)', type: 'date', value: f('to'), errors: p.errors })}
</div>
<p class="hint">Days in ${p.timeZone}.</p>
<div class="actions"><button type="submit">Filter</button> <a class="button secondary" href="/admin/audit">Clear</a></div>
</form>
</details>`
}

export function auditList(p: AuditListProps): Html {
  const pages = Math.max(1, Math.ceil(p.total / p.perPage))
  const filtered = Object.entries(p.filter).some(([k, v]) => k !== 'page' && v)
  const target = (r: AuditEntry) => {
    const name = p.names.get(r.target_id)
    const href = p.hrefOf(r.target_type, r.target_id)
    const label = html`${targetLabel(r.target_type)}: ${name ?? r.target_id}`
    return href ? html`<a href="${href}">${label}</a>` : label
  }
  // prettier-ignore
  return html`${filterForm(p, filtered || !!p.errors)}
<h2 id="entries">${p.total === 1 ? '1 entry' : `${p.total} entries`}${filtered ? ' match' : ''}, newest first</h2>
${p.rows.length ? html`<table class="stack audit">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Target</th><th scope="col">Details</th></tr></thead>
<tbody>${p.rows.map((r) => html`<tr>
<td class="when">${formatTime(r.at, p.timeZone)}</td>
<td class="who">${r.actor_name}${r.actor_email && r.actor_email !== r.actor_name ? html` <span class="muted small">${r.actor_email}</span>` : ''}</td>
<td class="what">${ACTIONS[r.action] ?? r.action}</td>
<td data-label="Target">${target(r)}</td>
<td${r.details === null ? '' : html` data-label="Details"`}>${r.details === null ? '' : detailsView(r.details, p.names, p.timeZone)}</td>
</tr>`)}</tbody>
</table>` : html`<p>${filtered ? 'Nothing matches this filter.' : 'Nothing has been written yet.'}</p>`}
${pages > 1 ? html`<nav class="pager" aria-label="Audit log pages">${p.page > 1 ? html`<a href="${pageLink(p.filter, p.page - 1)}" rel="prev">Newer</a>` : ''}<span>Page ${p.page} of ${pages}</span>${p.page < pages ? html`<a href="${pageLink(p.filter, p.page + 1)}" rel="next">Older</a>` : ''}</nav>` : ''}`
}
