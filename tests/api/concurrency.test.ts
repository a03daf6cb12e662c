import { createClient, type InStatement } from '@libsql/client'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../core/clock.ts'
import { createApp } from '../../api/app.ts'
import { parseConfig } from '../../api/config.ts'
import type { Deps } from '../../api/deps.ts'
import { memoryLogger } from '../../api/log.ts'
import { tokens } from '../../api/services/tokens.ts'
import { commit, retryOnConflict, systemActor, WRITE_ATTEMPTS } from '../../api/services/write.ts'
import type { Db } from '../../db/client.ts'
import { getIncidentForWrite, updateIncident } from '../../db/incidents.ts'
import { readVersion } from '../../db/versions.ts'
import { runTrial, type Call } from '../fixtures/concurrent-writes.ts'
import { ADMIN_TOKEN, createTestApp } from '../fixtures/test-app.ts'
import { createTestDb, dumpTables, type TestDb } from '../fixtures/test-db.ts'

const closing: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close()
})

/** Two app instances, each with its own Deps and database connection, on one database. */
async function twoApps(mode: 'remote') {
  const testDb: TestDb = await createTestDb(mode)
  closing.push(() => testDb.close())
  const second: Db = createClient({ url: testDb.url })
  closing.push(() => second.close())
  const config = parseConfig({ AMENDS_ADMIN_TOKEN: ADMIN_TOKEN, SITE_URL: 'https://s.example' })
  const logs = [memoryLogger(), memoryLogger()]
  const apps = [testDb.db, second].map((db, i) => {
    const deps: Deps = { db, clock: systemClock, config, log: logs[i]! }
    return { deps, app: createApp(deps) }
  })
  await tokens.bootstrap(apps[0]!.deps)
  const calls: Call[] = apps.map(({ app }) => async (method, path, body) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    })
    return { status: res.status, body: await res.json() }
  })
  const retries = () =>
    logs.reduce((n, l) => n + l.lines.filter((x) => x.msg === 'write conflict').length, 0)
  return { testDb, calls, retries }
}

describe('two app instances on one database (optimistic concurrency)', () => {
  // Always over the remote protocol (the stand-in): two in-process connections to one local
  // file never interleave a read and a write (each call runs synchronously), so only the remote
  // protocol, with its network round trips, exercises the conflict path here. Two processes on
  // one file are tests/e2e/two-servers.test.ts.
  for (const mode of ['remote'] as const) {
    it(`loses no acknowledged change (${mode} database)`, async () => {
      const { testDb, calls, retries } = await twoApps(mode)
      const trials = 3
      const total = { acknowledged: 0, found: 0, conflicts: 0 }
      for (let i = 0; i < trials; i++) {
        const r = await runTrial(calls, testDb.db, 12)
        expect(r.unexpected).toEqual([])
        expect(r.found).toBe(r.acknowledged)
        total.acknowledged += r.acknowledged
        total.found += r.found
        total.conflicts += r.conflicts
      }
      console.log(
        `concurrency (${mode}, 2 app instances): ${trials} trials, ${total.acknowledged} acknowledged, ${total.found} found, ${total.conflicts} answered 409 write_conflict, ${retries()} retries`,
      )
      expect(total.found).toBe(total.acknowledged)
      expect(total.acknowledged).toBeGreaterThan(0)
    }, 120_000)
  }
})

