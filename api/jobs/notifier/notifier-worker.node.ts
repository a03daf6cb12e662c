import { hostname } from 'node:os'
import { parentPort, threadId, workerData } from 'node:worker_threads'
import { systemClock } from '../../../core/clock.ts'
import { randomString } from '../../../core/ids.ts'
import { openDatabase } from '../../../db/open.node.ts'
import type { Config } from '../../config.ts'
import type { Deps } from '../../deps.ts'
import { failing, type Health, type PartState } from '../../health.ts'
import { jsonLogger } from '../../log.ts'
import { lowerThreadPriority } from '../thread-priority.node.ts'
import { createNotifier, transportFor } from './notifier.node.ts'
import type { FromNotifierWorker, ToNotifierWorker } from './notifier-threads.node.ts'
import type { NotifierTiming } from './timing.ts'

// One notifier thread (see notifier-threads.node.ts): fan-out and sending with its own
// connection and lease owner; the supervisor relays kicks and reports its health.
const { config, timing } = workerData as { config: Config; timing: NotifierTiming }
lowerThreadPriority()
const port = parentPort!
const post = (m: FromNotifierWorker) => port.postMessage(m)

// Only the notifier's state leaves the thread; /healthz lives on the main thread.
let state: PartState = 'starting'
const set: Health['set'] = (part, s) => {
  if (part !== 'notifier' || s === state) return
  state = s
  post({ type: 'health', state: s })
}
const health: Health = {
  set,
  fail: (part, err) => set(part, failing(err)),
  get: (part) => (part === 'notifier' ? state : undefined),
  report: () => ({ status: 'ok', parts: {} }),
}

const db = await openDatabase(config.databaseUrl, config.databaseAuthToken)
const deps: Deps = { db, clock: systemClock, config, log: jsonLogger, health }
const notifier = createNotifier(deps, {
  transport: transportFor(config.mail),
  timing,
  owner: `${hostname()}:${process.pid}/${threadId}:${randomString(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}`,
  onDeliveries: () => post({ type: 'deliveries' }),
})
notifier.start()
post({ type: 'ready' })

async function stop(): Promise<void> {
  await notifier.stop()
  db.close()
  port.close()
  // Ends this thread only; a timer or socket left by a library must not keep it alive.
  process.exit(0)
}

port.on('message', (m: ToNotifierWorker) => {
  if (m.type === 'kick') notifier.kick()
  else if (m.type === 'send') notifier.sender.kick()
  else if (m.type === 'stats') post({ type: 'stats', id: m.id, stats: { ...notifier.stats } })
  else if (m.type === 'stop') void stop()
})
