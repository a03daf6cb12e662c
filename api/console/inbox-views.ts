import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import { CANNED_REPLIES, type CannedReply } from '../../core/canned-replies.ts'
import { renderMarkdown } from '../../core/markdown.ts'
import type { User } from '../../core/schemas/user.ts'
import type { AppEnv } from '../env.ts'
import type { FeedbackView } from '../services/feedback.ts'
import { displayName } from '../services/write.ts'
import { ago } from './clock.ts'
import { formAlert, select, textarea, writeFields, type FieldErrors } from './forms.ts'
import { responseClock, type ResponseClock } from './inbox-clock.ts'
import { excerpt, time } from './labels.ts'
import type { Html } from './layout.ts'

/** The inbox's views: every report, the open ones, the late ones, those assigned to me. */
export const SHOWS = ['open', 'late', 'mine', 'all'] as const
export type Show = (typeof SHOWS)[number]
const SHOW_LABEL: Record<Show, string> = { open: 'Open', late: 'Late', mine: 'Mine', all: 'All' }

const STATUS_LABEL: Record<string, string> = {
  open: 'Open',
  answered: 'Answered',
  closed: 'Closed',
}
const statusPill = (s: string) => html`<span class="pill s-${s}">${STATUS_LABEL[s] ?? s}</span>`

const EXCERPT = 140

/** Names of what reports point at: incidents, components, people. */
export interface InboxNames {
  incidents: ReadonlyMap<string, string>
  components: ReadonlyMap<string, string>
  people: ReadonlyMap<string, string>
}

/** The clock of a report still waiting stands out (in red once late); a settled one does not. */
function clockText(k: ResponseClock): Html {
  if (k.state === 'answered' || k.state === 'closed') return html`<span>${k.text}</span>`
  const late = k.state === 'late' || k.state === 'overdue'
  return html`<span class="clock${late ? ' late' : ''}">${k.text}</span>`
}

function from(f: FeedbackView): string {
  const who = f.email ?? 'no address'
  return f.source === 'follow_up' ? `${who} · follow-up answer` : who
}

function about(f: FeedbackView, names: InboxNames): Html {
  const incident = f.incident_id ? names.incidents.get(f.incident_id) : undefined
  const component = f.component_id ? names.components.get(f.component_id) : undefined
  if (!incident && !component) return html`<span class="muted">Nothing named</span>`
  // prettier-ignore
  return html`${incident ? html`<a href="/admin/incidents/${f.incident_id}">${incident}</a>` : ''}${incident && component ? html`<br>` : ''}${component ? html`<a href="/admin/components/${f.component_id}"${incident ? html` class="small"` : ''}>${component}</a>` : ''}`
}

export interface InboxListProps {
  items: FeedbackView[]
  names: InboxNames
  show: Show
  incident: string | null
  /** Incidents reports are about, for the filter. */
  incidents: { id: string; name: string }[]
  counts: Record<Show, number>
  page: number
  pages: number
  total: number
  timeZone: string
  now: Date
}

export function inboxHref(show: Show, incident: string | null, page = 1): string {
  const q = new URLSearchParams()
  if (show !== 'all') q.set('show', show)
  if (incident) q.set('incident', incident)
  if (page > 1) q.set('page', String(page))
  const s = q.toString()
  return `/admin/inbox${s ? `?${s}` : ''}`
}

const EMPTY: Record<Show, string> = {
  open: 'Nothing is waiting for an answer.',
  late: 'No report has waited more than 2 hours.',
  mine: 'No report is assigned to you.',
  all: 'No reports yet.',
}

