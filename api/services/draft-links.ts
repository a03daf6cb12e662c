import { signToken, verifyToken } from '../../core/signed-token.ts'
import type { Deps } from '../deps.ts'
import { signingSecret } from './secrets.ts'

/** How long a "publish as is" link works: the alert it answers is stale after a day. */
export const DRAFT_LINK_TTL_SECONDS = 24 * 3600

/** Where the on-call's one-click page lives (outside /admin/: it needs no sign-in). */
export const DRAFT_LINK_PATH = '/on-call/drafts/'

/** The console's page of a draft, for the nudge's second link. */
export const draftConsoleUrl = (deps: Deps, draftId: string) =>
  `${deps.config.siteUrl}/admin/drafts/${draftId}`

/**
 * The signed "publish as is" link of a draft, issued as of `issuedAt` (the nudge event's time, so
 * a retried mail carries the same link) and expiring 24 h later. The signature is the secret: the
 * draft id in it is not, and nothing is stored per link.
 */
export async function draftPublishLink(
  deps: Deps,
  draftId: string,
  issuedAt: Date,
): Promise<{ url: string; expiresAt: string }> {
  const e = Math.floor(issuedAt.getTime() / 1000) + DRAFT_LINK_TTL_SECONDS
  const token = await signToken(await signingSecret(deps), {
    p: 'draft_publish',
    s: draftId,
    v: 0,
    e,
  })
  return {
    url: `${deps.config.siteUrl}${DRAFT_LINK_PATH}${token}`,
    expiresAt: new Date(e * 1000).toISOString(),
  }
}

/** The draft id a link is for, or null when it is forged, altered or expired. */
export async function openDraftLink(deps: Deps, token: string): Promise<string | null> {
  const payload = await verifyToken(
    await signingSecret(deps),
    token,
    'draft_publish',
    deps.clock.now(),
  )
  return payload?.s ?? null
}
