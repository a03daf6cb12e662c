import {
  componentsAsOf,
  webhookComponentUpdate,
  webhookIncident,
  webhookPage,
} from '../../../../core/statuspage-webhook.ts'
import type { Component } from '../../../../core/schemas/component.ts'
import { listComponents, statusHistorySince } from '../../../../db/components.ts'
import type { ClaimedDelivery, SubscriberRecipient } from '../../../../db/deliveries.ts'
import { catalogFor } from '../../../../templates/render.ts'
import { mailPage } from '../../../config.ts'
import { createSecretOpener } from '../../../services/secret-box.node.ts'
import type { DraftNudgeContext, EventContext } from '../context.ts'
import type { Channel, Rendered, RenderKit } from './channel.ts'
import { postAndClassify, type HttpCall, type HttpPoster } from './http-post.ts'
import { standardWebhookHeaders } from './webhook-signature.node.ts'

type Live = Exclude<EventContext, { type: 'gone' }>

/** A call, and the secret that signs each attempt of it (Standard Webhooks), if it is signed. */
export interface WebhookMessage {
  call: HttpCall
  secret: string | null
}

/** What a Statuspage webhook consumer reads about the format (`meta.documentation`). */
const DOCUMENTATION = 'https://www.standardwebhooks.com/'

const CACHED_EVENTS = 16

/**
 * Webhooks: subscribers' endpoints get Statuspage's webhook format (core/statuspage-webhook.ts),
 * signed per Standard Webhooks with their own secret; on-call's ONCALL_WEBHOOK_URL gets its nudge.
 *
 * `webhook-id` is a function of (event, subscriber): the same on every retry and after a restore
 * re-creates the delivery (event ids are never reused: decision 005), so a receiver that drops
 * repeated ids sees each event once. The body is the same bytes on every attempt (as of the event);
 * the timestamp and signature are those of the attempt.
 */
