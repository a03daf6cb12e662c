import { createHmac, createSecretKey, type KeyObject } from 'node:crypto'
import type { TokenPayload } from '../../../core/signed-token.ts'
import type { Deps } from '../../deps.ts'
import { CONFIRM_TTL_SECONDS, type LinkSubject } from '../../services/links.ts'
import { signingSecret } from '../../services/secrets.ts'

/**
 * core/signed-token.ts's token, computed with node:crypto. WebCrypto's HMAC is asynchronous and
 * costs about 0.1 ms a call here; at 100,000 emails with two or three links each that is most of
 * a sending core, for the same bytes (tests/notifier/links.test.ts checks they are identical).
 */
export function signTokenSync(secret: string | KeyObject, payload: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

/**
 * api/services/links.ts's subscriberLinks for the notifier's hot path, signed as of `at` (the
 * event's time), so the same email rendered again carries the same links.
 */
export function createLinkSigner(deps: Deps) {
  const base = deps.config.siteUrl
  // A KeyObject made once: node:crypto checks a raw key's type on every call, at ~10 µs.
  let key: Promise<KeyObject> | null = null
  return async function linksFor(s: LinkSubject, at: Date, withConfirm: boolean) {
    const secret = await (key ??= signingSecret(deps).then((k) => createSecretKey(Buffer.from(k))))
    const sign = (p: 'confirm' | 'manage' | 'unsubscribe', e: number) =>
      signTokenSync(secret, { p, s: s.id, v: s.token_version, e })
    const now = Math.floor(at.getTime() / 1000)
    return {
      confirm: withConfirm ? `${base}/confirm/${sign('confirm', now + CONFIRM_TTL_SECONDS)}` : '',
      manage: `${base}/manage/${sign('manage', 0)}`,
      unsubscribe: `${base}/unsubscribe/${sign('unsubscribe', 0)}`,
    }
  }
}

export type LinkSigner = ReturnType<typeof createLinkSigner>
