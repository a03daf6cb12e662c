import type { Deps } from '../deps.ts'
import { maintenances } from '../services/maintenances.ts'

/**
 * Clock-driven work in the server process: starts and completes maintenance windows on time.
 * `tick()` does one pass (tests call it after moving the clock); `start()` ticks on an interval.
 */
export function createScheduler(deps: Deps) {
  let timer: ReturnType<typeof setInterval> | null = null
  let running: Promise<unknown> | null = null

  async function tick() {
    const moved = await maintenances.runDue(deps)
    for (const m of moved) deps.log.info('maintenance moved', m)
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
