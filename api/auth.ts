import type { MiddlewareHandler } from 'hono'
import { DomainError } from '../core/errors.ts'
import { AlertSource } from '../core/schemas/alerts.ts'
import type { Scope } from '../core/schemas/token.ts'
import { ROLE_SCOPE } from '../core/schemas/user.ts'
import {
  credentialsVersion,
  findActiveTokenByHash,
  touchToken,
  type ActiveToken,
} from '../db/tokens.ts'
import { sourceOfTokenHash } from '../db/alert-rules.ts'
import type { Deps } from './deps.ts'
import type { AppEnv } from './env.ts'
import { displayName } from './services/write.ts'
import { clientIp, ipKey, limiterPerApp } from './services/rate-limit.ts'

export const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 }

type NodeCrypto = typeof import('node:crypto')
// Node's own SHA-256 where the runtime has it (no import: this file is in the Worker's bundle):
// Web Crypto's digest is asynchronous, a trip through the thread pool on every request.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined

/** SHA-256 hex of a token: tokens are long random strings, so a fast hash is enough. */
export async function hashToken(token: string): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash('sha256').update(token).digest('hex')
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

const TOUCH_EVERY_MS = 60_000

/** Tokens found valid, per database and credentials version; unknown tokens are never kept. */
const verified = new WeakMap<object, { version: number; byHash: Map<string, ActiveToken> }>()
const MAX_VERIFIED = 1_000

/**
 * The active token with this hash, remembered while the credentials version (one cached row,
 * bumped by triggers on every token or person change, in any process) is unchanged: the version
 * is read before the token, so a check never outlives a revocation, a demotion or a disabled
 * person. Saves the hash lookup's join on every request.
 */
async function findActiveToken(db: Deps['db'], hash: string): Promise<ActiveToken | null> {
  const version = await credentialsVersion(db)
  let cache = verified.get(db)
  if (cache?.version !== version) {
    cache = { version, byHash: new Map() }
    verified.set(db, cache)
  }
  const known = cache.byHash.get(hash)
  if (known) return known
  const found = await findActiveTokenByHash(db, hash)
  if (found) {
    if (cache.byHash.size >= MAX_VERIFIED) cache.byHash.clear()
    cache.byHash.set(hash, found)
  }
  return found
}

/**
 * The token from `Bearer <token>`; nothing else. Browsers reach staff pages through the console's
 * session, never with a token typed into a Basic-auth prompt.
 */
function presentedToken(header: string): string | null {
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? null
}

/** Failed token checks allowed per client address (IPv6: per /64) per minute. */
export const FAILED_TOKEN_CHECKS_PER_MINUTE = 20

// Shared by every route's guard of one app; per process, enough to make guessing a 32-byte
// token pointless.
const failureLimiter = limiterPerApp(FAILED_TOKEN_CHECKS_PER_MINUTE)

/**
 * Requires `Authorization: Bearer <token>` with at least `scope` (read < write < admin).
 * last_used_at is refreshed at most once a minute per token, and only after a successful call,
 * so failed requests write nothing. After too many unknown tokens from one address, that address's
 * unknown tokens get 429 with Retry-After until the minute has passed; its valid tokens still work.
 */
export function requireScope(deps: Deps, scope: Scope): MiddlewareHandler<AppEnv> {
  const lastTouched = new Map<string, number>()
  const failures = failureLimiter(deps)
  return async (c, next) => {
    const secret = presentedToken(c.req.header('authorization') ?? '')
    if (!secret) {
      throw new DomainError(
        'unauthorized',
        'unauthorized',
        'Send an API token as "Authorization: Bearer <token>"',
      )
    }
    // Look up first, count only failures: a valid token is never refused by the guessing limit,
    // so nobody can lock others out by guessing from (or on behalf of) their address.
    const found = await findActiveToken(deps.db, await hashToken(secret))
    if (!found) {
      const taken = failures.take(ipKey(clientIp(c, deps.config.trustProxy)))
      if (!taken.ok) {
        c.header('Retry-After', String(taken.retryAfterSeconds))
        throw new DomainError(
          'rate_limited',
          'rate_limited',
          `Too many unknown API tokens from your network; try again in ${taken.retryAfterSeconds} s`,
        )
      }
      throw new DomainError('unauthorized', 'unauthorized', 'The API token is unknown or revoked')
    }
    const { token, owner } = found
    // A personal token never does more than its person's role allows today.
    const granted =
      owner && RANK[ROLE_SCOPE[owner.role]] < RANK[token.scope]
        ? ROLE_SCOPE[owner.role]
        : token.scope
    if (RANK[granted] < RANK[scope]) {
      throw new DomainError(
        'forbidden',
        'forbidden',
        `This action needs a token with the ${scope} scope`,
      )
    }
    c.set(
      'actor',
      owner
        ? {
            id: token.id,
            name: displayName(owner),
            scope: granted,
            person: { id: owner.id, email: owner.email },
          }
        : { id: token.id, name: token.name, scope: token.scope },
    )
    await next()
    const now = deps.clock.now()
    if (c.res.status < 400 && now.getTime() - (lastTouched.get(token.id) ?? 0) > TOUCH_EVERY_MS) {
      lastTouched.set(token.id, now.getTime())
      await deps.db.execute(touchToken(token.id, now.toISOString())).catch(() => {})
    }
  }
}

const SOURCE_NAMES: Record<AlertSource, string> = {
  alertmanager: 'Alertmanager',
  grafana: 'Grafana',
  generic: 'Monitoring',
}

/**
 * A monitoring system's webhook (`/api/v1/alerts/{source}`): the source's own token (rotated with
 * `POST /api/v1/alert-sources/{source}/token`), as `Authorization: Bearer` or, for senders that
 * cannot set a header, as `?token=`; or any write-scope API token. Unknown tokens count against
 * the same guessing limit as API tokens.
 */
export function requireAlertSource(deps: Deps): MiddlewareHandler<AppEnv> {
  const byApiToken = requireScope(deps, 'write')
  const failures = failureLimiter(deps)
  return async (c, next) => {
    const source = AlertSource.safeParse(c.req.param('source'))
    if (!source.success) throw new DomainError('not_found', 'not_found', 'Unknown alert source')
    const header = c.req.header('authorization') ?? ''
    const secret = presentedToken(header) ?? c.req.query('token') ?? null
    if (secret && (await sourceOfTokenHash(deps.db, await hashToken(secret))) === source.data) {
      c.set('actor', { id: null, name: `${SOURCE_NAMES[source.data]} alerts`, scope: 'write' })
      return next()
    }
    // Not this source's token: an API token in the header may still be one.
    if (header) return byApiToken(c, next)
    const taken = secret
      ? failures.take(ipKey(clientIp(c, deps.config.trustProxy)))
      : ({ ok: true } as const)
    if (!taken.ok) {
      c.header('Retry-After', String(taken.retryAfterSeconds))
      throw new DomainError(
        'rate_limited',
        'rate_limited',
        'Too many unknown tokens from your network',
      )
    }
    throw new DomainError(
      'unauthorized',
      'unauthorized',
      secret
        ? 'The alert token is unknown; rotate one with POST /api/v1/alert-sources/{source}/token'
        : 'Send the source token as "Authorization: Bearer <token>" or ?token=, or a write API token',
    )
  }
}
