import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { systemClock } from '../core/clock.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'
import { createApp } from './app.ts'
import { createNodeHandler, createNodeListener } from './server.node.ts'
import { createStaticCache } from './static.node.ts'
import { ConfigError, parseConfig } from './config.ts'
import type { Deps } from './deps.ts'
import { startPublisherThread } from './jobs/publisher-thread.node.ts'
import { createScheduler } from './jobs/scheduler.ts'
import { createMailboxRoute } from './jobs/mailer-mailbox.node.ts'
import { createNotifier, transportFor } from './jobs/notifier.node.ts'
import { parseNotifierTiming } from './jobs/notifier-options.ts'
import { jsonLogger } from './log.ts'
import { isEmpty, seedDemo } from './seed/demo.ts'
import { tokens } from './services/tokens.ts'

let config, notifierTiming
try {
  config = parseConfig(process.env)
  notifierTiming = parseNotifierTiming(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}

// The publisher thread checkpoints the WAL every second; the API's connection only does it as a
// safety net, since a checkpoint blocks the thread that runs it.
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken, {
  walAutocheckpoint: 10_000,
})
const applied = await migrate(db)
const deps: Deps = { db, clock: systemClock, config, log: jsonLogger }
const { generated } = await tokens.bootstrap(deps)
const seeded = config.demo && (await isEmpty(deps)) ? await seedDemo(deps) : null

const publisher = await startPublisherThread(config, deps.log)

// Notifier (email): in this process unless NOTIFIER=off. Without SMTP_URL, mail goes to the dev
// mailbox, served at /_mailbox/ (admin token) so a newcomer can read what subscribers would get.
const notifier = config.mail.notifier
  ? createNotifier(deps, { transport: transportFor(config.mail), timing: notifierTiming })
  : null
const mailbox =
  notifier && !config.mail.smtpUrl ? createMailboxRoute(deps, config.mail.mailboxDir) : null
deps.afterCommit = () => {
  publisher.kick()
  notifier?.kick()
}
notifier?.start()

const scheduler = createScheduler(deps)
const nodeHandler = createNodeHandler(createApp(deps), config.publicDir)
const handler = mailbox
  ? async (r: Request, env?: unknown) => (await mailbox(r)) ?? nodeHandler(r, env)
  : nodeHandler
// Trust a published file for up to 100 ms between checks, and check again after every publish.
const files = createStaticCache(config.publicDir, { revalidateMs: 100 })
publisher.onPublished(() => files.invalidate())
const server = createServer(createNodeListener(config.publicDir, handler, files))
server.listen(config.port, config.host, () => {
  const info = server.address() as AddressInfo
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}`
  const lines = [
    '',
    `Amends is running on ${base}`,
    `  database        ${config.databaseUrl}${applied.length ? ` (applied ${applied.length} migration(s))` : ''}`,
    seeded
      ? `  demo data       ${seeded.components} components, ${seeded.incidents} incidents, 2 maintenance windows`
      : null,
    `  status page     ${base}/`,
    `  public API      ${base}/api/v2/summary.json   feeds: ${base}/history.rss  ${base}/history.atom`,
    `  management API  ${base}/api/v1  (OpenAPI: ${base}/api/v1/openapi.json)`,
    notifier
      ? `  email           ${mailbox ? `dev mailbox ${base}/_mailbox/  (admin token needed; set SMTP_URL to send for real)` : notifier.transport.describe}`
      : '  email           off (NOTIFIER=off)',
    generated
      ? `  admin token     ${generated}\n                  shown once: store it now (it is kept only as a hash)`
      : `  admin token     already set up${config.adminToken ? ' (AMENDS_ADMIN_TOKEN)' : ''}`,
    '',
  ]
  console.log(lines.filter((l) => l !== null).join('\n'))
})
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
