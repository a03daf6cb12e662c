import type { Actor, WriteContext } from './services/write.ts'

/** Hono context variables set by middleware. */
export interface AppEnv {
  Variables: {
    actor: Actor
    idempotency: WriteContext['idempotency']
  }
}
