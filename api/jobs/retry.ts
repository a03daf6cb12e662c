import { backoffCeiling } from './notifier/pacing.ts'

/**
 * How long a background part (publisher, notifier, scheduler, the database at start) waits
 * before trying again after `failures` failures in a row: 250 ms, doubling, at most 30 s. Not
 * faster, so a full disk or a process out of file handles is not hammered; not slower, so the
 * part is back within half a minute of the cause going away.
 */
export function retryDelay(failures: number): number {
  return backoffCeiling(failures, { baseMs: 250, capMs: 30_000 })
}
