import { subscriptionName } from '../../core/channels.ts'
import { DomainError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type { Subscriber, SubscriberCreate } from '../../core/schemas/subscription.ts'
import {
  getSubscriber,
  insertSubscriber,
  toSubscriber,
  updateSubscriber,
  type SubscriberRecord,
  newSubscriberState,
} from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import { loadComponents } from './component-status.ts'
import { newWebhookSecret, sealSecret } from './secret-box.ts'
import {
  confirmVia,
  findByEndpoint,
  isDuplicateEndpoint,
  resolveEndpoint,
  subscriberEvent,
  subscriberTarget,
  type Endpoint,
} from './subscriber-endpoint.ts'
import { commit, retryOnConflict, type WriteContext } from './write.ts'

/** A subscriber staff just made; a webhook's `signing_secret` is in this answer and nowhere else. */
export type CreatedSubscriber = Subscriber & { signing_secret?: string }

// The stored replay of an idempotent request must not hold the secret (as for API tokens).
const SHOWN_ONCE = '(shown once; rotate the secret to get a new one)'

const fieldOf = (e: Endpoint) =>
  e.channel === 'email' ? 'email' : e.channel === 'sms' ? 'phone' : 'url'

const exists = (e: Endpoint, s: { id: string; status: string } | null) => {
  const message = s
    ? `Already a subscriber (${s.id}, ${s.status}): ${subscriptionName(e)}`
    : `Already a subscriber: ${subscriptionName(e)}`
  return new DomainError('conflict', 'subscriber_exists', message, [{ path: fieldOf(e), message }])
}

/**
 * A confirmed subscriber of any channel, made by staff who vouch for the consent (moving from
 * another status page, a customer's request by phone): no confirmation is asked. The endpoint is
 * checked as the public form checks it; one that is already subscribed, in any status, is a 409
 * (an unsubscribed one opted out: only they may come back).
 */
export async function createSubscriber(
  deps: Deps,
  ctx: WriteContext,
  input: SubscriberCreate,
): Promise<CreatedSubscriber> {
  const chosen = [...new Set(input.components ?? [])]
  await loadComponents(deps.db, chosen, 'components')
  const endpoint = await resolveEndpoint(deps, input)
  const existing = await findByEndpoint(deps, endpoint)
  if (existing) throw exists(endpoint, existing)
  const plain = endpoint.channel === 'webhook' ? newWebhookSecret() : null
  const at = deps.clock.now().toISOString()
  const s: SubscriberRecord = {
    id: newId(),
    ...endpoint,
    secret: plain ? await sealSecret(deps, plain) : null,
    confirm_via: confirmVia(endpoint),
    locale: input.locale,
    all_components: chosen.length === 0,
    components: chosen,
    ...newSubscriberState('confirmed', at),
  }
  const shown = toSubscriber(s)
  try {
    await commit(deps, ctx, {
      statements: insertSubscriber(s),
      action: 'subscriber.create',
      target: subscriberTarget(s.id),
      events: [subscriberEvent('subscriber.confirmed', s.id)],
      status: 201,
      body: plain ? { ...shown, signing_secret: SHOWN_ONCE } : shown,
      details: {
        channel: s.channel,
        components: chosen.length ? chosen : 'all',
        locale: s.locale,
        confirmed_by: 'staff',
      },
    })
  } catch (err) {
    if (isDuplicateEndpoint(err)) throw exists(endpoint, null)
    throw err
  }
  return plain ? { ...shown, signing_secret: plain } : shown
}

/**
 * A new signing secret for a webhook subscriber, answered once; the old one stops signing at
 * once (calls still queued are signed with the new one).
 */
export function rotateSecret(
  deps: Deps,
  ctx: WriteContext,
  id: string,
): Promise<{ id: string; signing_secret: string }> {
  return retryOnConflict(deps, async () => {
    const s = await getSubscriber(deps.db, id)
    if (!s) throw notFound('subscriber', id)
    if (s.channel !== 'webhook')
      throw new DomainError(
        'conflict',
        'not_a_webhook',
        `Only webhook subscribers have a signing secret; this one is ${s.channel}`,
      )
    const plain = newWebhookSecret()
    await commit(deps, ctx, {
      statements: updateSubscriber({ ...s, secret: await sealSecret(deps, plain) }, false),
      action: 'subscriber.rotate_secret',
      target: subscriberTarget(s.id),
      events: [subscriberEvent('subscriber.secret_rotated', s.id)],
      status: 200,
      body: { id: s.id, signing_secret: SHOWN_ONCE },
    })
    return { id: s.id, signing_secret: plain }
  })
}
