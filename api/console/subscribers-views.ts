import type { Context } from 'hono'
import { html } from 'hono/html'
import { CHANNEL_LABELS, CHANNELS, subscriptionName } from '../../core/channels.ts'
import type { Locale, Subscriber, SubscriberStatus } from '../../core/schemas/subscription.ts'
import type { AppEnv } from '../env.ts'
import type { SubscriberCountsView } from '../services/subscriptions.ts'
import { formatDate } from '../../core/format.ts'
import { checkbox, formAlert, input, writeFields, type FieldErrors } from './forms.ts'
import { time } from './labels.ts'
import type { Html } from './layout.ts'

// Every value below goes through `html`, which escapes it: addresses are whatever people typed.

export const LOCALE_LABELS: Record<Locale, string> = {
  en: 'English',
  'zh-CN': 'Chinese (simplified)',
}

const STATUS_LABELS: Record<SubscriberStatus, string> = {
  confirmed: 'Confirmed',
  pending: 'Pending',
  unsubscribed: 'Unsubscribed',
  quarantined: 'Quarantined',
}

/** What each status means for mail, said once where a person decides something. */
const STATUS_HINTS: Record<SubscriberStatus, string> = {
  confirmed: 'Gets updates about the components below.',
  pending: 'Has not confirmed yet (the link, or the texted code): gets nothing until then.',
  unsubscribed: 'Opted out: gets nothing. Neither an import nor staff subscribe it again.',
  quarantined:
    'Failed permanently (mail bounced, the URL or number was refused): gets nothing. It is never subscribed again from a form or an import.',
}

export const STATUS_ORDER: SubscriberStatus[] = [
  'confirmed',
  'pending',
  'unsubscribed',
  'quarantined',
]

/** A status as a pill: the word always, colour only as a second signal. */
export const subscriberPill = (s: SubscriberStatus) =>
  html`<span class="pill s-sub-${s}">${STATUS_LABELS[s]}</span>`

/** What a subscriber follows, by component name ("All components" for every one). */
export function followsText(
  s: { all_components: boolean; components: readonly string[] },
  names: ReadonlyMap<string, string>,
): string {
  if (s.all_components) return 'All components'
  if (s.components.length === 0) return 'No component'
  return s.components
    .map((id) => names.get(id) ?? `(deleted component ${id})`)
    .sort((a, b) => a.localeCompare(b, 'en'))
    .join(', ')
}

export interface SubscriberListView {
  items: Subscriber[]
  total: number
  page: number
  perPage: number
  /** The search as typed (query string values) and its problems. */
  filter: ListFilter
  errors?: FieldErrors
  counts: SubscriberCountsView
  names: ReadonlyMap<string, string>
  timeZone: string
}

export interface ListFilter {
  q: string
  status: string
  channel: string
}

function listLink(filter: ListFilter, page = 1): string {
  const q = new URLSearchParams(
    Object.entries({ ...filter, page: page > 1 ? String(page) : '' }).filter(([, v]) => v),
  ).toString()
  return q ? `/admin/subscribers?${q}` : '/admin/subscribers'
}

/** Filter links by status, with their counts ("Confirmed 120"); the current one marked. */
function statusChoices(v: SubscriberListView): Html {
  const all = { key: '', label: 'All', n: v.counts.total }
  const choices = [
    all,
    ...STATUS_ORDER.map((s) => ({ key: s, label: STATUS_LABELS[s], n: v.counts.by_status[s] })),
  ]
  // prettier-ignore
  return html`<nav aria-label="Subscribers by status"><ul class="choices">${choices.map((x) => html`<li><a href="${listLink({ ...v.filter, status: x.key })}"${v.filter.status === x.key ? html` aria-current="true"` : ''}>${x.label} <span class="tally-n">${x.n}</span></a></li>`)}</ul></nav>`
}

/** Filter links by channel, for the channels anyone uses (and the chosen one); none for one. */
function channelChoices(v: SubscriberListView): Html {
  const used = CHANNELS.filter((ch) => v.counts.by_channel[ch] > 0 || v.filter.channel === ch)
  if (used.length < 2 && !v.filter.channel) return html``
  const choices = [
    { key: '', label: 'Every channel', n: v.counts.total },
    ...used.map((ch) => ({ key: ch, label: CHANNEL_LABELS[ch], n: v.counts.by_channel[ch] })),
  ]
  // prettier-ignore
  return html`<nav aria-label="Subscribers by channel"><ul class="choices">${choices.map((x) => html`<li><a href="${listLink({ ...v.filter, channel: x.key })}"${v.filter.channel === x.key ? html` aria-current="true"` : ''}>${x.label} <span class="tally-n">${x.n}</span></a></li>`)}</ul></nav>`
}

