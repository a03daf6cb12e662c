import { simpleParser, type ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { DIGEST_EVERY_MS, feedbackDigest } from '../../api/jobs/feedback-digest.ts'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { feedback } from '../../api/services/feedback.ts'
import { followUpLinks } from '../../api/services/links.ts'
import { openDatabase } from '../../db/open.node.ts'
import { str } from '../../db/rows.ts'
import { setInboxDigest } from '../../db/users.ts'
import { createPerson } from '../fixtures/console.ts'
import { makeIncident } from '../fixtures/factories.ts'
import type { TestApp } from '../fixtures/test-app.ts'
import { addSubscriber, createMailWorld, type MailWorld } from './world.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const ONCALL = 'oncall@example.com'

const report = (t: TestApp, message: string, o: { email?: string; incident?: string } = {}) =>
  feedback.report(t.deps, { message, ...o })

async function digests(t: TestApp) {
  const rs = await t.deps.db.execute(
    "SELECT payload, created_at FROM outbox WHERE type = 'feedback.digest' ORDER BY id",
  )
  return rs.rows.map((r) => ({
    ...(JSON.parse(str(r, 'payload')) as { count: number; feedback_ids: string[] }),
    at: str(r, 'created_at'),
  }))
}

async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  return Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
}

/** The scheduler's pass, as a server process runs it (with a restart: a new scheduler each time). */
const tick = (t: TestApp) => createScheduler(t.deps).tick()

