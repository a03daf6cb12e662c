import { createRoute, z } from '@hono/zod-openapi'
import {
  Component,
  ComponentCreate,
  ComponentGroup,
  ComponentPatch,
  GroupCreate,
  GroupPatch,
} from '../../core/schemas/component.ts'
import type { Deps } from '../deps.ts'
import { components, groups } from '../services/components.ts'
import { uptime } from '../services/uptime.ts'
import {
  errors,
  guard,
  IdempotencyHeader,
  IdParam,
  json,
  jsonBody,
  newRouter,
  security,
  writeCtx,
  writeErrors,
} from './openapi.ts'

const UptimeQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(90) })

export function componentRoutes(deps: Deps) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const write = guard(deps, 'write')
  const tags = ['Components']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/components',
      tags,
      security,
      middleware: read,
      responses: {
        200: json(z.array(Component), 'All components'),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => c.json(await components.list(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/components/{id}',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: { 200: json(Component, 'The component'), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json(await components.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/components',
      tags,
      security,
      middleware: write,
      request: { ...jsonBody(ComponentCreate), headers: IdempotencyHeader },
      responses: { 201: json(Component, 'Created'), ...writeErrors },
    }),
    async (c) => c.json(await components.create(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/components/{id}',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(ComponentPatch) },
      responses: { 200: json(Component, 'Updated'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await components.update(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/components/{id}',
      tags,
      security,
      middleware: write,
      request: { params: IdParam },
      responses: { 200: json(Component, 'Deleted'), ...writeErrors },
    }),
    async (c) => c.json(await components.remove(deps, writeCtx(c), c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/components/{id}/uptime',
      tags,
      security,
      middleware: read,
      request: { params: IdParam, query: UptimeQuery },
      responses: {
        200: json(z.unknown(), 'Daily uptime, time-weighted; null days have no data'),
        400: errors[400],
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) =>
      c.json(await uptime.component(deps, c.req.valid('param').id, c.req.valid('query').days), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/uptime',
      tags,
      security,
      middleware: read,
      request: { query: UptimeQuery },
      responses: {
        200: json(z.unknown(), 'Uptime of every component and group'),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => c.json(await uptime.all(deps, c.req.valid('query').days), 200),
  )

  const gtags = ['Component groups']
  app.openapi(
    createRoute({
      method: 'get',
      path: '/component-groups',
      tags: gtags,
      security,
      middleware: read,
      responses: { 200: json(z.array(ComponentGroup), 'All groups'), 401: errors[401] },
    }),
    async (c) => c.json(await groups.list(deps), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/component-groups/{id}',
      tags: gtags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: { 200: json(ComponentGroup, 'The group'), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json(await groups.get(deps, c.req.valid('param').id), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/component-groups',
      tags: gtags,
      security,
      middleware: write,
      request: { ...jsonBody(GroupCreate), headers: IdempotencyHeader },
      responses: { 201: json(ComponentGroup, 'Created'), ...writeErrors },
    }),
    async (c) => c.json(await groups.create(deps, writeCtx(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/component-groups/{id}',
      tags: gtags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(GroupPatch) },
      responses: { 200: json(ComponentGroup, 'Updated'), ...writeErrors },
    }),
    async (c) =>
      c.json(
        await groups.update(deps, writeCtx(c), c.req.valid('param').id, c.req.valid('json')),
        200,
      ),
  )
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/component-groups/{id}',
      tags: gtags,
      security,
      middleware: write,
      request: { params: IdParam },
      responses: {
        200: json(ComponentGroup, 'Deleted; its components stay, ungrouped'),
        ...writeErrors,
      },
    }),
    async (c) => c.json(await groups.remove(deps, writeCtx(c), c.req.valid('param').id), 200),
  )
  return app
}
