import {
  CHANNEL_LABELS,
  CHANNELS,
  endpointUrl,
  isChatChannel,
  targetKey,
  type ChannelName,
} from '../../core/channels.ts'
import { DomainError } from '../../core/errors.ts'
import type { SubscriptionInput } from '../../core/schemas/subscription.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import {
  emailChannelFields,
  findSubscriberByEmail,
  findSubscriberByTargetKey,
  type SubscriberRecord,
} from '../../db/subscribers.ts'
import type { Config } from '../config.ts'
import type { Deps } from '../deps.ts'
import { checkOutboundTarget } from './outbound-target.ts'

/**
 * Where a subscription is reached, one place for the public request and the admin's create: the
 * channel must be offered, a URL must be one we may call (checked and normalised, so every
 * spelling of an endpoint is one subscription), a number is already E.164 (the schema).
 */

/** The channels people may subscribe with here: SUBSCRIBE_CHANNELS, SMS only with a provider. */
export function enabledChannels(config: Config): ChannelName[] {
  return CHANNELS.filter((c) => config.channels.includes(c) && (c !== 'sms' || !!config.sms))
}

/** The channel fields of a subscriber: the address and its unique key. */
export type Endpoint = Pick<
  SubscriberRecord,
  'channel' | 'email' | 'email_normalized' | 'target' | 'target_key'
>

export async function resolveEndpoint(deps: Deps, input: SubscriptionInput): Promise<Endpoint> {
  if (!enabledChannels(deps.config).includes(input.channel)) {
    const message =
      input.channel === 'sms' && deps.config.channels.includes('sms')
        ? 'Text messages are not available here (no SMS provider is configured)'
        : `${CHANNEL_LABELS[input.channel]} subscriptions are not offered here`
    throw new DomainError('unprocessable', 'channel_disabled', message, [
      { path: 'channel', message },
    ])
  }
  if (input.channel === 'email') {
    const { channel, email, email_normalized, target, target_key } = emailChannelFields(input.email)
    return { channel, email, email_normalized, target, target_key }
  }
  if (input.channel === 'sms') {
    return {
      channel: 'sms',
      email: input.email,
      email_normalized: null,
      target: input.phone,
      target_key: targetKey('sms', input.phone),
    }
  }
  const url = endpointUrl(new URL(await checkOutboundTarget(deps, input.url, 'url')))
  return {
    channel: input.channel,
    email: input.email,
    email_normalized: null,
    target: url,
    target_key: targetKey(input.channel, url),
  }
}

/** The subscriber already at this endpoint, whatever its status. */
export function findByEndpoint(deps: Deps, e: Endpoint): Promise<SubscriberRecord | null> {
  return e.channel === 'email'
    ? findSubscriberByEmail(deps.db, e.email_normalized ?? '')
    : findSubscriberByTargetKey(deps.db, e.target_key ?? '')
}

/**
 * Where the confirmation request goes: a mailbox is asked itself; a webhook through its contact
 * address (a machine cannot click); a chat channel through its contact address when one is
 * given, else by a message with the link in the channel; a phone by a texted code.
 */
export function confirmVia(e: Endpoint): ChannelName | null {
  if (e.channel === 'email') return null
  if (e.channel === 'webhook') return 'email'
  if (isChatChannel(e.channel)) return e.email ? 'email' : e.channel
  return 'sms'
}

/** A duplicate endpoint that lost a race to the UNIQUE index (another request made it first). */
export function isDuplicateEndpoint(err: unknown): boolean {
  return /UNIQUE.*(email_normalized|target_key)/i.test((err as Error).message)
}

// Outbox payloads and audit details carry the random id only, never the address: deleting a
// subscriber must leave nothing personal behind in the append-only tables.
export const subscriberEvent = (type: string, id: string): OutboxEvent => ({
  type,
  aggregateType: 'subscriber',
  aggregateId: id,
  payload: { subscriber_id: id },
})

export const subscriberTarget = (id: string) => ({ type: 'subscriber', id })