/** Every report and follow-up answer, newest first, with its response clock. */
export function inboxList(p: InboxListProps): Html {
  const incidentName = p.incident ? p.incidents.find((i) => i.id === p.incident)?.name : null
  // prettier-ignore
  return html`<p class="muted">Reports from customers and “still affected” answers to follow-ups, newest first. Answer within 2 hours and it feels like a conversation; 24 hours is the promise.</p>
<nav aria-label="Which reports"><ul class="choices">
${SHOWS.map((s) => html`<li><a href="${inboxHref(s, p.incident)}"${s === p.show ? html` aria-current="true"` : ''}>${SHOW_LABEL[s]} <span class="count">(${p.counts[s]})</span></a></li>`)}
</ul></nav>
${p.incidents.length ? html`<form method="get" action="/admin/inbox" class="inline-form inbox-filter">
${p.show === 'all' ? '' : html`<input type="hidden" name="show" value="${p.show}">`}
<label for="f-incident">About</label>
<select id="f-incident" name="incident"><option value="">Any incident</option>${p.incidents.map((i) => html`<option value="${i.id}"${i.id === p.incident ? html` selected` : ''}>${i.name}</option>`)}</select>
<button type="submit" class="secondary">Show</button>
</form>` : ''}
<h2 class="vh">${SHOW_LABEL[p.show]} reports${incidentName ? ` about ${incidentName}` : ''}</h2>
${p.items.length === 0 ? html`<p>${p.page > 1 ? 'No more reports.' : EMPTY[p.show]}</p>` : html`<table class="stack inbox">
<thead><tr><th scope="col">Report</th><th scope="col">Answer</th><th scope="col">Received</th><th scope="col">About</th><th scope="col">Assigned to</th></tr></thead>
<tbody>${p.items.map((f) => {
    const k = responseClock(f, p.now)
    const assignee = f.assigned_to ? p.names.people.get(f.assigned_to) : undefined
    return html`<tr class="r-${k.state}"><td class="lead"><a href="/admin/inbox/${f.id}">${excerpt(f.message, EXCERPT)}</a><br><span class="small muted">${from(f)}</span></td><td data-label="Answer">${statusPill(f.status)} ${clockText(k)}</td><td data-label="Received">${ago(f.created_at, p.now)}<br><span class="small muted">${time(f.created_at, p.timeZone)}</span></td><td data-label="About">${about(f, p.names)}</td><td data-label="Assigned to">${assignee ?? html`<span class="muted">Nobody</span>`}</td></tr>`
  })}</tbody>
</table>`}
${p.pages > 1 ? html`<nav class="pager" aria-label="Inbox pages">
${p.page > 1 ? html`<a href="${inboxHref(p.show, p.incident, p.page - 1)}" rel="prev">← Newer</a>` : ''}
<span>Page ${p.page} of ${p.pages}</span>
${p.page < p.pages ? html`<a href="${inboxHref(p.show, p.incident, p.page + 1)}" rel="next">Older →</a>` : ''}
</nav>` : ''}`
}

/** Which form a re-render is about, with what was typed and what is wrong. */
export interface ThreadState {
  form?: 'reply' | 'assign' | 'status'
  body?: string
  assigned_to?: string
  errors?: FieldErrors
}

export interface InboxThreadProps {
  item: FeedbackView
  names: InboxNames
  /** People it can be assigned to (active). */
  people: User[]
  canWrite: boolean
  /** How a reply from this person is signed, and where the mail comes from and goes back to. */
  signature: string
  mail: { from: string; replyTo: string | null }
  /** The canned reply chosen to start from. */
  canned: CannedReply | null
  timeZone: string
  now: Date
  state: ThreadState
}

/** The page title of a report: who sent it, as the person reading may see the address. */
export function threadTitle(f: FeedbackView): string {
  const kind = f.source === 'follow_up' ? 'Follow-up answer' : 'Report'
  return f.email ? `${kind} from ${f.email}` : `${kind} without an address`
}

/** One report: what it is about, the message, the replies, and (editors) reply, assign, close. */
export function inboxThread(c: Context<AppEnv>, p: InboxThreadProps): Html {
  const f = p.item
  const k = responseClock(f, p.now)
  const assignee = f.assigned_to ? p.names.people.get(f.assigned_to) : undefined
  // prettier-ignore
  return html`<p><a href="/admin/inbox">← Inbox</a></p>
<div class="thread">
<section class="thread-facts card" aria-labelledby="facts-h">
<h2 id="facts-h" class="vh">About this report</h2>
<p class="row">${statusPill(f.status)} ${clockText(k)}</p>
${k.next ? html`<p class="small muted">${k.next}</p>` : ''}
<dl class="facts">
<div><dt>Received</dt><dd>${time(f.created_at, p.timeZone)} <span class="muted">(${ago(f.created_at, p.now)})</span></dd></div>
<div><dt>From</dt><dd>${f.email ?? html`<span class="muted">No address: answers can only be read here</span>`}${f.subscriber_id ? html`<br><span class="small muted">a subscriber</span>` : ''}</dd></div>
<div><dt>How</dt><dd>${f.source === 'follow_up' ? 'Answered “still affected” to a follow-up' : 'The report form on the status page'}</dd></div>
<div><dt>About</dt><dd>${about(f, p.names)}</dd></div>
<div><dt>Assigned to</dt><dd>${assignee ?? html`<span class="muted">Nobody</span>`}</dd></div>
</dl>
</section>
<div class="thread-talk">
<section aria-labelledby="message-h">
<h2 id="message-h">Their message</h2>
<blockquote class="quote message">${f.message}</blockquote>
</section>
<section aria-labelledby="replies-h">
<h2 id="replies-h">Replies <span class="count">(${f.replies.length})</span></h2>
${f.replies.length === 0 ? html`<p class="muted">No reply yet.</p>` : html`<ol class="timeline">
${f.replies.map((r) => html`<li><h3>${r.author}</h3><p class="small muted">${time(r.created_at, p.timeZone)}</p><div class="md">${raw(renderMarkdown(r.body))}</div></li>`)}
</ol>`}
</section>
${p.canWrite ? replyForm(c, p) : ''}
</div>
${p.canWrite ? html`<div class="thread-actions">${assignForm(c, p)}${statusForm(c, p)}</div>` : ''}
</div>`
}

