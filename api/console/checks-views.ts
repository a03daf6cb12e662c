import type { Context } from 'hono'
import { html } from 'hono/html'
import { formatDuration, formatUptime } from '../../core/format.ts'
import { formatHostPort, type CheckKind } from '../../core/checks.ts'
import type { Check, CheckResult } from '../../core/schemas/checks.ts'
import type { Component } from '../../core/schemas/component.ts'
import type { AppEnv } from '../env.ts'
import { ALERTED_OPTIONS } from './alert-rules-views.ts'
import { formAlert, input, one, select, writeFields, type FieldErrors, type Form } from './forms.ts'
import { time } from './labels.ts'
import type { Html } from './layout.ts'

export const KIND_NAMES: Record<CheckKind, string> = {
  http: 'HTTP',
  tcp: 'TCP',
  heartbeat: 'Heartbeat',
}

/** "30 s", "5 min", "1 h 30 min": a check's period as people say it. */
export function period(seconds: number): string {
  return seconds < 60 || (seconds < 3600 && seconds % 60 !== 0)
    ? `${seconds} s`
    : formatDuration(seconds * 1000)
}

/** Where a check looks: its URL, `host:port`, or how often its heartbeat is expected. */
export function targetText(c: Check): string {
  if (c.kind === 'http') return c.url ?? ''
  if (c.kind === 'tcp') return formatHostPort(c.host ?? '', c.port ?? 0)
  return `pinged every ${period(c.interval_seconds)}`
}

type CheckState = 'up' | 'failing' | 'down' | 'waiting' | 'paused'

const STATE_LABELS: Record<CheckState, string> = {
  up: 'Up',
  failing: 'Failing',
  down: 'Down',
  waiting: 'Waiting',
  paused: 'Paused',
}

/** A target as the list and the check page show it: an address in code, a period in words. */
export const targetCell = (c: Check) =>
  c.kind === 'heartbeat' ? html`${targetText(c)}` : html`<code>${targetText(c)}</code>`

/**
 * Failures short of confirmation: not down yet (no draft), but not up either — a green "Up" next
 * to failing runs would tell a tired reader the opposite of what is happening.
 */
const failing = (c: Check) => c.enabled && c.state !== 'down' && c.consecutive_failures > 0

/** How far a failing check is from being confirmed down. */
export const failingNote = (c: Check) =>
  failing(c)
    ? html` <span class="small late nowrap"
        >${c.consecutive_failures} of ${c.confirm_after} failed</span
      >`
    : ''

/** A check's state now, paused first: a paused check's last result is no longer news. */
export function stateOf(c: Check): CheckState {
  if (!c.enabled) return 'paused'
  if (failing(c)) return 'failing'
  return c.state === 'unknown' ? 'waiting' : c.state
}

export const statePill = (c: Check) => {
  const s = stateOf(c)
  // "Waiting" stays short in the badge; a screen reader hears what for.
  const more = s === 'waiting' ? html`<span class="vh"> for a first result</span>` : ''
  return html`<span class="pill s-check-${s}">${STATE_LABELS[s]}${more}</span>`
}

export const componentName = (components: readonly Component[], id: string) =>
  components.find((x) => x.id === id)?.name ?? 'A deleted component'

/** A result's figure: "212 ms", else up or down (a heartbeat's ping, a failure). */
export const responseText = (r: CheckResult) =>
  r.response_ms === null ? (r.up ? 'up' : 'down') : `${r.response_ms} ms`

/** A check with what the list shows of its runs. */
export interface CheckRow {
  check: Check
  last: CheckResult | null
  uptimeDay: number | null
}

/** A heartbeat just added: its ping URL, shown once (its token is stored only as a hash). */
export interface NewHeartbeat {
  id: string
  name: string
  pingUrl: string
  intervalSeconds: number
  /** A new URL for a heartbeat that had one: the old one no longer works. */
  replaced?: boolean
}

/** A crontab schedule close to a heartbeat's period (cron counts whole minutes and hours). */
export function cronSchedule(seconds: number): string {
  if (seconds < 3600) return `*/${Math.max(1, Math.floor(seconds / 60))} * * * *`
  const hours = Math.floor(seconds / 3600)
  if (hours === 1) return '0 * * * *'
  return hours < 24 ? `0 */${hours} * * *` : '0 3 * * *'
}

