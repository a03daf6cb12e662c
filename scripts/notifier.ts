import { ConfigError, parseConfig } from '../api/config.ts'
import type { Deps } from '../api/deps.ts'
import { createNotifier, transportFor } from '../api/jobs/notifier/notifier.node.ts'
import { parseNotifierTiming } from '../api/jobs/notifier/timing.ts'
import { jsonLogger } from '../api/log.ts'
import { systemClock } from '../core/clock.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'

// `npm run notifier`: the notifier on its own (fan-out and sending), for running it apart from
// the API or as several processes against one database; `npm start` runs one inside the server.
let parsed
try {
  parsed = { config: parseConfig(process.env), timing: parseNotifierTiming(process.env) }
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}
const { config, timing } = parsed

const db = await openDatabase(config.databaseUrl, config.databaseAuthToken)
await migrate(db)
const deps: Deps = { db, clock: systemClock, config, log: jsonLogger }
const notifier = createNotifier(deps, { transport: transportFor(config.mail), timing })
notifier.start()
console.log(`Notifier running (${notifier.owner}): sending through ${notifier.transport.describe}`)

async function shutdown(signal: string) {
  console.log(`${signal}: finishing messages in flight`)
  await notifier.stop()
  const s = notifier.stats
  console.log(
    `Notifier stopped: sent ${s.sent}, retried ${s.retried}, failed ${s.failed}, skipped ${s.skipped}`,
  )
  db.close()
  process.exit(0)
}
process.once('SIGINT', () => void shutdown('SIGINT'))
process.once('SIGTERM', () => void shutdown('SIGTERM'))
