import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ImportPlan, ImportRowPlan, SubscriberChoice } from '../services/subscriber-import.ts'
import type { AppEnv } from '../env.ts'
import { csrfField } from './layout.ts'
import { formAlert, textarea, writeFields, type FieldErrors } from './forms.ts'
import type { Html } from './layout.ts'
import { followsText, LOCALE_LABELS, subscriberPill } from './subscribers-views.ts'

/** A problem with one line of a file (column null: the line as a whole). */
export interface LineProblem {
  line: number
  column: string | null
  message: string
}

export interface ImportFormView {
  /** The rows as pasted (or as the chosen file held, after problems), to fix in place. */
  text?: string
  errors?: FieldErrors
  problems?: LineProblem[]
  components: readonly { id: string; name: string }[]
  maxKb: number
}

function problemsAlert(problems: LineProblem[]): Html {
  const n = problems.length
  // prettier-ignore
  return html`<div class="alert file-problems" role="alert" aria-labelledby="problems-h">
<h2 id="problems-h">${n === 1 ? 'One problem' : `${n} problems`} in the file: nothing can be imported until ${n === 1 ? 'it is' : 'they are'} fixed</h2>
<table class="stack problems">
<thead><tr><th scope="col" class="num">Line</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
<tbody>${problems.map((p) => html`<tr><td data-label="Line" class="num">${p.line}</td><td data-label="Column">${p.column ? html`<code>${p.column}</code>` : html`<span class="muted">whole line</span>`}</td><td data-label="Problem">${p.message}</td></tr>`)}</tbody>
</table>
<p class="small">Nothing was changed. The rows are in the box below: correct them there, or fix the file and choose it again.</p>
</div>`
}

/** GET /admin/subscribers/import: the format, then a file or pasted rows; a preview comes first. */
export function importForm(c: Context<AppEnv>, v: ImportFormView): Html {
  const errors = v.errors
  const fileError = errors?.file
  const fileDescribed = ['f-file-hint', fileError ? 'f-file-error' : ''].filter(Boolean).join(' ')
  // prettier-ignore
  return html`<p><a href="/admin/subscribers">← All subscribers</a></p>
${v.problems?.length ? problemsAlert(v.problems) : ''}
<p>Add subscribers, or change what existing ones follow, from a CSV file. You see what would change, row by row, before anything is written; the file goes in whole or not at all.</p>
<p class="small muted">Email subscribers only: webhook, chat and text-message subscribers are added with the API (<code>POST /api/v1/subscribers</code>) or sign up on the status page, and the export leaves them out.</p>
<details class="format">
<summary>The file’s format</summary>
<p>A header line, then one address per line. Columns (the ones the export writes):</p>
<ul>
<li><code>email</code> (required).</li>
<li><code>components</code>: component ids separated by <code>;</code>; empty for every component. Leave the column out to keep what existing subscribers follow.</li>
<li><code>locale</code>: <code>en</code> or <code>zh-CN</code>; empty keeps the current one (new addresses: <code>en</code>).</li>
</ul>
<pre class="sample"><code>email,components,locale
ops@example.com,,en
finance@example.com,${v.components.slice(0, 2).map((x) => x.id).join(';') || 'component-id'},zh-CN</code></pre>
<p>New addresses are confirmed at once, without a confirmation email: import only people who asked for updates. Addresses that unsubscribed or bounce are never subscribed again.</p>
${v.components.length ? html`<table class="stack ids"><caption>Component ids</caption><thead><tr><th scope="col">Component</th><th scope="col">Id</th></tr></thead><tbody>${v.components.map((x) => html`<tr><td class="lead">${x.name}</td><td data-label="Id"><code>${x.id}</code></td></tr>`)}</tbody></table>` : ''}
</details>
${formAlert(errors && Object.keys(errors).length ? errors : undefined, ['file', 'csv'])}
<form method="post" action="/admin/subscribers/import" enctype="multipart/form-data" class="stacked wide">
${csrfField(c)}
<div class="field"><label for="f-file">CSV file</label><input id="f-file" name="file" type="file" accept=".csv,text/csv,text/plain"${fileError ? html` aria-invalid="true"` : ''} aria-describedby="${fileDescribed}"><span class="hint" id="f-file-hint">UTF-8 text, up to ${v.maxKb} KB (about ${(Math.floor((v.maxKb * 1024) / 32 / 1000) * 1000).toLocaleString('en')} addresses). From a spreadsheet: save as “CSV UTF-8”.</span>${fileError ? html`<span class="field-error" id="f-file-error">${fileError}</span>` : ''}</div>
${textarea({ name: 'csv', label: 'Or paste the rows', value: v.text ?? '', rows: 8, errors, hint: 'Header line first, as in the file.' })}
<div class="actions"><button type="submit">Preview import</button></div>
</form>`
}

const choiceText = (x: SubscriberChoice, names: ReadonlyMap<string, string>) => ({
  follows: followsText(x, names),
  locale: LOCALE_LABELS[x.locale],
})

