import { DomainError } from '../../core/errors.ts'
import { hmacBase64url, signToken, verifyToken } from '../../core/signed-token.ts'
import { getSubscriber, updateSubscriber, type SubscriberRecord } from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import { signingSecret } from './secrets.ts'
import { MAX_CODE_ATTEMPTS, sameCode, smsConfirmCode } from './sms-code.ts'
import { subscriberEvent, subscriberTarget } from './subscriber-endpoint.ts'
import { commit, retryOnConflict, type WriteContext } from './write.ts'

/**
 * The second half of an SMS subscription: the person types the 6-digit code we texted. The code
 * form carries a signed, short-lived token naming the pending subscription and the request it
 * answers; a token is worth nothing without the code, and a code nothing without its token.
 */

/** How long a code form works: a text arrives in seconds, a person may take a while. */
export const CODE_TOKEN_TTL_S = 30 * 60

/**
 * Which request a token answers, opaque: a new code (a request after the 10-minute interval) or
 * an unsubscribe makes older tokens stop working. Derived from the signing key, never stored.
 */
type RequestOf = Pick<SubscriberRecord, 'id' | 'token_version' | 'confirmation_sent_at'>

async function requestTag(deps: Deps, s: RequestOf): Promise<string> {
  const mac = await hmacBase64url(
    await signingSecret(deps),
    `sms-request.${s.id}.${s.token_version}.${s.confirmation_sent_at ?? ''}`,
  )
  return mac.slice(0, 22)
}

/**
 * The token of the code form for the request just made. Every request gets one, whatever the
 * number's state, and they look alike (the version slot is always 0), so the answer to a request
 * says nothing about the number: a known or quarantined number's token only ever meets wrong codes.
 */
export async function codeToken(deps: Deps, s: RequestOf): Promise<string> {
  return signToken(await signingSecret(deps), {
    p: 'sms_code',
    s: s.id,
    v: 0,
    e: Math.floor(deps.clock.now().getTime() / 1000) + CODE_TOKEN_TTL_S,
    x: await requestTag(deps, s),
  })
}

/** Just checks a code form's token (signature and age), for showing the form; null when invalid. */
export async function codeTokenValid(deps: Deps, token: string): Promise<boolean> {
  return !!(await verifyToken(await signingSecret(deps), token, 'sms_code', deps.clock.now()))
}

export type CodeResult =
  /** The code confirmed the subscription just now. */
  | { status: 'confirmed'; subscriber: SubscriberRecord }
  /** The right code again for a subscription it already confirmed (a resent form). */
  | { status: 'already_confirmed'; subscriber: SubscriberRecord }

const badToken = () =>
  new DomainError(
    'invalid',
    'code_token_invalid',
    'This code form has expired or belongs to an older request: subscribe again to get a new code',
    [{ path: 'token', message: 'Expired, replaced by a newer request, or not ours' }],
  )

const tooMany = () =>
  new DomainError(
    'conflict',
    'too_many_attempts',
    `${MAX_CODE_ATTEMPTS} wrong codes: subscribe again for more tries (and, once the last text is 10 minutes old, a new code)`,
  )

/**
 * Checks a typed code. At most MAX_CODE_ATTEMPTS wrong codes per request, counted in the row
 * (compare-and-set on its version, so attempts racing each other are all counted); the one that
 * reaches the limit and every later one are refused until a new request. A wrong code writes its
 * count and an audit row, then answers 400 `wrong_code` naming the tries left.
 */
export function confirmCode(
  deps: Deps,
  ctx: WriteContext,
  token: string,
  code: string,
): Promise<CodeResult> {
  return retryOnConflict(deps, async () => {
    const payload = await verifyToken(
      await signingSecret(deps),
      token,
      'sms_code',
      deps.clock.now(),
    )
    if (!payload?.x) throw badToken()
    const s = await getSubscriber(deps.db, payload.s)
    if (!s || s.confirm_via !== 'sms' || payload.x !== (await requestTag(deps, s))) throw badToken()
    if (s.confirm_attempts >= MAX_CODE_ATTEMPTS) throw tooMany()
    // Known numbers go through the same steps as pending ones (no answer tells them apart); only
    // a pending subscription can become confirmed.
    const right = sameCode(code, await smsConfirmCode(deps, s))
    if (right && s.status === 'confirmed') return { status: 'already_confirmed', subscriber: s }
    if (right && s.status === 'pending') {
      const after: SubscriberRecord = {
        ...s,
        status: 'confirmed',
        confirmed_at: deps.clock.now().toISOString(),
        confirm_attempts: 0,
      }
      await commit(deps, ctx, {
        statements: updateSubscriber(after, false),
        action: 'subscriber.confirm',
        target: subscriberTarget(s.id),
        events: [subscriberEvent('subscriber.confirmed', s.id)],
        status: 200,
        body: null,
        details: { via: 'sms_code' },
      })
      return { status: 'confirmed', subscriber: after }
    }
    const attempts = s.confirm_attempts + 1
    await commit(deps, ctx, {
      statements: updateSubscriber({ ...s, confirm_attempts: attempts }, false),
      action: 'subscriber.code_rejected',
      target: subscriberTarget(s.id),
      events: [],
      status: 400,
      body: null,
      details: { attempts },
    })
    if (attempts >= MAX_CODE_ATTEMPTS) throw tooMany()
    const left = MAX_CODE_ATTEMPTS - attempts
    const message = `That code is not right: ${left} ${left === 1 ? 'try' : 'tries'} left`
    throw new DomainError('invalid', 'wrong_code', message, [{ path: 'code', message }])
  })
}
