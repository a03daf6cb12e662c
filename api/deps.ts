import type { Clock } from '../core/clock.ts'
import type { Db } from '../db/client.ts'
import type { Config } from './config.ts'
import type { Health } from './health.ts'
import type { CheckProbes } from './jobs/checks.ts'
import type { Logger } from './log.ts'

/** Everything a route, service or job needs, injected once so tests can replace any part. */
export interface Deps {
  db: Db
  clock: Clock
  config: Config
  log: Logger
  /** The parts of a Node server and how they are doing (for /healthz); absent in a Worker. */
  health?: Health
  /**
   * Every address a host name resolves to (Node: DNS), for checking URLs people give when they are
   * given; absent where names cannot be resolved (a Worker), which leaves it to connect time.
   */
  resolveHost?: (host: string) => Promise<string[]>
  /** Opens connections for HTTP and TCP checks (Node); absent: only heartbeats are judged. */
  probes?: CheckProbes
  /** Called after every committed write (the Node server kicks the publisher here). */
  afterCommit?: () => void
}
