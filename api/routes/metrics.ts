import { createRoute, z } from '@hono/zod-openapi'
import type { Deps } from '../deps.ts'
import { metricsPage } from '../pages/metrics-view.ts'
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

/** The staff page: the same figures with a small chart. Opened in a browser with Basic auth. */
export function staffPages(deps: Deps) {
  const app = newRouter()
  app.get(
    '/metrics',
    async (c, next) => {
      if (!c.req.header('authorization')) {
        return c.text('Sign in with any user name and an API token as the password.', 401, {
          'www-authenticate': 'Basic realm="Amends staff", charset="UTF-8"',
        })
      }
      return next()
    },
    ...guard(deps, 'read'),
    async (c) => {
      const m = await communicationMetrics(deps)
      c.header('cache-control', 'no-store')
      return c.html(
        await metricsPage(m, deps.config.page.name, deps.config.siteUrl, deps.config.page.timeZone),
      )
    },
  )
  return app
}
