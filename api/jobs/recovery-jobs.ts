import { dueNudges, incidentSlo } from '../../core/communication-slo.ts'
import {
  dueNotices,
  followUpAt,
  type MaintenanceNoticeKind,
} from '../../core/maintenance-notice.ts'
import type { IncidentRecord, UpdateRecord } from '../../core/records.ts'
import { getIncident } from '../../db/incidents.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import {
  followUpCandidates,
  insertNotice,
  noticeExists,
  noticeWindows,
  nudgeCandidates,
  sentNotices,
  type SentNotice,
} from '../../db/notices.ts'
import { getSetting, RESTORED_AT } from '../../db/settings.ts'
import type { Deps } from '../deps.ts'
import { commit, systemActor } from '../services/write.ts'
import { feedbackDigest } from './feedback-digest.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/**
 * How long after its due time a follow-up may still go out: a scheduler that was down for a day
 * catches up, but turning the feature on (or restoring a backup) does not mail old history.
 */
export const FOLLOW_UP_GRACE_MS = 14 * DAY

export interface EmittedNotice extends SentNotice {
  event: string
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * Service recovery on the clock (PRODUCT.md): the follow-up some days after an incident, the
 * reminders before a maintenance window and the notice when it overruns, and the nudges to
 * on-call before an update or a post-mortem is late, and the team's digest of new customer reports
 * (feedback-digest.ts). Each is an outbox event committed together with its ledger row
 * (notices_sent, feedback_digests), so a repeat tick, or a second scheduler, emits nothing more.
 */
export async function runRecoveryJobs(deps: Deps): Promise<EmittedNotice[]> {
  const out: EmittedNotice[] = []
  const restoredAt = await getSetting(deps.db, RESTORED_AT)
  const scoped = { ...deps, restoredAt }
  for (const job of [followUps, maintenanceNotices, oncallNudges, feedbackDigest]) {
    out.push(...(await job(scoped)))
  }
  return out
}

type JobDeps = Deps & { restoredAt: string | null }

/**
 * Commits one notice with its event; false when another scheduler recorded it first, or when it
 * fell due before the database was restored from a backup (decision 005): the installation that
 * ran then has emitted it, and the restore only lost our record of that.
 */
async function emitOnce(
  deps: JobDeps,
  notice: SentNotice,
  target: IncidentRecord,
  event: OutboxEvent,
): Promise<boolean> {
  if (deps.restoredAt !== null && notice.dueAt <= deps.restoredAt) return false
  try {
    await commit(
      deps,
      { actor: systemActor('scheduler') },
      {
        statements: [insertNotice(notice, deps.clock.now().toISOString())],
        action: `${target.kind}.notice`,
        target: { type: target.kind, id: target.id },
        events: [event],
        status: 200,
        body: null,
        details: { kind: notice.kind, due_at: notice.dueAt, event: event.type },
      },
    )
    return true
  } catch (err) {
    // The batch failed as a whole; if the row is there, someone else emitted this notice.
    if (await noticeExists(deps.db, notice)) return false
    throw err
  }
}

/**
 * `deliver_notifications: false` carried over from the update a notice follows on: subscribers
 * who were not told of a resolution (or a window) are not asked about it either. The notice is
 * still recorded, so it stays decided.
 */
function silence(u: UpdateRecord | undefined): { deliver_notifications?: false } {
  return u && !u.deliver_notifications ? { deliver_notifications: false } : {}
}

async function followUps(deps: JobDeps): Promise<EmittedNotice[]> {
  const now = deps.clock.now().getTime()
  const days = deps.config.recovery.followUpDays
  const latest = now - days * DAY
  const out: EmittedNotice[] = []
  for (const id of await followUpCandidates(
    deps.db,
    iso(latest - FOLLOW_UP_GRACE_MS),
    iso(latest),
  )) {
    const r = await getIncident(deps.db, id, 'incident')
    if (!r?.resolved_at || r.status !== 'resolved') continue
    const notice = { targetId: r.id, kind: 'follow_up', dueAt: followUpAt(r.resolved_at, days) }
    if (Date.parse(notice.dueAt) > now) continue
    const event = {
      type: 'incident.follow_up',
      aggregateType: 'incident',
      aggregateId: r.id,
      payload: { incident_id: r.id, ...silence(r.updates.find((u) => u.status === 'resolved')) },
    }
    if (await emitOnce(deps, notice, r, event)) out.push({ ...notice, event: event.type })
  }
  return out
}

const NOTICE_DUE: Record<MaintenanceNoticeKind, (r: IncidentRecord) => string> = {
  reminder_24h: (r) => iso(Date.parse(r.scheduled_for!) - DAY),
  reminder_1h: (r) => iso(Date.parse(r.scheduled_for!) - HOUR),
  overrun: (r) => r.scheduled_until!,
}

async function maintenanceNotices(deps: JobDeps): Promise<EmittedNotice[]> {
  const now = deps.clock.now()
  const ids = await noticeWindows(deps.db, iso(now.getTime() + DAY))
  const sent = await sentNotices(deps.db, ids)
  const out: EmittedNotice[] = []
  for (const id of ids) {
    const r = await getIncident(deps.db, id, 'maintenance')
    if (!r?.scheduled_for || !r.scheduled_until) continue
    // Keyed by due time: a rescheduled window gets its reminders again, for the new time.
    const done = new Set(
      (Object.keys(NOTICE_DUE) as MaintenanceNoticeKind[]).filter((k) =>
        sent.some((s) => s.targetId === id && s.kind === k && s.dueAt === NOTICE_DUE[k](r)),
      ),
    )
    // A window announced silently stays silent: its notices are recorded but mail nobody.
    const quiet = silence(r.updates.at(-1))
    const window = { ...r, scheduled_for: r.scheduled_for, scheduled_until: r.scheduled_until }
    for (const kind of dueNotices(window, now, done)) {
      const notice = { targetId: r.id, kind, dueAt: NOTICE_DUE[kind](r) }
      const event: OutboxEvent =
        kind === 'overrun'
          ? {
              type: 'maintenance.overrun',
              aggregateType: 'maintenance',
              aggregateId: r.id,
              payload: { maintenance_id: r.id, ...quiet },
            }
          : {
              type: 'maintenance.reminder',
              aggregateType: 'maintenance',
              aggregateId: r.id,
              payload: { maintenance_id: r.id, notice: kind, ...quiet },
            }
      if (await emitOnce(deps, notice, r, event)) out.push({ ...notice, event: event.type })
    }
  }
  return out
}

async function oncallNudges(deps: JobDeps): Promise<EmittedNotice[]> {
  const { oncallEmail, oncallWebhookUrl, slo } = deps.config.recovery
  // Nobody to nudge: recording nudges now would only make them look sent once someone is set up.
  if (!oncallEmail && !oncallWebhookUrl) return []
  const now = deps.clock.now()
  const since = iso(now.getTime() - (slo.postmortemDays + 1) * DAY)
  const ids = await nudgeCandidates(deps.db, since)
  const sent = await sentNotices(deps.db, ids)
  const out: EmittedNotice[] = []
  for (const id of ids) {
    const r = await getIncident(deps.db, id, 'incident')
    if (!r) continue
    const s = incidentSlo(
      {
        impact: r.impact,
        started_at: r.started_at,
        created_at: r.created_at,
        resolved_at: r.status === 'resolved' ? r.resolved_at : null,
        update_times: r.updates.map((u) => u.created_at),
        postmortem_published_at:
          r.postmortem?.status === 'published' ? r.postmortem.published_at : null,
      },
      slo,
      now,
    )
    for (const nudge of dueNudges(s, now)) {
      const notice = { targetId: r.id, kind: nudge.kind, dueAt: nudge.due_at }
      if (
        sent.some((x) => x.targetId === r.id && x.kind === nudge.kind && x.dueAt === nudge.due_at)
      )
        continue
      const event = {
        type: 'oncall.nudge',
        aggregateType: 'incident',
        aggregateId: r.id,
        payload: { incident_id: r.id, kind: nudge.kind, due_at: nudge.due_at },
      }
      if (await emitOnce(deps, notice, r, event)) out.push({ ...notice, event: event.type })
    }
  }
  return out
}
