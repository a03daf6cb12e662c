import { createRoute, z } from '@hono/zod-openapi'
import { Pagination } from '../../core/schemas/common.ts'
import {
  Maintenance,
  MaintenanceCancel,
  MaintenanceCreate,
  MaintenanceCreated,
  MaintenanceListQuery,
  MaintenancePatch,
  MaintenanceUpdateCreate,
} from '../../core/schemas/maintenance.ts'
import type { Deps } from '../deps.ts'
import { maintenances } from '../services/maintenances.ts'
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

export function maintenanceRoutes(deps: Deps) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const write = guard(deps, 'write')
  const tags = ['Maintenance']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/maintenances',
      tags,
      security,
      middleware: read,
      request: { query: MaintenanceListQuery.extend(Pagination.shape) },
      responses: {
        200: json(z.array(Maintenance), 'Maintenance windows; X-Total-Count holds the total'),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const { items, total } = await maintenances.list(deps, q)
      return c.json(items, 200, pageHeaders(total, q.page, q.per_page))
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/maintenances/{id}',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(Maintenance, 'The window and its timeline'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await maintenances.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/maintenances',
      tags,
      security,
      middleware: write,
      request: { ...jsonBody(MaintenanceCreate), headers: IdempotencyHeader },
      responses: {
        201: json(MaintenanceCreated, 'Scheduled; `warnings` flags short notice'),
        ...writeErrors,
      },
    }),
    async (c) => c.json(await maintenances.create(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/maintenances/{id}',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(MaintenancePatch) },
      responses: { 200: json(Maintenance, 'Edited'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await maintenances.edit(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/maintenances/{id}/updates',
      tags,
      security,
      middleware: write,
      request: {
        params: IdParam,
        ...jsonBody(MaintenanceUpdateCreate),
        headers: IdempotencyHeader,
      },
      responses: { 201: json(Maintenance, 'Update posted'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await maintenances.postUpdate(
          deps,
          writeCtx(c),
          c.req.valid('param').id,
          c.req.valid('json'),
        ),
        201,
      ),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/maintenances/{id}/cancel',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(MaintenanceCancel), headers: IdempotencyHeader },
      responses: { 201: json(Maintenance, 'Cancelled'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await maintenances.cancel(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        201,
      ),
  )
  return app
}
