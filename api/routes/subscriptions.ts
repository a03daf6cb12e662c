import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { ErrorBody, Id, Pagination, Timestamp } from '../../core/schemas/common.ts'
import { userText } from '../../core/schemas/text.ts'
import {
  Subscriber,
  SubscriberStatus,
  SubscriptionCreate,
} from '../../core/schemas/subscription.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { createRateLimiter, limitByClientIp } from '../services/rate-limit.ts'
import { SELF_SERVICE, subscriptions } from '../services/subscriptions.ts'
import {
  errors,
  guard,
  IdempotencyHeader,
  IdParam,
  json,
  jsonBody,
  newRouter,
  pageHeaders,
  security,
  writeCtx,
} from './openapi.ts'
import { subscriberPageRoutes } from './subscriber-pages.ts'

export interface SubscriptionOptions {
  /** Take the client address from X-Forwarded-For / CF-Connecting-IP (only behind a proxy that sets them). */
  trustProxy?: boolean
  /** Subscription requests per client address (IPv6: per /64) per hour. */
  perIpPerHour?: number
}

/**
 * Mounts the public subscribe endpoints, the subscriber pages (confirm, manage, unsubscribe) and
 * the admin API. The JSON endpoint and the HTML form share one per-address limiter, created here
 * so that every app (every test) has its own.
 */
export function mountSubscriptions(
  app: OpenAPIHono<AppEnv>,
  deps: Deps,
  opts: SubscriptionOptions = {},
) {
  const limiter = createRateLimiter({
    limit: opts.perIpPerHour ?? 10,
    windowMs: 3_600_000,
    clock: deps.clock,
  })
  const limit = limitByClientIp(limiter, opts.trustProxy ?? false)
  app.route('/api/v1', subscriptionRoutes(deps, limit))
  app.route('/', subscriberPageRoutes(deps, limit))
}

const SubscribeAccepted = z
  .object({ status: z.literal('pending_confirmation'), message: z.string() })
  .meta({ id: 'SubscribeAccepted' })

const SubscriberListQuery = z
  .object({
    q: userText({ singleLine: true })
      .max(254)
      .optional()
      .meta({ description: 'Part of the email address' }),
    status: SubscriberStatus.optional(),
    component: Id.optional().meta({ description: 'Subscribers who get mail about this component' }),
  })
  .extend(Pagination.shape)

const SubscriberCounts = z
  .object({
    total: z.number().int(),
    by_status: z.record(SubscriberStatus, z.number().int()),
    all_components: z.number().int().describe('Confirmed subscribers to every component'),
    components: z.array(
      z.object({
        id: Id,
        name: z.string(),
        confirmed: z
          .number()
          .int()
          .describe('Confirmed subscribers, those to every component included'),
      }),
    ),
  })
  .meta({ id: 'SubscriberCounts' })

const ImportReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int().describe('Unchanged, unsubscribed or quarantined addresses'),
    errors: z
      .array(z.object({ line: z.number().int(), message: z.string() }))
      .describe('Always empty: an invalid file is rejected whole'),
  })
  .meta({ id: 'SubscriberImportReport' })

const Deleted = z.object({ id: Id, deleted_at: Timestamp }).meta({ id: 'DeletedSubscriber' })

const tooMany = json(ErrorBody, 'Too many requests from this address; see Retry-After')

export function subscriptionRoutes(deps: Deps, limit: MiddlewareHandler) {
  const app = newRouter()
  const admin = guard(deps, 'admin')
  const tags = ['Subscribers']

  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscriptions',
      tags,
      summary: 'Subscribe to email updates (public, double opt-in)',
      description:
        'Always answers 202 with the same body, whether or not the address is already known; a confirmation email goes out at most once per address per 10 minutes.',
      middleware: [limit],
      request: jsonBody(SubscriptionCreate),
      responses: {
        202: json(SubscribeAccepted, 'Accepted; confirm through the emailed link'),
        400: errors[400],
        413: errors[413],
        415: errors[415],
        429: tooMany,
      },
    }),
    async (c) => c.json(await subscriptions.request(deps, SELF_SERVICE, c.req.valid('json')), 202),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscribers',
      tags,
      security,
      middleware: admin,
      request: { query: SubscriberListQuery },
      responses: {
        200: json(z.array(Subscriber), 'Subscribers, newest first; X-Total-Count holds the total'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { items, total } = await subscriptions.list(deps, q)
      return c.json(items, 200, pageHeaders(total, q.page, q.per_page))
    },
  )
  // Before /subscribers/{id}, so "counts" is not taken for an id.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscribers/counts',
      tags,
      security,
      middleware: admin,
      responses: {
        200: json(SubscriberCounts, 'Confirmed subscribers per component, and totals by status'),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await subscriptions.counts(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscribers/{id}',
      tags,
      security,
      middleware: admin,
      request: { params: IdParam },
      responses: {
        200: json(Subscriber, 'The subscriber'),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => c.json(await subscriptions.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/subscribers/{id}',
      tags,
      security,
      middleware: admin,
      request: { params: IdParam },
      description:
        'Erases the subscriber and its delivery records (not an unsubscribe: nothing about the address is kept).',
      responses: {
        200: json(Deleted, 'Erased'),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) =>
      c.json(await subscriptions.remove(deps, writeCtx(c), c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscribers/import',
      tags,
      security,
      middleware: admin,
      description:
        'A CSV file with the header `email[,components][,locale]` (components separated by ";", empty = all). New addresses are confirmed at once (the operator vouches for consent); unsubscribed and quarantined ones are skipped. Any invalid row rejects the whole file (400, `details` paths are `lines.<n>.<column>`) and nothing is written.',
      request: {
        body: { required: true, content: { 'text/csv': { schema: z.string() } } },
        headers: IdempotencyHeader,
      },
      responses: {
        200: json(ImportReport, 'Imported'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        413: errors[413],
        415: json(ErrorBody, 'Body is not text/csv'),
      },
    }),
    async (c) => c.json(await subscriptions.importCsv(deps, writeCtx(c), await c.req.text()), 200),
  )
  return app
}
