import { parentPort, workerData } from 'node:worker_threads'
import { systemClock } from '../../core/clock.ts'
import { openDatabase } from '../../db/open.node.ts'
import type { Config } from '../config.ts'
import type { Deps } from '../deps.ts'
import { jsonLogger } from '../log.ts'
import { createPublisher } from './publisher.node.ts'
import { loadSiteRenderer } from './site-renderer.node.ts'
import { lowerThreadPriority } from './thread-priority.node.ts'

// The publisher thread (see publisher-thread.node.ts): catch up, then publish on every kick.
const { config } = workerData as { config: Config }
lowerThreadPriority()
const port = parentPort!
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken)
const deps: Deps = { db, clock: systemClock, config, log: jsonLogger }
const publisher = createPublisher({
  deps,
  renderer: await loadSiteRenderer(),
  outDir: config.publicDir,
})
publisher.onPublished((eventId) => port.postMessage({ type: 'published', eventId }))
publisher.onFailure((err) =>
  port.postMessage(err ? { type: 'error', message: err.message } : { type: 'recovered' }),
)
// A failed publish must not stop the API: the last published pages keep serving meanwhile
// (onFailure above has reported it; the poll retries it).
await publisher.catchUp().catch(() => {})
publisher.start(config.publishPollMs)
const local = config.databaseUrl.startsWith('file:')
const checkpoints = local
  ? setInterval(() => void db.execute('PRAGMA wal_checkpoint(PASSIVE)').catch(() => {}), 1000)
  : null
port.postMessage({ type: 'ready' })

async function stop(): Promise<void> {
  if (checkpoints) clearInterval(checkpoints)
  await publisher.stop()
  db.close()
  port.close()
}

port.on('message', (m: { type: string }) => {
  if (m.type === 'kick') publisher.kick()
  if (m.type === 'stop') void stop()
})
