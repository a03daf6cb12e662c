import { describe, expect, it } from 'vitest'
import type { Transaction, TransactionMode } from '@libsql/client'
import { demoSeedDecision, isEmpty, seedDemo } from '../../api/seed/demo.ts'
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

describe('a first start that fails is still a first start when retried', () => {
  /** What a (retried) start decides, as api/node.ts prepare does it. */
  const decide = async (t: TestApp) => {
    const id = await ensureDatabaseId(t.deps.db, `db${Math.random()}`)
    return demoSeedDecision(t.deps, {
      identityCreated: id.created,
      databaseId: id.id,
      publishedDatabaseId: null,
    })
  }
  const count = async (t: TestApp, table: string) =>
    Number((await t.deps.db.execute(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]!.n)

  it('failing after the identity, before the demo: the retry seeds it', async () => {
    const t = await createTestApp({ env: { AMENDS_DEMO: 'true' } })
    expect((await decide(t)).seed).toBe(true)
    // ...and the start fails here. The retry:
    const d = await decide(t)
    expect(d.seed, d.reason).toBe(true)
  })

  it('failing half-way through the demo: nothing is left, the retry seeds it whole, once', async () => {
    const t = await createTestApp({ env: { AMENDS_DEMO: 'true' } })
    expect((await decide(t)).seed).toBe(true)
    // The disk fills up at the demo's tenth write.
    const transaction = t.deps.db.transaction.bind(t.deps.db)
    t.deps.db.transaction = async (mode?: TransactionMode) => {
      const tx: Transaction = await transaction(mode)
      const batch = tx.batch.bind(tx)
      let writes = 0
      tx.batch = async (stmts) => {
        if (++writes === 10) throw new Error('SQLITE_FULL: database or disk is full')
        return batch(stmts)
      }
      return tx
    }
    await expect(seedDemo(t.deps)).rejects.toThrow('SQLITE_FULL')
    t.deps.db.transaction = transaction
    expect(await isEmpty(t.deps)).toBe(true)

    const retry = await decide(t)
    expect(retry.seed, retry.reason).toBe(true)
    expect(await seedDemo(t.deps)).toEqual({ incidents: expect.any(Number), components: 7 })
    expect(await count(t, 'components')).toBe(7)
    // A start that fails after the demo (the token, say) does not seed it again.
    const after = await decide(t)
    expect(after.seed).toBe(false)
    expect(after.reason).toBe('this database has been started before')
  })
})
