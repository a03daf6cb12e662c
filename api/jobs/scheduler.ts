import type { Deps } from '../deps.ts'
import { maintenances } from '../services/maintenances.ts'
import { runRecoveryJobs } from './recovery-jobs.ts'

/**
 * Clock-driven work in the server process: starts and completes maintenance windows on time,
 * then emits the service-recovery notices that are due (follow-ups, maintenance reminders and
 * overruns, on-call nudges; see recovery-jobs.ts). `tick()` does one pass (tests call it after
 * moving the clock) and returns the windows it moved; `start()` ticks on an interval.
 */
export function createScheduler(deps: Deps) {
  let timer: ReturnType<typeof setInterval> | null = null
  let running: Promise<unknown> | null = null

  async function tick() {
    const moved = await maintenances.runDue(deps)
    for (const m of moved) deps.log.info('maintenance moved', m)
    // After the moves, so a window that just completed gets no overrun notice.
    for (const n of await runRecoveryJobs(deps)) deps.log.info('notice emitted', { ...n })
    return moved
  }

  return {
    tick,
    start() {
      timer ??= setInterval(() => {
        running ??= tick()
          .catch((err: Error) => deps.log.error('scheduler tick failed', { error: err.message }))
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
