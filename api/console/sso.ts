import type { Context, Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { DomainError } from '../../core/errors.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { consoleCookie, endCurrentSession, startSession } from '../http/session.ts'
import {
  finishSso,
  SSO_CALLBACK_PATH,
  SSO_FLOW_TTL_MS,
  startSso,
  type OidcSettings,
} from '../services/oidc.ts'
import { clientIp, ipKey, limiterPerApp } from '../services/rate-limit.ts'
import { safeNext, signInPage } from './sign-in.ts'

/**
 * The browser's half of a sign-in in progress: a random key to its row in sso_flows (the state,
 * nonce and PKCE verifier stay on the server, and the row is deleted when read, so the cookie
 * works once). HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET, which
 * carries it), Secure and `__Host-` on https, like the session cookie.
 */
const FLOW_COOKIE = 'amends_sso'

/**
 * Sign-ins started per client address (IPv6: per /64) per minute. Each start stores a row for
 * ten minutes before anyone has proved anything; this bounds how fast one client can add them.
 * In memory, per process: a bound on a flood, not a global quota.
 */
export const SSO_STARTS_PER_MINUTE = 20
const startLimiter = limiterPerApp(SSO_STARTS_PER_MINUTE)

function oidcOf(deps: Deps): OidcSettings {
  const oidc = deps.config.oidc
  if (!oidc) throw new DomainError('not_found', 'not_found', 'There is no such page in the console')
  return oidc
}

const STATUS = { forbidden: 403, unavailable: 503, rate_limited: 429 } as const

/** A refusal, an unreachable provider, a flood: the sign-in page with the message. */
function refused(deps: Deps, c: Context<AppEnv>, err: unknown, next: string) {
  if (!(err instanceof DomainError) || !(err.kind in STATUS)) throw err
  const status = STATUS[err.kind as keyof typeof STATUS]
  return c.html(signInPage(deps, { next, error: err.message }), status)
}

/** GET /admin/sso/start and GET /admin/sso/callback (only when OIDC_ISSUER is configured). */
export function mountSso(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/sso/start', async (c) => {
    const oidc = oidcOf(deps)
    const next = safeNext(c.req.query('next'))
    if (c.get('signedIn')) return c.redirect(next, 303)
    try {
      const take = startLimiter(deps).take(ipKey(clientIp(c, deps.config.trustProxy)))
      if (!take.ok) {
        c.header('retry-after', String(take.retryAfterSeconds))
        throw new DomainError(
          'rate_limited',
          'rate_limited',
          `Too many sign-ins started from here; try again in ${take.retryAfterSeconds} seconds`,
        )
      }
      const { url, key } = await startSso(deps, oidc, next)
      const cookie = consoleCookie(deps, FLOW_COOKIE)
      setCookie(c, cookie.name, key, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: cookie.secure,
        prefix: cookie.prefix,
        path: '/',
        maxAge: SSO_FLOW_TTL_MS / 1000,
      })
      return c.redirect(url, 303)
    } catch (err) {
      return refused(deps, c, err, next)
    }
  })

  app.get(SSO_CALLBACK_PATH, async (c) => {
    const oidc = oidcOf(deps)
    const cookie = consoleCookie(deps, FLOW_COOKIE)
    const key = getCookie(c, cookie.name, cookie.prefix)
    deleteCookie(c, cookie.name, { path: '/', secure: cookie.secure, prefix: cookie.prefix })
    try {
      const { user, next } = await finishSso(deps, oidc, key, new URL(c.req.url).searchParams)
      // A new session on every sign-in: a session id planted before sign-in is never promoted.
      if (c.get('signedIn')) await endCurrentSession(deps, c)
      await startSession(deps, c, user, 'sso')
      return c.redirect(safeNext(next), 303)
    } catch (err) {
      return refused(deps, c, err, '/admin/')
    }
  })
}
