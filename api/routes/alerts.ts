import { createRoute, z } from '@hono/zod-openapi'
import { DomainError } from '../../core/errors.ts'
import {
  AlertRule,
  AlertRuleCreate,
  AlertsAccepted,
  AlertSource,
  Draft,
  DraftDismiss,
  DraftReportView,
  DraftPatch,
} from '../../core/schemas/alerts.ts'
import { Pagination } from '../../core/schemas/common.ts'
import { Incident } from '../../core/schemas/incident.ts'
import { requireAlertSource } from '../auth.ts'
import type { Deps } from '../deps.ts'
import { alertRules } from '../services/alert-rules.ts'
import { alerts } from '../services/alerts.ts'
import { drafts } from '../services/drafts.ts'
import {
  errors,
  guard,
  IdParam,
  json,
  jsonBody,
  newRouter,
  pageHeaders,
  security,
  writeCtx,
  writeErrors,
} from './openapi.ts'

const SourceParam = z.object({
  source: AlertSource.meta({ param: { name: 'source', in: 'path' } }),
})

const DraftListQuery = z.object({
  state: z.enum(['active', 'open', 'published', 'dismissed']).optional().meta({
    description:
      '`active`: what still needs a person (open drafts, and published ones whose incident is unresolved)',
  }),
})

/**
 * Early warning: monitoring systems post alerts, alerts open draft incidents per component, and
 * staff publish (or dismiss) the drafts.
 */
export function alertRoutes(deps: Deps) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const write = guard(deps, 'write')
  const admin = guard(deps, 'admin')

  app.openapi(
    createRoute({
      method: 'post',
      path: '/alerts/{source}',
      tags: ['Alerts'],
      security,
      middleware: [requireAlertSource(deps)],
      request: { params: SourceParam },
      description:
        "Alertmanager's or Grafana's webhook as they send it, or the generic format " +
        '`{status, component, severity?, summary?, id?}` (or a list of them). Authenticated by the ' +
        "source's token (Bearer, or `?token=`) or a write API token.",
      responses: {
        202: json(AlertsAccepted, 'Recorded: the drafts the alerts joined or opened'),
        ...writeErrors,
        422: errors[422],
      },
    }),
    // The body's format depends on the source, so the service reads and checks it.
    async (c) => {
      const body: unknown = await c.req.json().catch(() => {
        throw new DomainError('invalid', 'invalid_json', 'The body is not valid JSON')
      })
      return c.json(await alerts.ingest(deps, c.req.valid('param').source, body), 202)
    },
  )

  const ruleTags = ['Alerts']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/alert-rules',
      tags: ruleTags,
      security,
      middleware: read,
      responses: {
        200: json(z.array(AlertRule), 'Every rule, in the order they apply'),
        401: errors[401],
      },
    }),
    async (c) => c.json(await alertRules.list(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/alert-rules',
      tags: ruleTags,
      security,
      middleware: admin,
      request: jsonBody(AlertRuleCreate),
      responses: { 201: json(AlertRule, 'Created'), ...writeErrors, 422: errors[422] },
    }),
    async (c) => c.json(await alertRules.create(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/alert-rules/{id}',
      tags: ruleTags,
      security,
      middleware: admin,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...writeErrors },
    }),
    async (c) => {
      await alertRules.remove(deps, writeCtx(c), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/alert-sources/{source}/token',
      tags: ruleTags,
      security,
      middleware: admin,
      request: { params: SourceParam },
      responses: {
        201: json(
          z.object({ source: AlertSource, token: z.string(), url: z.string() }),
          'The new token, shown once; the previous one stops working',
        ),
        ...writeErrors,
      },
    }),
    async (c) =>
      c.json(await alertRules.rotateToken(deps, writeCtx(c), c.req.valid('param').source), 201),
  )

  const draftTags = ['Drafts']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/drafts',
      tags: draftTags,
      security,
      middleware: read,
      request: { query: DraftListQuery.extend(Pagination.shape) },
      responses: {
        200: json(z.array(Draft), 'Drafts newest first; X-Total-Count holds the total'),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { items, total } = await drafts.list(deps, q)
      return c.json(items, 200, pageHeaders(total, q.page, q.per_page))
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/drafts/{id}',
      tags: draftTags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(Draft, 'The draft with its signals'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await drafts.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/drafts/{id}/reports',
      tags: draftTags,
      security,
      middleware: read,
      request: { params: IdParam },
      description:
        'The customer reports a spike attached to the draft, oldest first. Publishing the draft ' +
        'links those about no incident to the new one and thanks each reporter who left an address.',
      responses: {
        200: json(z.array(DraftReportView), 'The reports'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => {
      const reports = await drafts.reports(deps, c.req.valid('param').id)
      return c.json(
        reports.map((r) => ({
          id: r.id,
          message: r.message,
          created_at: r.createdAt,
          has_email: r.hasEmail,
          incident_id: r.incidentId,
        })),
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/drafts/{id}',
      tags: draftTags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(DraftPatch) },
      responses: { 200: json(Draft, 'Edited'), ...writeErrors, 422: errors[422] },
    }),
    async (c) =>
      c.json(
        await drafts.edit(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/drafts/{id}/publish',
      tags: draftTags,
      security,
      middleware: write,
      request: { params: IdParam },
      responses: {
        201: json(Incident, 'Published as this incident'),
        ...writeErrors,
        422: errors[422],
      },
    }),
    async (c) => c.json(await drafts.publish(deps, writeCtx(c), c.req.valid('param').id), 201),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/drafts/{id}/dismiss',
      tags: draftTags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(DraftDismiss) },
      responses: { 200: json(Draft, 'Dismissed, with the reason kept'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await drafts.dismiss(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  return app
}
