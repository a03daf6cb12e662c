import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { DomainError } from '../../core/errors.ts'
import { ErrorBody, Id, Pagination, Timestamp } from '../../core/schemas/common.ts'
import { FEEDBACK_SOURCES, FEEDBACK_STATUSES } from '../../db/feedback.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import {
  feedback,
  FeedbackAssign,
  FeedbackCreate,
  FeedbackEmpty,
  feedbackFor,
  FeedbackReplyCreate,
  THANK_YOU,
} from '../services/feedback.ts'
import { clientIp, createRateLimiter, ipKey, type RateLimiter } from '../services/rate-limit.ts'
import { feedbackPageRoutes } from './feedback-pages.ts'
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

export interface FeedbackOptions {
  /** Take the client address from forwarding headers (only behind a proxy that sets them). */
  trustProxy?: boolean
  /** Accepted reports per client address (IPv6: per /64) per hour. */
  perIpPerHour?: number
}

/** Counts one report against the sender's address, or refuses it (429, nothing written). */
export type Admit = (c: Context) => void

function admitter(limiter: RateLimiter, trustProxy: boolean): Admit {
  return (c) => {
    const taken = limiter.take(ipKey(clientIp(c, trustProxy)))
    if (taken.ok) return
    c.header('Retry-After', String(taken.retryAfterSeconds))
    const minutes = Math.ceil(taken.retryAfterSeconds / 60)
    throw new DomainError(
      'rate_limited',
      'rate_limited',
      `Too many reports from your network; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    )
  }
}

/**
 * Mounts the public report endpoints (the HTML form and its JSON twin, sharing one per-address
 * limiter created here so every app has its own), the follow-up answer pages, and the staff API.
 */
export function mountFeedback(app: OpenAPIHono<AppEnv>, deps: Deps, opts: FeedbackOptions = {}) {
  const limiter = createRateLimiter({
    limit: opts.perIpPerHour ?? 5,
    windowMs: 3_600_000,
    clock: deps.clock,
  })
  const admit = admitter(limiter, opts.trustProxy ?? false)
  app.route('/api/v1', feedbackRoutes(deps, admit))
  app.route('/', feedbackPageRoutes(deps, admit))
}

const Reply = z
  .object({ id: Id, body: z.string(), author: z.string(), created_at: Timestamp })
  .meta({ id: 'FeedbackReply' })

const Feedback = z
  .object({
    id: Id,
    status: z.enum(FEEDBACK_STATUSES),
    source: z.enum(FEEDBACK_SOURCES),
    message: z.string(),
    email: z
      .string()
      .nullable()
      .describe(
        "The reporter's address, where the answer is mailed; null when none was given. Whole for an admin token only: for read and write tokens it is masked to its first character and domain (`r***@example.net`).",
      ),
    incident_id: Id.nullable(),
    component_id: Id.nullable(),
    subscriber_id: Id.nullable(),
    created_at: Timestamp,
    first_answered_at: Timestamp.nullable(),
    closed_at: Timestamp.nullable(),
    assigned_to: Id.nullable().describe('The person (user id) answering it; null: nobody yet'),
    age_seconds: z.number().int(),
    late: z.boolean().describe('Open and still unanswered after 2 hours'),
    overdue: z.boolean().describe('Open and still unanswered after 24 hours'),
    replies: z.array(Reply).describe('Oldest first'),
  })
  .meta({ id: 'Feedback' })

const FeedbackReceived = z
  .object({ status: z.literal('received'), message: z.string() })
  .meta({ id: 'FeedbackReceived' })

const ListQuery = z
  .object({
    status: z.enum(FEEDBACK_STATUSES).optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional()
      .meta({
        description: 'true: only items open and unanswered after 24 hours; false: the others',
      }),
    late: z
      .enum(['true'])
      .transform(() => true)
      .optional()
      .meta({
        description: 'true: only items open and unanswered after 2 hours (overdue included)',
      }),
    incident: Id.optional().meta({ description: 'Only feedback about this incident' }),
    assignee: z
      .union([Id, z.literal('none')])
      .optional()
      .meta({ description: 'Only items assigned to this person (user id); `none`: to nobody' }),
    mine: z
      .enum(['true'])
      .transform(() => true)
      .optional()
      .meta({
        description:
          "true: only items assigned to the token's person (a personal token or a console session)",
      }),
  })
  .extend(Pagination.shape)

export function feedbackRoutes(deps: Deps, admit: Admit) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const write = guard(deps, 'write')
  const tags = ['Feedback']

  app.openapi(
    createRoute({
      method: 'post',
      path: '/feedback',
      tags,
      summary: 'Report a problem (public)',
      description:
        'Anyone may report a problem; at most 5 reports per client address per hour. When `email` is given, a thank-you goes to it (our own words and a link to the status page, never the message; at most 1 per recipient an hour and 3 a day), and so does the answer.',
      request: jsonBody(FeedbackCreate),
      responses: {
        202: json(FeedbackReceived, 'Received'),
        400: errors[400],
        413: errors[413],
        415: errors[415],
        429: json(ErrorBody, 'Too many reports from this address; see Retry-After'),
      },
    }),
    async (c) => {
      const { website, ...input } = c.req.valid('json')
      // The honeypot: answer as if all went well, write nothing.
      if (!website) {
        admit(c)
        await feedback.report(deps, input)
      }
      return c.json({ status: 'received' as const, message: THANK_YOU }, 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/feedback',
      tags,
      security,
      middleware: read,
      request: { query: ListQuery },
      responses: {
        200: json(z.array(Feedback), 'Feedback, newest first; X-Total-Count holds the total'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const { assignee, mine, ...q } = c.req.valid('query')
      const actor = c.get('actor')
      if (mine && !actor.person) {
        throw new DomainError('invalid', 'invalid_query', 'mine=true needs a personal token', [
          { path: 'mine', message: 'A service token is nobody: use assignee=<user id>' },
        ])
      }
      const assigned = mine ? actor.person!.id : assignee === 'none' ? null : assignee
      const { items, total } = await feedback.list(deps, { ...q, assigned_to: assigned })
      const scope = c.get('actor').scope
      return c.json(
        items.map((f) => feedbackFor(f, scope)),
        200,
        pageHeaders(total, q.page, q.per_page),
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/feedback/{id}',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(Feedback, 'The feedback with its replies'),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) =>
      c.json(
        feedbackFor(await feedback.get(deps, c.req.valid('param').id), c.get('actor').scope),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/feedback/{id}/replies',
      tags,
      security,
      middleware: write,
      description:
        "Stores the answer (markdown) and emails it to the reporter, signed with the writer's name and the page's team, from the page's address with `Reply-To: SUPPORT_EMAIL` when set, in the thread of the thank-you. The first reply sets `first_answered_at` and the status to answered. A closed item takes no replies (409); a canned reply sent unchanged is refused (400 `unedited_template`).",
      request: { params: IdParam, ...jsonBody(FeedbackReplyCreate), headers: IdempotencyHeader },
      responses: { 201: json(Feedback, 'Answered'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await feedback.reply(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json').body),
        201,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/feedback/{id}/close',
      tags,
      security,
      middleware: write,
      description: 'Nothing more to do. Send `{}` as the body.',
      request: { params: IdParam, ...jsonBody(FeedbackEmpty), headers: IdempotencyHeader },
      responses: { 200: json(Feedback, 'Closed'), ...writeErrors },
    }),
    async (c) => c.json(await feedback.close(deps, writeCtx(c), c.req.valid('param').id), 200),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/feedback/{id}/reopen',
      tags,
      security,
      middleware: write,
      description:
        'A closed item is open again and takes replies. Send `{}` as the body. An item that is not closed: 409.',
      request: { params: IdParam, ...jsonBody(FeedbackEmpty), headers: IdempotencyHeader },
      responses: { 200: json(Feedback, 'Open again'), ...writeErrors },
    }),
    async (c) => c.json(await feedback.reopen(deps, writeCtx(c), c.req.valid('param').id), 200),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/feedback/{id}/assign',
      tags,
      security,
      middleware: write,
      description:
        'Gives the item to a person to answer (any active person), or to nobody (`null`).',
      request: { params: IdParam, ...jsonBody(FeedbackAssign), headers: IdempotencyHeader },
      responses: { 200: json(Feedback, 'Assigned'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await feedback.assign(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  return app
}
