import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { ErrorBody, Id, Pagination, Timestamp } from '../../core/schemas/common.ts'
import { userText } from '../../core/schemas/text.ts'
import { ChannelName } from '../../core/channels.ts'
import {
  ConfirmCode,
  Subscriber,
  SubscriberCreate,
  SubscriberStatus,
  SubscriptionCreate,
} from '../../core/schemas/subscription.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requireScope } from '../auth.ts'
import { idempotency } from '../idempotency.ts'
import { createRateLimiter, limitByClientIp } from '../services/rate-limit.ts'
import { SELF_SERVICE, subscriptions } from '../services/subscriptions.ts'
import { MAX_CODE_ATTEMPTS } from '../services/sms-code.ts'
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
  writeErrors,
} from './openapi.ts'
import { subscriberPageRoutes } from './subscriber-pages.ts'

export interface SubscriptionOptions {
  /** Take the client address from X-Forwarded-For / CF-Connecting-IP (only behind a proxy that sets them). */
  trustProxy?: boolean
  /** Subscription requests per client address (IPv6: per /64) per hour. */
  perIpPerHour?: number
}

/** The two public limits per client address: subscription requests, and codes typed. */
export interface PublicLimits {
  subscribe: MiddlewareHandler
  /** Codes typed on SMS confirmation forms: a bound on guessing across many pending numbers. */
  code: MiddlewareHandler
}

/** Codes a client address may type per hour, right or wrong (MAX_CODE_ATTEMPTS per request). */
export const CODES_PER_IP_PER_HOUR = 30

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
  const codes = createRateLimiter({
    limit: CODES_PER_IP_PER_HOUR,
    windowMs: 3_600_000,
    clock: deps.clock,
  })
  const limits: PublicLimits = {
    subscribe: limitByClientIp(limiter, opts.trustProxy ?? false),
    code: limitByClientIp(codes, opts.trustProxy ?? false),
  }
  app.route('/api/v1', subscriptionRoutes(deps, limits))
  app.route('/', subscriberPageRoutes(deps, limits))
}

const SubscribeAccepted = z
  .object({
    status: z.literal('pending_confirmation'),
    message: z.string(),
    code_token: z.string().optional().meta({
      description:
        'SMS only: send it with the texted code to POST /subscriptions/confirm-code (30 minutes)',
    }),
  })
  .meta({ id: 'SubscribeAccepted' })

const CodeConfirmed = z
  .object({
    status: z.enum(['confirmed', 'already_confirmed']),
    message: z.string(),
  })
  .meta({ id: 'CodeConfirmed' })

const CreatedSubscriber = Subscriber.extend({
  signing_secret: z.string().optional().meta({
    description:
      'Webhook only: the Standard Webhooks signing secret (`whsec_…`), in this answer only',
  }),
}).meta({ id: 'CreatedSubscriber' })

const RotatedSecret = z
  .object({
    id: Id,
    signing_secret: z.string().meta({ description: 'The new secret (`whsec_…`), shown once' }),
  })
  .meta({ id: 'RotatedSecret' })

export const SubscriberListQuery = z
  .object({
    q: userText({ singleLine: true })
      .max(254)
      .optional()
      .meta({ description: 'Part of the address: mailbox, contact address, URL or number' }),
    status: SubscriberStatus.optional(),
    channel: ChannelName.optional(),
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
          channel: ChannelName,
          count: z.number().int(),
        }),
      )
      .describe('Confirmed subscribers per component and channel, one row each (none: no row)'),
    by_channel: z
      .record(ChannelName, z.number().int())
      .describe('Subscribers in any status per channel'),
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

