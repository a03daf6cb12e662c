import type { Clock } from '../core/clock.ts'
import type { Db } from '../db/client.ts'
import type { Config } from './config.ts'
import type { Health } from './health.ts'
import type { Logger } from './log.ts'

/** Everything a route, service or job needs, injected once so tests can replace any part. */
export interface Deps {
  db: Db
  clock: Clock
  config: Config
  log: Logger
  /** Serialises read-compute-write sequences in this process (see services/write.ts). */
  writes: Mutex
  /** The parts of a Node server and how they are doing (for /healthz); absent in a Worker. */
  health?: Health
  /** Called after every committed write (the Node server kicks the publisher here). */
  afterCommit?: () => void
}

export interface Mutex {
  run<T>(fn: () => Promise<T>): Promise<T>
}

export function createMutex(): Mutex {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      const result = tail.then(fn, fn)
      tail = result.catch(() => {})
      return result
    },
  }
}