describe('a stale write', () => {
  async function incident(t: Awaited<ReturnType<typeof createTestApp>>) {
    const c = await t.api('POST', '/api/v1/components', { name: 'API' })
    const res = await t.api('POST', '/api/v1/incidents', {
      name: 'Errors',
      status: 'investigating',
      impact: 'minor',
      body: 'Looking.',
      components: { [c.body.id]: 'partial_outage' },
    })
    return res.body.id as string
  }

  it('aborts its whole batch: no row, no audit entry, no outbox event, no idempotent response', async () => {
    const t = await createTestApp()
    const id = await incident(t)
    const loaded = (await getIncidentForWrite(t.deps.db, id))!
    // Someone else commits first: the version moves on.
    expect((await t.api('PATCH', `/api/v1/incidents/${id}`, { workaround: 'Retry.' })).status).toBe(
      200,
    )
    const before = await dumpTables(t.deps.db)
    loaded.record.name = 'Stale rename'
    const write = commit(
      t.deps,
      { actor: systemActor('test') },
      {
        statements: updateIncident(loaded.record, loaded.version),
        action: 'incident.edit',
        target: { type: 'incident', id },
        events: [
          { type: 'incident.edited', aggregateType: 'incident', aggregateId: id, payload: {} },
        ],
        status: 200,
        body: {},
      },
    )
    await expect(write).rejects.toMatchObject({ name: 'StaleWrite' })
    expect(await dumpTables(t.deps.db)).toEqual(before)
    const now = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(now).toMatchObject({ name: 'Errors', workaround: 'Retry.' })
  })

  it('is retried from a fresh read, so both changes land', async () => {
    const t = await createTestApp()
    const id = await incident(t)
    let attempts = 0
    const result = await retryOnConflict(t.deps, async () => {
      attempts++
      const { record, version } = (await getIncidentForWrite(t.deps.db, id))!
      if (attempts === 1) {
        // Between this read and its write, another writer sets the workaround.
        await t.api('PATCH', `/api/v1/incidents/${id}`, { workaround: 'Use the backup.' })
      }
      record.name = 'Renamed'
      return commit(
        t.deps,
        { actor: systemActor('test') },
        {
          statements: updateIncident(record, version),
          action: 'incident.edit',
          target: { type: 'incident', id },
          events: [],
          status: 200,
          body: record.workaround,
        },
      )
    })
    expect(attempts).toBe(2)
    expect(result).toBe('Use the backup.')
    const now = (await t.api('GET', `/api/v1/incidents/${id}`)).body
    expect(now).toMatchObject({ name: 'Renamed', workaround: 'Use the backup.' })
    expect(t.log.lines.filter((l) => l.msg === 'write conflict')).toHaveLength(1)
  })

  it('answers 409 write_conflict in the one error shape when retries run out, having written nothing', async () => {
    const t = await createTestApp()
    const id = await incident(t)
    const before = await dumpTables(t.deps.db)
    let attempts = 0
    const run = retryOnConflict(t.deps, async () => {
      attempts++
      const { record, version } = (await getIncidentForWrite(t.deps.db, id))!
      // Every attempt is overtaken: someone bumps the version behind its back.
      await t.deps.db.execute({
        sql: 'UPDATE incidents SET version = version + 1 WHERE id = ?',
        args: [id],
      })
      return commit(
        t.deps,
        { actor: systemActor('test') },
        {
          statements: updateIncident(record, version),
          action: 'incident.edit',
          target: { type: 'incident', id },
          events: [
            { type: 'incident.edited', aggregateType: 'incident', aggregateId: id, payload: {} },
          ],
          status: 200,
          body: null,
        },
      )
    })
    await expect(run).rejects.toMatchObject({ kind: 'conflict', code: 'write_conflict' })
    expect(attempts).toBe(WRITE_ATTEMPTS)
    const after = await dumpTables(t.deps.db)
    expect(after.audit_log).toEqual(before.audit_log)
    expect(after.outbox).toEqual(before.outbox)
    expect(await readVersion(t.deps.db, 'incidents', id)).toBe(
      (before.incidents as { version: number }[])[0]!.version + WRITE_ATTEMPTS,
    )
  })

  it('through the API: a PATCH overtaken on every attempt answers 409 with the error shape', async () => {
    const t = await createTestApp()
    const id = await incident(t)
    // A writer that always commits between this request's read and its write.
    const execute = t.deps.db.execute.bind(t.deps.db)
    t.deps.db.execute = async (stmt: InStatement) => {
      const rs = await execute(stmt)
      const sql = typeof stmt === 'string' ? stmt : stmt.sql
      if (/, version FROM incidents WHERE id = \?/.test(sql))
        await execute({
          sql: 'UPDATE incidents SET version = version + 1 WHERE id = ?',
          args: [id],
        })
      return rs
    }
    const res = await t.api('PATCH', `/api/v1/incidents/${id}`, { workaround: 'Lost?' })
    t.deps.db.execute = execute
    expect(res.status).toBe(409)
    expect(res.body).toEqual({
      error: {
        code: 'write_conflict',
        message: expect.stringContaining('nothing was written'),
        details: [{ path: 'incident', message: `${id} changed concurrently` }],
      },
    })
    expect((await t.api('GET', `/api/v1/incidents/${id}`)).body.workaround).toBeNull()
  })

  it('a component put in a group deleted between the check and the write answers unknown_group (create and PATCH)', async () => {
    const t = await createTestApp()
    const moved = (await t.api('POST', '/api/v1/components', { name: 'Moved' })).body
    for (const [name, write] of [
      ['create', (g: string) => t.api('POST', '/api/v1/components', { name: 'New', group_id: g })],
      ['PATCH', (g: string) => t.api('PATCH', `/api/v1/components/${moved.id}`, { group_id: g })],
    ] as const) {
      const group = (await t.api('POST', '/api/v1/component-groups', { name: `G ${name}` })).body
      // The group is deleted right after this request has read that it exists.
      const batch = t.deps.db.batch.bind(t.deps.db)
      let deleted = false
      t.deps.db.batch = async (stmts: InStatement[], mode?: 'read' | 'write') => {
        const rs = await batch(stmts, mode)
        const sql = stmts.map((s) => (typeof s === 'string' ? s : s.sql)).join(';')
        if (!deleted && /FROM component_groups WHERE deleted_at IS NULL/.test(sql)) {
          deleted = true
          await t.deps.db.execute({
            sql: 'UPDATE component_groups SET deleted_at = ?, version = version + 1 WHERE id = ?',
            args: ['2026-03-01T00:00:00.000Z', group.id],
          })
        }
        return rs
      }
      const res = await write(group.id)
      t.deps.db.batch = batch
      expect(deleted, name).toBe(true)
      expect(res.body.error?.code, name).toBe('unknown_group')
      const inDeleted = await t.deps.db.execute({
        sql: 'SELECT COUNT(*) AS n FROM components WHERE group_id = ? AND deleted_at IS NULL',
        args: [group.id],
      })
      expect(Number(inDeleted.rows[0]!.n), name).toBe(0)
    }
  })

  it('cannot revoke the last admin token even when two admins revoke each other at once', async () => {
    const t = await createTestApp()
    const other = await t.api('POST', '/api/v1/tokens', { name: 'second admin', scope: 'admin' })
    const list = (await t.api('GET', '/api/v1/tokens')).body
    const ids = (list as { id: string; scope: string }[])
      .filter((x: { scope: string }) => x.scope === 'admin')
      .map((x: { id: string }) => x.id)
    expect(ids).toHaveLength(2)
    const [a, b] = await Promise.all([
      t.api('DELETE', `/api/v1/tokens/${ids[1]}`),
      t.api('DELETE', `/api/v1/tokens/${ids[0]}`, undefined, { token: other.body.token }),
    ])
    const statuses = [a.status, b.status].sort()
    expect(statuses[0]).toBe(200)
    expect(statuses[1]).toBeGreaterThanOrEqual(401)
    const left = await t.deps.db.execute(
      "SELECT COUNT(*) AS n FROM api_tokens WHERE scope = 'admin' AND revoked_at IS NULL",
    )
    expect(Number(left.rows[0]!.n)).toBe(1)
  })
})
