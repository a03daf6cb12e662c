import type { Hono } from 'hono'
import { DomainError } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import {
  communicationMetrics,
  incidentCommunication,
  WINDOWS,
  type WindowDays,
} from '../services/metrics.ts'
import { consolePage } from './layout.ts'
import { incidentMetricsBody } from './metrics-incident-views.ts'
import { metricsBody } from './metrics-views.ts'

const DAY = 86_400_000

/** `?days=30|90` (90 when left out); anything else is a 400, not a silent default. */
function windowDays(raw: string | undefined): WindowDays {
  if (raw === undefined || raw === '') return 90
  const days = WINDOWS.find((d) => String(d) === raw)
  if (!days) {
    throw new DomainError('invalid', 'invalid_input', 'The window is the last 30 or 90 days', [
      { path: 'days', message: 'Must be 30 or 90' },
    ])
  }
  return days
}

/**
 * GET /admin/metrics: the communication promises over 30 and 90 days, charted over the chosen
 * window; GET /admin/metrics/incidents/:id: one incident's (every role). /staff/metrics redirects
 * to the first.
 */
export function mountMetrics(app: Hono<AppEnv>, deps: Deps): void {
  const zone = deps.config.page.timeZone

  app.get('/admin/metrics', requirePerson('viewer'), async (c) => {
    const days = windowDays(c.req.query('days'))
    const m = await communicationMetrics(deps)
    const since = new Date(Date.parse(m.generated_at) - days * DAY).toISOString()
    const list = {
      incidents: m.incidents.filter((r) => r.started_at >= since),
      reports: m.reports.filter((r) => r.created_at >= since),
      drafts: m.drafts.filter((r) => r.first_signal_at >= since),
    }
    return c.html(
      consolePage(c, deps.config.page.name, {
        title: 'Communication metrics',
        section: 'metrics',
        body: metricsBody(m, days, list, zone),
      }),
    )
  })

  app.get('/admin/metrics/incidents/:id', requirePerson('viewer'), async (c) => {
    const id = c.req.param('id')
    if (!Id.safeParse(id).success) {
      throw new DomainError('not_found', 'not_found', 'There is no such incident')
    }
    const m = await incidentCommunication(deps, id)
    return c.html(
      consolePage(c, deps.config.page.name, {
        title: `Communication: ${m.incident.name}`,
        section: 'metrics',
        body: incidentMetricsBody(m, zone),
      }),
    )
  })
}
