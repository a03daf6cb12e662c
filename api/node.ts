import { serve } from '@hono/node-server'
import { systemClock } from '../core/clock.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'
import { createApp } from './app.ts'
import { createNodeHandler } from './server.node.ts'
import { ConfigError, parseConfig } from './config.ts'
import { createMutex, type Deps } from './deps.ts'
import { createPublisher } from './jobs/publisher.node.ts'
import { createScheduler } from './jobs/scheduler.ts'
import { loadSiteRenderer } from './jobs/site-renderer.node.ts'
import { jsonLogger } from './log.ts'
import { isEmpty, seedDemo } from './seed/demo.ts'
import { tokens } from './services/tokens.ts'

let config
try {
  config = parseConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(1)
}

const db = await openDatabase(config.databaseUrl, config.databaseAuthToken)
const applied = await migrate(db)
const deps: Deps = { db, clock: systemClock, config, log: jsonLogger, writes: createMutex() }
const { generated } = await tokens.bootstrap(deps)
const seeded = config.demo && (await isEmpty(deps)) ? await seedDemo(deps) : null

const publisher = createPublisher({ deps, renderer: await loadSiteRenderer(), outDir: config.publicDir })
// A failed publish must not stop the API: the last published pages keep serving meanwhile.
await publisher.catchUp().catch((err: Error) => deps.log.error('initial publish failed', { error: err.message }))
deps.afterCommit = () => publisher.kick()
publisher.start(config.publishPollMs)

const scheduler = createScheduler(deps)
const handler = createNodeHandler(createApp(deps), config.publicDir)
const server = serve({ fetch: handler, port: config.port, hostname: config.host }, (info) => {
  const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}`
  const lines = [
    '',
    `Amends is running on ${base}`,
    `  database        ${config.databaseUrl}${applied.length ? ` (applied ${applied.length} migration(s))` : ''}`,
    seeded ? `  demo data       ${seeded.components} components, ${seeded.incidents} incidents, 2 maintenance windows` : null,
    `  status page     ${base}/`,
    `  public API      ${base}/api/v2/summary.json   feeds: ${base}/history.rss  ${base}/history.atom`,
    `  management API  ${base}/api/v1  (OpenAPI: ${base}/api/v1/openapi.json)`,
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
  server.close()
  db.close()
  process.exit(0)
}
process.once('SIGINT', () => void shutdown('SIGINT'))
process.once('SIGTERM', () => void shutdown('SIGTERM'))