/** What a row does, in words: each field that changes as "before → after". */
function rowChange(row: ImportRowPlan, names: ReadonlyMap<string, string>): Html {
  if (row.action === 'create') {
    const a = choiceText(row.after!, names)
    // prettier-ignore
    return html`<ul class="changes"><li><span class="field-name">follows</span>: ${a.follows}</li><li><span class="field-name">language</span>: ${a.locale}</li></ul>`
  }
  if (row.action === 'skip') {
    return row.reason === 'unsubscribed'
      ? html`${subscriberPill('unsubscribed')} left as it is: an import never overrides an opt-out`
      : html`${subscriberPill('quarantined')} left as it is: mail to it bounces`
  }
  if (row.action === 'unchanged') return html`<span class="muted">Already as in the file</span>`
  const b = row.before!
  const a = row.after!
  const was = choiceText(b, names)
  const now = choiceText(a, names)
  const items: Html[] = []
  if (b.status !== a.status)
    items.push(
      html`<li>
        <span class="field-name">status</span>: ${subscriberPill(b.status)} →
        ${subscriberPill(a.status)}
      </li>`,
    )
  if (was.follows !== now.follows)
    items.push(
      html`<li>
        <span class="field-name">follows</span>: <del>${was.follows}</del> →
        <ins>${now.follows}</ins>
      </li>`,
    )
  if (was.locale !== now.locale)
    items.push(
      html`<li>
        <span class="field-name">language</span>: <del>${was.locale}</del> →
        <ins>${now.locale}</ins>
      </li>`,
    )
  return html`<ul class="changes">
    ${items}
  </ul>`
}

function rowsTable(
  plan: ImportPlan,
  pick: ImportRowPlan['action'],
  names: ReadonlyMap<string, string>,
): Html {
  const rows = plan.report.rows.flatMap((row, i) =>
    row.action === pick ? [{ row, email: plan.emails[i]! }] : [],
  )
  // prettier-ignore
  return html`<table class="stack plan">
<thead><tr><th scope="col" class="num">Line</th><th scope="col">Address</th><th scope="col">What happens</th></tr></thead>
<tbody>${rows.map(({ row, email }) => html`<tr><td class="num line" data-label="Line">${row.line}</td><td class="lead">${row.subscriber_id ? html`<a href="/admin/subscribers/${row.subscriber_id}">${email}</a>` : email}</td><td data-label="What happens">${rowChange(row, names)}</td></tr>`)}</tbody>
</table>`
}

export interface PreviewView {
  plan: ImportPlan
  /** The file exactly as planned: the commit form sends it back with the plan's digest. */
  text: string
  names: ReadonlyMap<string, string>
  /** Shown when a commit was refused because the subscribers changed since the last preview. */
  changed?: boolean
  /** Why a commit failed for another reason (a write conflict), above the form. */
  errors?: FieldErrors
}

/** The preview of an import: counts, every row that changes, and the one button that applies it. */
export function importPreview(c: Context<AppEnv>, v: PreviewView): Html {
  const r = v.plan.report
  const changes = r.created + r.updated
  const section = (
    pick: ImportRowPlan['action'],
    id: string,
    title: string,
    n: number,
    note: string,
  ) =>
    n
      ? html`<section aria-labelledby="${id}">
          <h2 id="${id}">${title} <span class="count">(${n})</span></h2>
          <p class="small muted">${note}</p>
          ${rowsTable(v.plan, pick, v.names)}
        </section>`
      : ''
  const tally = [
    { n: r.created, label: 'new', cls: 'create' },
    { n: r.updated, label: 'updated', cls: 'update' },
    { n: r.skipped, label: 'skipped', cls: 'skip' },
    { n: r.unchanged, label: 'unchanged', cls: 'same' },
  ]
  // prettier-ignore
  return html`<p><a href="/admin/subscribers/import">← Choose another file</a></p>
${v.changed ? html`<div class="alert" role="alert"><p><strong>The subscribers changed since the preview you confirmed, so nothing was imported.</strong> This is the file’s preview as things are now: check it and import again.</p></div>` : ''}
${formAlert(v.errors, [])}
<ul class="tally" aria-label="What the import would do">${tally.map((x) => html`<li class="t-${x.cls}"><strong>${x.n}</strong> ${x.label}</li>`)}</ul>
<p class="muted small">Nothing has been written yet. ${r.rows.length === 1 ? '1 row' : `${r.rows.length} rows`} read.</p>
${section('create', 'new-h', 'New addresses', r.created, 'Confirmed at once, without a confirmation email; they get mail from the next update on.')}
${section('update', 'update-h', 'Updated', r.updated, 'Existing subscribers whose status, components or language change.')}
${section('skip', 'skip-h', 'Skipped', r.skipped, 'Unsubscribed or bouncing addresses: left exactly as they are.')}
${changes ? html`<form method="post" action="/admin/subscribers/import/commit" class="card commit">
${writeFields(c)}<input type="hidden" name="csv" value="${v.text}"><input type="hidden" name="digest" value="${r.digest}">
<h2>Import ${changes === 1 ? 'this change' : `these ${changes} changes`}?</h2>
<p>Exactly what is listed above is written, all at once. If any of these subscribers changes before you press the button, nothing is written and you get a new preview.</p>
<div class="actions"><button type="submit">Import ${changes === 1 ? '1 change' : `${changes} changes`}</button><a class="button secondary" href="/admin/subscribers/import">Cancel</a></div>
</form>` : html`<div class="card commit"><h2>Nothing to import</h2><p>Every address in the file is already as it says, or is skipped.</p><div class="actions"><a class="button secondary" href="/admin/subscribers">Back to subscribers</a></div></div>`}
${r.unchanged ? html`<details class="unchanged"><summary>${r.unchanged === 1 ? '1 unchanged address' : `${r.unchanged} unchanged addresses`}</summary>${rowsTable(v.plan, 'unchanged', v.names)}</details>` : ''}`
}