/**
 * Confirmed subscribers per component and channel: rows {component, channel, count} pivoted to
 * a column per channel, so chat or webhook channels add a column, not a new table.
 */
function audience(v: SubscriberListView): Html {
  const channels = [...new Set(['email', ...v.counts.by_component_channel.map((r) => r.channel)])]
  const count = (id: string, channel: string) =>
    v.counts.by_component_channel.find((r) => r.component_id === id && r.channel === channel)
      ?.count ?? 0
  const label = (ch: string) => CHANNEL_LABELS[ch as keyof typeof CHANNEL_LABELS] ?? ch
  const all = v.counts.all_components
  // prettier-ignore
  return html`<section class="card" aria-labelledby="audience-h">
<h2 id="audience-h">Who gets updates, per component</h2>
${v.counts.components.length === 0 ? html`<p class="muted">No components yet.</p>` : html`<table class="stack audience">
<thead><tr><th scope="col">Component</th>${channels.map((ch) => html`<th scope="col" class="num">${label(ch)}</th>`)}</tr></thead>
<tbody>${v.counts.components.map((c) => html`<tr><td class="lead">${c.name}</td>${channels.map((ch) => html`<td class="num" data-label="${label(ch)}">${count(c.id, ch)}</td>`)}</tr>`)}</tbody>
</table>`}
<p class="small muted">Confirmed subscribers only. ${all === 1 ? '1 of them follows' : `${all} of them follow`} every component, including ones added later, and ${all === 1 ? 'is' : 'are'} counted in every row.</p>
</section>`
}

/** /admin/subscribers: search by address, filter by status, the counts, import and export. */
export function subscriberList(v: SubscriberListView): Html {
  const pages = Math.max(1, Math.ceil(v.total / v.perPage))
  const filtered = !!(v.filter.q || v.filter.status || v.filter.channel)
  // The chips choose the status and channel; a search stays within the chosen ones.
  const status = STATUS_ORDER.find((x) => x === v.filter.status)
  const channel = CHANNELS.find((x) => x === v.filter.channel)
  const within = [status && STATUS_LABELS[status].toLowerCase(), channel && CHANNEL_LABELS[channel]]
    .filter(Boolean)
    .join(', ')
  const heading = `${v.total === 1 ? '1 subscriber' : `${v.total} subscribers`}${filtered ? ' match' : ''}`
  // prettier-ignore
  return html`<div class="actions top-actions"><a class="button" href="/admin/subscribers/import">Import CSV</a><a class="button secondary" href="/admin/subscribers/export.csv" download>Export CSV</a></div>
${statusChoices(v)}
${channelChoices(v)}
<p class="small muted">Import and export are for email subscribers; add other channels with <code>POST /api/v1/subscribers</code>.</p>
<form method="get" action="/admin/subscribers" class="search" role="search" aria-label="Search subscribers">
${v.errors ? html`<div class="alert" role="alert"><p><strong>Check the search:</strong> ${Object.entries(v.errors).filter(([k]) => k !== 'q').map(([k, m]) => `${k === 'status' ? 'that status' : k === 'channel' ? 'that channel' : k}: ${m}`).join('; ') || 'see the address field'}.</p></div>` : ''}
${status ? html`<input type="hidden" name="status" value="${status}">` : ''}${channel ? html`<input type="hidden" name="channel" value="${channel}">` : ''}
${input({ name: 'q', label: within ? `Address, URL or number contains (${within} only)` : 'Address, URL or number contains', type: 'search', value: v.filter.q, errors: v.errors, autocomplete: 'off' })}
<div class="search-go"><button type="submit">Search</button>${filtered ? html` <a class="button secondary" href="/admin/subscribers">Clear</a>` : ''}</div>
</form>
<h2 id="results">${heading}<span class="count">, newest first</span></h2>
${v.items.length === 0 ? html`<p>${filtered ? 'No subscriber matches this search.' : 'No one has subscribed yet. Subscribers sign up on the status page, or import a list.'}</p>` : html`<table class="stack subscribers">
<thead><tr><th scope="col">Subscriber</th><th scope="col">Channel</th><th scope="col">Status</th><th scope="col">Follows</th><th scope="col">Language</th><th scope="col">Subscribed</th></tr></thead>
<tbody>${v.items.map((s) => html`<tr>
<td class="lead"><a href="/admin/subscribers/${s.id}">${subscriptionName(s)}</a>${s.channel !== 'email' && s.email ? html`<span class="small muted contact">Contact: ${s.email}</span>` : ''}</td>
<td data-label="Channel">${CHANNEL_LABELS[s.channel]}</td>
<td data-label="Status">${subscriberPill(s.status)}</td>
<td data-label="Follows">${followsText(s, v.names)}</td>
<td data-label="Language">${LOCALE_LABELS[s.locale]}</td>
<td data-label="Subscribed" class="nowrap"><time datetime="${s.created_at}">${formatDate(s.created_at, v.timeZone)}</time></td>
</tr>`)}</tbody>
</table>`}
${pages > 1 ? html`<nav class="pager" aria-label="Subscriber pages">${v.page > 1 ? html`<a href="${listLink(v.filter, v.page - 1)}" rel="prev">← Newer</a>` : ''}<span>Page ${v.page} of ${pages}</span>${v.page < pages ? html`<a href="${listLink(v.filter, v.page + 1)}" rel="next">Older →</a>` : ''}</nav>` : ''}
${audience(v)}`
}

