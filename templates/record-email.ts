import { shownIn, type LocaleSettings } from '../core/localized.ts'
import { markdownToText, renderMarkdown } from '../core/markdown.ts'
import type { CarriedText } from '../core/message-locale.ts'
import type { IncidentRecord, UpdateRecord } from '../core/records.ts'
import type { Locale } from '../core/schemas/subscription.ts'
import type { IncidentView } from '../core/site-data.ts'
import type { EmailUpdate } from './render.ts'

export interface RenderedText {
  html: string
  text: string
}

export function markdownParts(s: string | null | undefined): RenderedText | null {
  return s ? { html: renderMarkdown(s), text: markdownToText(s) } : null
}

interface RecordEmailInput {
  kind: 'incident' | 'maintenance' | 'follow_up'
  record: IncidentRecord
  update: UpdateRecord | null
  /** Resolved, a post-mortem, a follow-up: the apology goes with it, no workaround. */
  closing: boolean
  /** A post-mortem email: it carries the published post-mortem. */
  postmortem?: boolean
}

/**
 * The texts people wrote that a record email carries, as of one update: the name, the update's
 * text, the workaround while it is open, the apology once it closes, the post-mortem. What
 * decides the message's language (core/message-locale.ts) and what is rendered are the same list.
 */
export function carriedTexts(o: RecordEmailInput): CarriedText[] {
  const r = o.record
  const u = o.update
  const pm = o.postmortem && r.postmortem?.status === 'published' ? r.postmortem : null
  return [
    { own: r.name, translations: r.translations, field: 'name' },
    ...(u ? [{ own: u.body, translations: u.translations, field: 'body' }] : []),
    ...(o.kind === 'incident' && !o.closing && u
      ? [{ own: u.workaround, translations: u.translations, field: 'workaround' }]
      : []),
    ...(o.closing ? [{ own: r.apology, translations: r.translations, field: 'apology' }] : []),
    ...(pm ? [{ own: pm.body, translations: pm.translations, field: 'body' }] : []),
  ]
}

/**
 * What an incident or maintenance email says of its record as of one update, in one locale
 * (`view` built in the same one): the update's text, the workaround while it is open, the
 * apology once it closes. The notifier and the console's preview both use it, so the preview
 * says what the email will.
 */
export function recordEmailParts(
  o: RecordEmailInput & {
    view: IncidentView
    lang?: { locale: Locale; locales: LocaleSettings }
  },
): {
  update: EmailUpdate | null
  workaround: RenderedText | null
  apology: RenderedText | null
  postmortem: RenderedText | null
} {
  const in_ = <F extends string>(
    own: string | null | undefined,
    translations: Partial<Record<Locale, Partial<Record<F, string>>>> | undefined,
    field: F,
  ) => (own && o.lang ? shownIn(own, translations, field, o.lang.locale, o.lang.locales).text : own)
  const u = o.update
  const uv = u ? o.view.updates.find((x) => x.id === u.id) : undefined
  const pm =
    o.postmortem && o.record.postmortem?.status === 'published' ? o.record.postmortem : null
  return {
    update:
      u && uv
        ? {
            created_at: u.created_at,
            body_html: uv.body_html,
            body_text: markdownToText(in_(u.body, u.translations, 'body')!),
          }
        : null,
    workaround:
      o.kind === 'incident' && !o.closing
        ? markdownParts(in_(u?.workaround, u?.translations, 'workaround'))
        : null,
    // Service recovery: the apology and the make-good go with the resolution and the post-mortem.
    apology: o.closing
      ? markdownParts(in_(o.record.apology, o.record.translations, 'apology'))
      : null,
    postmortem: pm ? markdownParts(in_(pm.body, pm.translations, 'body')) : null,
  }
}
