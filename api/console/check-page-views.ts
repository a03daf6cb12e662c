import type { Context } from 'hono'
import { html } from 'hono/html'
import { formatClock, formatUptime } from '../../core/format.ts'
import type { Check, CheckResult } from '../../core/schemas/checks.ts'
import type { Component } from '../../core/schemas/component.ts'
import type { AppEnv } from '../env.ts'
import { barChart, type Bar } from './charts.ts'
import {
  checkFields,
  componentName,
  fieldsOf,
  KIND_NAMES,
  period,
  responseText,
  failingNote,
  statePill,
  targetCell,
} from './checks-views.ts'
import { ago } from './clock.ts'
import { formAlert, postButton, writeFields, type FieldErrors, type Form } from './forms.ts'
import { componentPill, time } from './labels.ts'
import type { Html } from './layout.ts'

/** Results in the strip and the table (the newest). */
export const STRIP_RESULTS = 60
export const TABLE_RESULTS = 20

export interface CheckPageProps {
  check: Check
  components: readonly Component[]
  /** Newest first, at most STRIP_RESULTS. */
  latest: readonly CheckResult[]
  /** The last 24 h, oldest first (the chart). */
  day: readonly CheckResult[]
  uptimeDay: number | null
  uptimeWeek: number | null
  /** The newest draft this check's signal joined, if any. */
  draft: { id: string; state: string } | null
  canAdmin: boolean
  edit: { values: Form | null; errors?: FieldErrors }
  timeZone: string
  now: Date
}

const resultWord = (r: CheckResult) => (r.up ? 'up' : 'down')

/** The newest results as a strip, oldest left: colour, shape and words say up or down. */
function strip(results: readonly CheckResult[], timeZone: string): Html {
  if (results.length === 0) return html`<p class="nodata">No results yet.</p>`
  const oldestFirst = [...results].reverse()
  const down = results.filter((r) => !r.up).length
  // prettier-ignore
  return html`<p class="small">${results.length - down} up, <strong${down ? html` class="late"` : ''}>${down} down</strong> in the last ${results.length} ${results.length === 1 ? 'run' : 'runs'} (oldest on the left).</p>
<ol class="strip" aria-label="The last ${results.length} results, oldest first">
${oldestFirst.map((r) => html`<li class="${resultWord(r)}" title="${formatClock(r.at, timeZone)}: ${resultWord(r)}, ${responseText(r)}"><span class="vh">${formatClock(r.at, timeZone)}: ${resultWord(r)}</span></li>`)}
</ol>
<p class="small muted legend"><span class="key up" aria-hidden="true"></span> up <span class="key down" aria-hidden="true"></span> down</p>`
}

const HOUR_MS = 3_600_000

/** The slowest answer of each hour of the last day: a slow hour shows, a failed one is red. */
function responseChart(results: readonly CheckResult[], timeZone: string): Html {
  const hours = new Map<number, { slowest: number | null; down: boolean; at: string }>()
  for (const r of results) {
    const h = Math.floor(Date.parse(r.at) / HOUR_MS)
    const seen = hours.get(h) ?? { slowest: null, down: false, at: r.at }
    if (r.response_ms !== null) seen.slowest = Math.max(seen.slowest ?? 0, r.response_ms)
    seen.down ||= !r.up
    hours.set(h, seen)
  }
  // An hour of failures only has no answer to time: a red stub, not a gap that reads as fine.
  const bars: Bar[] = [...hours.values()].map((h) => ({
    label: formatClock(h.at, timeZone).slice(0, 2),
    seconds: (h.slowest ?? 0) / 1000,
    late: h.down,
  }))
  const slowest = Math.max(0, ...bars.map((b) => b.seconds * 1000))
  const failed = [...hours.values()].filter((h) => h.down).length
  return barChart({
    id: 'response',
    title: 'Slowest response per hour, last 24 h',
    summary: `${bars.length} hours with runs; the slowest took ${Math.round(slowest)} ms. ${failed} ${failed === 1 ? 'hour' : 'hours'} had a failed run.`,
    caption: `One bar per hour (labelled with its hour): the slowest answer in it. Red: the hour had a failed run. Slowest of the day: ${Math.round(slowest)} ms.`,
    bars,
    targets: [],
    empty: 'No runs in the last 24 h.',
    unit: slowest >= 2000 ? { seconds: 1, name: 's' } : { seconds: 0.001, name: 'ms' },
  })
}