describe('the digest of new reports', () => {
  it('goes to ONCALL_EMAIL and to active people who asked for it, listing each new report once', async () => {
    const w = await createMailWorld({ env: { ONCALL_EMAIL: ONCALL, TIME_ZONE: 'Europe/Berlin' } })
    const { t } = w
    const wants = await createPerson(t, { email: 'ada@example.com', name: 'Ada Lovelace' })
    const gone = await createPerson(t, { email: 'old@example.com', status: 'disabled' })
    await createPerson(t, { email: 'quiet@example.com' })
    // On-call is also a person who asked: one copy.
    const both = await createPerson(t, { email: ONCALL })
    for (const p of [wants, gone, both]) await t.deps.db.execute(setInboxDigest(p.id, true))
    const inc = await makeIncident(t, { name: 'Checkout errors' })
    const a = await report(t, 'Card declined twice since 10:00', {
      email: 'secret.reporter@example.net',
      incident: inc.id,
    })
    t.clock.advance(MIN)
    const b = await report(t, `Slow dashboard. ${'Very slow. '.repeat(40)}`)
    await tick(t)
    await w.settle()

    expect(await digests(t)).toMatchObject([{ count: 2, feedback_ids: [a.id, b.id] }])
    expect(w.sink.messages.map((m) => m.to[0]).sort()).toEqual(
      // The thank-you to the reporter, and the digest to each reader.
      ['ada@example.com', ONCALL, 'secret.reporter@example.net'].sort(),
    )
    const [mail] = await mailsTo(w, 'ada@example.com')
    const [oncall] = await mailsTo(w, ONCALL)
    for (const m of [mail!, oncall!]) {
      expect(m.subject).toBe('[Example Status] 2 new reports from customers')
      expect(m.from?.value[0]?.address).toBe('status@status.example.com')
      expect(m.text).toContain('Report, 10 Mar 2026, 13:00 CET · about Checkout errors')
      expect(m.text).toContain('“Card declined twice since 10:00”')
      expect(m.text).toContain(`https://status.example.com/admin/inbox/${a.id}`)
      expect(m.text).toContain(`https://status.example.com/admin/inbox/${b.id}`)
      expect(m.text).toContain('Very slow. Very slow.')
      expect(m.text).toContain('…')
      expect(m.html).toContain(`href="https://status.example.com/admin/inbox/${a.id}"`)
      // Never the reporter's address: it may go to a shared mailbox.
      expect(`${m.text}${m.html}`).not.toContain('secret.reporter')
    }
    expect(mail!.messageId).not.toBe(oncall!.messageId)
  })

  it('is made once by two schedulers on their own connections, and at most every 15 minutes', async () => {
    const w = await createMailWorld({ env: { ONCALL_EMAIL: ONCALL } })
    const { t } = w
    const first = await report(t, 'First report')
    const db2 = await openDatabase(t.testDb.url)
    try {
      const runs = await Promise.allSettled([
        tick(t),
        createScheduler({ ...t.deps, db: db2 }).tick(),
        feedbackDigest({ ...t.deps, db: db2, restoredAt: null }),
        tick(t),
      ])
      expect(runs.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ])
    } finally {
      db2.close()
    }
    expect(await digests(t)).toMatchObject([{ count: 1, feedback_ids: [first.id] }])

    // New reports wait for the next digest: not before 15 minutes, however often it ticks.
    t.clock.advance(MIN)
    const second = await report(t, 'Second report')
    for (let i = 0; i < 13; i++) {
      await tick(t)
      t.clock.advance(MIN)
    }
    expect(await digests(t)).toHaveLength(1)
    t.clock.advance(DIGEST_EVERY_MS - 14 * MIN - 1)
    await tick(t)
    expect(await digests(t)).toHaveLength(1)
    t.clock.advance(1)
    const third = await report(t, 'Third report')
    await Promise.all([tick(t), tick(t)])
    const made = await digests(t)
    expect(made.map((d) => d.feedback_ids)).toEqual([[first.id], [second.id, third.id]])
    expect(Date.parse(made[1]!.at) - Date.parse(made[0]!.at)).toBe(DIGEST_EVERY_MS)
    // Nothing new: no digest, however much later.
    t.clock.advance(5 * HOUR)
    await tick(t)
    expect(await digests(t)).toHaveLength(2)

    await w.settle()
    const mails = await mailsTo(w, ONCALL)
    expect(mails.map((m) => m.subject)).toEqual([
      '[Example Status] 1 new report from customers',
      '[Example Status] 2 new reports from customers',
    ])
    const ledger = await t.deps.db.execute(
      'SELECT after_event, through_event, reports FROM feedback_digests ORDER BY after_event',
    )
    expect(ledger.rows).toHaveLength(2)
    expect(ledger.rows[1]!.after_event).toBe(ledger.rows[0]!.through_event)
  })

  it('waits for someone to tell, then starts from the last day’s reports', async () => {
    const w = await createMailWorld()
    const { t } = w
    await report(t, 'Two days old')
    t.clock.advance(47 * HOUR)
    const recent = await report(t, 'From yesterday')
    t.clock.advance(HOUR)
    await tick(t)
    // No ONCALL_EMAIL and nobody asked: nothing recorded, so nothing is lost for the first reader.
    expect(await digests(t)).toEqual([])
    const p = await createPerson(t, { email: 'ada@example.com' })
    await t.deps.db.execute(setInboxDigest(p.id, true))
    await tick(t)
    expect(await digests(t)).toMatchObject([{ count: 1, feedback_ids: [recent.id] }])
    // Turning it off again: the next report has nobody to go to, and waits.
    await t.deps.db.execute(setInboxDigest(p.id, false))
    t.clock.advance(HOUR)
    const later = await report(t, 'Later')
    await tick(t)
    expect(await digests(t)).toHaveLength(1)
    await t.deps.db.execute(setInboxDigest(p.id, true))
    await tick(t)
    expect((await digests(t)).map((d) => d.feedback_ids)).toEqual([[recent.id], [later.id]])
    await w.settle()
    expect(await mailsTo(w, 'ada@example.com')).toHaveLength(2)
  })

  it('a follow-up "still affected" answer is a new report too; an erased report is left out', async () => {
    const w = await createMailWorld({ env: { ONCALL_EMAIL: ONCALL } })
    const { t } = w
    const kept = await report(t, 'Kept')
    const erased = await report(t, 'Erased')
    await t.deps.db.execute({ sql: 'DELETE FROM feedback WHERE id = ?', args: [erased.id] })
    const inc = await makeIncident(t, { name: 'Refunds delayed' })
    const sub = await addSubscriber(t.deps.db)
    const links = await followUpLinks(
      t.deps,
      { id: sub.id, token_version: 1 },
      inc.id,
      t.clock.now(),
    )
    const token = links.still_affected.split('/').at(-1)!
    const answered = await feedback.answerFollowUp(t.deps, token, {
      answer: 'still_affected',
      comment: 'Two refunds are still pending',
    })
    await tick(t)
    expect(await digests(t)).toMatchObject([
      { count: 2, feedback_ids: [kept.id, answered!.feedback!.id] },
    ])
    await w.settle()
    const [mail] = await mailsTo(w, ONCALL)
    expect(mail!.text).toContain('Follow-up answer, 10 Mar 2026, 12:00 UTC · about Refunds delayed')
    expect(mail!.text).toContain('“Two refunds are still pending”')
    expect(mail!.text).not.toContain('Erased')
  })
})
