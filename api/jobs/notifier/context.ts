import type { IncidentRecord } from '../../../core/records.ts'
import { ComponentStatus, type Component } from '../../../core/schemas/component.ts'
import type { Locale } from '../../../core/schemas/subscription.ts'
import type { IncidentView } from '../../../core/site-data.ts'
import { getComponent, listComponents } from '../../../db/components.ts'
import type { Db } from '../../../db/client.ts'
import { feedbackForMail, type FeedbackMail } from '../../../db/deliveries.ts'
import { getDraft, signalsOf, type DraftRecord, type SignalRecord } from '../../../db/drafts.ts'
import { getIncident } from '../../../db/incidents.ts'
import { outboxEventAt, type StoredEvent } from '../../../db/journal.ts'
import { num, str } from '../../../db/rows.ts'
import { getUserLink } from '../../../db/user-links.ts'
import { messageLocale } from '../../../core/message-locale.ts'
import {
  carriedTexts,
  recordEmailParts,
  type RenderedText,
} from '../../../templates/record-email.ts'
import type { EmailUpdate } from '../../../templates/render.ts'
import type { Deps } from '../../deps.ts'
import { draftConsoleUrl, draftPublishLink } from '../../services/draft-links.ts'
import { linkUrl } from '../../services/person-links.ts'
import { recovery } from '../../services/recovery.ts'
import { incidentViewOf, sitePath } from '../../services/site-data.ts'
import { digestContext, earlierAnswers, type DigestContext } from './feedback-mail.ts'
import { emailRouteOf, type EmailRoute } from './routes.ts'

type NoticeKind = 'reminder_24h' | 'reminder_1h' | 'overrun'

/** What a record message says in one locale: the view and the texts, all in that locale. */
export interface RecordText {
  /** The message's locale (core/message-locale.ts): the reader's, or the default one. */
  locale: Locale
  view: IncidentView
  update: EmailUpdate | null
  workaround: RenderedText | null
  apology: RenderedText | null
  postmortem: RenderedText | null
}
type NudgeKind = 'update_due' | 'postmortem_due'

/**
 * What every recipient of an outbox event shares, whatever their channel: loaded once per event.
 * `gone` when nothing is to be sent any more (the record was deleted, the link used).
 */
export type EventContext =
  | { type: 'gone'; reason: string }
  | { type: 'subscriber'; event: StoredEvent; route: EmailRoute; components: Component[] }
  | {
      /** A non-email subscription was quarantined: its contact address is told why. */
      type: 'quarantined'
      event: StoredEvent
      route: EmailRoute
      /** The last permanent failure, naming the endpoint's host only. */
      error: string
      components: Component[]
    }
  | {
      /** A component's status changed (URL channels: Statuspage's `component_update`). */
      type: 'component'
      event: StoredEvent
      route: EmailRoute
      component: Component
      oldStatus: ComponentStatus
      newStatus: ComponentStatus
    }
  | {
      type: 'feedback'
      event: StoredEvent
      route: EmailRoute
      feedback: FeedbackMail
      /** The incident the report is about (named by the "you helped" thank-you), if any. */
      incident: IncidentRecord | null
      /** Its page, for the thank-you's link. */
      incidentPath: string | null
      /** The events of the answers mailed before this one (the thread it continues). */
      earlier: number[]
    }
  | DigestContext
  | {
      type: 'person'
      event: StoredEvent
      route: EmailRoute & { kind: 'invite' | 'password_reset' }
      url: string
      expiresAt: string
    }
  | {
      type: 'oncall'
      event: StoredEvent
      route: EmailRoute
      record: IncidentRecord
      view: IncidentView
      nudge: NudgeKind
      dueAt: string
    }
  | DraftNudgeContext
  | {
      type: 'record'
      event: StoredEvent
      route: EmailRoute & { kind: 'incident' | 'maintenance' | 'follow_up' }
      /** A maintenance reminder or overrun notice. */
      notice: NoticeKind | null
      record: IncidentRecord
      /** The record in the default locale (the Statuspage webhook JSON, staff mail). */
      view: IncidentView
      status: string
      /**
       * The message for a reader of `wanted`, in the locale messageLocale decides; built once
       * per (event, locale) and shared by every subscriber and channel of that locale.
       */
      inLocale(wanted: Locale): RecordText
      /** The make-good in each language (the envelope's locale picks one). */
      compensation: Readonly<Partial<Record<Locale, string[]>>>
      components: Component[]
      rootEventId: number
    }

const CACHED_EVENTS = 64

/**
 * Loads what every recipient of an event shares (the record, its rendered update, the
 * components) once per event and keeps the last few, so a 100,000-subscriber fan-out reads the
 * incident once whatever the channels; only the personal part is rendered per recipient.
 */