function resultTable(results: readonly CheckResult[], timeZone: string): Html {
  if (results.length === 0) return html``
  // prettier-ignore
  return html`<table class="stack results">
<thead><tr><th scope="col">Time</th><th scope="col">Result</th><th scope="col" class="num">Response</th><th scope="col">Error</th></tr></thead>
<tbody>
${results.slice(0, TABLE_RESULTS).map((r) => html`<tr>
<td data-label="Time" class="nowrap">${time(r.at, timeZone)}</td>
<td data-label="Result"><span class="pill s-check-${resultWord(r)}">${resultWord(r)}</span></td>
<td data-label="Response" class="num">${r.response_ms === null ? html`<span class="muted">—</span>` : `${r.response_ms} ms`}</td>
<td data-label="Error">${r.error ?? ''}</td>
</tr>`)}
</tbody>
</table>`
}

function manage(c: Context<AppEnv>, p: CheckPageProps): Html {
  const k = p.check
  const base = `/admin/checks/${k.id}`
  // prettier-ignore
  return html`<section aria-labelledby="manage-h" class="manage">
<h2 id="manage-h">Manage</h2>
<div class="actions">
${k.enabled ? postButton(c, `${base}/pause`, 'Pause the check', { cls: 'secondary' }) : postButton(c, `${base}/resume`, 'Resume the check')}
${k.kind === 'heartbeat' ? postButton(c, `${base}/token`, 'New ping URL', { cls: 'secondary', confirm: 'The current ping URL stops working at once: every job that pings it must get the new one. Go on?' }) : ''}
</div>
<details class="action"${p.edit.errors ? html` open` : ''}>
<summary>Edit the settings</summary>
${formAlert(p.edit.errors, fieldsOf(k.kind))}
<form method="post" action="${base}" class="stacked">
${writeFields(c)}
${checkFields({ kind: k.kind, values: p.edit.values, errors: p.edit.errors, components: p.components })}
<div class="actions"><button type="submit">Save the check</button></div>
</form>
</details>
<div class="card danger-zone">
<p class="small">Deleting removes the check and its results${k.state === 'down' ? '; its signal resolves' : ''}.</p>
<div class="actions">${postButton(c, `${base}/delete`, 'Delete the check', { cls: 'danger', confirm: `Delete “${k.name}” and its results?` })}</div>
</div>
</section>`
}

/** /admin/checks/{id}: state, uptime, recent results as a strip, a chart and a table; admin actions. */
export function checkPage(c: Context<AppEnv>, p: CheckPageProps): Html {
  const k = p.check
  const last = p.latest[0]
  // prettier-ignore
  return html`<p class="row">${statePill(k)}${failingNote(k)} <span class="small muted">${KIND_NAMES[k.kind]} check</span></p>
<p class="target">${targetCell(k)}</p>
<p class="small muted">Signals ${componentName(p.components, k.component_id)} as ${componentPill(k.component_status)} after ${k.confirm_after} ${k.confirm_after === 1 ? 'failure' : 'failures'} in a row · ${k.kind === 'heartbeat' ? `grace ${period(k.grace_seconds)}` : `every ${period(k.interval_seconds)}`}</p>
${p.draft ? html`<div class="when${p.draft.state === 'open' ? '' : ' none'}"><p>This check's signal ${p.draft.state === 'open' ? 'opened' : 'joined'} <a href="/admin/drafts/${p.draft.id}">a draft</a> (${p.draft.state === 'open' ? 'open, not public' : p.draft.state}).</p></div>` : ''}
<ul class="figures check-figures">
<li><span class="n">${formatUptime(p.uptimeDay)}</span><span class="what">uptime, 24 h</span></li>
<li><span class="n">${formatUptime(p.uptimeWeek)}</span><span class="what">uptime, 7 days</span></li>
<li${last && !last.up ? html` class="bad"` : ''}><span class="n">${last ? responseText(last) : '—'}</span><span class="what">last result${last ? html`, ${ago(last.at, p.now)}` : ''}</span></li>
</ul>
<h2>Recent results</h2>
${strip(p.latest, p.timeZone)}
<h2>Response time</h2>
${responseChart(p.day, p.timeZone)}
${p.latest.length ? html`<h2>Results <span class="count">(newest ${Math.min(p.latest.length, TABLE_RESULTS)})</span></h2>` : ''}
${resultTable(p.latest, p.timeZone)}
${p.canAdmin ? manage(c, p) : ''}`
}
