import type { Context } from 'hono'
import { html, raw } from 'hono/html'
import { renderMarkdown } from '../../core/markdown.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import type { IncidentView } from '../../core/site-data.ts'
import type { RenderedEmail } from '../../templates/render.ts'
import type { AppEnv } from '../env.ts'
import { LOCALES } from '../pages/subscriber-views.ts'
import { amendsNav } from './amends-nav.ts'
import { formAlert, textarea, writeFields, type FieldErrors } from './forms.ts'
import { impactPill, statusPill } from './labels.ts'
import type { Html } from './layout.ts'
import { mailPreviewCard, pagePreviewCard } from './preview-views.ts'

/** What the apology will look like: the incident page, and the email in each language. */
export interface ApologyPreview {
  page: IncidentView
  emails: { locale: Locale; email: RenderedEmail | null }[]
  /** Resolved already: the resolution email went out; open: the one resolving it will send. */
  resolved: boolean
}

export interface ApologyPageProps {
  incident: Incident
  canWrite: boolean
  timeZone: string
  /** A major or critical incident is resolved with an apology (core/incident-rules.ts). */
  expected: boolean
  /** What the editor starts with, and where it came from. */
  prefill: { text: string; playbook: string | null }
  state: { value?: string; errors?: FieldErrors; preview?: Html }
}

const ACTION = 'Save the apology'

/** Step two of service recovery: the apology, its editor and what customers will read. */
export function apologyPage(c: Context<AppEnv>, p: ApologyPageProps): Html {
  const i = p.incident
  const s = p.state
  const kind = i.impact === 'none' ? 'no-impact' : i.impact
  // prettier-ignore
  return html`${amendsNav(i.id, 'apology')}
<p class="row">${statusPill(i.status)} ${impactPill(i.impact)}</p>
<section aria-labelledby="current-h">
<h2 id="current-h">On the status page now</h2>
${i.apology
    ? html`<div class="card md apology">${raw(renderMarkdown(i.apology))}</div>
<p class="small muted">Shown on the incident’s page, and carried by the resolution email, the follow-up and the post-mortem email.</p>`
    : p.expected
      ? html`<p class="warn"><strong>No apology yet.</strong> A ${kind} incident is resolved with one: say sorry, and name what customers could not do and for how long.</p>`
      : html`<p>No apology yet. A ${kind} incident does not need one, but it helps whenever customers noticed.</p>`}
</section>
${p.canWrite ? html`<section aria-labelledby="write-h" id="write">
<h2 id="write-h">${i.apology ? 'Change the apology' : 'Write the apology'}</h2>
${p.prefill.playbook && !i.apology && s.value === undefined ? html`<p class="small">Prefilled from the <strong>${p.prefill.playbook}</strong> playbook. Make it yours: name the impact as your customers felt it.</p>` : ''}
${formAlert(s.errors, ['apology'])}
<form method="post" action="/admin/incidents/${i.id}/apology" data-preview="/admin/incidents/${i.id}/apology/preview" data-preview-into="apology-preview">
${writeFields(c)}
<div class="narrow">
${textarea({ name: 'apology', label: 'Apology', value: s.value ?? p.prefill.text, errors: s.errors, rows: 8, hint: 'Markdown. Sincere, no excuses: what happened to customers, for how long, and that you are sorry. Saving shows it on the status page at once and emails nobody now.' })}
<div class="actions"><button type="submit" class="secondary" name="_action" value="preview" formaction="/admin/incidents/${i.id}/apology#apology-preview">Preview</button><button type="submit">${ACTION}</button></div>
</div>
<div id="apology-preview" class="preview">
${s.preview ?? html`<p class="muted">Press Preview to see the incident page and the email in every language your subscribers read, before you save.</p>`}
</div>
</form>
</section>` : ''}`
}

/** The preview: the page as customers will see it, then each language's email. */
export function apologyPreviewFragment(p: ApologyPreview, timeZone: string): Html {
  const label = (l: Locale) => LOCALES.find((x) => x.value === l)?.label ?? l
  // prettier-ignore
  return html`<h2 id="preview-h">Preview</h2>
<p class="muted small">Nothing is saved until you press “${ACTION}”. ${p.resolved
    ? 'The resolution email went out already: this is how it reads with this apology, as the follow-up and the post-mortem email will carry it.'
    : 'The incident is still open: this is the resolution email as it will read when you resolve it (with the playbook’s message, or the one you write then).'}</p>
${pagePreviewCard(p.page, timeZone)}
<div class="two pv-mails">
${p.emails.map((e) => mailPreviewCard(e.email, { id: `pv-mail-${e.locale}-h`, heading: `Email in ${label(e.locale)}`, lang: e.locale }))}
</div>`
}
