import type { Component } from '../../core/schemas/component.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import type { IncidentView } from '../../core/site-data.ts'
import { listComponents } from '../../db/components.ts'
import { yourServices } from '../../templates/personal.ts'
import { messageLocale } from '../../core/message-locale.ts'
import { carriedTexts, recordEmailParts } from '../../templates/record-email.ts'
import { renderEmail, type RenderedEmail } from '../../templates/render.ts'
import { mailPage } from '../config.ts'
import type { Deps } from '../deps.ts'
import type { Planned } from '../services/incidents.ts'
import { recovery } from '../services/recovery.ts'
import { incidentViewOf } from '../services/site-data.ts'

export interface Preview {
  /** The incident as the status page will show it (the site's own view of it). */
  page: IncidentView
  /** The email a subscriber who follows everything will get; null when nobody is emailed. */
  email: RenderedEmail | null
}

/** Stands in for a subscriber's signed links, which only exist per subscriber. */
const PERSONAL_LINK = '(a link of their own)'

/**
 * What a planned write (services/incidents.ts plans) will publish, built by the code that
 * publishes it: the site's view of the record and the notifier's email rendering, for a
 * subscriber who reads `locale`. Writes nothing.
 */
export async function previewOf(
  deps: Deps,
  planned: Pick<Planned<unknown>, 'record' | 'components'>,
  notify: boolean,
  locale: Locale = 'en',
): Promise<Preview> {
  const r = planned.record
  const all: Component[] = (await listComponents(deps.db)).map(
    (c) => planned.components.get(c.id) ?? c,
  )
  const page = incidentViewOf(r, all)
  if (!notify) return { page, email: null }
  const status = r.status
  const closing = status === 'resolved'
  // The notifier's rule: a reader of `wanted` gets it only when the text is in it too.
  const what = { kind: 'incident' as const, record: r, update: r.updates[0] ?? null, closing }
  const wanted = locale
  const locales = deps.config.locales
  locale = messageLocale(wanted, locales, carriedTexts(what))
  const lang = { locale, locales }
  const view = locale === locales.default ? page : incidentViewOf(r, all, [], lang)
  const host = new URL(deps.config.siteUrl).hostname
  const email = renderEmail({
    locale,
    page: mailPage(deps.config),
    subjectPrefix: deps.config.mail.subjectPrefix,
    from: deps.config.mail.from,
    to: 'subscriber@example.com',
    messageId: `<preview@${host}>`,
    inReplyTo: null,
    date: deps.clock.now().toISOString(),
    list: { id: `${deps.config.page.id}.${host}`, name: deps.config.page.name },
    links: { manage: PERSONAL_LINK, unsubscribe: PERSONAL_LINK },
    subscribedTo: { all: true, names: [] },
    kind: 'incident',
    record: view,
    status,
    ...recordEmailParts({ ...what, view, lang }),
    compensation:
      closing && r.compensation
        ? ((await recovery.compensation(deps, r.id)).sentences_by_locale[locale] ?? [])
        : [],
    postmortem: null,
    notice: null,
    yours: yourServices({
      kind: 'incident',
      open: !closing,
      held: r.components,
      updates: r.updates,
      all,
      subscribed: 'all',
    }),
  })
  return { page, email }
}
