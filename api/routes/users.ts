import { createRoute, z } from '@hono/zod-openapi'
import { InvitedUser, User, UserActivity, UserInvite, UserUpdate } from '../../core/schemas/user.ts'
import type { Deps } from '../deps.ts'
import { people } from '../services/people.ts'
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
  writeErrors,
} from './openapi.ts'

/** People who use the console (admin): invite, list, change role or status, end sessions. */
export function userRoutes(deps: Deps) {
  const app = newRouter()
  const admin = guard(deps, 'admin')
  const tags = ['People']

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags,
      security,
      middleware: admin,
      responses: {
        200: json(z.array(UserActivity), 'Every person, with their last sign-in'),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await people.list(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags,
      security,
      middleware: admin,
      description:
        'Invites a person: the invitation link is emailed to them and returned here once (7 days, single use). Inviting an invited address again replaces its link; an active or disabled address is 409.',
      request: { ...jsonBody(UserInvite), headers: IdempotencyHeader },
      responses: {
        201: json(InvitedUser, 'The invited person and their link (shown only here)'),
        ...writeErrors,
      },
    }),
    async (c) => c.json(await people.invite(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      tags,
      security,
      middleware: admin,
      request: { params: IdParam },
      responses: {
        200: json(User, 'The person'),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => c.json(await people.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags,
      security,
      middleware: admin,
      description:
        'Changes the name, role or status. Disabling ends their sessions at once and their personal tokens stop working. The last active admin cannot be demoted or disabled (409 last_admin).',
      request: { params: IdParam, ...jsonBody(UserUpdate) },
      responses: { 200: json(User, 'The person as changed'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await people.update(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/sessions/end',
      tags,
      security,
      middleware: admin,
      description: 'Signs the person out everywhere (their API tokens are not affected).',
      request: { params: IdParam, headers: IdempotencyHeader },
      responses: { 200: json(User, 'The person, signed out everywhere'), ...writeErrors },
    }),
    async (c) => c.json(await people.endSessions(deps, writeCtx(c), c.req.valid('param').id), 200),
  )
  return app
}