export function createContextLoader(deps: Deps) {
  const cache = new Map<number, Promise<EventContext>>()
  return function contextOf(eventId: number): Promise<EventContext> {
    let ctx = cache.get(eventId)
    if (!ctx) {
      ctx = loadContext(deps, eventId)
      ctx.catch(() => cache.delete(eventId))
      cache.set(eventId, ctx)
      if (cache.size > CACHED_EVENTS) cache.delete(cache.keys().next().value!)
    }
    return ctx
  }
}

/**
 * Whether a message speaks of an open incident: judged by the status it reports, not the record's
 * status now, so a message sent late about an earlier update still reads as of that update.
 */
export { isOpenStatus } from '../../../templates/render.ts'

async function loadContext(deps: Deps, eventId: number): Promise<EventContext> {
  const event = await outboxEventAt(deps.db, eventId)
  if (!event) return { type: 'gone', reason: `skipped: event ${eventId} not found` }
  const route = emailRouteOf(event)
  if (!route) return { type: 'gone', reason: `skipped: ${event.type} is not mailed` }
  if (route.audience === 'feedback') {
    const p = event.payload
    const feedback = await feedbackForMail(
      deps.db,
      String(p.feedback_id),
      typeof p.reply_id === 'string' ? p.reply_id : null,
    )
    if (!feedback)
      return { type: 'gone', reason: `skipped: feedback ${String(p.feedback_id)} not found` }
    const incident = feedback.incidentId ? await getIncident(deps.db, feedback.incidentId) : null
    return {
      type: 'feedback',
      event,
      route,
      feedback,
      incident,
      incidentPath: incident ? sitePath(incident) : null,
      earlier: await earlierAnswers(deps.db, event),
    }
  }
  if (route.audience === 'staff') return digestContext(deps, event)
  if (route.audience === 'person') return personContext(deps, event, route)
  if (route.kind === 'draft_nudge') return draftNudgeContext(deps, event, route)
  if (route.audience === 'component') return componentContext(deps, event, route)
  const components = await listComponents(deps.db)
  if (route.kind === 'confirmation') return { type: 'subscriber', event, route, components }
  if (route.audience === 'contact') {
    const error = typeof event.payload.error === 'string' ? event.payload.error : ''
    return { type: 'quarantined', event, route, error, components }
  }
  const record = await getIncident(deps.db, event.aggregateId)
  if (!record)
    return {
      type: 'gone',
      reason: `skipped: ${event.aggregateType} ${event.aggregateId} not found`,
    }
  const view = incidentViewOf(record, components)
  if (route.audience === 'oncall') {
    const nudge = event.payload.kind === 'postmortem_due' ? 'postmortem_due' : 'update_due'
    return {
      type: 'oncall',
      event,
      route,
      record,
      view,
      nudge,
      dueAt: String(event.payload.due_at),
    }
  }
  const kind = route.kind
  if (kind !== 'incident' && kind !== 'maintenance' && kind !== 'follow_up')
    return { type: 'gone', reason: `skipped: ${event.type} has no record email` }
  const stale = staleReason(event, record)
  if (stale) return { type: 'gone', reason: `skipped: ${stale}` }
  const notice = noticeOf(event)
  // A reminder or a follow-up speaks of the record as it is; an update email, as of its update.
  const current = notice !== null || route.kind === 'follow_up'
  const status = current
    ? record.status
    : (route.status ?? updateOf(record, event)?.status ?? record.status)
  // A post-mortem email carries the post-mortem, not the last update again.
  const u = status === 'postmortem' || current ? null : updateOf(record, event)
  const closing = status === 'resolved' || status === 'postmortem' || route.kind === 'follow_up'
  const what = { kind, record, update: u, closing, postmortem: status === 'postmortem' }
  const carried = carriedTexts(what)
  const locales = deps.config.locales
  const texts = new Map<Locale, RecordText>()
  const inLocale = (wanted: Locale): RecordText => {
    const locale = messageLocale(wanted, locales, carried)
    let text = texts.get(locale)
    if (!text) {
      const lang = { locale, locales }
      const v = locale === locales.default ? view : incidentViewOf(record, components, [], lang)
      text = { locale, view: v, ...recordEmailParts({ ...what, view: v, lang }) }
      texts.set(locale, text)
    }
    return text
  }
  return {
    type: 'record',
    event,
    route: { ...route, kind },
    notice,
    record,
    view,
    status,
    inLocale,
    compensation:
      closing && record.compensation
        ? (await recovery.compensation(deps, record.id)).sentences_by_locale
        : {},
    components,
    rootEventId: await firstMailedEvent(deps.db, event),
  }
}

/**
 * The link of an invitation or reset, derived again from its id (the event holds no secret:
 * api/services/person-links.ts). A link used, replaced or expired before the mail went is not
 * sent: it would not work.
 */