export function createWebhookChannel(kit: RenderKit, post: HttpPoster): Channel<WebhookMessage> {
  const { deps, linksFor } = kit
  const page = mailPage(deps.config)
  const pageId = deps.config.page.id
  const openSecret = createSecretOpener(deps)
  // What every subscriber's body shares, serialised once per event.
  const shared = new Map<number, Promise<string>>()

  function sharedOf(ctx: Extract<Live, { type: 'record' | 'component' }>): Promise<string> {
    let s = shared.get(ctx.event.id)
    if (!s) {
      s = buildShared(ctx)
      s.catch(() => shared.delete(ctx.event.id))
      shared.set(ctx.event.id, s)
      if (shared.size > CACHED_EVENTS) shared.delete(shared.keys().next().value!)
    }
    return s
  }

  /** `"page":…,"incident":…` (or the component's), as of the event. */
  async function buildShared(ctx: Extract<Live, { type: 'record' | 'component' }>) {
    const at = ctx.event.createdAt
    const all: Component[] = ctx.type === 'record' ? ctx.components : await listComponents(deps.db)
    const components = componentsAsOf(all, await statusHistorySince(deps.db, at), at)
    const pageBlock = `"page":${JSON.stringify(webhookPage(pageId, components))}`
    if (ctx.type === 'component') {
      const parts = webhookComponentUpdate(ctx.component, pageId, {
        id: String(ctx.event.id),
        old_status: ctx.oldStatus,
        new_status: ctx.newStatus,
        at,
      })
      return `${pageBlock},"component_update":${JSON.stringify(parts.component_update)},"component":${JSON.stringify(parts.component)}`
    }
    const info = { id: pageId, name: page.name, url: page.url, time_zone: page.timeZone }
    const updateId =
      typeof ctx.event.payload.update_id === 'string' ? ctx.event.payload.update_id : null
    const incident = webhookIncident(ctx.record, info, components, at, updateId)
    return `${pageBlock},"incident":${JSON.stringify(incident)}`
  }

  async function renderForSubscriber(
    d: ClaimedDelivery,
    s: SubscriberRecipient,
    ctx: Live,
  ): Promise<Rendered<WebhookMessage>> {
    if (ctx.type !== 'record' && ctx.type !== 'component')
      return { skip: `skipped: ${ctx.event.type} is not sent to webhooks` }
    // A follow-up asks a person a question, with answer links of their own: nothing for a machine.
    if (ctx.type === 'record' && ctx.route.kind === 'follow_up')
      return { skip: 'skipped: follow-ups are not sent to webhooks' }
    if (s.status !== 'confirmed') return { skip: `skipped: subscriber is ${s.status}` }
    if (!s.target) return { skip: 'skipped: the subscription has no URL' }
    if (!s.secret) return { skip: 'skipped: the subscription has no signing secret' }
    let secret: string
    try {
      secret = await openSecret(s.secret)
    } catch (err) {
      deps.log.error('webhook secret cannot be opened', { subscriber: s.id, error: String(err) })
      return { skip: 'skipped: the signing secret cannot be opened (SIGNING_SECRET changed?)' }
    }
    const links = await linksFor(
      { id: s.id, token_version: s.tokenVersion },
      new Date(ctx.event.createdAt),
      false,
    )
    const meta = {
      unsubscribe: links.unsubscribe,
      documentation: DOCUMENTATION,
      generated_at: ctx.event.createdAt,
    }
    const id = `msg_${d.eventId}_${s.id}`
    return {
      message: {
        call: {
          url: s.target,
          id,
          headers: {},
          body: `{"meta":${JSON.stringify(meta)},${await sharedOf(ctx)}}`,
        },
        secret,
      },
    }
  }

  /** The on-call nudge to ONCALL_WEBHOOK_URL (a plain address): unsigned, with its own key. */
  function renderOncall(d: ClaimedDelivery, ctx: Live): Rendered<WebhookMessage> {
    if (ctx.type === 'draft' && d.address) return renderDraftNudge(d.address, d.eventId, ctx)
    if (ctx.type !== 'oncall' || !d.address)
      return { skip: `skipped: ${ctx.event.type} has no webhook body` }
    const r = ctx.record
    const o = catalogFor('en').oncall
    const id = `oncall.${r.id}.${d.eventId}`
    return {
      message: {
        secret: null,
        call: {
          url: d.address,
          id,
          headers: { 'idempotency-key': id },
          body: JSON.stringify({
            type: 'oncall.nudge',
            id,
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
      },
    }
  }

  /** A new draft, for a pager or chat bridge: what fired and the two links, as data. */
  function renderDraftNudge(
    url: string,
    eventId: number,
    ctx: DraftNudgeContext,
  ): Rendered<WebhookMessage> {
    const d = ctx.draft
    const id = `draft.${d.id}.${eventId}`
    const component = ctx.component ?? 'unmapped alerts'
    return {
      message: {
        secret: null,
        call: {
          url,
          id,
          headers: { 'idempotency-key': id },
          body: JSON.stringify({
            type: 'draft.opened',
            id,
            draft: {
              id: d.id,
              component_id: d.componentKey || null,
              component: ctx.component,
              origin: d.origin,
              first_signal_at: d.firstSignalAt,
              signals: ctx.signals.map((s) => ({
                source: s.source,
                severity: s.severity,
                status: s.status,
                summary: s.summary,
              })),
            },
            console_url: ctx.consoleUrl,
            publish_url: ctx.publishUrl,
            publish_url_expires_at: ctx.expiresAt,
            text: `${catalogFor('en').oncall.draft.subject(component)}: ${ctx.consoleUrl}`,
          }),
        },
      },
    }
  }

  return {
    name: 'webhook',
    render(d, ctx) {
      return d.subscriber ? renderForSubscriber(d, d.subscriber, ctx) : renderOncall(d, ctx)
    },
    async send({ call, secret }) {
      if (!secret) return postAndClassify(post, call)
      // Signed now: receivers refuse a timestamp more than a few minutes old.
      const timestamp = Math.floor(deps.clock.now().getTime() / 1000)
      const headers = standardWebhookHeaders(secret, call.id, timestamp, call.body)
      return postAndClassify(post, { ...call, headers: { ...call.headers, ...headers } })
    },
  }
}
