import { createRoute } from '@hono/zod-openapi'
import { CommunicationMetrics, IncidentCommunicationMetrics } from '../../core/schemas/metrics.ts'
import type { Deps } from '../deps.ts'
import { communicationMetrics, incidentCommunication } from '../services/metrics.ts'
import { errors, guard, IdParam, json, newRouter, security } from './openapi.ts'

const RULES =
  'Time to the first public message is measured from the start of impact (`started_at`, backdated when the incident was opened late); an incident opened at impact start is `opened_at_impact_start` and counted in no rate or median. Every silence between public updates is held against the promised cadence (`update_gap_minutes`), the running one too while unresolved. Post-mortems of major and critical incidents are due `postmortem_days` after resolution; unpublished ones are `due` or `late`. Reports are answered within 2 h, 24 h or later; unanswered ones are `open`, `late` (over 2 h) or `overdue` (over 24 h).'

export function metricsRoutes(deps: Deps) {
  const app = newRouter()
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics/communication',
      tags: ['Service recovery'],
      summary: 'Communication metrics, rolling 30 and 90 days',
      description: RULES,
      security,
      middleware: guard(deps, 'read'),
      responses: {
        200: json(
          CommunicationMetrics,
          'Per window, per incident (started in the last 90 days) and per report (received in the last 90 days)',
        ),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await communicationMetrics(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics/communication/incidents/{id}',
      tags: ['Service recovery'],
      summary: 'Communication metrics of one incident',
      description: RULES,
      security,
      middleware: guard(deps, 'read'),
      request: { params: IdParam },
      responses: {
        200: json(IncidentCommunicationMetrics, 'The incident’s figures and the reports about it'),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => c.json(await incidentCommunication(deps, c.req.valid('param').id), 200),
  )
  return app
}

/**
 * The old staff page lives in the console now (/admin/metrics, behind a session): old bookmarks
 * are sent there for good.
 */
export function staffPages() {
  const app = newRouter()
  app.get('/metrics', (c) => c.redirect('/admin/metrics', 301))
  return app
}
