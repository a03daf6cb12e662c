import type { MiddlewareHandler } from 'hono'
import { DomainError } from '../core/errors.ts'
import { findIdempotentResponse } from '../db/journal.ts'
import { hashToken } from './auth.ts'
import type { Deps } from './deps.ts'
import type { AppEnv } from './env.ts'

const KEY = /^[\x21-\x7e]{1,255}$/

/**
 * `Idempotency-Key` on a POST: a retry with the same key and body replays the first response
 * (marked `Idempotent-Replayed: true`) and writes nothing; the same key with another body is an
 * error. The first response is stored by the write itself (services/write.ts), atomically.
 */
export function idempotency(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key')
    if (c.req.method !== 'POST' || key === undefined) return next()
    if (!KEY.test(key)) {
      throw new DomainError(
        'invalid',
        'invalid_idempotency_key',
        'Idempotency-Key must be 1–255 visible ASCII characters',
      )
    }
    const actor = c.get('actor')
    const requestHash = await hashToken(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)
    const stored = actor.id ? await findIdempotentResponse(deps.db, actor.id, key) : null
    if (stored) {
      if (stored.requestHash !== requestHash) {
        throw new DomainError(
          'conflict',
          'idempotency_key_reused',
          'This Idempotency-Key was already used for a different request',
        )
      }
      return new Response(stored.response, {
        status: stored.statusCode,
        headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
      })
    }
    c.set('idempotency', { key, requestHash })
    return next()
  }
}
