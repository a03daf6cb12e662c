import type { Context, MiddlewareHandler } from 'hono'
import type { Clock } from '../../core/clock.ts'
import type { Deps } from '../deps.ts'
import { DomainError } from '../../core/errors.ts'

/**
 * Thank-yous for a report, per recipient address: the report form takes any address, so without
 * this anyone could have us mail a stranger again and again. Enforced by the mail fan-out in the
 * database (db/deliveries.ts), which holds across processes; reports are stored regardless.
 */
export const THANK_YOU_QUOTA = { perHour: 1, perDay: 3 } as const

/**
 * Confirmation requests, per recipient address: the subscribe form takes any address too, so the
 * same bound, enforced the same way. The address is counted without its +tag (db/deliveries.ts).
 */
export const CONFIRMATION_QUOTA = { perHour: 1, perDay: 3 } as const

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number }

export interface RateLimiter {
  /** Counts one attempt for `key` unless it is over the limit; a refused attempt is not counted. */
  take(key: string): Take
}

/**
 * A sliding-window limiter held in memory: `limit` attempts per key in any `windowMs`. It lives
 * in one process (one Worker isolate), which is enough to stop one client from using the public
 * form as a mail cannon; it is not a global quota. At most `maxKeys` keys are kept, so a flood of
 * addresses cannot exhaust memory.
 */
export function createRateLimiter(opts: {
  limit: number
  windowMs: number
  clock: Clock
  maxKeys?: number
}): RateLimiter {
  const hits = new Map<string, number[]>()
  const maxKeys = opts.maxKeys ?? 10_000

  function sweep(now: number) {
    for (const [key, times] of hits) {
      if (times.every((t) => t <= now - opts.windowMs)) hits.delete(key)
    }
  }

  return {
    take(key) {
      const now = opts.clock.now().getTime()
      const recent = (hits.get(key) ?? []).filter((t) => t > now - opts.windowMs)
      if (recent.length >= opts.limit) {
        hits.set(key, recent)
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + opts.windowMs - now) / 1000)),
        }
      }
      if (!hits.has(key) && hits.size >= maxKeys) {
        sweep(now)
        // Still full: forget the key that was inserted first (Map keeps insertion order).
        if (hits.size >= maxKeys) hits.delete(hits.keys().next().value!)
      }
      hits.delete(key)
      hits.set(key, [...recent, now])
      return { ok: true }
    },
  }
}

/**
 * The client's address, for rate limiting. On Cloudflare (the request has `cf`) it is
 * CF-Connecting-IP, which Cloudflare sets and clients cannot forge there. On Node the socket is
 * the truth; behind a proxy the operator names (TRUST_PROXY) it is the right-most X-Forwarded-For
 * entry, the one that proxy appended: every other forwarding header, CF-Connecting-IP included,
 * passes an ordinary reverse proxy untouched and is anyone's to forge. Without any of these, every
 * such request shares one bucket: safer than letting a missing address skip the limit.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if ((c.req.raw as { cf?: unknown }).cf) {
    const cf = c.req.header('cf-connecting-ip')?.trim()
    if (cf) return cf
  }
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded
  }
  return socketAddress(c.env) ?? 'unknown'
}

/** @hono/node-server passes `{ incoming, outgoing }` as the env; elsewhere it is something else. */
function socketAddress(env: unknown): string | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined
  const incoming = env.incoming
  if (typeof incoming !== 'object' || incoming === null || !('socket' in incoming)) return undefined
  const socket = incoming.socket
  if (typeof socket !== 'object' || socket === null || !('remoteAddress' in socket))
    return undefined
  return typeof socket.remoteAddress === 'string' ? socket.remoteAddress : undefined
}

/**
 * The key an address is limited under: IPv4 as is; IPv6 by its /64, because one host usually
 * holds a whole /64 and could otherwise rotate through billions of addresses.
 */
export function ipKey(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)
  if (v4) return v4[1]!
  if (!ip.includes(':')) return ip
  const [head = '', tail] = ip.split('%')[0]!.split('::')
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups =
    tail === undefined
      ? h
      : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

/** Refuses (429 with Retry-After, nothing written) once the client's address is over the limit. */
export function limitByClientIp(limiter: RateLimiter, trustProxy: boolean): MiddlewareHandler {
  return async (c, next) => {
    const taken = limiter.take(ipKey(clientIp(c, trustProxy)))
    if (!taken.ok) {
      c.header('Retry-After', String(taken.retryAfterSeconds))
      const minutes = Math.ceil(taken.retryAfterSeconds / 60)
      throw new DomainError(
        'rate_limited',
        'rate_limited',
        `Too many subscription requests from your network; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      )
    }
    await next()
  }
}

/**
 * One in-memory limiter of `limit` attempts per minute per app (its Deps), made on first use and
 * shared by every route of that app; per process (per Worker isolate), like any in-memory limit.
 */
export function limiterPerApp(limit: number): (deps: Deps) => RateLimiter {
  const made = new WeakMap<Deps, RateLimiter>()
  return (deps) => {
    let limiter = made.get(deps)
    if (!limiter) {
      limiter = createRateLimiter({ limit, windowMs: 60_000, clock: deps.clock })
      made.set(deps, limiter)
    }
    return limiter
  }
}
