import type { Context } from 'hono'
import { html } from 'hono/html'
import type { IncidentPlaybook, PlaybookVar } from '../../core/playbooks.ts'
import type { Component } from '../../core/schemas/component.ts'
import type { AppEnv } from '../env.ts'
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
import { IMPACT_OPTIONS, OPEN_STATUS_OPTIONS, OUTAGE_OPTIONS } from './labels.ts'
import type { Html } from './layout.ts'

export interface OpenFormProps {
  playbooks: readonly IncidentPlaybook[]
  playbook: IncidentPlaybook | null
  components: readonly Component[]
  /** What was typed (a re-rendered form), or null for a fresh one. */
  values: Form | null
  errors?: FieldErrors
  /** The preview, once asked for. */
  preview?: Html | null
  /** The names `vars.component` will default to, for its hint. */
  derivedComponent?: string | null
  /** Where the form posts and what its button says: a draft's page reuses it to edit a proposal. */
  action?: string
  submitLabel?: string
  /** The "start from a playbook" choices (the draft page has its playbook already). */
  starts?: boolean
}

/** Field names a label on this form stands for (for the alert and the live preview's list). */
export function openFormLabels(p: Pick<OpenFormProps, 'playbook' | 'components'>) {
  const labels: Record<string, string> = {
    name: 'Name',
    body: 'Message',
    workaround: 'Workaround',
    status: 'Status',
    impact: 'Impact',
    template: 'Playbook',
    locale: 'Language',
  }
  for (const c of p.components) labels[`components.${c.id}`] = c.name
  for (const v of p.playbook?.vars ?? []) labels[`vars.${v.name}`] = varLabel(v)
  return labels
}

const ACRONYMS: Record<string, string> = { eta: 'ETA' }
const varLabel = (v: PlaybookVar) =>
  ACRONYMS[v.name] ?? (v.name.charAt(0).toUpperCase() + v.name.slice(1)).replaceAll('_', ' ')

/** The form to open an incident, from scratch or from a playbook. */
export function openIncidentForm(c: Context<AppEnv>, p: OpenFormProps): Html {
  const v = p.values
  const val = (name: string, fallback = '') => (v ? one(v, name) : fallback)
  const errors = p.errors
  const pb = p.playbook
  const labels = openFormLabels(p)
  const ownWording = !!pb && !!v && ['name', 'body', 'workaround'].some((k) => one(v, k).trim())
  const wordingErrors = !!errors && ['name', 'body', 'workaround'].some((k) => errors[k])
  // What the playbook cannot do without first, the rest folded away (a phone at 3 a.m.).
  const main = pb?.vars.filter((x) => x.required) ?? []
  const optional = pb?.vars.filter((x) => !x.required) ?? []
  const varField = (x: PlaybookVar) =>
    input({
      name: `vars.${x.name}`,
      label: `${varLabel(x)}${x.required ? '' : ' (optional)'}`,
      value: val(`vars.${x.name}`),
      errors,
      hint:
        x.name === 'component'
          ? `${x.description}. Empty: ${p.derivedComponent ? `“${p.derivedComponent}”, the affected components` : 'the names of the affected components'}.`
          : `${x.description}. Example: ${x.example}`,
    })
  const action = p.action ?? '/admin/incidents/new'
  const submit = p.submitLabel ?? 'Publish the incident'
  // prettier-ignore
  return html`${p.starts === false ? '' : html`<nav aria-label="Start from" class="starts">
<p class="muted">Start from a playbook (prepared wording you fill in), or write your own.</p>
<ul class="choices">
${p.playbooks.map((x) => html`<li><a href="/admin/incidents/new?playbook=${x.id}"${x.id === pb?.id ? html` aria-current="page"` : ''}>${x.title.en}</a></li>`)}
<li><a href="/admin/incidents/new"${pb ? '' : html` aria-current="page"`}>Write my own</a></li>
</ul>
</nav>`}
${formAlert(errors, Object.keys(labels))}
<form method="post" action="${action}" class="stacked wide" data-preview="/admin/incidents/new/preview" data-preview-into="preview">
${writeFields(c)}
${pb ? html`<input type="hidden" name="template" value="${pb.id}">` : ''}
<fieldset class="statuses">
<legend>Affected components</legend>
<p class="hint">Choose how each affected component is doing; leave the others as they are.</p>
${p.components.map((x) => select({ name: `components.${x.id}`, label: x.name, value: val(`components.${x.id}`), errors, options: [{ value: '', label: 'Not affected' }, ...OUTAGE_OPTIONS.filter((o) => o.value !== 'operational')] }))}
${p.components.length === 0 ? html`<p>No components yet: the incident will name none.</p>` : ''}
</fieldset>
${pb ? html`<fieldset>
<legend>Playbook: ${pb.title.en}</legend>
${main.map(varField)}
<details${optional.some((x) => val(`vars.${x.name}`).trim() || errors?.[`vars.${x.name}`]) ? html` open` : ''}>
<summary>More details (optional): ${optional.map((x) => ACRONYMS[x.name] ?? varLabel(x).toLowerCase()).join(', ')}</summary>
${optional.map(varField)}
</details>
${select({ name: 'locale', label: 'Language of the wording', value: val('locale', 'en'), errors, options: [{ value: 'en', label: 'English' }, { value: 'zh-CN', label: 'Chinese (simplified)' }] })}
</fieldset>
<details${ownWording || wordingErrors ? html` open` : ''}>
<summary>Write your own name, message or workaround instead</summary>
${ownFields(val, errors, true)}
</details>` : ownFields(val, errors, false)}
<div class="pair">
${select({ name: 'status', label: 'Status', value: val('status', 'investigating'), errors, options: OPEN_STATUS_OPTIONS })}
${select({ name: 'impact', label: 'Impact', value: val('impact', pb?.impact ?? ''), errors, options: pb ? IMPACT_OPTIONS : [{ value: '', label: 'Choose…' }, ...IMPACT_OPTIONS] })}
</div>
${checkbox({ name: 'notify', label: 'Email subscribers about it', checked: v ? one(v, 'notify') === 'on' : true, errors, hint: 'Subscribers of the affected components (and of everything) get the first update by email.' })}
<div id="preview" class="preview">${p.preview ?? html`<p class="muted">Press Preview to see what the status page and the email will say${pb ? ', with the playbook filled in' : ''}.</p>`}</div>
<div class="actions">
<button type="submit" class="secondary" name="_action" value="preview" formaction="${action}#preview">Preview</button>
<button type="submit">${submit}</button>
</div>
</form>`
}

function ownFields(
  val: (name: string, fallback?: string) => string,
  errors: FieldErrors | undefined,
  fromPlaybook: boolean,
): Html {
  const empty = fromPlaybook ? ' Empty: the playbook’s wording.' : ''
  // prettier-ignore
  return html`${input({ name: 'name', label: fromPlaybook ? 'Name (optional)' : 'Name', value: val('name'), errors, hint: `What customers see as the title: the symptom, not the cause.${empty}` })}
${textarea({ name: 'body', label: fromPlaybook ? 'Message (optional)' : 'Message', value: val('body'), errors, rows: 6, hint: `What is wrong, for whom, and when the next update comes. Markdown works.${empty}` })}
${textarea({ name: 'workaround', label: 'Workaround (optional)', value: val('workaround'), errors, rows: 3, hint: `What customers can do meanwhile; shown above the timeline.${empty}` })}`
}