export interface SubscriberView {
  subscriber: Subscriber
  names: ReadonlyMap<string, string>
  timeZone: string
  errors?: FieldErrors
}

/** One subscriber: what they get and since when, and erasure behind a deliberate confirmation. */
export function subscriberPage(c: Context<AppEnv>, v: SubscriberView): Html {
  const s = v.subscriber
  const name = subscriptionName(s)
  const when = (iso: string | null, none: string) => (iso ? time(iso, v.timeZone) : none)
  // prettier-ignore
  return html`<p><a href="/admin/subscribers">← All subscribers</a></p>
<dl class="facts">
<div><dt>Channel</dt><dd>${CHANNEL_LABELS[s.channel]}</dd></div>
${s.channel !== 'email' ? html`<div><dt>${s.channel === 'sms' ? 'Number' : 'Endpoint'}</dt><dd>${s.channel === 'sms' ? s.phone : name}${s.url ? html` <span class="small muted">(the URL is kept whole; only the API shows it)</span>` : ''}</dd></div>
<div><dt>Contact</dt><dd>${s.email ?? html`<span class="muted">None</span>`}</dd></div>` : ''}
<div><dt>Status</dt><dd>${subscriberPill(s.status)} <span class="small muted">${STATUS_HINTS[s.status]}</span></dd></div>
<div><dt>Follows</dt><dd>${followsText(s, v.names)}</dd></div>
<div><dt>Language</dt><dd>${LOCALE_LABELS[s.locale]}</dd></div>
<div><dt>Subscribed</dt><dd>${when(s.created_at, '')}</dd></div>
<div><dt>Confirmed</dt><dd>${when(s.confirmed_at, s.status === 'pending' ? 'Not yet' : '—')}</dd></div>
${s.unsubscribed_at ? html`<div><dt>Unsubscribed</dt><dd>${when(s.unsubscribed_at, '')}</dd></div>` : ''}
${s.quarantined_at ? html`<div><dt>Quarantined</dt><dd>${when(s.quarantined_at, '')}</dd></div>` : ''}
${s.permanent_failures ? html`<div><dt>Bounces</dt><dd>${s.permanent_failures} permanent ${s.permanent_failures === 1 ? 'failure' : 'failures'}</dd></div>` : ''}
</dl>
<section class="card danger-zone" aria-labelledby="erase-h">
<h2 id="erase-h">Erase this subscriber</h2>
<p>Deletes the ${s.channel === 'email' ? 'address' : s.channel === 'sms' ? 'number and contact address' : 'URL and contact address'}, what it follows and the record of every update sent to it, for a request to be forgotten. It cannot be undone; the audit log keeps only that a subscriber was erased, by whom and when. It can subscribe again later.</p>
${formAlert(v.errors, ['confirm'])}
<form method="post" action="/admin/subscribers/${s.id}/remove">
${writeFields(c)}
${checkbox({ name: 'confirm', value: 'yes', label: `Yes, erase ${name} and its delivery records`, checked: false, errors: v.errors })}
<div class="actions"><button class="danger" type="submit" data-confirm="${`Erase ${name}? This cannot be undone.`}">Erase subscriber</button></div>
</form>
</section>`
}
