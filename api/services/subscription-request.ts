import type { ChannelName } from '../../core/channels.ts'
import { newId } from '../../core/ids.ts'
import type { SubscriptionInput } from '../../core/schemas/subscription.ts'
import type { Statement } from '../../db/client.ts'
import {
  insertSubscriber,
  newSubscriberState,
  updateSubscriber,
  type SubscriberRecord,
} from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import { loadComponents } from './component-status.ts'
import { newWebhookSecret, sealSecret } from './secret-box.ts'
import { codeToken } from './sms-confirmation.ts'
import {
  confirmVia,
  findByEndpoint,
  isDuplicateEndpoint,
  resolveEndpoint,
  subscriberEvent,
  subscriberTarget,
} from './subscriber-endpoint.ts'
import { commit, retryOnConflict, systemActor, type WriteContext } from './write.ts'

/**
 * A new confirmation request for an endpoint within this interval changes nothing. The requests
 * themselves are bounded per endpoint by CONFIRMATION_QUOTA, in the fan-out (db/deliveries.ts).
 */
export const CONFIRMATION_INTERVAL_MS = 10 * 60_000

/** Writes made through the public form and the links we send: the subscriber is the actor. */
export const SELF_SERVICE: WriteContext = { actor: systemActor('subscriber') }

export interface SubscribeAccepted {
  status: 'pending_confirmation'
  message: string
  /** SMS only: the token of the code form (send it with the texted code to confirm-code). */
  code_token?: string
}

/** The one answer to every accepted email subscription, whatever state the address is in. */
export const SUBSCRIBE_ACCEPTED = {
  status: 'pending_confirmation',
  message: 'If this address can receive mail, a confirmation link is on its way.',
} as const

/** What happens next, by where the confirmation goes: the same words for every state. */
function acceptedMessage(channel: ChannelName, via: ChannelName | null): string {
  if (channel === 'email') return SUBSCRIBE_ACCEPTED.message
  if (via === 'email')
    return 'If the contact address can receive mail, a confirmation link is on its way to it.'
  if (via === 'sms')
    return 'If this number can receive text messages, a 6-digit code is on its way: send it with code_token to POST /api/v1/subscriptions/confirm-code.'
  return 'If the webhook URL works, a message with a confirmation link is on its way to its channel.'
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)]

/**
 * Double opt-in, for every channel. Creates or reuses a pending subscriber and asks the notifier
 * for one confirmation request (an email, a chat message with the link, a text with a code), at
 * most one per endpoint per 10 minutes. The caller gets the same answer for every state of the
 * endpoint (new, pending, confirmed, unsubscribed, quarantined), and every path does the same
 * reads and exactly one write batch (an audit row at least), so neither the answer nor its timing
 * tells whether the endpoint was known. A confirmed subscription is never changed from here: a
 * stranger can type anyone's address, number or URL.
 */
export async function requestSubscription(
  deps: Deps,
  ctx: WriteContext,
  input: SubscriptionInput,
): Promise<SubscribeAccepted> {
  const chosen = unique(input.components ?? [])
  await loadComponents(deps.db, chosen, 'components')
  const endpoint = await resolveEndpoint(deps, input)
  const via = confirmVia(endpoint)
  const answer: SubscribeAccepted = {
    status: 'pending_confirmation',
    message: acceptedMessage(endpoint.channel, via),
  }
  return retryOnConflict(deps, async () => {
    const now = deps.clock.now()
    const at = now.toISOString()
    const existing = await findByEndpoint(deps, endpoint)
    // Made for every request (the same work whatever the state); kept only by a fresh opt-in.
    // Shown once, when the contact confirms (subscriptions.confirm).
    const secret =
      endpoint.channel === 'webhook' ? await sealSecret(deps, newWebhookSecret()) : null
    const choice = { all_components: chosen.length === 0, components: chosen, locale: input.locale }
    const details = {
      channel: endpoint.channel,
      components: chosen.length ? chosen : 'all',
      locale: input.locale,
    }
    // Whoever asks again gets fresh tries at the code (the code itself changes only with a new
    // text, after the interval). Nothing else of a known number changes.
    const again = (s: SubscriberRecord, action: string) => {
      const after = { ...s, confirm_attempts: 0 }
      const statements = s.confirm_attempts > 0 ? updateSubscriber(after, false) : []
      return { s: after, statements, action, request: false }
    }
    let change: { s: SubscriberRecord; statements: Statement[]; action: string; request: boolean }
    if (!existing) {
      const s: SubscriberRecord = {
        id: newId(),
        ...endpoint,
        secret,
        confirm_via: via,
        ...choice,
        ...newSubscriberState('pending', at),
      }
      change = { s, statements: insertSubscriber(s), action: 'subscriber.create', request: true }
    } else if (existing.status === 'quarantined') {
      // The endpoint failed for good: never contact it again from this form, and answer exactly
      // as for any other, so the form does not reveal that it failed.
      change = again(existing, 'subscriber.subscribe_quarantined')
    } else if (existing.status === 'confirmed') {
      // Nothing changes without the owner's consent, and nothing is sent: a stranger must not be
      // able to change a subscription or have us write to it at will. Every message the
      // subscriber gets carries a manage link for that.
      change = again(existing, 'subscriber.subscribe_repeated')
    } else if (
      existing.confirmation_sent_at &&
      now.getTime() - new Date(existing.confirmation_sent_at).getTime() < CONFIRMATION_INTERVAL_MS
    ) {
      // Silently, not 429: a refusal would tell a stranger that someone just subscribed this.
      change = again(existing, 'subscriber.confirmation_throttled')
    } else {
      // Pending or unsubscribed: a fresh opt-in, with the choices (and contact) made just now.
      const s: SubscriberRecord = {
        ...existing,
        ...choice,
        email: endpoint.email,
        secret,
        confirm_via: via,
        confirm_attempts: 0,
        status: 'pending',
        confirmed_at: null,
        unsubscribed_at: null,
        confirmation_sent_at: at,
      }
      change = {
        s,
        statements: updateSubscriber(s, true),
        action: 'subscriber.resubscribe',
        request: true,
      }
    }
    const body =
      endpoint.channel === 'sms'
        ? { ...answer, code_token: await codeToken(deps, change.s) }
        : answer
    try {
      await commit(deps, ctx, {
        statements: change.statements,
        action: change.action,
        target: subscriberTarget(change.s.id),
        events: change.request
          ? [subscriberEvent('subscriber.confirmation_requested', change.s.id)]
          : [],
        status: 202,
        body,
        details,
      })
    } catch (err) {
      // Another process created this endpoint a moment ago; its request sends the one message.
      if (!isDuplicateEndpoint(err)) throw err
    }
    return body
  })
}
