import { targetKey } from '../../core/channels.ts'
import { normalizePhone } from '../../core/phone.ts'
import { findSubscriberByTargetKey } from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import { endSubscription } from './subscriptions.ts'
import { retryOnConflict, systemActor, type WriteContext } from './write.ts'

/** Opt-outs the SMS provider reports are its doing in the audit log, not the subscriber's. */
export const SMS_PROVIDER: WriteContext = { actor: systemActor('SMS provider') }

/**
 * How the provider told us a number opted out: a reply (STOP and its kin), error 21610 in a status
 * callback, or 21610 refusing a text we sent.
 */
export type OptOutVia = 'reply' | 'status_callback' | 'send_refused'

/**
 * Ends the text subscription of `phone` (as the provider gives it, E.164), the way the link in a
 * message would (subscriptions.ts endSubscription). Returns whether a subscription ended: false
 * for a number with none, or one already ended. Pending subscriptions end too (a STOP answered
 * to the confirmation code).
 */
export async function smsOptOut(deps: Deps, phone: string, via: OptOutVia): Promise<boolean> {
  // The provider gives E.164, the form numbers are stored in; it is taken as it is, so an opt-out
  // never fails on what the numbering plan now says of the number (its type, its validity).
  const e164 = /^\+[1-9][0-9]{1,14}$/.test(phone) ? phone : normalizePhone(phone)
  if (typeof e164 !== 'string' && !e164.ok) return false
  const key = targetKey('sms', typeof e164 === 'string' ? e164 : e164.e164)
  return retryOnConflict(deps, async () => {
    const s = await findSubscriberByTargetKey(deps.db, key)
    if (!s || s.status === 'unsubscribed') return false
    await endSubscription(deps, SMS_PROVIDER, s, { via })
    return true
  })
}
