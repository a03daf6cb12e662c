import type { Deps } from '../deps.ts'
import { retryDelay } from './retry.ts'
import { maintenances } from '../services/maintenances.ts'
import { runDueChecks } from './checks.ts'
import { runRecoveryJobs } from './recovery-jobs.ts'
import { checkReportSpikes } from '../services/report-spikes.ts'

/**
 * Clock-driven work in the server process: starts and completes maintenance windows on time,
 * then emits the service-recovery notices that are due (follow-ups, maintenance reminders and
 * overruns, on-call nudges; see recovery-jobs.ts), then runs the checks that are due (checks.ts).
 * `tick()` does one pass (tests call it after moving the clock) and returns the windows it moved;
 * `start()` ticks on an interval.
 */
export function createScheduler(deps: Deps) {
  let timer: ReturnType<typeof setInterval> | null = null
  let running: Promise<unknown> | null = null
  let failures = 0
  let retryAt = 0

  async function tick() {
    const moved = await maintenances.runDue(deps)
    for (const m of moved) deps.log.info('maintenance moved', m)
    // After the moves, so a window that just completed gets no overrun notice.
    for (const n of await runRecoveryJobs(deps)) deps.log.info('notice emitted', { ...n })
    // A spike also ends with time: only a tick notices that the window has emptied.
    for (const d of await checkReportSpikes(deps)) if (d.opened) deps.log.info('draft opened', d)
    await runDueChecks(deps)
    return moved
  }

  return {
    tick,
    /**
     * Ticks on an interval. A failed tick (database away, disk full) is logged, reported on
     * /healthz and retried after a growing delay; it never stops the process or the interval.
     */
    start() {
      deps.health?.set('scheduler', 'ok')
      timer ??= setInterval(() => {
        if (running || Date.now() < retryAt) return
        running = tick()
          .then(() => {
            if (failures > 0) deps.health?.set('scheduler', 'ok')
            failures = 0
          })
          .catch((err: Error) => {
            failures++
            retryAt = Date.now() + retryDelay(failures)
            deps.log.error('scheduler tick failed', { error: err.message, failures })
            deps.health?.fail('scheduler', err)
          })
          .finally(() => {
            running = null
          })
      }, deps.config.schedulerIntervalMs)
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = null
      await running
    },
  }
}
