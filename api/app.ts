import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { DomainError } from '../core/errors.ts'
import type { Deps } from './deps.ts'
import type { AppEnv } from './env.ts'
import { consoleRoutes } from './console/index.ts'
import { handleError } from './errors.ts'
import { healthReport } from './health.ts'
import { strictBody } from './http/request-body.ts'
import { securityHeaders } from './http/security-headers.ts'
import { alertRoutes } from './routes/alerts.ts'
import { auditRoutes } from './routes/audit.ts'
import { calendarRoutes } from './routes/calendar.ts'
import { checkRoutes, heartbeatRoutes } from './routes/checks.ts'
import { componentRoutes } from './routes/components.ts'
import { mountFeedback } from './routes/feedback.ts'
import { incidentRoutes } from './routes/incidents.ts'
import { maintenanceRoutes } from './routes/maintenances.ts'
import { publicV2Routes } from './routes/public-v2.ts'
import { recoveryRoutes } from './routes/recovery.ts'
import { metricsRoutes, staffPages } from './routes/metrics.ts'
import { oncallDraftPageRoutes } from './routes/oncall-draft-pages.ts'
import { playbookRoutes } from './routes/playbooks.ts'
import { smsRoutes } from './routes/sms.ts'
import { mountSubscriptions } from './routes/subscriptions.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { userRoutes } from './routes/users.ts'

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/** The whole HTTP surface, built from injected dependencies; the only place routes are mounted. */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>()
  app.use('*', securityHeaders(deps.config.siteUrl))
  app.onError((err, c) => handleError(err, c, deps.log))
  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } },
      404,
    ),
  )

  // 200 when every part works, 503 with the parts that do not (see api/health.ts).
  app.get('/healthz', async (c) => {
    const report = await healthReport(deps.db, deps.health)
    return c.json(report, report.status === 'ok' ? 200 : 503)
  })

  // The SMS provider posts signed forms: mounted before the JSON-only rule below.
  app.route('/api/v1', smsRoutes(deps))
  // A cron job's heartbeat ping is `curl -X POST <url>`, with whatever body and type: nothing of it is read.
  app.route('/api/v1', heartbeatRoutes(deps))
  app.use('/api/v1/*', async (c, next) => {
    if (WITH_BODY.has(c.req.method)) {
      const type = c.req.header('content-type') ?? ''
      // Every body is JSON, except the subscriber import, which is a CSV file.
      const csv = c.req.path === '/api/v1/subscribers/import'
      if (!(csv ? /^text\/csv\b/i : /^application\/([\w.+-]+\+)?json\b/i).test(type)) {
        const wanted = csv ? 'text/csv' : 'application/json'
        throw new DomainError(
          'unsupported_media_type',
          'unsupported_media_type',
          `Send the body as ${wanted}`,
        )
      }
    }
    await next()
  })
  app.use(
    '/api/v1/*',
    bodyLimit({
      maxSize: deps.config.maxBodyBytes,
      onError: () => {
        throw new DomainError(
          'too_large',
          'payload_too_large',
          `The body is larger than ${deps.config.maxBodyBytes} bytes`,
        )
      },
    }),
  )
  app.use('/api/v1/*', strictBody())
  for (const routes of [
    tokenRoutes,
    userRoutes,
    componentRoutes,
    incidentRoutes,
    recoveryRoutes,
    maintenanceRoutes,
    metricsRoutes,
    playbookRoutes,
    auditRoutes,
    alertRoutes,
    checkRoutes,
  ]) {
    app.route('/api/v1', routes(deps))
  }
  app.route('/api/v2', publicV2Routes(deps))
  app.route('/staff', staffPages())
  app.route('/', consoleRoutes(deps))
  mountSubscriptions(app, deps, {
    trustProxy: deps.config.trustProxy,
    perIpPerHour: deps.config.subscribePerIpPerHour,
  })
  mountFeedback(app, deps, { trustProxy: deps.config.trustProxy })
  app.route('/', calendarRoutes(deps))
  app.route('/', oncallDraftPageRoutes(deps))

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (scopes: read < write < admin)',
  })
  app.doc31('/api/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Amends management API',
      version: '1',
      description:
        'Components, incidents and maintenance. Errors are always { error: { code, message, details? } }.',
    },
  })
  return app
}

export type App = ReturnType<typeof createApp>
