import { describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.ts'
import { createHealth } from '../../api/health.ts'
import { createTestApp } from '../fixtures/test-app.ts'

describe('/healthz', () => {
  it('answers 200 with every part ok', async () => {
    const t = await createTestApp()
    const res = await t.api('GET', '/healthz', undefined, { token: null })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ status: 'ok', parts: { database: 'ok' } })
  })

  it('answers 503 naming each part that is not working (off is fine)', async () => {
    const t = await createTestApp()
    const health = createHealth()
    const app = createApp({ ...t.deps, health })
    const get = async () => {
      const res = await app.request('/healthz')
      return { status: res.status, body: (await res.json()) as unknown }
    }
    health.set('notifier', 'off')
    health.set('scheduler', 'ok')
    expect(await get()).toEqual({
      status: 200,
      body: { status: 'ok', parts: { notifier: 'off', scheduler: 'ok', database: 'ok' } },
    })
    health.fail('publisher', new Error('EMFILE: too many open files, open\n  /x/index.html'))
    expect(await get()).toEqual({
      status: 503,
      body: {
        status: 'degraded',
        parts: {
          notifier: 'off',
          scheduler: 'ok',
          database: 'ok',
          publisher: 'failing: EMFILE: too many open files, open /x/index.html',
        },
      },
    })
    health.set('publisher', 'ok')
    expect((await get()).status).toBe(200)
  })

  it('reports the database unavailable when it stops answering', async () => {
    const t = await createTestApp({ mode: 'remote' })
    await t.testDb.remote!.close()
    const res = await t.api('GET', '/healthz', undefined, { token: null })
    expect(res.status).toBe(503)
    expect(res.body).toEqual({ status: 'degraded', parts: { database: 'unavailable' } })
  })
})