async function personContext(
  deps: Deps,
  event: StoredEvent,
  route: EmailRoute,
): Promise<EventContext> {
  const kind = route.kind
  if (kind !== 'invite' && kind !== 'password_reset')
    return { type: 'gone', reason: `skipped: ${event.type} has no account email` }
  const link = await getUserLink(deps.db, String(event.payload.link_id))
  if (!link) return { type: 'gone', reason: 'skipped: the link is gone' }
  if (link.used_at) return { type: 'gone', reason: 'skipped: the link was used or replaced' }
  if (Date.parse(link.expires_at) <= deps.clock.now().getTime())
    return { type: 'gone', reason: 'skipped: the link expired' }
  return {
    type: 'person',
    event,
    route: { ...route, kind },
    url: await linkUrl(deps, link.purpose, link.id),
    expiresAt: link.expires_at,
  }
}

/** On-call's nudge about a new draft: what fired, and the two links. */
export interface DraftNudgeContext {
  type: 'draft'
  event: StoredEvent
  route: EmailRoute
  draft: DraftRecord
  /** The component's name, or null for signals no rule maps to a component. */
  component: string | null
  /** The signals that had fired when the draft opened (a retry renders the same ones). */
  signals: SignalRecord[]
  consoleUrl: string
  publishUrl: string
  expiresAt: string
}

/**
 * A draft that was published or dismissed before the nudge went needs no nudge: someone already
 * decided (an auto-published draft's incident reaches subscribers the usual way).
 */
async function draftNudgeContext(
  deps: Deps,
  event: StoredEvent,
  route: EmailRoute,
): Promise<EventContext> {
  const found = await getDraft(deps.db, event.aggregateId)
  if (!found) return { type: 'gone', reason: `skipped: draft ${event.aggregateId} not found` }
  const draft = found.draft
  if (draft.state !== 'open')
    return { type: 'gone', reason: `skipped: the draft was ${draft.state}` }
  const component = draft.componentKey ? await getComponent(deps.db, draft.componentKey) : null
  const signals = (await signalsOf(deps.db, [draft.id])).filter(
    (s) => s.first_at <= event.createdAt,
  )
  const link = await draftPublishLink(deps, draft.id, new Date(event.createdAt))
  return {
    type: 'draft',
    event,
    route,
    draft,
    component: component?.name ?? null,
    signals,
    consoleUrl: draftConsoleUrl(deps, draft.id),
    publishUrl: link.url,
    expiresAt: link.expiresAt,
  }
}

/** A component's status change, as the event recorded it; nothing once the component is gone. */
async function componentContext(
  deps: Deps,
  event: StoredEvent,
  route: EmailRoute,
): Promise<EventContext> {
  const oldStatus = ComponentStatus.safeParse(event.payload.old_status)
  const newStatus = ComponentStatus.safeParse(event.payload.new_status)
  if (!oldStatus.success || !newStatus.success)
    return { type: 'gone', reason: `skipped: ${event.type} records no status change` }
  const component = await getComponent(deps.db, event.aggregateId)
  if (!component)
    return { type: 'gone', reason: `skipped: component ${event.aggregateId} not found` }
  return {
    type: 'component',
    event,
    route,
    component,
    oldStatus: oldStatus.data,
    newStatus: newStatus.data,
  }
}

function noticeOf(event: StoredEvent): NoticeKind | null {
  if (event.type === 'maintenance.overrun') return 'overrun'
  if (event.type !== 'maintenance.reminder') return null
  return event.payload.notice === 'reminder_24h' ? 'reminder_24h' : 'reminder_1h'
}

/**
 * A clock-driven email that no longer fits what happened since it was due: no "is everything
 * working again?" about a reopened incident, no reminder for a window cancelled or begun.
 */
function staleReason(event: StoredEvent, r: IncidentRecord): string | null {
  if (event.type === 'incident.follow_up' && r.status !== 'resolved') return 'incident reopened'
  if (event.type === 'maintenance.reminder' && (r.cancelled_at || r.status !== 'scheduled'))
    return 'maintenance no longer ahead'
  if (event.type === 'maintenance.overrun' && (r.cancelled_at || r.status === 'completed'))
    return 'maintenance already complete'
  return null
}

function updateOf(r: IncidentRecord, event: StoredEvent) {
  return r.updates.find((x) => x.id === event.payload.update_id) ?? r.updates[0] ?? null
}

/**
 * The first event about this record that was mailed: its email opens the thread. Looked up in the
 * append-only outbox, so the answer for a given event never changes (Message-IDs stay stable).
 */
async function firstMailedEvent(db: Db, event: StoredEvent): Promise<number> {
  const rs = await db.execute({
    sql: `SELECT id, type, payload FROM outbox
          WHERE aggregate_type = ? AND aggregate_id = ? AND id <= ? ORDER BY id`,
    args: [event.aggregateType, event.aggregateId, event.id],
  })
  for (const row of rs.rows) {
    const e = {
      type: str(row, 'type'),
      payload: JSON.parse(str(row, 'payload')) as Record<string, unknown>,
    }
    const route = emailRouteOf(e)
    if (route && route.audience === 'record') return num(row, 'id')
  }
  return event.id
}
