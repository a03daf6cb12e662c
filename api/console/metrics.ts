import type { Hono } from 'hono'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { communicationMetrics } from '../services/metrics.ts'
import { consolePage } from './layout.ts'
import { metricsBody } from './metrics-views.ts'

/** GET /admin/metrics: the communication metrics (every role); /staff/metrics redirects here. */
export function mountMetrics(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/metrics', requirePerson('viewer'), async (c) => {
    const m = await communicationMetrics(deps)
    return c.html(
      consolePage(c, deps.config.page.name, {
        title: 'Communication metrics',
        section: 'metrics',
        body: metricsBody(m, deps.config.page.timeZone),
      }),
    )
  })
}
