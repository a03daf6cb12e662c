import type { InStatement, Row } from '@libsql/client'
import type { Db } from './client.ts'
import type { DraftTiming } from '../core/signal-to-message.ts'
import { num, oneOf, str, strOrNull } from './rows.ts'

export interface TimelineRow {
  id: string
  name: string
  impact: string
  status: string
  started_at: string
  created_at: string
  resolved_at: string | null
  apology: boolean
  postmortem_published_at: string | null
  update_times: string[]
  /** Updates that resolved the incident (the silence after one promised nothing). */
  resolved_update_times: string[]
  follow_up_all_good: number
  follow_up_still_affected: number
}

// The same three reads for a window of incidents or for one: `where` selects from `incidents i`.
function timelineReads(where: string, args: (string | number)[]): InStatement[] {
  return [
    {
      sql: `SELECT i.id, i.name, i.impact, i.status, i.started_at, i.created_at, i.resolved_at,
                   i.apology IS NOT NULL AS apology, p.published_at AS postmortem_published_at
            FROM incidents i LEFT JOIN postmortems p ON p.incident_id = i.id AND p.status = 'published'
            WHERE i.kind = 'incident' AND ${where}
            ORDER BY i.started_at DESC`,
      args,
    },
    {
      sql: `SELECT u.incident_id, u.created_at, u.status FROM incident_updates u
            JOIN incidents i ON i.id = u.incident_id
            WHERE i.kind = 'incident' AND ${where}`,
      args,
    },
    {
      sql: `SELECT a.incident_id, a.answer, COUNT(*) AS n FROM follow_up_answers a
            JOIN incidents i ON i.id = a.incident_id
            WHERE i.kind = 'incident' AND ${where} GROUP BY a.incident_id, a.answer`,
      args,
    },
  ]
}

async function timelines(db: Db, where: string, args: (string | number)[]) {
  const [incidents, updates, answers] = await db.batch(timelineReads(where, args), 'read')
  const times = new Map<string, { all: string[]; resolved: string[] }>()
  for (const r of updates!.rows) {
    const id = str(r, 'incident_id')
    const t = times.get(id) ?? { all: [], resolved: [] }
    t.all.push(str(r, 'created_at'))
    if (str(r, 'status') === 'resolved') t.resolved.push(str(r, 'created_at'))
    times.set(id, t)
  }
  const follow = new Map<string, { all_good: number; still_affected: number }>()
  for (const r of answers!.rows) {
    const id = str(r, 'incident_id')
    const f = follow.get(id) ?? { all_good: 0, still_affected: 0 }
    f[str(r, 'answer') as 'all_good' | 'still_affected'] = num(r, 'n')
    follow.set(id, f)
  }
  return incidents!.rows.map((r): TimelineRow => {
    const id = str(r, 'id')
    return {
      id,
      name: str(r, 'name'),
      impact: str(r, 'impact'),
      status: str(r, 'status'),
      started_at: str(r, 'started_at'),
      created_at: str(r, 'created_at'),
      resolved_at: strOrNull(r, 'resolved_at'),
      apology: num(r, 'apology') === 1,
      postmortem_published_at: strOrNull(r, 'postmortem_published_at'),
      update_times: times.get(id)?.all ?? [],
      resolved_update_times: times.get(id)?.resolved ?? [],
      follow_up_all_good: follow.get(id)?.all_good ?? 0,
      follow_up_still_affected: follow.get(id)?.still_affected ?? 0,
    }
  })
}

/** Incidents that started in [from, to), newest first, with what the metrics need. */
export function incidentTimelines(db: Db, from: string, to: string): Promise<TimelineRow[]> {
  return timelines(db, 'i.started_at >= ? AND i.started_at < ?', [from, to])
}

/** One incident's timeline, or null when there is no such incident. */
export async function incidentTimeline(db: Db, id: string): Promise<TimelineRow | null> {
  return (await timelines(db, 'i.id = ?', [id]))[0] ?? null
}

export interface FeedbackTiming {
  id: string
  incident_id: string | null
  incident_name: string | null
  source: string
  status: string
  created_at: string
  first_answered_at: string | null
}

const FEEDBACK_TIMING = `SELECT f.id, f.incident_id, i.name AS incident_name, f.source, f.status,
       f.created_at, f.first_answered_at
FROM feedback f LEFT JOIN incidents i ON i.id = f.incident_id`

const feedbackTiming = (r: Row): FeedbackTiming => ({
  id: str(r, 'id'),
  incident_id: strOrNull(r, 'incident_id'),
  incident_name: strOrNull(r, 'incident_name'),
  source: str(r, 'source'),
  status: str(r, 'status'),
  created_at: str(r, 'created_at'),
  first_answered_at: strOrNull(r, 'first_answered_at'),
})

/** Reports received in [from, to), newest first. */
export async function feedbackTimings(db: Db, from: string, to: string): Promise<FeedbackTiming[]> {
  const rs = await db.execute({
    sql: `${FEEDBACK_TIMING} WHERE f.created_at >= ? AND f.created_at < ? ORDER BY f.created_at DESC`,
    args: [from, to],
  })
  return rs.rows.map(feedbackTiming)
}

/** Every report about one incident, newest first. */
export async function incidentFeedbackTimings(db: Db, id: string): Promise<FeedbackTiming[]> {
  const rs = await db.execute({
    sql: `${FEEDBACK_TIMING} WHERE f.incident_id = ? ORDER BY f.created_at DESC`,
    args: [id],
  })
  return rs.rows.map(feedbackTiming)
}

/**
 * Drafts whose first signal came in [from, to), newest first, with their incident's first public
 * update (the first message customers saw).
 */
export async function draftTimings(db: Db, from: string, to: string): Promise<DraftTiming[]> {
  const rs = await db.execute({
    sql: `SELECT d.id, d.state, d.origin, d.component_key, d.first_signal_at, d.incident_id,
                 d.dismissed_at, d.dismissed_reason,
                 (SELECT MIN(u.created_at) FROM incident_updates u WHERE u.incident_id = d.incident_id)
                   AS first_public_at
          FROM drafts d WHERE d.first_signal_at >= ? AND d.first_signal_at < ?
          ORDER BY d.first_signal_at DESC, d.id`,
    args: [from, to],
  })
  return rs.rows.map((r) => ({
    id: str(r, 'id'),
    state: oneOf(r, 'state', ['open', 'published', 'dismissed'] as const),
    origin: oneOf(r, 'origin', ['alert', 'check', 'reports'] as const),
    component_id: str(r, 'component_key') || null,
    first_signal_at: str(r, 'first_signal_at'),
    incident_id: strOrNull(r, 'incident_id'),
    first_public_at: strOrNull(r, 'first_public_at'),
    dismissed_at: strOrNull(r, 'dismissed_at'),
    dismissed_reason: strOrNull(r, 'dismissed_reason'),
  }))
}
