import { markdownToText, renderMarkdown } from '../core/markdown.ts'
import type { IncidentRecord, UpdateRecord } from '../core/records.ts'
import type { IncidentView } from '../core/site-data.ts'
import type { EmailUpdate } from './render.ts'

export interface RenderedText {
  html: string
  text: string
}

export function markdownParts(s: string | null | undefined): RenderedText | null {
  return s ? { html: renderMarkdown(s), text: markdownToText(s) } : null
}

/**
 * What an incident or maintenance email says of its record as of one update: the update's text,
 * the workaround while it is open, the apology once it closes. The notifier and the console's
 * preview both use it, so the preview says what the email will.
 */
export function recordEmailParts(o: {
  kind: 'incident' | 'maintenance' | 'follow_up'
  record: IncidentRecord
  view: IncidentView
  update: UpdateRecord | null
  /** Resolved, a post-mortem, a follow-up: the apology goes with it, no workaround. */
  closing: boolean
}): { update: EmailUpdate | null; workaround: RenderedText | null; apology: RenderedText | null } {
  const u = o.update
  const uv = u ? o.view.updates.find((x) => x.id === u.id) : undefined
  return {
    update:
      u && uv
        ? { created_at: u.created_at, body_html: uv.body_html, body_text: markdownToText(u.body) }
        : null,
    workaround: o.kind === 'incident' && !o.closing ? markdownParts(u?.workaround) : null,
    // Service recovery: the apology and the make-good go with the resolution and the post-mortem.
    apology: o.closing ? markdownParts(o.record.apology) : null,
  }
}
