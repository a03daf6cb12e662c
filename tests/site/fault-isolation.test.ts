import { rmSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createNodeHandler } from '../../api/server.node.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../fixtures/test-app.ts'

/** Publishes a page mid-incident and returns every public URL with what it must still show. */
async function published(t: TestApp) {
  const a = await makeComponent(t, { name: 'Payments API' })
  const inc = await makeIncident(t, {
    name: 'Card charges failing',
    components: { [a.id]: 'major_outage' },
  })
  const m = await makeMaintenance(t, { name: 'Database upgrade' })
  const { publisher, outDir } = await publisherFor(t)
  await publisher.publishAll()
  const handle = createNodeHandler(t.app, outDir)
  const urls: [string, string][] = [
    ['/', 'Card charges failing'],
    [`/incidents/${inc.id}/`, 'Card charges failing'],
    [`/maintenance/${m.id}/`, 'Database upgrade'],
    ['/history/', 'Card charges failing'],
    ['/history/2026-03/', 'Card charges failing'],
    ['/uptime/', 'Payments API'],
    ['/history.rss', 'Card charges failing'],
    ['/history.atom', 'Card charges failing'],
    ['/api/v2/summary.json', 'Card charges failing'],
    ['/api/v2/status.json', 'Major Service Outage'],
    ['/api/v2/components.json', 'Payments API'],
    ['/api/v2/incidents.json', 'Card charges failing'],
    ['/api/v2/incidents/unresolved.json', 'Card charges failing'],
    ['/api/v2/scheduled-maintenances.json', 'Database upgrade'],
    ['/api/v2/scheduled-maintenances/upcoming.json', 'Database upgrade'],
    ['/api/v2/scheduled-maintenances/active.json', 'scheduled_maintenances'],
  ]
  return { handle, urls }
}

async function expectAllServed(
  handle: (r: Request) => Promise<Response>,
  urls: [string, string][],
) {
  for (const [path, text] of urls) {
    const res = await handle(new Request(`http://localhost${path}`))
    expect(res.status, path).toBe(200)
    expect(await res.text(), path).toContain(text)
  }
}

async function expectWrite503(handle: (r: Request) => Promise<Response>) {
  const res = await handle(
    new Request('http://localhost/api/v1/components', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    }),
  )
  expect(res.status).toBe(503)
  expect((await res.json()).error.code).toBe('unavailable')
}

describe('fault isolation: the public site outlives the database', () => {
  it('embedded database gone: pages, feeds and v2 JSON keep serving; writes answer 503', async () => {
    const t = await createTestApp({ mode: 'local' })
    const { handle, urls } = await published(t)
    await expectAllServed(handle, urls)
    t.deps.db.close()
    rmSync(t.testDb.file, { force: true })
    await expectAllServed(handle, urls)
    await expectWrite503(handle)
  })

  it('remote database down: the same', async () => {
    const t = await createTestApp({ mode: 'remote' })
    const { handle, urls } = await published(t)
    await t.testDb.remote!.close()
    await expectAllServed(handle, urls)
    await expectWrite503(handle)
  })
})
