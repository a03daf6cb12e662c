import { describe, expect, it } from 'vitest'
import { createTestApp } from '../fixtures/test-app.ts'

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1, generated from the zod schemas, and covers every route', async () => {
    const t = await createTestApp()
    const res = await t.api('GET', '/api/v1/openapi.json', undefined, { token: null })
    expect(res.status).toBe(200)
    const doc = res.body
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/alert-rules',
      '/api/v1/alert-rules/{id}',
      '/api/v1/alert-sources/{source}/token',
      '/api/v1/alerts/{source}',
      '/api/v1/audit',
      '/api/v1/checks',
      '/api/v1/checks/{id}',
      '/api/v1/checks/{id}/results',
      '/api/v1/checks/{id}/token',
      '/api/v1/component-groups',
      '/api/v1/component-groups/{id}',
      '/api/v1/components',
      '/api/v1/components/{id}',
      '/api/v1/components/{id}/uptime',
      '/api/v1/drafts',
      '/api/v1/drafts/{id}',
      '/api/v1/drafts/{id}/dismiss',
      '/api/v1/drafts/{id}/publish',
      '/api/v1/drafts/{id}/reports',
      '/api/v1/feedback',
      '/api/v1/feedback/{id}',
      '/api/v1/feedback/{id}/assign',
      '/api/v1/feedback/{id}/close',
      '/api/v1/feedback/{id}/reopen',
      '/api/v1/feedback/{id}/replies',
      '/api/v1/heartbeats/{token}',
      '/api/v1/incidents',
      '/api/v1/incidents/{id}',
      '/api/v1/incidents/{id}/compensation',
      '/api/v1/incidents/{id}/impact',
      '/api/v1/incidents/{id}/postmortem',
      '/api/v1/incidents/{id}/postmortem/publish',
      '/api/v1/incidents/{id}/postmortem/template',
      '/api/v1/incidents/{id}/reopen',
      '/api/v1/incidents/{id}/resolve',
      '/api/v1/incidents/{id}/updates',
      '/api/v1/incidents/{id}/updates/{update_id}',
      '/api/v1/maintenances',
      '/api/v1/maintenances/{id}',
      '/api/v1/maintenances/{id}/cancel',
      '/api/v1/maintenances/{id}/updates',
      '/api/v1/metrics/communication',
      '/api/v1/metrics/communication/incidents/{id}',
      '/api/v1/playbooks',
      '/api/v1/playbooks/{id}/fill',
      '/api/v1/subscribers',
      '/api/v1/subscribers/counts',
      '/api/v1/subscribers/export',
      '/api/v1/subscribers/import',
      '/api/v1/subscribers/{id}',
      '/api/v1/subscribers/{id}/rotate-secret',
      '/api/v1/subscriptions',
      '/api/v1/subscriptions/confirm-code',
      '/api/v1/tokens',
      '/api/v1/tokens/{id}',
      '/api/v1/uptime',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/users/{id}/sessions/end',
    ])
    const create = doc.components.schemas.IncidentCreate
    expect(create.required).toEqual(['components'])
    expect(Object.keys(create.properties)).toEqual(
      expect.arrayContaining(['name', 'status', 'impact', 'body', 'template', 'vars']),
    )
    expect(create.properties.impact.enum).toEqual(['none', 'minor', 'major', 'critical'])
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(
      doc.paths['/api/v1/incidents'].post.responses['400'].content['application/json'].schema.$ref,
    ).toBe('#/components/schemas/Error')
  })
})
