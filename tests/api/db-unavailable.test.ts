import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { createTestApp } from '../fixtures/test-app.ts'

describe('database unavailable', () => {
  it('API writes answer 503 in the error shape (remote database down)', async () => {
    const t = await createTestApp({ mode: 'remote' })
    await makeComponent(t)
    await t.testDb.remote!.close()
    const res = await t.api('POST', '/api/v1/components', { name: 'x' })
    expect(res.status).toBe(503)
    expect(res.body).toEqual({
      error: { code: 'unavailable', message: 'The database is unavailable; try again shortly' },
    })
  })
})
