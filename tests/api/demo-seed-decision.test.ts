import { describe, expect, it } from 'vitest'
import { demoSeedDecision } from '../../api/seed/demo.ts'
import { ensureDatabaseId } from '../../db/settings.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

type Setup = (t: TestApp) => Promise<unknown>

/** Installations that must never get the demo, each with how it got there. */
const NOT_NEW: Record<string, { setup?: Setup; created?: boolean; published?: string | null }> = {
  'started before (identity already there)': { created: false },
  'holds a component': { setup: (t) => makeComponent(t) },
  'holds an incident': { setup: (t) => makeIncident(t) },
  'held a component, since deleted (outbox and audit remain)': {
    setup: async (t) => {
      const c = await makeComponent(t)
      await t.api('DELETE', `/api/v1/components/${c.id}`)
    },
  },
  'only an outbox event': {
    setup: (t) =>
      t.deps.db.execute(
        "INSERT INTO outbox (type, aggregate_type, aggregate_id, payload, created_at) VALUES ('x', 'x', 'x', '{}', '2026-01-01')",
      ),
  },
  'publish folder holds another database’s site': { published: 'someotherdatabase' },
  'publish folder holds a site of unknown origin': { published: '' },
}

describe('demo seeding happens only on a truly first start', () => {
  it('seeds a new database with an empty publish folder, or one it published itself', async () => {
    for (const published of [null, 'self']) {
      const t = await createTestApp({ env: { AMENDS_DEMO: 'true' } })
      const id = await ensureDatabaseId(t.deps.db, 'self')
      const d = await demoSeedDecision(t.deps, {
        identityCreated: id.created,
        databaseId: id.id,
        publishedDatabaseId: published,
      })
      expect(d.seed, d.reason).toBe(true)
    }
  })

  it(`never seeds an installation that is not new (${Object.keys(NOT_NEW).length + 1} variants)`, async () => {
    let seeded = 0
    const cases = { ...NOT_NEW, 'AMENDS_DEMO=false': { demo: 'false' } } as Record<
      string,
      { setup?: Setup; created?: boolean; published?: string | null; demo?: string }
    >
    for (const [name, c] of Object.entries(cases)) {
      const t = await createTestApp({ env: { AMENDS_DEMO: c.demo ?? 'true' } })
      await c.setup?.(t)
      const id = await ensureDatabaseId(t.deps.db, 'self')
      const d = await demoSeedDecision(t.deps, {
        identityCreated: c.created ?? id.created,
        databaseId: id.id,
        publishedDatabaseId: c.published === undefined ? null : c.published,
      })
      if (d.seed) seeded++
      expect(d.reason, name).toBeTruthy()
    }
    expect(seeded).toBe(0)
  })
})
