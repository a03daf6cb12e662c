import type { Db, Statement } from './client.ts'
import { placeholders } from './client.ts'
import { num, str, strOrNull } from './rows.ts'

/** A customer report attached to a draft: what the draft page lists and publishing thanks. */
export interface DraftReport {
  id: string
  message: string
  createdAt: string
  /** Whether the reporter left an address (the address itself stays in the inbox). */
  hasEmail: boolean
  /** The incident the report was about, or the one its draft became. */
  incidentId: string | null
}

/**
 * Attaches the form reports of [since, until) that count toward the component's spike (the same
 * rule as db/report-counts.ts: about the component, or about an incident naming it; '' takes the
 * reports that name no component) to its draft. A report already attached stays where it is, so
 * running this again at every report and tick only adds the newcomers. Staff never write these
 * columns, so the row's version is left alone: an answer being written in the inbox goes on.
 */
export function attachReports(
  draftId: string,
  componentKey: string,
  since: string,
  until: string,
): Statement {
  return {
    sql: `UPDATE feedback SET draft_id = ?
      WHERE draft_id IS NULL AND source = 'form' AND created_at >= ? AND created_at < ?
        AND (component_id = ?
          OR (component_id IS NULL AND incident_id IN
                (SELECT incident_id FROM incident_components WHERE component_id = ?))
          OR (? = '' AND component_id IS NULL AND NOT EXISTS
                (SELECT 1 FROM incident_components ic WHERE ic.incident_id = feedback.incident_id)))`,
    args: [draftId, since, until, componentKey, componentKey, componentKey],
  }
}

/** The reports attached to a draft, oldest first. */
export async function reportsOfDraft(db: Db, draftId: string): Promise<DraftReport[]> {
  const rs = await db.execute({
    sql: `SELECT id, message, created_at, email, incident_id FROM feedback
      WHERE draft_id = ? ORDER BY created_at, id`,
    args: [draftId],
  })
  return rs.rows.map((row) => ({
    id: str(row, 'id'),
    message: str(row, 'message'),
    createdAt: str(row, 'created_at'),
    hasEmail: strOrNull(row, 'email') !== null,
    incidentId: strOrNull(row, 'incident_id'),
  }))
}

/** How many reports each draft has attached (a list's counts in one read). */
export async function reportCounts(
  db: Db,
  draftIds: readonly string[],
): Promise<Map<string, number>> {
  if (draftIds.length === 0) return new Map()
  const rs = await db.execute({
    sql: `SELECT draft_id, COUNT(*) AS n FROM feedback
      WHERE draft_id IN (${placeholders(draftIds.length)}) GROUP BY draft_id`,
    args: [...draftIds],
  })
  return new Map(rs.rows.map((row) => [str(row, 'draft_id'), num(row, 'n')]))
}

/**
 * Links the given reports (those attached to the draft about no incident) to the incident the
 * draft became, in the publishing batch: the inbox then shows them under it and the thank-you
 * links its page. Only rows still about no incident move.
 */
export function linkReportsToIncident(ids: readonly string[], incidentId: string): Statement {
  return {
    sql: `UPDATE feedback SET incident_id = ?
      WHERE incident_id IS NULL AND id IN (${placeholders(ids.length)})`,
    args: [incidentId, ...ids],
  }
}
