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
import { requireScope } from '../auth.ts'
import { idempotency } from '../idempotency.ts'
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

export const SubscriberListQuery = z
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
    by_component_channel: z
      .array(
        z.object({
          component_id: Id,
          component: z.string(),
          channel: z.enum(['email']),
          count: z.number().int(),
        }),
      )
      .describe(
        'Confirmed subscribers per component and channel, one row each (none: no row); email is the only channel today',
      ),
  })
  .meta({ id: 'SubscriberCounts' })

const SubscriberChoice = z
  .object({
    status: SubscriberStatus,
    locale: z.string(),
    all_components: z.boolean(),
    components: z.array(Id),
  })
  .meta({ id: 'SubscriberImportChoice' })

const ImportReport = z
  .object({
    dry_run: z.boolean().describe('True: a preview; nothing was written'),
    created: z.number().int().describe('New addresses, confirmed at once'),
    updated: z
      .number()
      .int()
      .describe('Existing addresses whose components, locale or status change'),
    unchanged: z.number().int(),
    skipped: z.number().int().describe('Unsubscribed or quarantined addresses, left as they are'),
    errors: z
      .array(z.object({ line: z.number().int(), message: z.string() }))
      .describe('Always empty: an invalid file is rejected whole'),
    digest: z
      .string()
      .describe(
        'SHA-256 of the file and of this plan; send it back as `digest` to import only if nothing changed since',
      ),
    rows: z.array(
      z.object({
        line: z.number().int().describe('The line of the file the row starts on'),
        action: z.enum(['create', 'update', 'unchanged', 'skip']),
        reason: z.enum(['unsubscribed', 'quarantined']).nullable(),
        subscriber_id: Id.nullable().describe('Null for a new address in a dry run'),
        before: SubscriberChoice.nullable(),
        after: SubscriberChoice.nullable().describe('Null when nothing changes'),
      }),
    ),
  })
  .meta({ id: 'SubscriberImportReport' })

const ImportQuery = z.object({
  dry_run: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'true: answer what the import would do, and write nothing' }),
  digest: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'Must be the digest of a dry run (64 hex digits)')
    .optional()
    .meta({
      description:
        "A dry run's digest: import only if the plan is still exactly that one (else 409 import_changed, nothing written)",
    }),
})

const Deleted = z.object({ id: Id, deleted_at: Timestamp }).meta({ id: 'DeletedSubscriber' })

/**
 * The headers of a subscriber list downloaded as CSV: an attachment named for the day, never
 * cached (it is a list of people's addresses).
 */
export function csvAttachment(now: Date): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="subscribers-${now.toISOString().slice(0, 10)}.csv"`,
    'cache-control': 'no-store',
  }
}

const tooMany = json(ErrorBody, 'Too many requests from this address; see Retry-After')

export function subscriptionRoutes(deps: Deps, limit: MiddlewareHandler) {
  const app = newRouter()
  const admin = guard(deps, 'admin')
  const replayable = idempotency(deps)
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
  // Before /subscribers/{id}, so "export" is not taken for an id.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/subscribers/export',
      tags,
      security,
      middleware: admin,
      description:
        'The confirmed subscribers as CSV (`email,components,locale`, the columns the import takes), every cell quoted and neutralised against spreadsheet formulas (a leading apostrophe, which the import removes again). Pending, unsubscribed and quarantined addresses are left out. Audited.',
      responses: {
        200: {
          description: 'CSV, as an attachment',
          content: { 'text/csv': { schema: z.string() } },
        },
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const { csv } = await subscriptions.exportCsv(deps, writeCtx(c))
      return c.body(csv, 200, csvAttachment(deps.clock.now()))
    },
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
      description:
        'A CSV file with the header `email[,components][,locale]` (components separated by ";", empty = all; the columns `GET /subscribers/export` writes). New addresses are confirmed at once (the operator vouches for consent); unsubscribed and quarantined ones are skipped. Any invalid row rejects the whole file (400, `details` paths are `lines.<n>.<column>`) and nothing is written. `?dry_run=true` answers the same report and writes nothing; its `digest`, sent back as `?digest=`, imports only if the plan is still that one. Report rows name the line, never the address.',
      // A dry run writes nothing, so it neither replays nor stores a response for its key.
      middleware: [
        requireScope(deps, 'admin'),
        (c, next) => (c.req.query('dry_run') === 'true' ? next() : replayable(c, next)),
      ],
      request: {
        query: ImportQuery,
        body: { required: true, content: { 'text/csv': { schema: z.string() } } },
        headers: IdempotencyHeader,
      },
      responses: {
        200: json(ImportReport, 'Imported, or (dry run) what importing would do'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: json(ErrorBody, 'import_changed: the plan is no longer the one with `digest`'),
        413: errors[413],
        415: json(ErrorBody, 'Body is not text/csv'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const text = await c.req.text()
      if (q.dry_run === 'true')
        return c.json((await subscriptions.planImport(deps, text)).report, 200)
      return c.json(
        await subscriptions.importCsv(deps, writeCtx(c), text, { digest: q.digest }),
        200,
      )
    },
  )
  return app
}