export function subscriptionRoutes(deps: Deps, limits: PublicLimits) {
  const app = newRouter()
  const admin = guard(deps, 'admin')
  const replayable = idempotency(deps)
  const tags = ['Subscribers']

  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscriptions',
      tags,
      summary: 'Subscribe by email, webhook, Slack, Teams, Discord or SMS (public, double opt-in)',
      description:
        '`{email}` as always, `{channel, url, email?}` for a webhook (`email`: the contact address that confirms it, required) or a chat channel (`email` optional: the confirmation link then goes there instead of to the channel), `{channel: "sms", phone}` (a 6-digit code is texted: confirm it with `/subscriptions/confirm-code`). Always answers 202 with the same body for a channel, whether or not the endpoint is already known; a confirmation goes out at most once per endpoint per 10 minutes. URLs must be https to a public address (422 `refused_url`); a channel not offered here is 422 `channel_disabled`.',
      middleware: [limits.subscribe],
      request: jsonBody(SubscriptionCreate),
      responses: {
        202: json(SubscribeAccepted, 'Accepted; confirm through the link or the code sent'),
        400: errors[400],
        413: errors[413],
        415: errors[415],
        422: errors[422],
        429: tooMany,
      },
    }),
    async (c) => c.json(await subscriptions.request(deps, SELF_SERVICE, c.req.valid('json')), 202),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscriptions/confirm-code',
      tags,
      summary: 'Confirm an SMS subscription with the texted code (public)',
      description: `The \`code_token\` of the request and the 6-digit code. A wrong code is 400 \`wrong_code\` (the tries left in the message); after ${MAX_CODE_ATTEMPTS} wrong codes 409 \`too_many_attempts\`: subscribe again for new tries (and, once the last text is 10 minutes old, a new code). An expired token, or one of an older request, is 400 \`code_token_invalid\`.`,
      middleware: [limits.code],
      request: jsonBody(ConfirmCode),
      responses: {
        200: json(CodeConfirmed, 'Confirmed'),
        400: errors[400],
        409: json(ErrorBody, 'too_many_attempts'),
        413: errors[413],
        415: errors[415],
        429: tooMany,
      },
    }),
    async (c) => {
      const result = await subscriptions.confirmCode(deps, SELF_SERVICE, c.req.valid('json'))
      const message =
        result.status === 'confirmed'
          ? 'Subscribed: texts come when something affects the components chosen. Reply STOP to any of them to stop.'
          : 'This number was already confirmed.'
      return c.json({ status: result.status, message }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscribers',
      tags,
      security,
      middleware: admin,
      summary: 'Add a confirmed subscriber of any channel (staff vouch for it)',
      description:
        'The same body as `/subscriptions`, but the contact address is optional for every channel and no confirmation is asked: the subscriber is confirmed at once. A webhook gets its signing secret in this answer only (`signing_secret`; a replay with the same Idempotency-Key does not repeat it). An endpoint that is already a subscriber, in any status, is 409 `subscriber_exists`.',
      request: { body: jsonBody(SubscriberCreate).body, headers: IdempotencyHeader },
      responses: {
        201: json(CreatedSubscriber, 'Created and confirmed'),
        ...writeErrors,
        422: errors[422],
      },
    }),
    async (c) => c.json(await subscriptions.create(deps, writeCtx(c), c.req.valid('json')), 201),
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
        'The confirmed email subscribers as CSV (`email,components,locale`, the columns the import takes; other channels are not exported), every cell quoted and neutralised against spreadsheet formulas (a leading apostrophe, which the import removes again). Pending, unsubscribed and quarantined addresses are left out. Audited.',
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
      path: '/subscribers/{id}/rotate-secret',
      tags,
      security,
      middleware: admin,
      summary: 'A new signing secret for a webhook subscriber (the old one stops at once)',
      description:
        'Answers the new secret once (a replay with the same Idempotency-Key does not repeat it). 409 `not_a_webhook` for other channels.',
      request: { params: IdParam, headers: IdempotencyHeader },
      responses: { 200: json(RotatedSecret, 'The new secret'), ...writeErrors },
    }),
    async (c) =>
      c.json(await subscriptions.rotateSecret(deps, writeCtx(c), c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/subscribers/import',
      tags,
      security,
      description:
        'Email subscribers only (add other channels with `POST /subscribers`). A CSV file with the header `email[,components][,locale]` (components separated by ";", empty = all; the columns `GET /subscribers/export` writes). New addresses are confirmed at once (the operator vouches for consent); unsubscribed and quarantined ones are skipped. Any invalid row rejects the whole file (400, `details` paths are `lines.<n>.<column>`) and nothing is written. `?dry_run=true` answers the same report and writes nothing; its `digest`, sent back as `?digest=`, imports only if the plan is still that one. Report rows name the line, never the address.',
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
