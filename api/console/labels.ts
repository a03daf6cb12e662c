import { html } from 'hono/html'
import { formatTime } from '../../core/format.ts'
import { ComponentStatus } from '../../core/schemas/component.ts'
import { Impact, IncidentStatus } from '../../core/schemas/incident.ts'
import { COMPONENT_STATUS, IMPACT, statusLabel } from '../../site/src/consts.ts'

// The status page's own labels (site/src/consts.ts): the console calls things what customers see.
export { statusLabel }
export const impactLabel = (impact: string) => IMPACT[impact]?.label ?? impact
export const componentStatusLabel = (s: ComponentStatus) => COMPONENT_STATUS[s].label

/** A status as a pill: text always, colour only as a second signal. */
export const statusPill = (status: string) =>
  html`<span class="pill s-${status}">${statusLabel(status)}</span>`
export const impactPill = (impact: string) =>
  html`<span class="pill s-${impact}">${impactLabel(impact)}</span>`
export const componentPill = (s: ComponentStatus) =>
  html`<span class="pill s-${s}">${componentStatusLabel(s)}</span>`

/** A customer's message shortened for a list: one line, at most `max` characters. */
export function excerpt(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > max ? `${one.slice(0, max - 1).trimEnd()}…` : one
}

/** An instant in the page's time zone, machine-readable too. */
export const time = (iso: string, timeZone: string) =>
  html`<time datetime="${iso}">${formatTime(iso, timeZone)}</time>`

export const IMPACT_OPTIONS = Impact.options.map((v) => ({ value: v, label: impactLabel(v) }))
export const OPEN_STATUS_OPTIONS = IncidentStatus.options
  .filter((s) => s !== 'resolved')
  .map((v) => ({ value: v, label: statusLabel(v) }))
/** What an incident can do to a component (maintenance has its own windows). */
export const OUTAGE_OPTIONS = ComponentStatus.options
  .filter((s) => s !== 'under_maintenance')
  .map((v) => ({ value: v, label: componentStatusLabel(v) }))
