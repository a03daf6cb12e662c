import { createRoute, z } from '@hono/zod-openapi'
import { Id, Pagination } from '../../core/schemas/common.ts'
import {
  Incident,
  IncidentCreate,
  IncidentListQuery,
  IncidentPatch,
  IncidentReopen,
  IncidentResolve,
  IncidentUpdateCreate,
  IncidentUpdateEdit,
  IncidentUpdateResult as UpdateResult,
} from '../../core/schemas/incident.ts'
import type { Deps } from '../deps.ts'
import { incidents } from '../services/incidents.ts'
import {
  errors,
  guard,
  IdempotencyHeader,
  IdParam,
  json,
  jsonBody,
  newRouter,
  pageHeaders,
  security,
  writeCtx,
  writeErrors,
} from './openapi.ts'

const UpdateParams = IdParam.extend({
  update_id: Id.meta({ param: { name: 'update_id', in: 'path' } }),
})

export function incidentRoutes(deps: Deps) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const write = guard(deps, 'write')
  const tags = ['Incidents']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/incidents',
      tags,
      security,
      middleware: read,
      request: { query: IncidentListQuery.extend(Pagination.shape) },
      responses: {
        200: json(z.array(Incident), 'Incidents, newest first; X-Total-Count holds the total'),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { items, total } = await incidents.list(deps, q)
      return c.json(items, 200, pageHeaders(total, q.page, q.per_page))
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(Incident, 'The incident with its timeline, newest first'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await incidents.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/incidents',
      tags,
      security,
      middleware: write,
      request: { ...jsonBody(IncidentCreate), headers: IdempotencyHeader },
      responses: { 201: json(Incident, 'Opened'), ...writeErrors },
    }),
    async (c) => c.json(await incidents.create(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/incidents/{id}',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(IncidentPatch) },
      responses: { 200: json(Incident, 'Edited (no timeline entry)'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await incidents.edit(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/incidents/{id}/updates',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(IncidentUpdateCreate), headers: IdempotencyHeader },
      responses: { 201: json(UpdateResult, 'Update posted'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await incidents.postUpdate(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        201,
      ),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/incidents/{id}/updates/{update_id}',
      tags,
      security,
      middleware: write,
      request: { params: UpdateParams, ...jsonBody(IncidentUpdateEdit) },
      responses: {
        200: json(Incident, 'The text corrected (no new timeline entry, no email)'),
        ...writeErrors,
      },
    }),
    async (c) => {
      const { id, update_id } = c.req.valid('param')
      return c.json(
        await incidents.editUpdate(deps, writeCtx(c), id, update_id, c.req.valid('json')),
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/incidents/{id}/resolve',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(IncidentResolve), headers: IdempotencyHeader },
      responses: { 201: json(UpdateResult, 'Resolved'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await incidents.resolve(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        201,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/incidents/{id}/reopen',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(IncidentReopen), headers: IdempotencyHeader },
      responses: { 201: json(UpdateResult, 'Reopened'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await incidents.reopen(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        201,
      ),
  )
  return app
}
