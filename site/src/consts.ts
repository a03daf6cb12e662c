// Shared labels for the status site. Status is never told by colour alone: every status has a
// text label and an icon whose shape differs by severity (see components/Icons.astro).
import { UPDATE_STATUS } from '../../core/feed-words.ts'
import type { ComponentStatus } from '../../core/schemas/component.ts'
import type { Indicator } from '../../core/status-rollup.ts'

/** Names of the icons in the sprite (components/Icons.astro). */
export type IconName = 'ok' | 'minor' | 'partial' | 'major' | 'maint'

/** A tone picks the colour of an icon or badge; it always comes with text. */
export type Tone = 'ok' | 'minor' | 'partial' | 'major' | 'maint' | 'info'

export interface StatusLook {
  label: string
  icon: IconName
  tone: Tone
}

export const COMPONENT_STATUS: Record<ComponentStatus, StatusLook> = {
  operational: { label: 'Operational', icon: 'ok', tone: 'ok' },
  degraded_performance: { label: 'Degraded performance', icon: 'minor', tone: 'minor' },
  partial_outage: { label: 'Partial outage', icon: 'partial', tone: 'partial' },
  major_outage: { label: 'Major outage', icon: 'major', tone: 'major' },
  under_maintenance: { label: 'Under maintenance', icon: 'maint', tone: 'maint' },
}

/** The page banner, from `common.status.indicator`. */
export const INDICATOR: Record<Indicator, { icon: IconName; tone: Tone }> = {
  none: { icon: 'ok', tone: 'ok' },
  minor: { icon: 'partial', tone: 'partial' },
  major: { icon: 'major', tone: 'major' },
  critical: { icon: 'major', tone: 'major' },
  maintenance: { icon: 'maint', tone: 'maint' },
}

/** Incident impact as a badge. */
export const IMPACT: Record<string, { label: string; tone: Tone }> = {
  none: { label: 'No impact', tone: 'info' },
  minor: { label: 'Minor impact', tone: 'minor' },
  major: { label: 'Major impact', tone: 'partial' },
  critical: { label: 'Critical impact', tone: 'major' },
  maintenance: { label: 'Maintenance', tone: 'maint' },
}

/** A label for a status we may not know yet ("some_status" → "Some status"). */
export function statusLabel(status: string): string {
  return (
    UPDATE_STATUS[status] ?? (status.charAt(0).toUpperCase() + status.slice(1)).replaceAll('_', ' ')
  )
}

/** Days an uptime bar draws on a phone (UptimeBar.astro's CSS hides the older ones). */
export const PHONE_DAYS = 30

export const FEEDS = {
  rss: '/history.rss',
  atom: '/history.atom',
  json: '/api/v2/summary.json',
  ics: '/maintenance.ics',
} as const

/** The maintenance calendar as webcal://: calendar apps subscribe to it and keep it up to date. */
export function webcalUrl(pageUrl: string): string {
  return `${pageUrl.replace(/\/+$/, '').replace(/^https?:/, 'webcal:')}${FEEDS.ics}`
}
