import { html } from 'hono/html'
import type { Html } from './layout.ts'

/**
 * The screens for making amends after an incident, in the order the work is done (PRODUCT.md:
 * assess, apologise, compensate, explain, follow up). Each is a page under the incident's own
 * path; this bar links them so the order is visible on every one.
 */
export const AMENDS_TABS = [
  { id: 'impact', label: 'Impact', path: 'impact' },
  { id: 'apology', label: 'Apology', path: 'apology' },
  { id: 'credit', label: 'Service credit', path: 'credit' },
  { id: 'postmortem', label: 'Post-mortem', path: 'postmortem' },
  { id: 'follow-up', label: 'Follow-up', path: 'follow-up' },
] as const

export type AmendsTab = (typeof AMENDS_TABS)[number]['id'] | 'incident'

/** The incident's tab bar: the incident itself, then each amends screen. */
export function amendsNav(incidentId: string, current: AmendsTab): Html {
  const base = `/admin/incidents/${incidentId}`
  const tabs = [{ id: 'incident', label: 'Incident', href: base }].concat(
    AMENDS_TABS.map((t) => ({ id: t.id, label: t.label, href: `${base}/${t.path}` })),
  )
  // prettier-ignore
  return html`<nav aria-label="This incident" class="tabs"><ul>
${tabs.map((t) => html`<li><a href="${t.href}"${t.id === current ? html` aria-current="page"` : ''}>${t.label}</a></li>`)}
</ul></nav>`
}
