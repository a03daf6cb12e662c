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
  const sign = (p: 'confirm' | 'manage' | 'unsubscribe', e: number) =>
    signToken(secret, { p, s: s.id, v: s.token_version, e })
  return {
    confirm: `${base}/confirm/${await sign('confirm', now + CONFIRM_TTL_SECONDS)}`,
    manage: `${base}/manage/${await sign('manage', 0)}`,
    unsubscribe: `${base}/unsubscribe/${await sign('unsubscribe', 0)}`,
  }
}

/**
 * A subscriber's own maintenance calendar (GET /calendar/<token>.ics): calendar apps fetch it for
 * years, so it never expires; it stops working with the manage link (token_version).
 */
export async function calendarLink(deps: Deps, s: LinkSubject): Promise<string> {
  const secret = await signingSecret(deps)
  const token = await signToken(secret, { p: 'calendar', s: s.id, v: s.token_version, e: 0 })
  return `${deps.config.siteUrl}/calendar/${token}.ics`
}

export const FOLLOW_UP_TTL_SECONDS = 30 * 24 * 3600
export type FollowUpAnswer = 'all_good' | 'still_affected'

/**
 * One-click answers to a follow-up ("is everything working again?"): each link carries the
 * incident and the answer, signed for this subscriber. Opening it shows a page that records the
 * answer only when its form is submitted, so link scanners cannot answer for anyone.
 */
export async function followUpLinks(
  deps: Deps,
  s: LinkSubject,
  incidentId: string,
  issuedAt: Date,
) {
  const secret = await signingSecret(deps)
  const e = Math.floor(issuedAt.getTime() / 1000) + FOLLOW_UP_TTL_SECONDS
  const link = async (answer: FollowUpAnswer) =>
    `${deps.config.siteUrl}/follow-up/${await signToken(secret, { p: 'feedback', s: s.id, v: s.token_version, e, x: `${incidentId}:${answer}` })}`
  return { all_good: await link('all_good'), still_affected: await link('still_affected') }
}
