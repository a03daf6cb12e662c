import type { Context } from 'hono'
import { html } from 'hono/html'
import { monthWindow } from '../../core/compensation.ts'
import { formatMonth, formatUptime } from '../../core/format.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { CompensationView } from '../../core/schemas/recovery.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import { downtimeWeightsText } from '../../core/uptime.ts'
import type { AppEnv } from '../env.ts'
import { LOCALES } from '../pages/subscriber-views.ts'
import { amendsNav } from './amends-nav.ts'
import { windowText } from './clock.ts'
import {
  formAlert,
  input,
  one,
  textarea,
  writeFields,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { outageText } from './impact-views.ts'
import { impactPill, statusPill, time } from './labels.ts'
import type { Html } from './layout.ts'

/** The three ways to decide, each its own form on the page. */
export const DECISIONS = ['accepted', 'override', 'custom'] as const
export type Decision = (typeof DECISIONS)[number]

const BUTTONS: Record<Decision, string> = {
  accepted: 'Accept the computed credit',
  override: 'Save the override',
  custom: 'Save this wording',
}

export interface CreditPageState {
  /** The form a re-render is about, with what was typed, its errors or its preview. */
  form?: Decision
  values?: Form
  errors?: FieldErrors
  preview?: Html
}

export interface CreditPageProps {
  incident: Incident
  view: CompensationView
  canWrite: boolean
  timeZone: string
  now: Date
  state: CreditPageState
}

type Credit = CompensationView['computed'][number]
type Tier = CompensationView['policy'][number]

const pct = (n: number) => `${n}%`
const tierText = (t: Tier) =>
  `${t.below === 'sla' ? 'below its SLA target' : `below ${pct(t.below)}`}: ${pct(t.credit)}`

/** Which tier applies, or why none does, in words (the credit column says how much). */
function tierCell(c: Credit): string {
  if (c.tier) return c.tier.below === 'sla' ? 'Below its SLA target' : `Below ${pct(c.tier.below)}`
  if (c.availability === null) return 'None: no data for the month'
  if (c.down_seconds > 0 && c.down_minutes < 1) return 'None: under a minute of downtime'
  return 'None: within its target'
}

/** Where measuring started and ended, said in words. */
function measured(c: Credit, monthEnd: Date, timeZone: string): Html {
  const running = Date.parse(c.window_end) < monthEnd.getTime()
  const from = c.added_at
    ? html`From its creation on ${time(c.added_at, timeZone)}`
    : html`From the start of the month`
  return html`${from}${running ? ' to now' : ' to its end'}
    <span class="small muted">(${windowText(c.window_start, c.window_end, timeZone)})</span>`
}

const label = (l: Locale) => LOCALES.find((x) => x.value === l)?.label ?? l

/** The sentences customers read, in each language; `none` when there are none. */
export function sentencesBlock(
  v: Pick<CompensationView, 'sentences_by_locale'>,
  none: string,
): Html {
  const entries = LOCALES.map((l) => [l.value, v.sentences_by_locale[l.value] ?? []] as const)
  if (entries.every(([, s]) => s.length === 0)) return html`<p>${none}</p>`
  // prettier-ignore
  return html`<dl class="sentences">${entries.map(([l, s]) => html`<div><dt>${label(l)}</dt><dd lang="${l}">${s.length ? html`<ul class="plain">${s.map((x) => html`<li>${x}</li>`)}</ul>` : 'Nothing'}</dd></div>`)}</dl>`
}

/** The preview of a decision not yet made: the sentences it would give customers. */
export function creditPreviewFragment(v: CompensationView, decision: Decision): Html {
  // prettier-ignore
  return html`<p class="pv-h"><strong>Customers would read</strong> <span class="muted small">· nothing is saved until you press “${BUTTONS[decision]}”</span></p>
${sentencesBlock(v, 'Nothing: no credit would be offered.')}`
}

function decisionText(v: CompensationView, timeZone: string): Html {
  const d = v.decision
  if (!d)
    return html`<p class="warn">
      <strong>Not decided yet.</strong> Customers are told nothing about a credit until you decide.
    </p>`
  const names = new Map(v.computed.map((c) => [c.component_id, c.component_name]))
  const what =
    d.decision === 'accepted'
      ? 'Accepted the computed credit'
      : d.decision === 'override'
        ? `Overridden: ${
            Object.entries(d.credits)
              .map(([id, n]) => `${names.get(id) ?? id} ${pct(n)}`)
              .join(', ') || 'no credit'
          }`
        : 'Own wording'
  // prettier-ignore
  return html`<p><strong>${what}</strong> <span class="muted">· ${time(d.decided_at, timeZone)} · <a href="/admin/audit?target_type=incident&amp;target_id=${v.incident_id}">who decided</a></span></p>`
}

/** Step four of service recovery, compensate: how the credit was computed, and the decision. */
export function creditPage(c: Context<AppEnv>, p: CreditPageProps): Html {
  const i = p.incident
  const v = p.view
  const month = monthWindow(new Date(i.started_at), p.timeZone)
  const running = p.now < month.end
  const policy = v.policy.map((t) => tierText(t)).join('; ')
  const st = p.state
  // An error no form here shows (a component that is not the incident's): said at the top.
  const orphan = st.errors && !st.form ? st.errors : undefined
  // prettier-ignore
  return html`${amendsNav(i.id, 'credit')}
<p class="row">${statusPill(i.status)} ${impactPill(i.impact)}</p>
<section aria-labelledby="computed-h">
<h2 id="computed-h">How it was computed</h2>
<p>Measured over <strong>${formatMonth(v.month)}</strong>, the calendar month in the page’s time zone (${p.timeZone})${running ? html`, up to now: the month is still running, so the figures can still change` : ''}.</p>
${v.computed.length === 0 ? html`<p>No component is named on this incident: there is nothing to compute a credit for.</p>` : html`<table class="stack credit-table">
<thead><tr><th scope="col">Component</th><th scope="col">Measured</th><th scope="col" class="num">Downtime</th><th scope="col" class="num">Availability</th><th scope="col" class="num">SLA target</th><th scope="col">Policy tier</th><th scope="col" class="num">Credit</th></tr></thead>
<tbody>
${v.computed.map((x) => html`<tr><td class="lead">${x.component_name}</td><td data-label="Measured">${measured(x, month.end, p.timeZone)}</td><td data-label="Downtime" class="num">${outageText(x.down_seconds)}</td><td data-label="Availability" class="num">${formatUptime(x.availability)}</td><td data-label="SLA target" class="num">${pct(x.sla_target)}</td><td data-label="Policy tier">${tierCell(x)}</td><td data-label="Credit" class="num"><strong>${pct(x.credit)}</strong></td></tr>`)}
</tbody>
</table>`}
<p class="small muted">Policy (the highest tier that applies): ${policy}. Downtime is weighted: ${downtimeWeightsText()}. Under a minute of downtime earns no credit.</p>
</section>
<section aria-labelledby="decision-h">
<h2 id="decision-h">Decision</h2>
${decisionText(v, p.timeZone)}
<h3>What customers read</h3>
${sentencesBlock(v, v.decision ? 'Nothing: no credit is offered.' : 'Nothing yet.')}
<p class="small muted">Shown on the incident’s status page, and in the emails that follow (the resolution if it is still to come, the follow-up, the post-mortem). Deciding emails nobody now.</p>
</section>
${p.canWrite ? decideSection(c, p, orphan) : ''}`
}

function previewBox(id: string, preview: Html | undefined): Html {
  return html`<div id="${id}" class="preview">
    ${preview ?? html`<p class="muted small">Press Preview to see what customers would read.</p>`}
  </div>`
}

function buttons(action: string, decision: Decision): Html {
  // prettier-ignore
  return html`<div class="actions"><button type="submit" class="secondary" name="_action" value="preview" formaction="${action}#${decision}-preview">Preview</button><button type="submit">${BUTTONS[decision]}</button></div>`
}

function decideSection(
  c: Context<AppEnv>,
  p: CreditPageProps,
  orphan: FieldErrors | undefined,
): Html {
  const v = p.view
  const st = p.state
  const action = `/admin/incidents/${p.incident.id}/credit`
  const live = `/admin/incidents/${p.incident.id}/credit/preview`
  const mine = (d: Decision) => (st.form === d ? st : undefined)
  const val = (d: Decision, name: string, fallback: string) => {
    const values = mine(d)?.values
    return values ? one(values, name) : fallback
  }
  const d = v.decision
  const given = (x: Credit) =>
    String(d?.decision === 'override' ? (d.credits[x.component_id] ?? 0) : x.credit)
  const summary = v.computed.length
    ? v.computed.map((x) => `${x.component_name} ${x.credit ? pct(x.credit) : 'none'}`).join(', ')
    : 'nothing'
  const o = mine('override')
  const cu = mine('custom')
  const overrideFields = v.computed.map((x) => `override.credits.${x.component_id}`)
  // prettier-ignore
  return html`<section aria-labelledby="decide-h" id="decide">
<h2 id="decide-h">${d ? 'Change the decision' : 'Decide'}</h2>
${orphan ? formAlert(orphan, []) : ''}
<div class="card decide-accept">
<form method="post" action="${action}" class="stacked wide">
${writeFields(c)}<input type="hidden" name="decision" value="accepted">
<p><strong>Accept</strong> what the policy computed: ${summary}.</p>
${formAlert(mine('accepted')?.errors, [])}
${mine('accepted')?.preview ? previewBox('accepted-preview', mine('accepted')?.preview) : ''}
${buttons(action, 'accepted')}
</form>
</div>
<details class="action"${o ? html` open` : ''}>
<summary>Override the percentage</summary>
<form method="post" action="${action}" class="stacked wide" data-preview="${live}" data-preview-into="override-preview">
${writeFields(c)}<input type="hidden" name="decision" value="override">
${formAlert(o?.errors, [...overrideFields, 'override.text'])}
${v.computed.length ? html`<fieldset class="credits"><legend>Credit per component, in percent of the monthly fee</legend>
${v.computed.map((x) => input({ name: `override.credits.${x.component_id}`, label: `${x.component_name} (computed ${pct(x.credit)})`, value: val('override', `override.credits.${x.component_id}`, given(x)), errors: o?.errors, inputmode: 'decimal' }))}
</fieldset>` : ''}
${textarea({ name: 'override.text', label: 'Note for customers (optional)', value: val('override', 'override.text', d?.decision === 'override' ? (d.text ?? '') : ''), errors: o?.errors, rows: 3, hint: 'Said after the credit sentences, as you write it (in every language).' })}
${previewBox('override-preview', o?.preview)}
${buttons(action, 'override')}
</form>
</details>
<details class="action"${cu ? html` open` : ''}>
<summary>Write your own wording</summary>
<form method="post" action="${action}" class="stacked wide" data-preview="${live}" data-preview-into="custom-preview">
${writeFields(c)}<input type="hidden" name="decision" value="custom">
${formAlert(cu?.errors, ['custom.text'])}
${textarea({ name: 'custom.text', label: 'What customers read', value: val('custom', 'custom.text', d?.decision === 'custom' ? (d.text ?? '') : ''), errors: cu?.errors, rows: 4, hint: 'Replaces the computed sentences, for a make-good the policy does not cover: “Every affected account gets next month free.” Shown as written, in every language.' })}
${previewBox('custom-preview', cu?.preview)}
${buttons(action, 'custom')}
</form>
</details>
</section>`
}
