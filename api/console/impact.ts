import type { Hono } from 'hono'
import type { Deps } from '../deps.ts'
import { incidentOfPath } from './incident-path.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { recovery } from '../services/recovery.ts'
import { impactPage } from './impact-views.ts'
import { consolePage } from './layout.ts'

/** GET /admin/incidents/:id/impact: the same figures as GET /api/v1/incidents/{id}/impact. */
export function mountImpact(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/incidents/:id/impact', requirePerson('viewer'), async (c) => {
    const incident = await incidentOfPath(deps, c)
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