function replyForm(c: Context<AppEnv>, p: InboxThreadProps): Html {
  const f = p.item
  const s = p.state
  const errors = s.form === 'reply' ? s.errors : undefined
  if (f.status === 'closed') {
    // prettier-ignore
    return html`<section aria-labelledby="reply-h" id="reply"><h2 id="reply-h">Reply</h2>
${errors ? formAlert(errors, []) : ''}
<p>This report is closed: it takes no replies. Reopen it to answer.</p></section>`
  }
  const mailed = f.email
    ? `Emailed to ${f.email} from ${p.mail.from}${p.mail.replyTo ? `; their answer goes to ${p.mail.replyTo}` : ''}.`
    : 'This reporter left no address: the reply is kept here and not mailed.'
  const body = s.form === 'reply' && s.body !== undefined ? s.body : (p.canned?.body ?? '')
  // prettier-ignore
  return html`<section aria-labelledby="reply-h" id="reply">
<h2 id="reply-h">Reply</h2>
<p class="small">Start from a template, then make it fit this person: ${CANNED_REPLIES.map((r, n) => html`${n ? ' · ' : ''}<a href="/admin/inbox/${f.id}?canned=${r.id}#reply"${p.canned?.id === r.id ? html` aria-current="true"` : ''}>${r.label}</a>`)}</p>
${formAlert(errors, ['body'])}
<form method="post" action="/admin/inbox/${f.id}/replies" class="stacked wide">
${writeFields(c)}
${textarea({ name: 'body', label: 'Your reply', value: body, errors, rows: 8, required: true, hint: `Markdown. Signed “— ${p.signature}”. ${mailed} A template sent unchanged is refused.` })}
<button type="submit">Send reply</button>
</form>
</section>`
}

function assignForm(c: Context<AppEnv>, p: InboxThreadProps): Html {
  const f = p.item
  const s = p.state
  const errors = s.form === 'assign' ? s.errors : undefined
  const value =
    s.form === 'assign' && s.assigned_to !== undefined ? s.assigned_to : (f.assigned_to ?? '')
  const options = [
    { value: '', label: 'Nobody' },
    ...p.people.map((u) => ({ value: u.id, label: `${displayName(u)} (${u.role})` })),
  ]
  // prettier-ignore
  return html`<section aria-labelledby="assign-h" class="card">
<h2 id="assign-h">Assign</h2>
${formAlert(errors, ['assigned_to'])}
<form method="post" action="/admin/inbox/${f.id}/assign">
${writeFields(c)}
${select({ name: 'assigned_to', label: 'Who answers it', value, errors, options })}
<button type="submit" class="secondary">Assign</button>
</form>
</section>`
}

function statusForm(c: Context<AppEnv>, p: InboxThreadProps): Html {
  const f = p.item
  const errors = p.state.form === 'status' ? p.state.errors : undefined
  const closed = f.status === 'closed'
  // prettier-ignore
  return html`<section aria-labelledby="status-h" class="card">
<h2 id="status-h">${closed ? 'Reopen' : 'Close'}</h2>
${formAlert(errors, [])}
<p class="small muted">${closed ? 'Open again: it takes replies and shows among the open reports.' : 'Nothing more to do: it leaves the open reports and takes no more replies.'}</p>
<form method="post" action="/admin/inbox/${f.id}/${closed ? 'reopen' : 'close'}">
${writeFields(c)}
<button type="submit" class="secondary">${closed ? 'Reopen this report' : 'Close this report'}</button>
</form>
</section>`
}
