import type { Db } from './client.ts'
import { num, str } from './rows.ts'

/**
 * Customer reports per component key in [since, until): reports sent from the page's form (about
 * a component, or about an incident: then each component it names) and "still affected" answers to
 * a follow-up (each component of the incident). A report naming nothing counts under ''.
 */
export async function reportsPerComponent(
  db: Db,
  since: string,
  until: string,
): Promise<Map<string, number>> {
  const rs = await db.execute({
    sql: `WITH reports (rid, component_id, incident_id) AS (
        SELECT id, component_id, incident_id FROM feedback
          WHERE source = 'form' AND created_at >= ? AND created_at < ?
        UNION ALL
        SELECT incident_id || ':' || subscriber_id, NULL, incident_id FROM follow_up_answers
          WHERE answer = 'still_affected' AND answered_at >= ? AND answered_at < ?
      )
      SELECT COALESCE(r.component_id, ic.component_id, '') AS component_key,
        COUNT(DISTINCT r.rid) AS n
      FROM reports r
      LEFT JOIN incident_components ic ON r.component_id IS NULL AND ic.incident_id = r.incident_id
      GROUP BY component_key`,
    args: [since, until, since, until],
  })
  return new Map(rs.rows.map((row) => [str(row, 'component_key'), num(row, 'n')]))
}

/** Components whose reports signal is firing in an open or published draft: to clear when calm. */
export async function firingReportKeys(db: Db): Promise<string[]> {
  const rs = await db.execute(
    `SELECT DISTINCT key FROM signals WHERE kind = 'reports' AND status = 'firing'`,
  )
  return rs.rows.map((row) => str(row, 'key'))
}
