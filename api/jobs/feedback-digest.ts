import {
  digestExists,
  insertDigest,
  lastDigest,
  reportsAfter,
  type DigestRecord,
} from '../../db/feedback-digests.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import { anyInboxDigestReader } from '../../db/users.ts'
import { LISTED } from '../../templates/feedback-digest.ts'
import type { Deps } from '../deps.ts'
import { REPORT_LIMIT_S } from '../../core/communication-slo.ts'
import { commit, systemActor } from '../services/write.ts'
import type { EmittedNotice } from './recovery-jobs.ts'

/** At most one digest every 15 minutes: often enough for a 2-hour answer, rarely enough to read. */
export const DIGEST_EVERY_MS = 15 * 60_000
const EPOCH = new Date(0).toISOString()

/**
 * The team's digest of new customer reports: every report received since the last digest (by
 * their outbox events, so none is missed or listed twice), at most every DIGEST_EVERY_MS, to
 * ONCALL_EMAIL and the people who asked for it (the notifier's `staff` audience). Exactly once
 * however many schedulers tick: the digest's ledger row is keyed by where the previous digest
 * ended, and is committed with the outbox event in one batch (db/feedback-digests.ts).
 */
export async function feedbackDigest(
  deps: Deps & { restoredAt: string | null },
): Promise<EmittedNotice[]> {
  // Nobody to tell: a digest recorded now would only hide these reports from the first reader.
  if (!deps.config.recovery.oncallEmail && !(await anyInboxDigestReader(deps.db))) return []
  const now = deps.clock.now()
  const last = await lastDigest(deps.db)
  if (last && Date.parse(last.sent_at) + DIGEST_EVERY_MS > now.getTime()) return []
  // The first digest starts from the last day's reports, not from all history; after a restore
  // (decision 005) the reports before it were digested by the installation that ran then.
  const floor = last ? EPOCH : new Date(now.getTime() - REPORT_LIMIT_S * 1000).toISOString()
  const since = deps.restoredAt !== null && deps.restoredAt > floor ? deps.restoredAt : floor
  const after = last?.through_event ?? 0
  const reports = await reportsAfter(deps.db, after, since)
  if (reports.length === 0) return []
  const row: DigestRecord = {
    after_event: after,
    through_event: reports.at(-1)!.eventId,
    reports: reports.length,
    sent_at: now.toISOString(),
  }
  // Ids only, as for every feedback event: the reports' words stay in the feedback rows.
  const event: OutboxEvent = {
    type: 'feedback.digest',
    aggregateType: 'inbox',
    aggregateId: 'inbox',
    payload: {
      through_event: row.through_event,
      count: row.reports,
      feedback_ids: reports.slice(0, LISTED).map((r) => r.feedbackId),
    },
  }
  try {
    await commit(
      deps,
      { actor: systemActor('scheduler') },
      {
        statements: [insertDigest(row)],
        action: 'feedback.digest',
        target: { type: 'inbox', id: 'inbox' },
        events: [event],
        status: 200,
        body: null,
        details: {
          after_event: row.after_event,
          through_event: row.through_event,
          reports: row.reports,
        },
      },
    )
  } catch (err) {
    // The batch failed as a whole; if the row is there, another scheduler sent this digest.
    if (await digestExists(deps.db, after)) return []
    throw err
  }
  return [{ targetId: 'inbox', kind: 'feedback_digest', dueAt: row.sent_at, event: event.type }]
}
