import { notFound } from '../../core/errors.ts'
import { followUpAt } from '../../core/maintenance-notice.ts'
import { deliveryCounts, type DeliveryCounts } from '../../db/deliveries.ts'
import { followUpAnswers, followUpSent, type FollowUpAnswerRow } from '../../db/follow-ups.ts'
import { getIncident } from '../../db/incidents.ts'
import { countAffectedSubscribers } from '../../db/recovery.ts'
import type { Deps } from '../deps.ts'
import { FOLLOW_UP_GRACE_MS } from '../jobs/recovery-jobs.ts'

/**
 * When the follow-up ("is everything working again?") goes out, as the scheduler decides it
 * (api/jobs/recovery-jobs.ts followUps): once, `FOLLOW_UP_DAYS` after the resolution, to the
 * subscribers of the incident's components, silently when the resolution was not emailed.
 */
export type FollowUpSchedule =
  /** Recorded in notices_sent; `deliveries` once the notifier fanned it out. */
  | {
      state: 'sent'
      sent_at: string
      due_at: string
      mailed: boolean
      deliveries: DeliveryCounts | null
    }
  /** Resolved: it goes out at `due_at` (`due` once that passed: the scheduler's next run). */
  | { state: 'scheduled'; due_at: string; due: boolean; reach: number; mailed: boolean }
  | { state: 'after_resolution'; days: number; reach: number }
  /** None will go: no component named, or resolved too long before the scheduler ran. */
  | { state: 'none'; reason: 'no_components' | 'too_old' }

export interface FollowUpReport {
  incident_id: string
  schedule: FollowUpSchedule
  answers: { all_good: number; still_affected: number }
  /** Every answer, newest first. */
  rows: FollowUpAnswerRow[]
}

export const followUps = {
  /** An incident's follow-up: when it goes (or went) out, to how many, and the answers so far. */
  async report(deps: Deps, id: string): Promise<FollowUpReport> {
    const r = await getIncident(deps.db, id, 'incident')
    if (!r) throw notFound('incident', id)
    const [sent, rows] = await Promise.all([
      followUpSent(deps.db, id),
      followUpAnswers(deps.db, id),
    ])
    const days = deps.config.recovery.followUpDays
    const now = deps.clock.now().getTime()
    const reach = () =>
      countAffectedSubscribers(
        deps.db,
        r.components.map((c) => c.id),
      )
    let schedule: FollowUpSchedule
    if (sent) {
      schedule = {
        state: 'sent',
        sent_at: sent.sent_at,
        due_at: sent.due_at,
        mailed: sent.mailed,
        deliveries: sent.event_id === null ? null : await deliveryCounts(deps.db, sent.event_id),
      }
    } else if (r.components.length === 0) {
      schedule = { state: 'none', reason: 'no_components' }
    } else if (r.status !== 'resolved' || !r.resolved_at) {
      schedule = { state: 'after_resolution', days, reach: await reach() }
    } else {
      const due = followUpAt(r.resolved_at, days)
      // As the scheduler's `silence`: not told of the resolution, not asked about it either.
      const resolution = r.updates.find((u) => u.status === 'resolved')
      schedule =
        Date.parse(due) + FOLLOW_UP_GRACE_MS <= now
          ? { state: 'none', reason: 'too_old' }
          : {
              state: 'scheduled',
              due_at: due,
              due: Date.parse(due) <= now,
              reach: await reach(),
              mailed: resolution?.deliver_notifications !== false,
            }
    }
    return {
      incident_id: id,
      schedule,
      answers: {
        all_good: rows.filter((a) => a.answer === 'all_good').length,
        still_affected: rows.filter((a) => a.answer === 'still_affected').length,
      },
      rows,
    }
  },
}
