import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { communicationMetrics } from '../services/metrics.ts'
import { errors, guard, json, newRouter, security } from './openapi.ts'

export function metricsRoutes(deps: Deps) {
  const app = newRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics/communication',
      tags: ['Service recovery'],
      security,
      middleware: guard(deps, 'read'),
      responses: {
        200: json(
          z.unknown(),
          'Per incident and rolling 30/90 days: time to first update, cadence, time to resolve, post-mortems, apologies, follow-up answers, feedback response times',
        ),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await communicationMetrics(deps), 200),
  )
  return app
}

/**
 * The old staff page lives in the console now (/admin/metrics, behind a session): old bookmarks
 * are sent there for good.
 */
export function staffPages() {
  const app = newRouter()
  app.get('/metrics', (c) => c.redirect('/admin/metrics', 301))
  return app
}
