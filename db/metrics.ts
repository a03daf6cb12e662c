import type { Db } from './client.ts'
import { num, str, strOrNull } from './rows.ts'

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
  follow_up_all_good: number
  follow_up_still_affected: number
}

/** Incidents that started in [from, to), with what the communication metrics need. */
export async function incidentTimelines(db: Db, from: string, to: string): Promise<TimelineRow[]> {
  const [incidents, updates, answers] = await db.batch(
    [
      {
        sql: `SELECT i.id, i.name, i.impact, i.status, i.started_at, i.created_at, i.resolved_at,
                     i.apology IS NOT NULL AS apology, p.published_at AS postmortem_published_at
              FROM incidents i LEFT JOIN postmortems p ON p.incident_id = i.id AND p.status = 'published'
              WHERE i.kind = 'incident' AND i.started_at >= ? AND i.started_at < ?
              ORDER BY i.started_at DESC`,
        args: [from, to],
      },
      {
        sql: `SELECT u.incident_id, u.created_at FROM incident_updates u JOIN incidents i ON i.id = u.incident_id
              WHERE i.kind = 'incident' AND i.started_at >= ? AND i.started_at < ?`,
        args: [from, to],
      },
      {
        sql: `SELECT a.incident_id, a.answer, COUNT(*) AS n FROM follow_up_answers a JOIN incidents i ON i.id = a.incident_id
              WHERE i.started_at >= ? AND i.started_at < ? GROUP BY a.incident_id, a.answer`,
        args: [from, to],
      },
    ],
    'read',
  )
  const times = new Map<string, string[]>()
  for (const r of updates!.rows) {
    const id = str(r, 'incident_id')
    times.set(id, [...(times.get(id) ?? []), str(r, 'created_at')])
  }
  const follow = new Map<string, { all_good: number; still_affected: number }>()
  for (const r of answers!.rows) {
    const id = str(r, 'incident_id')
    const f = follow.get(id) ?? { all_good: 0, still_affected: 0 }
    f[str(r, 'answer') as 'all_good' | 'still_affected'] = num(r, 'n')
    follow.set(id, f)
  }
  return incidents!.rows.map((r) => ({
    id: str(r, 'id'),
    name: str(r, 'name'),
    impact: str(r, 'impact'),
    status: str(r, 'status'),
    started_at: str(r, 'started_at'),
    created_at: str(r, 'created_at'),
    resolved_at: strOrNull(r, 'resolved_at'),
    apology: num(r, 'apology') === 1,
    postmortem_published_at: strOrNull(r, 'postmortem_published_at'),
    update_times: times.get(str(r, 'id')) ?? [],
    follow_up_all_good: follow.get(str(r, 'id'))?.all_good ?? 0,
    follow_up_still_affected: follow.get(str(r, 'id'))?.still_affected ?? 0,
  }))
}

export interface FeedbackTiming {
  id: string
  status: string
  created_at: string
  first_answered_at: string | null
}

export async function feedbackTimings(db: Db, from: string, to: string): Promise<FeedbackTiming[]> {
  const rs = await db.execute({
    sql: 'SELECT id, status, created_at, first_answered_at FROM feedback WHERE created_at >= ? AND created_at < ?',
    args: [from, to],
  })
  return rs.rows.map((r) => ({
    id: str(r, 'id'),
    status: str(r, 'status'),
    created_at: str(r, 'created_at'),
    first_answered_at: strOrNull(r, 'first_answered_at'),
  }))
}
