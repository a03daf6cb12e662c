import { createClient } from '@libsql/client/web'
import type { ExecutionContext } from 'hono'
import { systemClock } from '../core/clock.ts'
import { createApp, type App } from './app.ts'
import { parseConfig } from './config.ts'
import { NOSNIFF } from './http/security-headers.ts'
import type { Deps } from './deps.ts'
import { createScheduler } from './jobs/scheduler.ts'
import type { Logger } from './log.ts'
import { tokens } from './services/tokens.ts'

// Cloudflare Workers entry. It never migrates (run `npm run migrate` against the remote database
// before deploying) and never sends mail: writes leave outbox rows for a Node process to deliver.

type Env = Record<string, string | undefined>

// Workers Logs indexes JSON lines and keeps console.log/warn/error as the level.
const line = (level: string, msg: string, fields?: Record<string, unknown>) =>
  JSON.stringify({ level, msg, ...fields })
const consoleLogger: Logger = {
  info: (msg, fields) => console.log(line('info', msg, fields)),
  warn: (msg, fields) => console.warn(line('warn', msg, fields)),
  error: (msg, fields) => console.error(line('error', msg, fields)),
}

let ready: Promise<{ deps: Deps; app: App }> | undefined

async function build(env: Env): Promise<{ deps: Deps; app: App }> {
  const config = parseConfig(env)
  if (!/^(libsql|https?):/.test(config.databaseUrl)) {
    throw new Error(
      `DATABASE_URL must be a remote libSQL URL (libsql:, https: or http:) on Workers, got ` +
        `"${config.databaseUrl.split(':')[0]}:"; set it with \`wrangler secret put DATABASE_URL\``,
    )
  }
  const db = createClient({ url: config.databaseUrl, authToken: config.databaseAuthToken })
  const deps: Deps = { db, clock: systemClock, config, log: consoleLogger }
  // No start-up hook on Workers: make sure AMENDS_ADMIN_TOKEN exists once per isolate, as npm
  // start does. A second try covers another isolate inserting the same token at the same moment.
  if (config.adminToken) await tokens.bootstrap(deps).catch(() => tokens.bootstrap(deps))
  return { deps, app: createApp(deps) }
}

// Built once per isolate; a failed build is forgotten so the next event tries again.
function init(env: Env) {
  ready ??= build(env).catch((err: unknown) => {
    ready = undefined
    throw err
  })
  return ready
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const built = await init(env).catch((err: unknown) => {
      consoleLogger.error('worker start-up failed', { error: String(err) })
      return null
    })
    if (!built) {
      const error = { code: 'unavailable', message: 'The service is starting up or misconfigured' }
      return Response.json({ error }, { status: 503, headers: NOSNIFF })
    }
    return built.app.fetch(request, env, ctx)
  },

  // Cron trigger (wrangler.toml): starts and completes maintenance windows on time.
  async scheduled(_controller: unknown, env: Env): Promise<void> {
    const { deps } = await init(env)
    await createScheduler(deps).tick()
  },
}