function heartbeatCard(h: NewHeartbeat): Html {
  const cron = `${cronSchedule(h.intervalSeconds)} your-job && curl -fsS -m 10 --retry 3 -X POST ${h.pingUrl}`
  // prettier-ignore
  return html`<section class="card once" aria-labelledby="once-h">
<h2 id="once-h">${h.replaced ? html`New ping URL for “${h.name}”: copy it now` : html`Heartbeat “${h.name}” added: copy its ping URL now`}</h2>
<code class="secret">${h.pingUrl}</code>
<p class="small muted">${h.replaced ? 'The old URL no longer works: give this one to every job that pinged it. ' : ''}Shown only this once: the token in it is stored only as a hash. Lost it? Make a new one on the check's page.</p>
<p class="small">Ping it at the end of each successful run (GET or POST, no body). For example, in a crontab:</p>
<pre class="snippet wrap" tabindex="0">${cron}</pre>
<p class="small"><a href="/admin/checks/${h.id}">Open the check</a></p>
</section>`
}

function checkTable(rows: readonly CheckRow[], p: ChecksPageProps): Html {
  if (rows.length === 0) {
    // prettier-ignore
    return html`<div class="nodata"><p><strong>No checks yet.</strong></p>
<p>A check watches a service from here: Amends calls a URL (HTTP) or opens a port (TCP) every minute or so, or waits for a cron job to ping it (heartbeat). After a few failures in a row it opens a draft incident for its component, for a person to publish or dismiss; nothing goes public by itself.</p>
${p.canAdmin ? html`<p>Add one with the form below.</p>` : html`<p>An admin can add them here.</p>`}</div>`
  }
  // prettier-ignore
  return html`<table class="stack checks">
<thead><tr><th scope="col">Check</th><th scope="col">Target</th><th scope="col">Component</th><th scope="col">State</th><th scope="col">Last result</th><th scope="col" class="num">Uptime 24 h</th></tr></thead>
<tbody>
${rows.map(({ check: c, last, uptimeDay }) => html`<tr>
<td data-label="Check" class="lead"><a href="/admin/checks/${c.id}">${c.name}</a> <span class="small muted">${KIND_NAMES[c.kind]}</span></td>
<td data-label="Target" class="target">${targetCell(c)}</td>
<td data-label="Component">${componentName(p.components, c.component_id)}</td>
<td data-label="State">${statePill(c)}${failingNote(c)}</td>
<td data-label="Last result">${last ? html`${time(last.at, p.timeZone)} <span class="small nowrap${last.up ? ' muted' : ' late'}">${responseText(last)}</span>` : html`<span class="muted">none yet</span>`}</td>
<td data-label="Uptime 24 h" class="num">${formatUptime(uptimeDay)}</td>
</tr>`)}
</tbody>
</table>`
}

/** The fields each kind shows, beyond name, component and schedule. */
const KIND_FIELDS: Record<CheckKind, readonly string[]> = {
  http: ['url', 'expected_status', 'keyword', 'timeout_ms'],
  tcp: ['host', 'port', 'timeout_ms'],
  heartbeat: ['grace_seconds'],
}
export const COMMON_FIELDS = [
  'name',
  'component_id',
  'component_status',
  'interval_seconds',
  'confirm_after',
] as const
export const fieldsOf = (kind: CheckKind) => [...COMMON_FIELDS, ...KIND_FIELDS[kind]]

