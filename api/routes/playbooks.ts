import { createRoute, z } from '@hono/zod-openapi'
import { fillPlaybook, playbookSummary, type PlaybookStatus } from '../../core/playbooks.ts'
import { PlaybookVars } from '../../core/schemas/incident.ts'
import { getPlaybook, PLAYBOOKS } from '../../templates/playbooks/index.ts'
import type { Deps } from '../deps.ts'
import { errors, guard, json, jsonBody, newRouter, security } from './openapi.ts'

const FillRequest = z
  .object({
    status: z.string().optional(),
    locale: z.enum(['en', 'zh-CN']).optional(),
    vars: PlaybookVars.default({}),
  })
  .strict()
  .meta({ id: 'PlaybookFill' })

const Filled = z
  .object({
    name: z.string(),
    body: z.string(),
    workaround: z.string().nullable(),
    apology: z.string(),
  })
  .meta({ id: 'PlaybookText' })

/** Prepared wording for typical incidents: a starting point, never a form letter. */
export function playbookRoutes(deps: Deps) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const tags = ['Playbooks']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/playbooks',
      tags,
      security,
      middleware: read,
      responses: {
        200: json(z.array(z.unknown()), 'Every playbook with its statuses and variables'),
        401: errors[401],
      },
    }),
    (c) => c.json(Object.values(PLAYBOOKS).map(playbookSummary), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/playbooks/{id}/fill',
      tags,
      security,
      middleware: read,
      request: { params: z.object({ id: z.string().max(100) }), ...jsonBody(FillRequest) },
      responses: {
        200: json(Filled, 'The wording for one status, filled in; edit before posting'),
        400: errors[400],
        401: errors[401],
      },
    }),
    (c) => {
      const input = c.req.valid('json')
      const playbook = getPlaybook(c.req.valid('param').id, 'id')
      const filled = fillPlaybook(playbook, {
        status: input.status as PlaybookStatus | undefined,
        locale: input.locale,
        vars: input.vars,
      })
      return c.json(filled, 200)
    },
  )
  return app
}
