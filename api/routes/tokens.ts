import { createRoute, z } from '@hono/zod-openapi'
import { CreatedToken, Token, TokenCreate } from '../../core/schemas/token.ts'
import type { Deps } from '../deps.ts'
import { tokens } from '../services/tokens.ts'
import {
  errors,
  guard,
  IdempotencyHeader,
  IdParam,
  json,
  jsonBody,
  newRouter,
  security,
  writeCtx,
} from './openapi.ts'

export function tokenRoutes(deps: Deps) {
  const app = newRouter()
  const admin = guard(deps, 'admin')
  const tags = ['Tokens']

  app.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags,
      security,
      middleware: admin,
      responses: {
        200: json(z.array(Token), 'All tokens (never their secrets)'),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await tokens.list(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags,
      security,
      middleware: admin,
      request: { ...jsonBody(TokenCreate), headers: IdempotencyHeader },
      responses: {
        201: json(CreatedToken, 'The new token; its secret is shown only here'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await tokens.create(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags,
      security,
      middleware: admin,
      request: { params: IdParam },
      responses: {
        200: json(Token, 'The revoked token'),
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => c.json(await tokens.revoke(deps, writeCtx(c), c.req.valid('param').id), 200),
  )
  return app
}
