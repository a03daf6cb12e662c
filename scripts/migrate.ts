import { parseConfig } from '../api/config.ts'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'

// `npm run migrate`: brings DATABASE_URL (local file or remote libSQL) to the current schema.
// The Worker never migrates; run this against its database before deploying a new version.
const config = parseConfig(process.env)
const db = await openDatabase(config.databaseUrl, config.databaseAuthToken)
const applied = await migrate(db)
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date')
db.close()
