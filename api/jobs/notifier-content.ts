import { markdownToText, renderMarkdown } from '../../core/markdown.ts'
import type { IncidentRecord } from '../../core/records.ts'
import type { Component } from '../../core/schemas/component.ts'
import { Locale } from '../../core/schemas/subscription.ts'
import type { IncidentView } from '../../core/site-data.ts'
import { listComponents } from '../../db/components.ts'
import type { Db } from '../../db/client.ts'
import type { ClaimedDelivery } from '../../db/deliveries.ts'
import { getIncident } from '../../db/incidents.ts'
import { readOutbox, type StoredEvent } from '../../db/journal.ts'
import { num, str } from '../../db/rows.ts'
import { recordMessageIds, singleMessageId } from '../../templates/message-id.ts'
import { yourServices } from '../../templates/personal.ts'
import {
  renderEmail,
  type EmailEnvelope,
  type EmailUpdate,
  type RenderedEmail,
} from '../../templates/render.ts'
import type { Deps } from '../deps.ts'
import { CONFIRM_TTL_SECONDS } from '../services/links.ts'
import { recovery } from '../services/recovery.ts'
import { incidentViewOf } from '../services/site-data.ts'
import { emailRouteOf, type EmailRoute } from './notifier-events.ts'
import { createLinkSigner } from './notifier-links.node.ts'

type EventContext =
  | { type: 'gone'; reason: string }
  | { type: 'subscriber'; event: StoredEvent; route: EmailRoute; components: Component[] }
  | {
      type: 'record'
      event: StoredEvent
      route: EmailRoute & { kind: 'incident' | 'maintenance' }
      record: IncidentRecord
      view: IncidentView
      status: string
      update: EmailUpdate | null
      workaround: { html: string; text: string } | null
      apology: { html: string; text: string } | null
      compensation: string[]
      postmortem: { html: string; text: string } | null
      components: Component[]
      rootEventId: number
    }

export type Built = { email: RenderedEmail } | { skip: string }

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
  const page = {
    name: deps.config.page.name,
    url: deps.config.siteUrl,
    timeZone: deps.config.page.timeZone,
  }
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
    const s = d.subscriber
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
      locale: LOCALES.has(s.locale) ? (s.locale as Locale) : 'en',
      page,
      subjectPrefix: deps.config.mail.subjectPrefix,
      from: deps.config.mail.from,
      to: s.email,
      list,
      date: ctx.event.createdAt,
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
    const kind = ctx.route.kind
    const ids = recordMessageIds({
      kind,
      recordId: ctx.record.id,
      eventId: d.eventId,
      rootEventId: ctx.rootEventId,
      subscriberId: s.id,
      host,
    })
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
        compensation: ctx.compensation,
        postmortem: ctx.postmortem,
        yours: yourServices({
          kind,
          open: isOpenStatus(ctx.status),
          held: ctx.record.components,
          all: ctx.components,
          subscribed,
        }),
      }),
    }
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
  const [event] = await readOutbox(deps.db, eventId - 1, 1)
  if (!event || event.id !== eventId)
    return { type: 'gone', reason: `skipped: event ${eventId} not found` }
  const route = emailRouteOf(event)
  if (!route) return { type: 'gone', reason: `skipped: ${event.type} is not mailed` }
  const components = await listComponents(deps.db)
  if (route.kind === 'confirmation') return { type: 'subscriber', event, route, components }
  const record = await getIncident(deps.db, event.aggregateId)
  if (!record)
    return {
      type: 'gone',
      reason: `skipped: ${event.aggregateType} ${event.aggregateId} not found`,
    }
  const view = incidentViewOf(record, components)
  const status = route.status ?? updateOf(record, event)?.status ?? record.status
  // A post-mortem email carries the post-mortem, not the last update again.
  const u = status === 'postmortem' ? null : updateOf(record, event)
  const uv = u ? view.updates.find((x) => x.id === u.id) : undefined
  const closing = status === 'resolved' || status === 'postmortem'
  const md = (s: string | null | undefined) =>
    s ? { html: renderMarkdown(s), text: markdownToText(s) } : null
  return {
    type: 'record',
    event,
    route: { ...route, kind: route.kind },
    record,
    view,
    status,
    update:
      u && uv
        ? { created_at: u.created_at, body_html: uv.body_html, body_text: markdownToText(u.body) }
        : null,
    workaround: route.kind === 'incident' && !closing ? md(u?.workaround) : null,
    // Service recovery: the apology and the make-good go with the resolution and the post-mortem.
    apology: closing ? md(record.apology) : null,
    compensation:
      closing && record.compensation
        ? (await recovery.compensation(deps, record.id)).sentences
        : [],
    postmortem:
      status === 'postmortem' && record.postmortem?.status === 'published'
        ? md(record.postmortem.body)
        : null,
    components,
    rootEventId: await firstMailedEvent(deps.db, event),
  }
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
