import { createRoute, z } from '@hono/zod-openapi'
import { Pagination } from '../../core/schemas/common.ts'
import { listAudit } from '../../db/journal.ts'
import type { Deps } from '../deps.ts'
import { errors, guard, json, newRouter, pageHeaders, security } from './openapi.ts'

const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor_name: z.string(),
    action: z.string(),
    target_type: z.string(),
    target_id: z.string(),
    details: z.unknown(),
  })
  .meta({ id: 'AuditEntry' })

export function auditRoutes(deps: Deps) {
  const app = newRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['Audit'],
      security,
      middleware: guard(deps, 'admin'),
      request: { query: Pagination },
      responses: {
        200: json(z.array(AuditEntry), 'Every write, newest first: who, what, when'),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { items, total } = await listAudit(deps.db, q.per_page, (q.page - 1) * q.per_page)
      return c.json(items, 200, pageHeaders(total, q.page, q.per_page))
    },
  )
  return app
}
