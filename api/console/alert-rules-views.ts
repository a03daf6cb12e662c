import type { Context } from 'hono'
import { html } from 'hono/html'
import { AlertSource, type AlertRule } from '../../core/schemas/alerts.ts'
import type { Component } from '../../core/schemas/component.ts'
import type { AppEnv } from '../env.ts'
import {
  checkbox,
  formAlert,
  select,
  textarea,
  writeFields,
  type FieldErrors,
  type Form,
  one,
} from './forms.ts'
import { componentPill, OUTAGE_OPTIONS, time } from './labels.ts'
import type { Html } from './layout.ts'

export const SOURCE_NAMES: Record<AlertSource, string> = {
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  generic: 'Generic webhook',
}

/** The statuses an alert (or a check) may propose for its component. */
export const ALERTED_OPTIONS = OUTAGE_OPTIONS.filter((o) => o.value !== 'operational')

/** A token just made for a source: shown once, with where to send alerts and how. */
export interface RotatedToken {
  source: AlertSource
  token: string
  /** The endpoint without the token (the header carries it). */
  url: string
}

export interface RulesPageProps {
  rules: AlertRule[]
  components: readonly Component[]
  values: Form | null
  errors?: FieldErrors
  rotated?: RotatedToken | null
  timeZone: string
}

/** The configuration a sender needs, for the source the token was made for. */
function snippet(t: RotatedToken): Html {
  if (t.source === 'alertmanager') {
    const yaml = `receivers:
  - name: amends
    webhook_configs:
      - url: ${t.url}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${t.token}`
    return html`<p class="small">Alertmanager configuration (a receiver; route alerts to it):</p>
      <pre class="snippet" tabindex="0">${yaml}</pre>`
  }
  if (t.source === 'grafana') {
    return html`<p class="small">
      In Grafana, add a Webhook contact point with this URL, and the token as the Authorization
      header's credentials (scheme Bearer).
    </p>`
  }
  const curl = `curl -X POST ${t.url} \\
  -H 'Authorization: Bearer ${t.token}' \\
  -H 'Content-Type: application/json' \\
  -d '{"status":"firing","component":"Payments API","severity":"critical","summary":"p99 latency 9s"}'`
  return html`<p class="small">Send alerts as JSON, for example:</p>
    <pre class="snippet" tabindex="0">${curl}</pre>`
}

function rotatedCard(t: RotatedToken): Html {
  // prettier-ignore
  return html`<section class="card once" aria-labelledby="once-h">
<h2 id="once-h">New ${SOURCE_NAMES[t.source]} token: copy it now</h2>
<code class="secret">${t.token}</code>
<p class="small muted">Shown only this once and stored only as a hash; the previous ${SOURCE_NAMES[t.source]} token has stopped working.</p>
<p class="small">Send alerts to <code>${t.url}</code> with the header <code>Authorization: Bearer &lt;token&gt;</code>. A sender that cannot set headers may add <code>?token=&lt;token&gt;</code> to the URL instead (it then shows in that sender's logs).</p>
${snippet(t)}
</section>`
}

const labelList = (match: Record<string, string>) =>
  html`<ul class="labels">
    ${Object.entries(match).map(([k, v]) => html`<li><code>${k}=${v}</code></li>`)}
  </ul>`

function ruleTable(c: Context<AppEnv>, p: RulesPageProps): Html {
  if (p.rules.length === 0) {
    return html`<p class="muted">
      No rules yet: alerts that name no component gather in one draft of their own.
    </p>`
  }
  const nameOf = (id: string) =>
    p.components.find((x) => x.id === id)?.name ?? 'A deleted component'
  // prettier-ignore
  return html`<table class="stack">
<thead><tr><th scope="col">When an alert has</th><th scope="col">From</th><th scope="col">Component</th><th scope="col">Publishing</th><th scope="col">Added</th><th scope="col"><span class="vh">Actions</span></th></tr></thead>
<tbody>
${p.rules.map((r) => html`<tr>
<td data-label="When an alert has" class="lead">${labelList(r.match)}</td>
<td data-label="From" class="nowrap">${r.source ? SOURCE_NAMES[r.source] : 'Any source'}</td>
<td data-label="Component">${nameOf(r.component_id)} ${componentPill(r.component_status)}</td>
<td data-label="Publishing">${r.auto_publish ? html`<strong>Automatic</strong>` : 'A draft to review'}</td>
<td data-label="Added">${time(r.created_at, p.timeZone)}</td>
<td><form method="post" action="/admin/alert-rules/${r.id}/delete">${writeFields(c)}<button class="danger" type="submit" data-confirm="Delete this rule? Alerts it maps then go to the catch-all draft.">Delete<span class="vh"> the rule for ${nameOf(r.component_id)}</span></button></form></td>
</tr>`)}
</tbody>
</table>`
}

/** /admin/alert-rules: the rules (first match wins), a form to add one, and source tokens. */
export function rulesPage(c: Context<AppEnv>, p: RulesPageProps): Html {
  const v = p.values
  const val = (name: string, fallback = '') => (v ? one(v, name) : fallback)
  const errors = p.errors
  // prettier-ignore
  return html`${p.rotated ? rotatedCard(p.rotated) : ''}
<p class="muted">Each alert is matched against the rules in order; the first whose labels all match decides its component and status. A rule can publish at once; otherwise the alert opens a draft for a person to publish or dismiss.</p>
<h2>Rules</h2>
${ruleTable(c, p)}
<section aria-labelledby="new-rule-h" class="card">
<h2 id="new-rule-h">Add a rule</h2>
${formAlert(errors, ['match', 'source', 'component_id', 'component_status', 'auto_publish'])}
${p.components.length === 0 ? html`<p>Add a component first: a rule maps alerts to one.</p>` : html`<form method="post" action="/admin/alert-rules" class="stacked">
${writeFields(c)}
${textarea({ name: 'match', label: 'Labels to match', value: val('match'), errors, rows: 3, required: true, hint: 'One per line, as name=value: service=payments. Every label must match.' })}
${select({ name: 'source', label: 'From', value: val('source'), errors, options: [{ value: '', label: 'Any source' }, ...AlertSource.options.map((s) => ({ value: s, label: SOURCE_NAMES[s] }))] })}
<div class="pair">
${select({ name: 'component_id', label: 'Component', value: val('component_id'), errors, options: p.components.map((x) => ({ value: x.id, label: x.name })) })}
${select({ name: 'component_status', label: 'Status it puts it in', value: val('component_status', 'major_outage'), errors, options: ALERTED_OPTIONS })}
</div>
${checkbox({ name: 'auto_publish', label: 'Publish at once, without review', checked: v ? one(v, 'auto_publish') === 'on' : false, errors, hint: 'Only for alerts that always mean customers are affected: the incident goes public and subscribers are emailed.' })}
<div class="actions"><button type="submit">Add the rule</button></div>
</form>`}
</section>
<section aria-labelledby="tokens-h" class="card">
<h2 id="tokens-h">Source tokens</h2>
<p class="small muted">Each monitoring system sends with its own token. A new one is shown once and the previous one stops working at once.</p>
<div class="actions">
${AlertSource.options.map((s) => html`<form method="post" action="/admin/alert-sources/${s}/token">${writeFields(c)}<button type="submit" class="secondary" data-confirm="${`Make a new ${SOURCE_NAMES[s]} token? The current one stops working at once.`}">New ${SOURCE_NAMES[s]} token</button></form>`)}
</div>
</section>`
}
