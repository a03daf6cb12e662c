import { Worker } from 'node:worker_threads'
import type { Config } from '../config.ts'
import type { Logger } from '../log.ts'

type FromWorker =
  { type: 'ready' } | { type: 'published'; eventId: number } | { type: 'error'; message: string }

/**
 * Runs the publisher on its own thread with its own database connection: rendering pages takes
 * tens of milliseconds, and on the API's thread every publish would stall the requests behind it.
 * The thread also checkpoints the WAL, which would otherwise block whichever connection commits.
 */
export async function startPublisherThread(config: Config, log: Logger) {
  const worker = new Worker(new URL('./publisher-worker.node.ts', import.meta.url), {
    workerData: { config },
  })
  const listeners = new Set<(eventId: number) => void>()
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: FromWorker) => {
      if (m.type === 'ready') resolve()
      else if (m.type === 'published') for (const l of listeners) l(m.eventId)
      else log.error('publish failed', { error: m.message })
    }
    worker.on('message', onMessage)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`publisher thread exited with code ${code}`)))
  })
  worker.on('error', (err: Error) => log.error('publisher thread crashed', { error: err.message }))
  return {
    kick: () => worker.postMessage({ type: 'kick' }),
    onPublished(listener: (eventId: number) => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async stop() {
      worker.postMessage({ type: 'stop' })
      await new Promise((r) => worker.once('exit', r))
    },
  }
}
