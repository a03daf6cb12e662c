import { html, raw } from 'hono/html'
import type { IncidentView } from '../../core/site-data.ts'
import type { RenderedEmail } from '../../templates/render.ts'
import type { FieldErrors } from './forms.ts'
import type { Html } from './layout.ts'
import type { Preview } from './incident-preview.ts'
import { componentPill, impactPill, statusLabel, statusPill, time } from './labels.ts'

/**
 * What the status page and the email will say, as the live preview and the Preview button show
 * it. The HTML inserted raw is the site's own rendering: markdown sanitised by core/markdown.ts.
 */
export function previewFragment(p: Preview, timeZone: string, action: string): Html {
  // prettier-ignore
  return html`<h2 id="preview-h">Preview</h2>
<p class="muted small">Nothing is published until you press “${action}”.</p>
<div class="two">
${pagePreviewCard(p.page, timeZone)}
${mailPreviewCard(p.email, { id: 'pv-mail-h', heading: 'In the email to subscribers' })}
</div>`
}

/** The incident as the status page will show it (a card headed "On the status page"). */
export function pagePreviewCard(i: IncidentView, timeZone: string): Html {
  const latest = i.updates[0]
  const workaround = i.workaround_html ?? latest?.workaround_html ?? null
  // prettier-ignore
  return html`<section class="card pv" aria-labelledby="pv-page-h">
<h3 id="pv-page-h">On the status page</h3>
<p class="pv-name">${i.name}</p>
<p class="row">${impactPill(i.impact)} ${statusPill(i.status)}</p>
${i.affected_sentence ? html`<p class="pv-sentence">${i.affected_sentence}</p>` : ''}
${workaround ? html`<div class="pv-workaround"><p><strong>Workaround</strong></p>${raw(workaround)}</div>` : ''}
${latest ? html`<p><strong>${statusLabel(latest.status)}</strong> <span class="muted small">· ${time(latest.created_at, timeZone)}</span></p><div class="md">${raw(latest.body_html)}</div>` : ''}
${i.apology_html ? html`<p><strong>Our apology</strong></p><div class="md">${raw(i.apology_html)}</div>` : ''}
${i.components.length ? html`<ul class="plain">${i.components.map((c) => html`<li>${c.name} ${componentPill(c.status)}</li>`)}</ul>` : ''}
</section>`
}

/** One email as a subscriber gets it: subject and text (`lang`: the email's language). */
export function mailPreviewCard(
  email: RenderedEmail | null,
  o: { id: string; heading: string; lang?: string },
): Html {
  // prettier-ignore
  return html`<section class="card pv" aria-labelledby="${o.id}">
<h3 id="${o.id}">${o.heading}</h3>
${email
    ? html`<p><strong>Subject:</strong> ${o.lang ? html`<span lang="${o.lang}">${email.subject}</span>` : email.subject}</p><pre class="mail"${o.lang ? html` lang="${o.lang}"` : ''}>${email.text}</pre>`
    : html`<p>No email: “Email subscribers” is off. The status page still shows it.</p>`}
</section>`
}

/** The live preview when the form cannot be previewed yet: what is missing, in words. */
export function previewProblems(errors: FieldErrors, labels: Record<string, string>): Html {
  // prettier-ignore
  return html`<h2 id="preview-h">Preview</h2>
<p>The preview appears once these are filled in:</p>
<ul>${Object.entries(errors).map(([k, m]) => html`<li>${k === '_form' ? '' : `${labels[k] ?? k}: `}${m}</li>`)}</ul>`
}