/** The settings of a check of `kind`, for adding one and editing it (same names as the API). */
export function checkFields(p: {
  kind: CheckKind
  values: Form | null
  errors?: FieldErrors
  components: readonly Component[]
  /** Ids stay unique when a page has two check forms. */
  form?: string
}): Html {
  const { kind, errors, form } = p
  const val = (name: string, fallback = '') => (p.values ? one(p.values, name) : fallback)
  const num = (name: string, label: string, fallback: string, hint?: string) =>
    input({ form, name, label, value: val(name, fallback), errors, hint, inputmode: 'numeric' })
  const heartbeat = kind === 'heartbeat'
  // prettier-ignore
  return html`${input({ form, name: 'name', label: 'Name', value: val('name'), errors, required: true, hint: 'What on-call will read: “Checkout API health”.' })}
${kind === 'http' ? input({ form, name: 'url', label: 'URL', type: 'url', value: val('url'), errors, required: true, inputmode: 'url', hint: 'https:// address to call; it must answer within the timeout.' }) : ''}
${kind === 'tcp' ? html`<div class="pair">${input({ form, name: 'host', label: 'Host', value: val('host'), errors, required: true, hint: 'A name or IP address.' })}${num('port', 'Port', '', '1 to 65535.')}</div>` : ''}
${kind === 'http' ? html`<div class="pair">${input({ form, name: 'expected_status', label: 'Expected status', value: val('expected_status', '200-399'), errors, hint: 'One status (200) or a range (200-399).' })}${input({ form, name: 'keyword', label: 'Keyword (optional)', value: val('keyword'), errors, hint: 'Must appear in the first 4 KB of the answer.' })}</div>` : ''}
<div class="pair">
${num('interval_seconds', heartbeat ? 'Expected every (seconds)' : 'Every (seconds)', heartbeat ? '3600' : '60', heartbeat ? 'How often the job pings.' : 'At least 10.')}
${heartbeat ? num('grace_seconds', 'Grace (seconds)', '300', 'How late a ping may be before it counts as missed.') : num('timeout_ms', 'Timeout (ms)', '10000', '100 to 60000.')}
</div>
<div class="pair">
${select({ form, name: 'component_id', label: 'Component it signals', value: val('component_id'), errors, options: p.components.map((x) => ({ value: x.id, label: x.name })) })}
${select({ form, name: 'component_status', label: 'Status it proposes', value: val('component_status', 'major_outage'), errors, options: ALERTED_OPTIONS })}
</div>
${num('confirm_after', 'Failures before acting', heartbeat ? '1' : '3', heartbeat ? 'Missed pings in a row before a draft opens (the grace already waits).' : 'Failed runs in a row before a draft opens; one blip opens nothing.')}`
}

export interface ChecksPageProps {
  rows: readonly CheckRow[]
  components: readonly Component[]
  canAdmin: boolean
  kind: CheckKind
  values: Form | null
  errors?: FieldErrors
  created?: NewHeartbeat | null
  timeZone: string
}

function addForm(c: Context<AppEnv>, p: ChecksPageProps): Html {
  const kinds = Object.keys(KIND_NAMES) as CheckKind[]
  // prettier-ignore
  return html`<section aria-labelledby="new-check-h" class="card">
<h2 id="new-check-h">Add a check</h2>
<nav aria-label="Kind of check"><ul class="choices">
${kinds.map((k) => html`<li><a href="/admin/checks?kind=${k}#new-check-h"${k === p.kind ? html` aria-current="true"` : ''}>${KIND_NAMES[k]}</a></li>`)}
</ul></nav>
<p class="small muted">${p.kind === 'http' ? 'Calls a URL and expects a status (and a keyword, if given).' : p.kind === 'tcp' ? 'Opens a TCP connection to a host and port.' : 'Waits for a cron job or worker to ping a URL; a ping overdue by more than the grace counts as a failure.'}</p>
${formAlert(p.errors, fieldsOf(p.kind))}
${p.components.length === 0 ? html`<p>Add a component first: a check signals one.</p>` : html`<form method="post" action="/admin/checks" class="stacked">
${writeFields(c)}<input type="hidden" name="kind" value="${p.kind}">
${checkFields({ kind: p.kind, values: p.values, errors: p.errors, components: p.components })}
<div class="actions"><button type="submit">Add the ${KIND_NAMES[p.kind]} check</button></div>
</form>`}
</section>`
}

/** /admin/checks: every check with its state and uptime; admins add checks here. */
export function checksPage(c: Context<AppEnv>, p: ChecksPageProps): Html {
  // prettier-ignore
  return html`${p.created ? heartbeatCard(p.created) : ''}
<p class="muted">Checks Amends runs itself. A check confirmed down opens a draft for its component; it never changes the status page on its own.</p>
${checkTable(p.rows, p)}
${p.canAdmin ? addForm(c, p) : ''}`
}
