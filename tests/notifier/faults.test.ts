import { describe, expect, it } from 'vitest'
import { makeIncident } from '../fixtures/factories.ts'
import type { SinkBehaviour } from '../fixtures/smtp-sink.ts'
import { addSubscriber, createMailWorld } from './world.ts'
import { str } from '../../db/rows.ts'

/**
 * A server that is hard to deliver to: refuses some connections with 421 at first, answers 451
 * to some messages, drops the connection in the middle of others, slows down for a while, and
 * rejects some addresses for good (550).
 */
function difficultServer(): SinkBehaviour & { seen: () => number } {
  let connections = 0
  let data = 0
  return {
    seen: () => data,
    connect() {
      connections++
      return connections <= 8 && connections % 2 === 0
        ? { code: 421, message: 'Too busy, try later' }
        : null
    },
    rcpt(address) {
      if (address.startsWith('bounce-')) return { code: 550, message: 'No such mailbox' }
      return null
    },
    data() {
      const i = data++
      if (i >= 300) return null
      if (i % 7 === 3) return { code: 451, message: 'Local error, try again' }
      if (i % 11 === 5) return 'drop'
      return null
    },
    delayMs: () => (data >= 120 && data < 160 ? 250 : 0),
  }
}

describe('notifier against a difficult SMTP server', () => {
  it('delivers every deliverable message exactly once, records permanent failures, quarantines', async () => {
    const server = difficultServer()
    const w = await createMailWorld({ sink: server, timing: { slowMs: 100 } })
    const { t } = w
    const ok = []
    for (let i = 0; i < 60; i++)
      ok.push(await addSubscriber(t.deps.db, { email: `user-${i}@example.org` }))
    const bounces = [
      await addSubscriber(t.deps.db, { email: 'bounce-1@example.org' }),
      await addSubscriber(t.deps.db, { email: 'bounce-2@example.org' }),
    ]
    // Starts all deliveries while the server is at its worst, one incident with four emails.
    const inc = await makeIncident(t)
    for (const status of ['identified', 'monitoring', 'resolved'] as const) {
      t.clock.advance(60_000)
      const res = await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
        status,
        body: `Now ${status}.`,
      })
      expect(res.status).toBe(201)
    }
    await w.settle(40_000)

    // What the server had to refuse, and that the sender noticed.
    expect(w.sink.refused.connect).toBeGreaterThan(0)
    expect(w.sink.refused.data).toBeGreaterThan(0)
    expect(w.sink.refused.dropped).toBeGreaterThan(0)
    expect(w.notifier.stats.retried).toBeGreaterThan(0)
    expect(w.notifier.sender.pacer.pushBacks).toBeGreaterThan(0)

    // Every deliverable message arrived, each exactly once by Message-ID.
    const byId = new Map<string, number>()
    for (const m of w.sink.messages) byId.set(m.messageId!, (byId.get(m.messageId!) ?? 0) + 1)
    for (const s of ok) {
      const ids = new Set(w.sink.to(s.email).map((m) => m.messageId))
      expect(ids.size, s.email).toBe(4)
    }
    const duplicates = [...byId.values()].filter((n) => n > 1).length
    console.log(
      `faults: ${w.sink.messages.length} accepted, ${byId.size} distinct, ${duplicates} raw duplicates; ` +
        `refused ${JSON.stringify(w.sink.refused)}; sender ${JSON.stringify(w.notifier.stats)}`,
    )
    expect(duplicates).toBe(0)

    // Permanent failures are recorded, and an address failing three times running is quarantined.
    for (const b of bounces) {
      expect(w.sink.to(b.email)).toHaveLength(0)
      const s = (
        await t.deps.db.execute({ sql: 'SELECT * FROM subscribers WHERE id = ?', args: [b.id] })
      ).rows[0]!
      expect(s.status).toBe('quarantined')
      expect(s.quarantined_at).toBeTruthy()
      expect(Number(s.permanent_failures)).toBeGreaterThanOrEqual(3)
      const ds = await t.deps.db.execute({
        sql: 'SELECT status, last_error FROM deliveries WHERE subscriber_id = ? ORDER BY event_id',
        args: [b.id],
      })
      expect(ds.rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed'])
      expect(str(ds.rows[0]!, 'last_error')).toContain('550')
    }
    const sent = await t.deps.db.execute(
      "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'",
    )
    expect(Number(sent.rows[0]!.n)).toBe(240)
  }, 60_000)

  it('a success ends a run of permanent failures: no quarantine for one bad day', async () => {
    let rejectFirst = true
    const w = await createMailWorld({
      sink: {
        rcpt: (a) => {
          if (a !== 'flaky@example.org' || !rejectFirst) return null
          rejectFirst = false
          return { code: 550, message: 'Mailbox temporarily disabled' }
        },
      },
    })
    const { t } = w
    const flaky = await addSubscriber(t.deps.db, { email: 'flaky@example.org' })
    const inc = await makeIncident(t)
    await w.settle()
    let s = (
      await t.deps.db.execute({ sql: 'SELECT * FROM subscribers WHERE id = ?', args: [flaky.id] })
    ).rows[0]!
    expect(Number(s.permanent_failures)).toBe(1)
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'Found it.',
    })
    await w.settle()
    s = (
      await t.deps.db.execute({ sql: 'SELECT * FROM subscribers WHERE id = ?', args: [flaky.id] })
    ).rows[0]!
    expect(Number(s.permanent_failures)).toBe(0)
    expect(s.status).toBe('confirmed')
    expect(w.sink.to(flaky.email)).toHaveLength(1)
  })
})
