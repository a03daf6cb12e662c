import { createRoute, z } from '@hono/zod-openapi'
import {
  CompensationInput,
  CompensationView,
  ImpactView,
  PostmortemDraft,
  PostmortemPublish,
  PostmortemView,
} from '../../core/schemas/recovery.ts'
import type { Deps } from '../deps.ts'
import { recovery } from '../services/recovery.ts'
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

/** Making amends after an incident: post-mortem, compensation, impact. */
export function recoveryRoutes(deps: Deps) {
  const app = newRouter()
  const read = guard(deps, 'read')
  const write = guard(deps, 'write')
  const tags = ['Service recovery']
  const id = (c: { req: { valid(t: 'param'): { id: string } } }) => c.req.valid('param').id

  app.openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}/postmortem',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(PostmortemView, 'The post-mortem (draft or published)'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await recovery.postmortem(deps, id(c)), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}/postmortem/template',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({ body: z.string() }),
          'A starting point: the five sections with the timeline filled in',
        ),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await recovery.postmortemTemplate(deps, id(c)), 200),
  )
  app.openapi(
    createRoute({
      method: 'put',
      path: '/incidents/{id}/postmortem',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(PostmortemDraft) },
      responses: { 200: json(PostmortemView, 'Saved'), ...writeErrors },
    }),
    async (c) =>
      c.json(await recovery.saveDraft(deps, writeCtx(c), id(c), c.req.valid('json')), 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/incidents/{id}/postmortem/publish',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(PostmortemPublish), headers: IdempotencyHeader },
      responses: {
        201: json(
          PostmortemView,
          'Published: on the incident page, in the feeds, and (notify) emailed',
        ),
        ...writeErrors,
      },
    }),
    async (c) => c.json(await recovery.publish(deps, writeCtx(c), id(c), c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}/compensation',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(
          CompensationView,
          'Month-to-date availability and credit per component, and the decision',
        ),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await recovery.compensation(deps, id(c)), 200),
  )
  app.openapi(
    createRoute({
      method: 'put',
      path: '/incidents/{id}/compensation',
      tags,
      security,
      middleware: write,
      request: { params: IdParam, ...jsonBody(CompensationInput) },
      responses: { 200: json(CompensationView, 'Decided'), ...writeErrors },
    }),
    async (c) =>
      c.json(await recovery.decideCompensation(deps, writeCtx(c), id(c), c.req.valid('json')), 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}/impact',
      tags,
      security,
      middleware: read,
      request: { params: IdParam },
      responses: {
        200: json(ImpactView, 'Affected subscribers and outage time per component'),
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => c.json(await recovery.impact(deps, id(c)), 200),
  )
  return app
}
