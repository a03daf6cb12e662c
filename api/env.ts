import type { SignedIn } from './http/session.ts'
import type { Actor, WriteContext } from './services/write.ts'

/** Hono context variables set by middleware. */
export interface AppEnv {
  Variables: {
    actor: Actor
    idempotency: WriteContext['idempotency']
    /** The console's signed-in person and session (api/http/session.ts), when there is one. */
    signedIn?: SignedIn
    /** How many customer reports wait for an answer, read when a console page shows it. */
    inboxWaiting?: () => Promise<number>
  }
}
