import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { DomainError } from '../../core/errors.ts'
import { sameBytes } from '../../core/same-bytes.ts'
import { newId, randomString } from '../../core/ids.ts'
import { ROLE_SCOPE, type Role, type User } from '../../core/schemas/user.ts'
import { insertAudit } from '../../db/journal.ts'
import {
  endSession,
  findOpenSession,
  insertSession,
  touchSession,
  type SessionRow,
} from '../../db/sessions.ts'
import { hashToken, RANK } from '../auth.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { displayName, type Actor } from '../services/write.ts'

/** A session ends after 12 h without a request, and 30 days after sign-in whatever happens. */
export const SESSION_IDLE_MS = 12 * 3_600_000
export const SESSION_ABSOLUTE_MS = 30 * 86_400_000
// last_seen_at is written at most this often per session: idle expiry needs minutes, not ms.
const TOUCH_EVERY_MS = 60_000

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/**
 * The console's cookies: on https `__Host-` prefixed (Secure, Path=/, no Domain: no subdomain can
 * set or read them); on plain http (a laptop) they cannot be, and are named without the prefix.
 */
export function consoleCookie(deps: Deps, name: string) {
  const secure = deps.config.siteUrl.startsWith('https:')
  return {
    name,
    secure,
    prefix: secure ? ('host' as const) : undefined,
  }
}

const cookieOptions = (deps: Deps) => consoleCookie(deps, 'amends_session')

/** How a person proved who they are; recorded with the sign-in in the audit log. */
export type SignInMethod = 'password' | 'sso'

export interface SignedIn {
  session: SessionRow
  user: User
}

/** The actor of a signed-in person: their display name, their role's scope, their address. */
export function personActor(user: User): Actor {
  return {
    id: user.id,
    name: displayName(user),
    scope: ROLE_SCOPE[user.role],
    person: { id: user.id, email: user.email },
  }
}

/**
 * Starts a session for `user` and sets its cookie (HttpOnly, SameSite=Lax, Secure on https). The
 * session and its `session.sign_in` audit entry (the person, how they signed in) are one batch.
 */
export async function startSession(
  deps: Deps,
  c: Context,
  user: User,
  method: SignInMethod = 'password',
): Promise<SessionRow> {
  const secret = randomString(43, BASE62)
  const at = deps.clock.now().toISOString()
  const session: SessionRow = {
    id: newId(),
    user_id: user.id,
    csrf_token: randomString(32, BASE62),
    created_at: at,
    last_seen_at: at,
  }
  const userAgent = (c.req.header('user-agent') ?? '').slice(0, 200) || null
  const actor = personActor(user)
  await deps.db.batch(
    [
      insertSession(session, await hashToken(secret), userAgent),
      insertAudit({
        at,
        actorId: actor.id,
        actorName: actor.name,
        actorEmail: user.email,
        actorUserId: user.id,
        action: 'session.sign_in',
        targetType: 'user',
        targetId: user.id,
        details: { method, session_id: session.id },
      }),
    ],
    'write',
  )
  const opts = cookieOptions(deps)
  setCookie(c, opts.name, secret, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: opts.secure,
    prefix: opts.prefix,
    path: '/',
    maxAge: SESSION_ABSOLUTE_MS / 1000,
  })
  return session
}

/** Ends the request's session (sign out) and clears its cookie. */
export async function endCurrentSession(deps: Deps, c: Context<AppEnv>): Promise<void> {
  const signedIn = c.get('signedIn')
  if (signedIn) {
    await deps.db.execute(endSession(signedIn.session.id, deps.clock.now().toISOString()))
  }
  const opts = cookieOptions(deps)
  deleteCookie(c, opts.name, { path: '/', secure: opts.secure, prefix: opts.prefix })
}

/**
 * Reads the session cookie: an open session of an active person, used within the idle and
 * absolute limits, becomes `signedIn` and the request's `actor`. An expired one is ended; a
 * disabled person's sessions are ended when they are disabled (services/people.ts) and refused
 * here in any case. Never refuses the request itself: pages decide (requirePerson).
 */
export function loadSession(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const opts = cookieOptions(deps)
    const secret = getCookie(c, opts.name, opts.prefix)
    if (secret && /^[0-9A-Za-z]{43}$/.test(secret)) {
      const found = await findOpenSession(deps.db, await hashToken(secret))
      const now = deps.clock.now()
      if (found) {
        const idle = now.getTime() - Date.parse(found.session.last_seen_at)
        const age = now.getTime() - Date.parse(found.session.created_at)
        if (idle > SESSION_IDLE_MS || age > SESSION_ABSOLUTE_MS) {
          await deps.db.execute(endSession(found.session.id, now.toISOString()))
        } else if (found.user.status === 'active') {
          c.set('signedIn', found)
          c.set('actor', personActor(found.user))
          if (idle > TOUCH_EVERY_MS) {
            await deps.db.execute(touchSession(found.session.id, now.toISOString()))
          }
        }
      }
    }
    await next()
  }
}

/**
 * Requires a signed-in person with at least `role`. Without a session, a GET is sent to the
 * sign-in page (and back afterwards); anything else is 401. A lower role is 403.
 */
export function requirePerson(role: Role = 'viewer'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const signedIn = c.get('signedIn')
    if (!signedIn) {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const url = new URL(c.req.url)
        return c.redirect(
          `/admin/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`,
          303,
        )
      }
      throw new DomainError('unauthorized', 'unauthorized', 'Your session has ended; sign in again')
    }
    if (RANK[ROLE_SCOPE[signedIn.user.role]] < RANK[ROLE_SCOPE[role]]) {
      throw new DomainError('forbidden', 'forbidden', `This needs the ${role} role`)
    }
    await next()
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The origins a console form may be posted from: the public address, and the one requested. */
function allowedOrigins(deps: Deps, c: Context): Set<string> {
  return new Set([new URL(deps.config.siteUrl).origin, new URL(c.req.url).origin])
}

const utf8 = (s: string) => new TextEncoder().encode(s)

/**
 * CSRF protection for every state-changing console request, in two independent layers: the
 * browser's `Origin` must be ours (a missing one is refused too: every current browser sends it
 * on a POST), and, once signed in, the form's `_csrf` field must be the session's token. Runs
 * after the form body is parsed (api/console/forms.ts readForm).
 */
export function checkCsrf(deps: Deps, c: Context<AppEnv>, form: Record<string, unknown>): void {
  if (!UNSAFE.has(c.req.method)) return
  const origin = c.req.header('origin')
  if (!origin || !allowedOrigins(deps, c).has(origin)) {
    throw new DomainError(
      'forbidden',
      'csrf_origin',
      'This form was sent from another site or without an Origin; open the page again and resend',
    )
  }
  const signedIn = c.get('signedIn')
  if (!signedIn) return
  const token = typeof form._csrf === 'string' ? form._csrf : ''
  if (!sameBytes(utf8(token), utf8(signedIn.session.csrf_token))) {
    throw new DomainError(
      'forbidden',
      'csrf_token',
      'This form is out of date (it belongs to another session); open the page again and resend',
    )
  }
}
