import { createRoute, z } from '@hono/zod-openapi'
import { AuditEntry, AuditFilter, auditRangeOrdered } from '../../core/schemas/audit.ts'
import { Pagination } from '../../core/schemas/common.ts'
import { listAudit } from '../../db/journal.ts'
import type { Deps } from '../deps.ts'
import { errors, guard, json, newRouter, pageHeaders, security } from './openapi.ts'

const AuditQuery = auditRangeOrdered(AuditFilter.extend(Pagination.shape))

export function auditRoutes(deps: Deps) {
  const app = newRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['Audit'],
      security,
      // Read, as the console's audit page (every role): it says who changed what, never a secret.
      middleware: guard(deps, 'read'),
      request: { query: AuditQuery },
      responses: {
        200: json(
          z.array(AuditEntry),
          'Every write, newest first: who (name and, for a person, email), what, when. Filter by person (actor_email or actor_user_id), target (target_type, target_id) and time (from inclusive, to exclusive)',
        ),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { items, total } = await listAudit(
        deps.db,
        {
          actorEmail: q.actor_email,
          actorUserId: q.actor_user_id,
          targetType: q.target_type,
          targetId: q.target_id,
          from: q.from,
          to: q.to,
        },
        q.per_page,
        (q.page - 1) * q.per_page,
      )
      return c.json(items, 200, pageHeaders(total, q.page, q.per_page))
    },
  )
  return app
}
