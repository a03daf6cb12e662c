import { DomainError } from '../../core/errors.ts'
import type { Scope } from '../../core/schemas/token.ts'
import type { Statement } from '../../db/client.ts'
import {
  insertAudit,
  insertIdempotentResponse,
  insertOutbox,
  type OutboxEvent,
} from '../../db/journal.ts'
import { isStaleWrite } from '../../db/versions.ts'
import type { Deps } from '../deps.ts'

const writesByDb = new WeakMap<object, number>()

/**
 * How many writes this process has committed to `db`: caches of public data compare it to know,
 * without a query, that something changed here (other processes' writes need a query).
 */
export function localWriteCount(db: object): number {
  return writesByDb.get(db) ?? 0
}

/**
 * Who is writing: a person (signed in, or through their personal token), a service token, or the
 * server itself (scheduler, seed, bootstrap). `id` is the credential (session person or token),
 * the key of stored idempotent responses; `name` is what customers and the audit see.
 */
export interface Actor {
  id: string | null
  name: string
  scope: Scope
  /** The person behind the write, when there is one. */
  person?: { id: string; email: string }
}

export const systemActor = (name: string): Actor => ({ id: null, name, scope: 'admin' })

/** How a person is named to customers and in the audit: their display name, else their address. */
export function displayName(u: { name: string | null; email: string }): string {
  return u.name ?? u.email
}

/**
 * How a write is signed where customers read it (a reply to their report): a person by their
 * display name and the page's team ("Ada Lovelace, Acme team"); anything else (a service token,
 * the server), and a person who has set no name (their address is no signature for a stranger),
 * as the page's team, never by a token's name ("deploy bot", "admin (first start)").
 */
export function customerSignature(actor: Actor, pageName: string): string {
  const named = actor.person && actor.name !== actor.person.email
  return named ? `${actor.name}, ${pageName} team` : `The ${pageName} team`
}

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
 * The audit details of an edit: the fields it sets, as before, and under `previous` what each
 * held until now, so the audit log can say what changed (from → to).
 */
export function editDetails(before: object, patch: object): Record<string, unknown> {
  const was = before as Record<string, unknown>
  const previous = Object.fromEntries(
    Object.entries(patch)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => [k, was[k] ?? null]),
  )
  return { ...patch, previous }
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
      actorEmail: ctx.actor.person?.email ?? null,
      actorUserId: ctx.actor.person?.id ?? null,
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
    if (isStaleWrite(err)) throw new StaleWrite(change.target)
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

/** A batch a guard aborted: a row changed after it was read. Nothing was written. */
export class StaleWrite extends Error {
  readonly target: { type: string; id: string }
  constructor(target: { type: string; id: string }) {
    super(`${target.type} ${target.id} changed while this write was computed`)
    this.name = 'StaleWrite'
    this.target = target
  }
}

/** Tries per write. Measured with 8 writers in flight on one incident over the remote protocol:
 * 6 tries left ~1 write in 8 with a 409, 8 tries 0–1 in 70. */
export const WRITE_ATTEMPTS = 8

/**
 * Runs a read-compute-write until it commits against what it read: on a StaleWrite it reads
 * again and recomputes, after a short random pause (so two writers do not collide in step),
 * at most WRITE_ATTEMPTS times in all; then 409 `write_conflict`, having written nothing. Correct for
 * every verb here: each states an intent (append an update, set these fields or statuses) that
 * is applied to whatever the row holds now, so re-applying it loses nobody's change.
 */
export async function retryOnConflict<T>(deps: Deps, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (err) {
      if (!(err instanceof StaleWrite)) throw err
      deps.log.info('write conflict', { target: err.target, attempt: n })
      if (n >= WRITE_ATTEMPTS) {
        throw new DomainError(
          'conflict',
          'write_conflict',
          `The ${err.target.type} kept changing while this request was applied (${WRITE_ATTEMPTS} attempts); nothing was written. Read it again and retry`,
          [{ path: err.target.type, message: `${err.target.id} changed concurrently` }],
        )
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** n))
    }
  }
}

/**
 * Commits rows that need no audit entry and no event (a repeated alert refreshing its signal):
 * one atomic batch, a guard's abort as a StaleWrite for retryOnConflict.
 */
export async function commitRows(
  deps: Deps,
  target: { type: string; id: string },
  statements: Statement[],
): Promise<void> {
  try {
    await deps.db.batch(statements, 'write')
  } catch (err) {
    if (isStaleWrite(err)) throw new StaleWrite(target)
    throw err
  }
  writesByDb.set(deps.db, localWriteCount(deps.db) + 1)
}
