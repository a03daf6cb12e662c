import { signToken } from '../../core/signed-token.ts'
import type { Deps } from '../deps.ts'
import { signingSecret } from './secrets.ts'

export const CONFIRM_TTL_SECONDS = 7 * 24 * 3600

export interface LinkSubject {
  id: string
  token_version: number
}

/**
 * The signed links an email carries for one subscriber. Confirmation links expire after 7 days;
 * manage and unsubscribe links last until the subscriber's token_version changes.
 */
export async function subscriberLinks(deps: Deps, s: LinkSubject) {
  const secret = await signingSecret(deps)
  const now = Math.floor(deps.clock.now().getTime() / 1000)
  const base = deps.config.siteUrl
  const sign = (p: 'confirm' | 'manage' | 'unsubscribe', e: number) => signToken(secret, { p, s: s.id, v: s.token_version, e })
  return {
    confirm: `${base}/confirm/${await sign('confirm', now + CONFIRM_TTL_SECONDS)}`,
    manage: `${base}/manage/${await sign('manage', 0)}`,
    unsubscribe: `${base}/unsubscribe/${await sign('unsubscribe', 0)}`,
  }
}
