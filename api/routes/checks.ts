import { createRoute, z } from '@hono/zod-openapi'
import {
  Check,
  CheckCreate,
  CheckCreated,
  CheckPatch,
  CheckResult,
} from '../../core/schemas/checks.ts'
import { Timestamp } from '../../core/schemas/common.ts'
import type { Deps } from '../deps.ts'
import { checks } from '../services/checks.ts'
import {
  errors,
  guard,
  IdParam,
  json,
  jsonBody,
  newRouter,
  security,
  writeCtx,
  writeErrors,
} from './openapi.ts'

const ResultsQuery = z.object({ since: Timestamp.optional() })
const TokenParam = z.object({
  token: z
    .string()
    .max(200)
    .meta({ param: { name: 'token', in: 'path' } }),
})
const Pinged = z.object({ check_id: z.string(), next_due_at: Timestamp })

/** Checks Amends runs itself (HTTP, TCP) and the heartbeats cron jobs send. */
export function checkRoutes(deps: Deps) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const admin = guard(deps, 'admin')
  const tags = ['Checks']

  app.openapi(
    createRoute({
      method: 'get',
      path: '/checks',
      tags,
      security,
      middleware: read,
      responses: { 200: json(z.array(Check), 'Every check'), 401: errors[401] },
    }),
    async (c) => c.json(await checks.list(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/checks',
      tags,
      security,
      middleware: admin,
      request: jsonBody(CheckCreate),
      description:
        'An `http` check (`url`, `expected_status` default `200-399`, `keyword`, `timeout_ms`), a ' +
        '`tcp` check (`host`, `port`, `timeout_ms`) or a `heartbeat` (`interval_seconds` is its ' +
        'period, `grace_seconds`); a heartbeat answers with its token and ping URL, shown once.',
      responses: { 201: json(CheckCreated, 'Created'), ...writeErrors, 422: errors[422] },
    }),
    async (c) => c.json(await checks.create(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/checks/{id}',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: { 200: json(Check, 'The check'), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json(await checks.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/checks/{id}',
      tags,
      security,
      middleware: admin,
      request: { params: IdParam, ...jsonBody(CheckPatch) },
      responses: { 200: json(Check, 'Edited'), ...writeErrors, 422: errors[422] },
    }),
    async (c) =>
      c.json(
        await checks.edit(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/checks/{id}',
      tags,
      security,
      middleware: admin,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted with its results' }, ...writeErrors },
    }),
    async (c) => {
      await checks.remove(deps, writeCtx(c), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/checks/{id}/token',
      tags,
      security,
      middleware: admin,
      request: { params: IdParam },
      description:
        "A heartbeat's new token and ping URL, shown once; the old URL stops working at once. " +
        'Other checks have no ping URL (422).',
      responses: { 200: json(CheckCreated, 'The new ping URL'), ...writeErrors, 422: errors[422] },
    }),
    async (c) => c.json(await checks.newPingUrl(deps, writeCtx(c), c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/checks/{id}/results',
      tags,
      security,
      middleware: read,
      request: { params: IdParam, query: ResultsQuery },
      responses: {
        200: json(z.array(CheckResult), 'Runs from `since` (default: the last day), oldest first'),
        400: errors[400],
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) =>
      c.json(await checks.results(deps, c.req.valid('param').id, c.req.valid('query').since), 200),
  )
  return app
}

/** The ping of a heartbeat (a cron job's "still alive"), keyed by its token alone. */
export function heartbeatRoutes(deps: Deps) {
  const app = newRouter()
  const tags = ['Checks']
  for (const method of ['get', 'post'] as const) {
    app.openapi(
      createRoute({
        method,
        path: '/heartbeats/{token}',
        tags,
        request: { params: TokenParam },
        description: "A heartbeat's ping from a cron job; the token in the path is its only key.",
        responses: { 200: json(Pinged, 'Received'), 404: errors[404] },
      }),
      async (c) => c.json(await checks.ping(deps, c.req.valid('param').token), 200),
    )
  }
  return app
}
