import { newId } from '../../core/ids.ts'
import { hmacBase64url } from '../../core/signed-token.ts'
import type { Statement } from '../../db/client.ts'
import {
  insertUserLink,
  retireUserLinks,
  type LinkPurpose,
  type UserLink,
} from '../../db/user-links.ts'
import { hashToken } from '../auth.ts'
import type { Deps } from '../deps.ts'
import { signingSecret } from './secrets.ts'

/** How long each kind of link works: the first admin 24 h, an invitation 7 days, a reset 1 h. */
export const LINK_TTL_MS: Readonly<Record<LinkPurpose, number>> = {
  setup: 24 * 3_600_000,
  invite: 7 * 86_400_000,
  reset: 3_600_000,
}

/** Where each kind of link opens in the console. */
export const LINK_PATH: Readonly<Record<LinkPurpose, string>> = {
  setup: '/admin/setup/',
  invite: '/admin/invite/',
  reset: '/admin/reset/',
}

/** The shape of a link's secret in a URL (base64url HMAC-SHA256). */
export const LINK_SECRET = /^[A-Za-z0-9_-]{43}$/

/**
 * A link's secret is derived from its id with the signing key (api/services/secrets.ts), so
 * nothing that holds the link is stored: the row keeps only the secret's SHA-256, and the outbox
 * event that mails it keeps only the link id; the notifier derives the URL again when it renders
 * the email. With SIGNING_SECRET set outside the database, a copy of the database opens nothing.
 */
export async function linkSecret(deps: Deps, linkId: string): Promise<string> {
  return hmacBase64url(await signingSecret(deps), `user-link:${linkId}`)
}

/** The full URL of a link (shown once, mailed, or printed at start; never logged or stored). */
export async function linkUrl(deps: Deps, purpose: LinkPurpose, linkId: string): Promise<string> {
  return `${deps.config.siteUrl}${LINK_PATH[purpose]}${await linkSecret(deps, linkId)}`
}

/**
 * A new link for `userId` (null: the setup link), retiring the person's earlier unused links of
 * the same purpose (or every earlier setup link): only the latest one works.
 */
export async function newLink(
  deps: Deps,
  purpose: LinkPurpose,
  userId: string | null,
): Promise<{ link: UserLink; statements: Statement[] }> {
  const now = deps.clock.now()
  const link: UserLink = {
    id: newId(),
    purpose,
    user_id: userId,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + LINK_TTL_MS[purpose]).toISOString(),
    used_at: null,
  }
  const hash = await hashToken(await linkSecret(deps, link.id))
  return {
    link,
    statements: [retireUserLinks(purpose, userId, link.created_at), insertUserLink(link, hash)],
  }
}
