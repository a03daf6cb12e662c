import type { Context, Hono } from 'hono'
import { notFound } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { incidents } from '../services/incidents.ts'
import { recovery } from '../services/recovery.ts'
import { impactPage } from './impact-views.ts'
import { consolePage } from './layout.ts'

/** The incident of an amends screen (`:id`), or the console's 404 page. */
export async function amendsIncident(deps: Deps, c: Context<AppEnv>): Promise<Incident> {
  const id = c.req.param('id') ?? ''
  if (!Id.safeParse(id).success) throw notFound('incident', id)
  return incidents.get(deps, id)
}

/** GET /admin/incidents/:id/impact: the same figures as GET /api/v1/incidents/{id}/impact. */
export function mountImpact(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/incidents/:id/impact', requirePerson('viewer'), async (c) => {
    const incident = await amendsIncident(deps, c)
    const body = impactPage({
      incident,
      impact: await recovery.impact(deps, incident.id),
      timeZone: deps.config.page.timeZone,
    })
    return c.html(
      consolePage(c, deps.config.page.name, {
        title: `Impact: ${incident.name}`,
        section: 'incidents',
        body,
      }),
    )
  })
}
