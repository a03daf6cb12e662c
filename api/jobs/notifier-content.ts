import { markdownToText, renderMarkdown } from '../../core/markdown.ts'
import type { IncidentRecord } from '../../core/records.ts'
import type { Component } from '../../core/schemas/component.ts'
import { Locale } from '../../core/schemas/subscription.ts'
import type { IncidentView } from '../../core/site-data.ts'
import { listComponents } from '../../db/components.ts'
import type { Db } from '../../db/client.ts'
import { feedbackForMail, type ClaimedDelivery, type FeedbackMail } from '../../db/deliveries.ts'
import { getIncident } from '../../db/incidents.ts'
import { outboxEventAt, type StoredEvent } from '../../db/journal.ts'
import { num, str } from '../../db/rows.ts'
import { getUserLink } from '../../db/user-links.ts'
import {
  addressTag,
  feedbackMessageIds,
  recordMessageIds,
  singleMessageId,
} from '../../templates/message-id.ts'
import { yourServices } from '../../templates/personal.ts'
import { markdownParts, recordEmailParts } from '../../templates/record-email.ts'
import {
  catalogFor,
  renderEmail,
  type EmailEnvelope,
  type EmailUpdate,
  type RenderedEmail,
} from '../../templates/render.ts'
import { mailPage } from '../config.ts'
import type { Deps } from '../deps.ts'
import { CONFIRM_TTL_SECONDS, followUpLinks } from '../services/links.ts'
import { linkUrl } from '../services/person-links.ts'
import { recovery } from '../services/recovery.ts'
import { incidentViewOf, sitePath } from '../services/site-data.ts'
import {
  digestContext,
  digestEmail,
  earlierAnswers,
  inFeedbackThread,
  type DigestContext,
} from './feedback-mail.ts'
import { emailRouteOf, type EmailRoute } from './notifier-events.ts'
import { createLinkSigner } from './notifier-links.node.ts'

type NoticeKind = 'reminder_24h' | 'reminder_1h' | 'overrun'
type NudgeKind = 'update_due' | 'postmortem_due'

