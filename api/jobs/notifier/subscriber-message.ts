import { subscriptionName } from '../../../core/channels.ts'
import { knownLocale, type Locale } from '../../../core/schemas/subscription.ts'
import type { ClaimedDelivery, SubscriberRecipient } from '../../../db/deliveries.ts'
import { yourServices } from '../../../templates/personal.ts'
import type { EmailContent } from '../../../templates/render.ts'
import { mailPage } from '../../config.ts'
import { CONFIRM_TTL_SECONDS, followUpLinks } from '../../services/links.ts'
import type { RenderKit } from './channels/channel.ts'
import { isOpenStatus, type EventContext } from './context.ts'

/** What one subscriber is told about an event, whatever the channel lays it out as. */
export interface SubscriberMessage {
  subscriber: SubscriberRecipient
  locale: Locale
  links: { manage: string; unsubscribe: string }
  /** What the subscriber follows: every component, or these (names, display order). */
  subscribedTo: { all: boolean; names: string[] }
  /** The confirmation request, or the record's news narrowed to this subscriber. */
  content: EmailContent
}

export type SubscriberContext = Extract<
  EventContext,
  { type: 'subscriber' | 'record' | 'quarantined' }
>

/**
 * The personal part every channel says to a subscriber (email, chat): the links signed as of the
 * event, the components they follow, what is affected for them and what still works. One place,
 * so an email and a Slack post about the same update never disagree.
 */
export async function subscriberMessage(
  kit: RenderKit,
  d: ClaimedDelivery,
  ctx: SubscriberContext,
): Promise<SubscriberMessage | { skip: string }> {
  const s = d.subscriber
  if (!s) return { skip: `skipped: ${ctx.event.type} goes to subscribers only` }
  const wanted =
    ctx.type === 'quarantined'
      ? 'quarantined'
      : ctx.route.kind === 'confirmation'
        ? 'pending'
        : 'confirmed'
  if (s.status !== wanted) return { skip: `skipped: subscriber is ${s.status}` }
  // Links are signed as of the event, so a resent message is the same message.
  const at = new Date(ctx.event.createdAt)
  const links = await kit.linksFor(
    { id: s.id, token_version: s.tokenVersion },
    at,
    ctx.type === 'subscriber',
  )
  const followed = s.allComponents
    ? ctx.components
    : ctx.components.filter((c) => s.components.includes(c.id))
  const base = {
    subscriber: s,
    locale: knownLocale(s.locale),
    links: { manage: links.manage, unsubscribe: links.unsubscribe },
    subscribedTo: { all: s.allComponents, names: followed.map((c) => c.name) },
  }
  if (ctx.type === 'quarantined') {
    // To the contact address: which endpoint stopped receiving, why, and how to start again.
    return {
      ...base,
      content: {
        kind: 'quarantined',
        endpoint: subscriptionName(s),
        error: ctx.error,
        subscribeUrl: `${mailPage(kit.deps.config).url}/subscribe`,
      },
    }
  }
  if (ctx.type === 'subscriber') {
    return {
      ...base,
      content: {
        kind: 'confirmation',
        confirmUrl: links.confirm,
        expiresAt: new Date(at.getTime() + CONFIRM_TTL_SECONDS * 1000).toISOString(),
      },
    }
  }
  const kind = ctx.route.kind
  const yours = yourServices({
    kind: ctx.record.kind,
    open: kind !== 'follow_up' && isOpenStatus(ctx.status),
    held: ctx.record.components,
    updates: ctx.record.updates,
    all: ctx.components,
    subscribed: s.allComponents ? 'all' : s.components,
  })
  // The reader's locale only when the text is in it too (core/message-locale.ts).
  const text = ctx.inLocale(base.locale)
  const locale = text.locale
  const compensation = ctx.compensation[locale] ?? []
  if (kind === 'follow_up') {
    const answers = await followUpLinks(
      kit.deps,
      { id: s.id, token_version: s.tokenVersion },
      ctx.record.id,
      at,
    )
    return {
      ...base,
      locale,
      content: { kind, record: text.view, answers, apology: text.apology, compensation, yours },
    }
  }
  return {
    ...base,
    locale,
    content: {
      kind,
      record: text.view,
      status: ctx.status,
      update: text.update,
      workaround: text.workaround,
      apology: text.apology,
      compensation,
      postmortem: text.postmortem,
      notice: ctx.notice,
      yours,
    },
  }
}
