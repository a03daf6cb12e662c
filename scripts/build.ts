import { parseConfig } from '../api/config.ts'
import type { Deps } from '../api/deps.ts'
import { createPublisher } from '../api/jobs/publisher.node.ts'
import { loadSiteRenderer } from '../api/jobs/site-renderer.node.ts'
import { jsonLogger } from '../api/log.ts'
import { systemClock } from '../core/clock.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'

// `npm run build`: renders every page, feed and v2 JSON file from DATABASE_URL into PUBLIC_DIR.
const config = parseConfig(process.env)
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken)
await migrate(db)
const deps: Deps = { db, clock: systemClock, config, log: jsonLogger }
const started = performance.now()
const { files } = await createPublisher({
  deps,
  renderer: await loadSiteRenderer(),
  outDir: config.publicDir,
}).publishAll()
console.log(
  `Published ${files} files to ${config.publicDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
)
db.close()
