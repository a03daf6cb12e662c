import { readlinkSync } from 'node:fs'
import { setPriority } from 'node:os'

/** The nice value background threads run at: 0 is the request loop's, 19 the lowest. */
export const BACKGROUND_NICE = 10

/**
 * Lowers the calling thread's scheduling priority, so that on a busy machine the kernel runs the
 * request loop first and the publisher or notifier take the time it leaves (issue 14: the API's
 * tail must not pay for publishing). Linux gives every thread its own id (readable through
 * /proc/thread-self) and setpriority() on that id changes that thread only. Elsewhere, or where
 * the call is refused, the thread keeps the normal priority: slower tails, same results.
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0) return false
    setPriority(tid, nice)
    return true
  } catch {
    return false
  }
}
