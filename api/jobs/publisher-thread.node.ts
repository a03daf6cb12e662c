import { Worker } from 'node:worker_threads'
import type { Config } from '../config.ts'
import type { Health } from '../health.ts'
import type { Logger } from '../log.ts'
import { retryDelay } from './retry.ts'

type FromWorker =
  | { type: 'ready' }
  | { type: 'published'; eventId: number }
  | { type: 'error'; message: string }
  | { type: 'recovered' }

/**
 * Runs the publisher on its own thread with its own database connection: rendering pages takes
 * tens of milliseconds, and on the API's thread every publish would stall the requests behind it.
 * The thread also checkpoints the WAL, which would otherwise block whichever connection commits.
 *
 * The thread is supervised: if it dies (an error nobody caught, no file handles left to start
 * it), it is started again after a growing delay, and `/healthz` says the publisher is failing
 * meanwhile. Nothing the thread does can stop the process; the published files keep being served.
 */
export async function startPublisherThread(config: Config, log: Logger, health?: Health) {
  const listeners = new Set<(eventId: number) => void>()
  let worker: Worker | null = null
  let stopping = false
  let failures = 0
  let restart: ReturnType<typeof setTimeout> | undefined

  function scheduleRestart(reason: string) {
    failures++
    const delay = retryDelay(failures)
    health?.fail('publisher', reason)
    log.error('publisher thread stopped; starting it again', { reason, in_ms: delay })
    restart = setTimeout(() => void spawn(), delay)
  }

  /** Starts a thread; resolves once it has caught up (or failed to start), never rejects. */
  function spawn(): Promise<void> {
    return new Promise((resolve) => {
      if (stopping) return resolve()
      health?.set('publisher', 'starting')
      let w: Worker
      try {
        w = new Worker(new URL('./publisher-worker.node.ts', import.meta.url), {
          workerData: { config },
        })
      } catch (err) {
        scheduleRestart((err as Error).message)
        return resolve()
      }
      worker = w
      let lastError = 'exited'
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          failures = 0
          if (health?.get('publisher') === 'starting') health.set('publisher', 'ok')
          resolve()
        } else if (m.type === 'published') for (const l of listeners) l(m.eventId)
        else if (m.type === 'error') health?.fail('publisher', m.message)
        else health?.set('publisher', 'ok')
      })
      w.on('error', (err: Error) => {
        lastError = err.message
        log.error('publisher thread crashed', { error: err.message })
      })
      w.on('exit', () => {
        if (worker === w) worker = null
        resolve()
        if (!stopping) scheduleRestart(lastError)
      })
    })
  }

  await spawn()
  return {
    kick: () => worker?.postMessage({ type: 'kick' }),
    onPublished(listener: (eventId: number) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async stop() {
      stopping = true
      clearTimeout(restart)
      const w = worker
      if (!w) return
      const exited = new Promise((r) => w.once('exit', r))
      w.postMessage({ type: 'stop' })
      await exited
    },
  }
}
