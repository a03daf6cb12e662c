import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { z, type ZodType } from 'zod'
import { ErrorBody, Id } from '../../core/schemas/common.ts'
import type { Scope } from '../../core/schemas/token.ts'
import { requireScope } from '../auth.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { validationError } from '../errors.ts'
import { idempotency } from '../idempotency.ts'
import type { WriteContext } from '../services/write.ts'

const WHERE: Record<string, string> = {
  json: 'request body',
  query: 'query string',
  param: 'path',
  header: 'headers',
}

/** A router whose validation failures become the one error shape (400 with field paths). */
export function newRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw validationError(result.error, WHERE[result.target] ?? result.target)
    },
  })
}

export const jsonBody = <T extends ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
})

export const json = <T extends ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

const error = (description: string) => json(ErrorBody, description)

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const errors = {
  400: error('Invalid input; `details` lists each field path'),
  401: error('Missing, unknown or revoked token'),
  403: error('The token lacks the scope this action needs'),
  404: error('No such resource'),
  409: error('The change is impossible in the current state'),
  422: error(
    'Well-formed but refused (`details` names the field): a URL we will not call, a channel not offered',
  ),
  413: error('Body too large'),
  415: error('Body is not application/json'),
  503: error('Database unavailable'),
} as const

/** The error responses of any route that changes something. */
export const writeErrors = {
  400: errors[400],
  401: errors[401],
  403: errors[403],
  404: errors[404],
  409: errors[409],
  413: errors[413],
  415: errors[415],
} as const

export const IdParam = z.object({
  id: Id.meta({ param: { name: 'id', in: 'path' } }),
})

export const IdempotencyHeader = z.object({
  'idempotency-key': z.string().optional().meta({
    description: 'A retry with the same key returns the first response and writes nothing',
  }),
})

/** Middleware for a route: the scope it needs, plus replay of idempotent POSTs for writes. */
export function guard(deps: Deps, scope: Scope): MiddlewareHandler<AppEnv>[] {
  return scope === 'read'
    ? [requireScope(deps, scope)]
    : [requireScope(deps, scope), idempotency(deps)]
}

export const security = [{ bearer: [] }]

/** Statuspage-style list: a bare array, with the total and paging in headers. */
export function pageHeaders(total: number, page: number, perPage: number): Record<string, string> {
  return {
    'x-total-count': String(total),
    'x-page': String(page),
    'x-per-page': String(perPage),
  }
}

/** The write context of a request: who is writing, and its idempotency key if any. */
export function writeCtx(c: Context<AppEnv>): WriteContext {
  return { actor: c.get('actor'), idempotency: c.get('idempotency') }
}
