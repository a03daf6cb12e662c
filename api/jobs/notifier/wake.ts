/**
 * A sleep that can be cut short. A poke while nobody sleeps is remembered, so the next sleep
 * returns at once: work signalled between two checks is never missed until the next poll.
 */
export function createWaker() {
  let pending = false
  let wake: (() => void) | null = null
  return {
    poke: (): void => {
      if (!wake) {
        pending = true
        return
      }
      const w = wake
      wake = null
      w()
    },
    sleep: (ms: number): Promise<void> => {
      if (pending) {
        pending = false
        return Promise.resolve()
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          wake = null
          resolve()
        }, ms)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    },
  }
}
