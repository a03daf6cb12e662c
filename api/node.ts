import type { AddressInfo } from 'node:net'
import { systemClock } from '../core/clock.ts'
import { randomString } from '../core/ids.ts'
import type { Db } from '../db/client.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'
import { ensureDatabaseId } from '../db/settings.ts'
import { createApp } from './app.ts'
import {
  createBoundedServer,
  createNodeHandler,
  createNodeListener,
  surviveIoErrors,
  unavailableApp,
} from './server.node.ts'
import { createStaticCache } from './static.node.ts'
import { ConfigError, parseConfig, type Config } from './config.ts'
import { createMutex, type Deps } from './deps.ts'
import { createHealth } from './health.ts'
import { readPublishedState } from './jobs/publisher.node.ts'
import { startPublisherThread } from './jobs/publisher-thread.node.ts'
import { retryDelay } from './jobs/retry.ts'
import { createScheduler } from './jobs/scheduler.ts'
import { createMailboxRoute } from './jobs/mailer-mailbox.node.ts'
import { createNotifier, transportFor } from './jobs/notifier.node.ts'
import { parseNotifierTiming, type NotifierTiming } from './jobs/notifier-options.ts'
import { jsonLogger } from './log.ts'
import { demoSeedDecision, seedDemo } from './seed/demo.ts'
import { tokens } from './services/tokens.ts'

let config: Config, notifierTiming: NotifierTiming
try {
  config = parseConfig(process.env)
  notifierTiming = parseNotifierTiming(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}

const log = jsonLogger
const health = createHealth()
surviveIoErrors(log, health)

// The published site is served from the start, whatever state the database is in; until it is
// reachable, everything that needs it answers 503 (see unavailableApp) and /healthz says why.
// Trust a published file for up to 100 ms between checks, and check again after every publish.
const files = createStaticCache(config.publicDir, { revalidateMs: 100 })
let handle = createNodeHandler(unavailableApp(health), config.publicDir)
const server = createBoundedServer(
  createNodeListener(config.publicDir, (r, env) => handle(r, env), files),
)
server.once('error', (err) => {
  console.error(`Cannot listen on ${config.host}:${config.port}: ${err.message}`)
  process.exit(1)
})
await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve))
const info = server.address() as AddressInfo
const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}`

/**
 * Opens and migrates the database, retrying with backoff while it cannot be reached (a remote
 * server not up yet, a volume not mounted yet). Never gives up: the site is being served.
 */
async function connect(): Promise<{ db: Db; applied: string[] }> {
  for (let failures = 1; ; failures++) {
    let db: Db | null = null
    try {
      // The publisher thread checkpoints the WAL every second; the API's connection only does
      // it as a safety net, since a checkpoint blocks the thread that runs it.
      db = await openDatabase(config.databaseUrl, config.databaseAuthToken, {
        walAutocheckpoint: 10_000,
      })
      const applied = await migrate(db)
      health.set('database', 'ok')
      return { db, applied }
    } catch (err) {
      db?.close()
      health.set('database', 'unavailable')
      const delay = retryDelay(failures)
      if (failures === 1) {
        console.log(
          `\nAmends is serving the published site on ${base}, but the database is unavailable;\n` +
            `  retrying ${config.databaseUrl} in the background (API calls answer 503 meanwhile)\n`,
        )
      }
      log.error('database unavailable; retrying', {
        error: (err as Error).message,
        in_ms: delay,
      })
      await new Promise((r) => setTimeout(r, delay))
    }
  }
}

const { db, applied } = await connect()
const deps: Deps = { db, clock: systemClock, config, log, writes: createMutex(), health }
// The demo only goes into a truly new installation (api/seed/demo.ts demoSeedDecision): decided
// before the admin token is created, which records it in the audit log.
const identity = await ensureDatabaseId(
  db,
  randomString(16, 'abcdefghijklmnopqrstuvwxyz0123456789'),
)
const published = readPublishedState(config.publicDir)
const decision = await demoSeedDecision(deps, {
  identityCreated: identity.created,
  databaseId: identity.id,
  publishedDatabaseId: published ? (published.database_id ?? '') : null,
})
const { generated } = await tokens.bootstrap(deps)
const seeded = decision.seed ? await seedDemo(deps) : null
if (config.demo) log.info('demo seeding decided', { ...decision })

const publisher = await startPublisherThread(config, log, health)

// Notifier (email): in this process unless NOTIFIER=off. Without SMTP_URL, mail goes to the dev
// mailbox, served at /_mailbox/ so a newcomer can read what subscribers would get.
const notifier = config.mail.notifier
  ? createNotifier(deps, { transport: transportFor(config.mail), timing: notifierTiming })
  : null
if (!notifier) health.set('notifier', 'off')
const mailbox = notifier && !config.mail.smtpUrl ? createMailboxRoute(config.mail.mailboxDir) : null
deps.afterCommit = () => {
  publisher.kick()
  notifier?.kick()
}
notifier?.start()

const scheduler = createScheduler(deps)
const nodeHandler = createNodeHandler(createApp(deps), config.publicDir)
handle = mailbox
  ? async (r: Request, env?: unknown) => (await mailbox(r)) ?? nodeHandler(r, env)
  : nodeHandler
publisher.onPublished(() => files.invalidate())
const lines = [
  '',
  `Amends is running on ${base}`,
  `  database        ${config.databaseUrl}${applied.length ? ` (applied ${applied.length} migration(s))` : ''}`,
  seeded
    ? `  demo data       ${seeded.components} components, ${seeded.incidents} incidents, 2 maintenance windows`
    : config.demo && identity.created
      ? `  demo data       not seeded: ${decision.reason}`
      : null,
  `  status page     ${base}/`,
  `  public API      ${base}/api/v2/summary.json   feeds: ${base}/history.rss  ${base}/history.atom`,
  `  management API  ${base}/api/v1  (OpenAPI: ${base}/api/v1/openapi.json)`,
  `  health          ${base}/healthz`,
  notifier
    ? `  email           ${mailbox ? `dev mailbox ${base}/_mailbox/  (set SMTP_URL to send for real)` : notifier.transport.describe}`
    : '  email           off (NOTIFIER=off)',
  generated
    ? `  admin token     ${generated}\n                  shown once: store it now (it is kept only as a hash)`
    : `  admin token     already set up${config.adminToken ? ' (AMENDS_ADMIN_TOKEN)' : ''}`,
  '',
]
console.log(lines.filter((l) => l !== null).join('\n'))
scheduler.start()

async function shutdown(signal: string) {
  console.log(`\n${signal}: shutting down`)
  await scheduler.stop()
  await publisher.stop()
  await notifier?.stop()
  server.close()
  db.close()
  process.exit(0)
}
process.once('SIGINT', () => void shutdown('SIGINT'))
process.once('SIGTERM', () => void shutdown('SIGTERM'))
