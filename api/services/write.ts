import { DomainError } from '../../core/errors.ts'
import type { Scope } from '../../core/schemas/token.ts'
import type { Statement } from '../../db/client.ts'
import {
  insertAudit,
  insertIdempotentResponse,
  insertOutbox,
  type OutboxEvent,
} from '../../db/journal.ts'
import type { Deps } from '../deps.ts'

const writesByDb = new WeakMap<object, number>()

/**
 * How many writes this process has committed to `db`: caches of public data compare it to know,
 * without a query, that something changed here (other processes' writes need a query).
 */
export function localWriteCount(db: object): number {
  return writesByDb.get(db) ?? 0
}

/** Who is writing: an API token, or the server itself (scheduler, seed, bootstrap). */
export interface Actor {
  id: string | null
  name: string
  scope: Scope
}

export const systemActor = (name: string): Actor => ({ id: null, name, scope: 'admin' })

export interface WriteContext {
  actor: Actor
  /** Present when the request carried an Idempotency-Key: the response is stored with the change. */
  idempotency?: { key: string; requestHash: string }
}

export interface Change<T> {
  statements: Statement[]
  action: string
  target: { type: string; id: string }
  events: OutboxEvent[]
  status: number
  body: T
  details?: unknown
}

/**
 * Commits a change as ONE atomic batch: the rows, the audit entry, the outbox events and (for an
 * idempotent request) the response that a retry will get. Either all of it is written or none.
 */
export async function commit<T>(deps: Deps, ctx: WriteContext, change: Change<T>): Promise<T> {
  const at = deps.clock.now().toISOString()
  const statements: Statement[] = [
    ...change.statements,
    insertAudit({
      at,
      actorId: ctx.actor.id,
      actorName: ctx.actor.name,
      action: change.action,
      targetType: change.target.type,
      targetId: change.target.id,
      details: change.details,
    }),
    ...change.events.map((e) => insertOutbox(e, at)),
  ]
  if (ctx.idempotency && ctx.actor.id) {
    statements.push(
      insertIdempotentResponse(
        ctx.actor.id,
        ctx.idempotency.key,
        {
          requestHash: ctx.idempotency.requestHash,
          statusCode: change.status,
          response: JSON.stringify(change.body),
        },
        at,
      ),
    )
  }
  try {
    await deps.db.batch(statements, 'write')
  } catch (err) {
    if (/idempotency_keys/.test((err as Error).message)) {
      throw new DomainError(
        'conflict',
        'idempotency_key_in_use',
        'Another request with this Idempotency-Key was processed at the same time; retry to get its response',
      )
    }
    throw err
  }
  writesByDb.set(deps.db, localWriteCount(deps.db) + 1)
  deps.afterCommit?.()
  return change.body
}