type EventContext =
  | { type: 'gone'; reason: string }
  | { type: 'subscriber'; event: StoredEvent; route: EmailRoute; components: Component[] }
  | {
      type: 'feedback'
      event: StoredEvent
      route: EmailRoute
      feedback: FeedbackMail
      /** The page of the incident the report is about, for the thank-you's link. */
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
  | {
      type: 'record'
      event: StoredEvent
      route: EmailRoute & { kind: 'incident' | 'maintenance' | 'follow_up' }
      /** A maintenance reminder or overrun notice. */
      notice: NoticeKind | null
      record: IncidentRecord
      view: IncidentView
      status: string
      update: EmailUpdate | null
      workaround: { html: string; text: string } | null
      apology: { html: string; text: string } | null
      /** The make-good in each language (the envelope's locale picks one). */
      compensation: Readonly<Partial<Record<Locale, string[]>>>
      postmortem: { html: string; text: string } | null
      components: Component[]
      rootEventId: number
    }

/** A JSON POST to a webhook; `id` is stable per delivery so the receiver can drop a repeat. */
export interface WebhookCall {
  url: string
  id: string
  body: string
}

export type Built = { email: RenderedEmail } | { webhook: WebhookCall } | { skip: string }

const CACHED_EVENTS = 64
const LOCALES = new Set<string>(Locale.options)

/**
 * Builds the email for a claimed delivery. What is shared by every recipient of an event (the
 * record, its rendered update, the components) is loaded once per event and cached, so a
 * 100,000-subscriber fan-out reads the incident once; only the personal part is per recipient.
 */
export function createContentBuilder(deps: Deps) {
  const cache = new Map<number, Promise<EventContext>>()
  const linksFor = createLinkSigner(deps)
  const host = hostOf(deps.config.siteUrl)
  const page = mailPage(deps.config)
  const list = { id: `${deps.config.page.id}.${host}`, name: page.name }

  function contextOf(eventId: number): Promise<EventContext> {
    let ctx = cache.get(eventId)
    if (!ctx) {
      ctx = loadContext(deps, eventId)
      ctx.catch(() => cache.delete(eventId))
      cache.set(eventId, ctx)
      if (cache.size > CACHED_EVENTS) cache.delete(cache.keys().next().value!)
    }
    return ctx
  }

  async function build(d: ClaimedDelivery): Promise<Built> {
    const ctx = await contextOf(d.eventId)
    if (ctx.type === 'gone') return { skip: ctx.reason }
    if (ctx.type === 'person') return buildPerson(d, ctx)
    if (ctx.type === 'digest') return digestEmail(deps, ctx, d, host)
    if (ctx.type === 'feedback' || ctx.type === 'oncall') return buildDirect(d, ctx)
    const s = d.subscriber
    if (!s) return { skip: `skipped: ${ctx.event.type} is mailed to subscribers only` }
    const wanted = ctx.route.kind === 'confirmation' ? ['pending'] : ['confirmed']
    if (!wanted.includes(s.status)) return { skip: `skipped: subscriber is ${s.status}` }
    // Links are signed as of the event, so a resent message is the same message.
    const at = new Date(ctx.event.createdAt)
    const links = await linksFor(
      { id: s.id, token_version: s.tokenVersion },
      at,
      ctx.type === 'subscriber',
    )
    const subscribed = s.allComponents ? 'all' : s.components
    const followed = s.allComponents
      ? ctx.components
      : ctx.components.filter((c) => s.components.includes(c.id))
    const envelope: Omit<EmailEnvelope, 'messageId' | 'inReplyTo'> = {
      ...baseEnvelope(ctx.event, s.locale, s.email),
      list,
      links: { manage: links.manage, unsubscribe: links.unsubscribe },
      subscribedTo: { all: s.allComponents, names: followed.map((c) => c.name) },
    }
    if (ctx.type === 'subscriber') {
      const ids = singleMessageId('confirm', d.eventId, s.id, host)
      return {
        email: renderEmail({
          ...envelope,
          ...ids,
          kind: 'confirmation',
          confirmUrl: links.confirm,
          expiresAt: new Date(at.getTime() + CONFIRM_TTL_SECONDS * 1000).toISOString(),
        }),
      }
    }
    // Follow-ups and notices go in the record's own thread.
    const ids = recordMessageIds({
      kind: ctx.record.kind,
      recordId: ctx.record.id,
      eventId: d.eventId,
      rootEventId: ctx.rootEventId,
      subscriberId: s.id,
      host,
    })
    const kind = ctx.route.kind
    const yours = yourServices({
      kind: ctx.record.kind,
      open: kind !== 'follow_up' && isOpenStatus(ctx.status),
      held: ctx.record.components,
      updates: ctx.record.updates,
      all: ctx.components,
      subscribed,
    })
    if (kind === 'follow_up') {
      const answers = await followUpLinks(
        deps,
        { id: s.id, token_version: s.tokenVersion },
        ctx.record.id,
        at,
      )
      return {
        email: renderEmail({
          ...envelope,
          ...ids,
          kind,
          record: ctx.view,
          answers,
          apology: ctx.apology,
          compensation: ctx.compensation[envelope.locale] ?? [],
          yours,
        }),
      }
    }
    return {
      email: renderEmail({
        ...envelope,
        ...ids,
        kind,
        record: ctx.view,
        status: ctx.status,
        update: ctx.update,
        workaround: ctx.workaround,
        apology: ctx.apology,
        compensation: ctx.compensation[envelope.locale] ?? [],
        postmortem: ctx.postmortem,
        notice: ctx.notice,
        yours,
      }),
    }
  }

  function baseEnvelope(event: StoredEvent, locale: string | null, to: string) {
    return {
      locale: locale && LOCALES.has(locale) ? (locale as Locale) : ('en' as const),
      page,
      subjectPrefix: deps.config.mail.subjectPrefix,
      from: deps.config.mail.from,
      to,
      date: event.createdAt,
    }
  }

  /** A team member's invitation or reset link, to the address it was made for. */
  function buildPerson(d: ClaimedDelivery, ctx: Extract<EventContext, { type: 'person' }>): Built {
    const address = d.address
    if (!address) return { skip: `skipped: ${ctx.event.type} goes to a plain address only` }
    const p = ctx.event.payload
    const envelope = {
      ...baseEnvelope(ctx.event, 'en', address),
      messageId: `<${ctx.route.kind}.${String(p.link_id)}.${addressTag(address)}@${host}>`,
      inReplyTo: null,
      url: ctx.url,
      expiresAt: ctx.expiresAt,
    }
    if (ctx.route.kind === 'password_reset') {
      return { email: renderEmail({ ...envelope, kind: 'password_reset' }) }
    }
    return {
      email: renderEmail({
        ...envelope,
        kind: 'invite',
        invitedBy: typeof p.invited_by === 'string' ? p.invited_by : page.name,
        role: typeof p.role === 'string' ? p.role : 'viewer',
      }),
    }
  }

  /** Mail (or a webhook call) to a plain address: a feedback reporter, on-call. */
  function buildDirect(
    d: ClaimedDelivery,
    ctx: Extract<EventContext, { type: 'feedback' | 'oncall' }>,
  ): Built {
    const address = d.address
    if (!address) return { skip: `skipped: ${ctx.event.type} goes to a plain address only` }
    if (ctx.type === 'oncall') {
      const r = ctx.record
      if (d.channel === 'webhook') {
        const o = catalogFor('en').oncall
        return {
          webhook: {
            url: address,
            id: `oncall.${r.id}.${d.eventId}`,
            body: JSON.stringify({
              type: 'oncall.nudge',
              id: `oncall.${r.id}.${d.eventId}`,
              kind: ctx.nudge,
              due_at: ctx.dueAt,
              incident: {
                id: r.id,
                name: r.name,
                status: r.status,
                impact: r.impact,
                url: `${page.url}${ctx.view.path}`,
              },
              text: `${o.subject(ctx.nudge, r.name)}: ${o.body(ctx.nudge, ctx.dueAt)}`,
            }),
          },
        }
      }
      return {
        email: renderEmail({
          ...baseEnvelope(ctx.event, 'en', address),
          messageId: `<oncall.${r.id}.${d.eventId}.${addressTag(address)}@${host}>`,
          inReplyTo: null,
          kind: 'oncall_nudge',
          record: ctx.view,
          nudge: ctx.nudge,
          dueAt: ctx.dueAt,
        }),
      }
    }
    const fb = ctx.feedback
    const envelope = baseEnvelope(ctx.event, fb.locale, address)
    const reportUrl = `${page.url}/report`
    const support = deps.config.mail.supportEmail
    if (ctx.route.kind === 'feedback_received') {
      const { references, ...ids } = feedbackMessageIds({
        feedbackId: fb.id,
        eventId: null,
        address,
        host,
      })
      const path = ctx.incidentPath
      const email = renderEmail({
        ...envelope,
        ...ids,
        kind: 'feedback_received',
        link: { url: `${page.url}${path ?? '/'}`, incident: path !== null },
      })
      return { email: inFeedbackThread(email, references, support) }
    }
    if (!fb.reply) return { skip: 'skipped: the reply is gone' }
    const { references, ...ids } = feedbackMessageIds({
      feedbackId: fb.id,
      eventId: d.eventId,
      earlier: ctx.earlier,
      address,
      host,
    })
    const email = renderEmail({
      ...envelope,
      ...ids,
      kind: 'feedback_answered',
      answer: { html: renderMarkdown(fb.reply.body), text: markdownToText(fb.reply.body) },
      author: fb.reply.author,
      reportUrl,
    })
    return { email: inFeedbackThread(email, references, support) }
  }

  return { build }
}

/**
 * Whether the email speaks of an open incident: judged by the status it reports, not the record's
 * status now, so an email sent late about an earlier update still reads as of that update.
 */
function isOpenStatus(status: string): boolean {
  return !['resolved', 'completed', 'cancelled', 'postmortem'].includes(status)
}

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
      incidentPath: incident ? sitePath(incident) : null,
      earlier: await earlierAnswers(deps.db, event),
    }
  }
  if (route.audience === 'staff') return digestContext(deps, event)
  if (route.audience === 'person') return personContext(deps, event, route)
  const components = await listComponents(deps.db)
  if (route.kind === 'confirmation') return { type: 'subscriber', event, route, components }
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
  return {
    type: 'record',
    event,
    route: { ...route, kind },
    notice,
    record,
    view,
    status,
    ...recordEmailParts({ kind, record, view, update: u, closing }),
    compensation:
      closing && record.compensation
        ? (await recovery.compensation(deps, record.id)).sentences_by_locale
        : {},
    postmortem:
      status === 'postmortem' && record.postmortem?.status === 'published'
        ? markdownParts(record.postmortem.body)
        : null,
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

export function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'localhost'
  } catch {
    return 'localhost'
  }
}
