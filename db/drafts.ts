import type { Row } from '@libsql/client'
import type { SignalView } from '../core/schemas/alerts.ts'
import type { Db, Statement } from './client.ts'
import { placeholders } from './client.ts'
import { bool, num, oneOf, str, strOrNull } from './rows.ts'
import { guard, updateAtVersion } from './versions.ts'

export type DraftOrigin = 'alert' | 'check' | 'reports'
export type DraftState = 'open' | 'published' | 'dismissed'

/** A draft incident as stored; `componentKey` is '' for alerts no rule maps to a component. */
export interface DraftRecord {
  id: string
  componentKey: string
  state: DraftState
  origin: DraftOrigin
  proposal: unknown
  autoPublish: boolean
  editedAt: string | null
  incidentId: string | null
  firstSignalAt: string
  lastSignalAt: string
  clearedAt: string | null
  dismissedReason: string | null
  createdAt: string
  publishedAt: string | null
  dismissedAt: string | null
}

export interface SignalRecord extends SignalView {
  id: string
  draftId: string
}

const STATES = ['open', 'published', 'dismissed'] as const
const ORIGINS = ['alert', 'check', 'reports'] as const
const ALERTED = ['degraded_performance', 'partial_outage', 'major_outage'] as const

function rowToDraft(row: Row): DraftRecord {
  return {
    id: str(row, 'id'),
    componentKey: str(row, 'component_key'),
    state: oneOf(row, 'state', STATES),
    origin: oneOf(row, 'origin', ORIGINS),
    proposal: JSON.parse(str(row, 'proposal')) as unknown,
    autoPublish: bool(row, 'auto_publish'),
    editedAt: strOrNull(row, 'edited_at'),
    incidentId: strOrNull(row, 'incident_id'),
    firstSignalAt: str(row, 'first_signal_at'),
    lastSignalAt: str(row, 'last_signal_at'),
    clearedAt: strOrNull(row, 'cleared_at'),
    dismissedReason: strOrNull(row, 'dismissed_reason'),
    createdAt: str(row, 'created_at'),
    publishedAt: strOrNull(row, 'published_at'),
    dismissedAt: strOrNull(row, 'dismissed_at'),
  }
}

function rowToSignal(row: Row): SignalRecord {
  const status = strOrNull(row, 'component_status')
  return {
    id: str(row, 'id'),
    draftId: str(row, 'draft_id'),
    kind: oneOf(row, 'kind', ORIGINS),
    source: str(row, 'source'),
    key: str(row, 'key'),
    status: oneOf(row, 'status', ['firing', 'resolved'] as const),
    component_status: status === null ? null : oneOf(row, 'component_status', ALERTED),
    severity: strOrNull(row, 'severity'),
    summary: str(row, 'summary'),
    labels: JSON.parse(str(row, 'labels')) as Record<string, string>,
    fired: num(row, 'fired'),
    first_at: str(row, 'first_at'),
    last_at: str(row, 'last_at'),
    resolved_at: strOrNull(row, 'resolved_at'),
  }
}

/**
 * What still belongs to a draft: it is open, or published and its incident not resolved yet.
 * New signals for the component join it; after that a new draft starts.
 */
const ACTIVE = `(d.state = 'open' OR (d.state = 'published' AND EXISTS (
  SELECT 1 FROM incidents i WHERE i.id = d.incident_id AND i.status != 'resolved')))`

/** The component's active draft with its version (read before the draft), or null. */
export async function activeDraft(
  db: Db,
  componentKey: string,
): Promise<{ draft: DraftRecord; version: number } | null> {
  const rs = await db.execute({
    sql: `SELECT d.* FROM drafts d WHERE d.component_key = ? AND ${ACTIVE} ORDER BY d.created_at DESC LIMIT 1`,
    args: [componentKey],
  })
  const row = rs.rows[0]
  return row ? { draft: rowToDraft(row), version: num(row, 'version') } : null
}

/** Every active draft (open, or published with its incident unresolved), oldest signal first. */
export async function listActiveDrafts(db: Db, limit: number): Promise<DraftRecord[]> {
  const rs = await db.execute({
    sql: `SELECT d.* FROM drafts d WHERE ${ACTIVE} ORDER BY d.first_signal_at, d.id LIMIT ?`,
    args: [limit],
  })
  return rs.rows.map(rowToDraft)
}

/** A guard: the component has no active draft (another writer opened one first). */
export function noActiveDraft(componentKey: string): Statement {
  return guard(
    `NOT EXISTS (SELECT 1 FROM drafts d WHERE d.component_key = ? AND ${ACTIVE})`,
    [componentKey],
    `component ${componentKey} has an active draft`,
  )
}

export async function getDraft(
  db: Db,
  id: string,
): Promise<{ draft: DraftRecord; version: number } | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM drafts WHERE id = ?', args: [id] })
  const row = rs.rows[0]
  return row ? { draft: rowToDraft(row), version: num(row, 'version') } : null
}

/**
 * Drafts newest first: of some states (all when none are given), or the active ones (open, or
 * published with the incident unresolved: what `activeDraft` and the Now page mean by it).
 */
export async function listDrafts(
  db: Db,
  states: readonly DraftState[] | 'active',
  limit: number,
  offset: number,
): Promise<{ items: DraftRecord[]; total: number }> {
  const args = states === 'active' ? [] : states
  const where =
    states === 'active'
      ? `WHERE ${ACTIVE}`
      : states.length
        ? `WHERE d.state IN (${placeholders(states.length)})`
        : ''
  const [page, count] = await db.batch(
    [
      {
        sql: `SELECT d.* FROM drafts d ${where} ORDER BY d.created_at DESC, d.id LIMIT ? OFFSET ?`,
        args: [...args, limit, offset],
      },
      { sql: `SELECT COUNT(*) AS n FROM drafts d ${where}`, args: [...args] },
    ],
    'read',
  )
  return { items: page!.rows.map(rowToDraft), total: num(count!.rows[0]!, 'n') }
}

/** The component keys of open drafts that customers' reports are part of (the page's notice). */
export async function openReportDraftKeys(db: Db): Promise<string[]> {
  const rs = await db.execute(
    `SELECT DISTINCT d.component_key FROM drafts d JOIN signals s ON s.draft_id = d.id
     WHERE d.state = 'open' AND s.kind = 'reports' ORDER BY d.component_key`,
  )
  return rs.rows.map((row) => str(row, 'component_key'))
}

/** The drafts published as this incident (an incident has at most one). */
export async function draftOfIncident(db: Db, incidentId: string): Promise<DraftRecord | null> {
  const rs = await db.execute({
    sql: 'SELECT * FROM drafts WHERE incident_id = ? LIMIT 1',
    args: [incidentId],
  })
  return rs.rows[0] ? rowToDraft(rs.rows[0]) : null
}

/** The signals of these drafts, oldest first. */
export async function signalsOf(db: Db, draftIds: readonly string[]): Promise<SignalRecord[]> {
  if (draftIds.length === 0) return []
  const rs = await db.execute({
    sql: `SELECT * FROM signals WHERE draft_id IN (${placeholders(draftIds.length)}) ORDER BY first_at, rowid`,
    args: [...draftIds],
  })
  return rs.rows.map(rowToSignal)
}

export function insertDraft(d: DraftRecord): Statement {
  return {
    sql: `INSERT INTO drafts (id, component_key, state, origin, proposal, auto_publish, edited_at,
      incident_id, first_signal_at, last_signal_at, cleared_at, dismissed_reason, created_at,
      published_at, dismissed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      d.id,
      d.componentKey,
      d.state,
      d.origin,
      JSON.stringify(d.proposal),
      d.autoPublish ? 1 : 0,
      d.editedAt,
      d.incidentId,
      d.firstSignalAt,
      d.lastSignalAt,
      d.clearedAt,
      d.dismissedReason,
      d.createdAt,
      d.publishedAt,
      d.dismissedAt,
    ],
  }
}

/** Every mutable field of the draft, at the version it was read. */
export function updateDraft(d: DraftRecord, version: number): Statement[] {
  return updateAtVersion(
    'drafts',
    d.id,
    version,
    `state = ?, proposal = ?, auto_publish = ?, edited_at = ?, incident_id = ?,
     last_signal_at = ?, cleared_at = ?, dismissed_reason = ?, published_at = ?, dismissed_at = ?`,
    [
      d.state,
      JSON.stringify(d.proposal),
      d.autoPublish ? 1 : 0,
      d.editedAt,
      d.incidentId,
      d.lastSignalAt,
      d.clearedAt,
      d.dismissedReason,
      d.publishedAt,
      d.dismissedAt,
    ],
  )
}

/** Inserts the signal, or updates the one with its key in that draft. */
export function putSignal(s: SignalRecord): Statement {
  return {
    sql: `INSERT INTO signals (id, draft_id, kind, source, key, status, component_status, severity,
      summary, labels, fired, first_at, last_at, resolved_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (draft_id, source, key) DO UPDATE SET status = excluded.status,
        component_status = excluded.component_status, severity = excluded.severity,
        summary = excluded.summary, labels = excluded.labels, fired = excluded.fired,
        last_at = excluded.last_at, resolved_at = excluded.resolved_at`,
    args: [
      s.id,
      s.draftId,
      s.kind,
      s.source,
      s.key,
      s.status,
      s.component_status,
      s.severity,
      s.summary,
      JSON.stringify(s.labels),
      s.fired,
      s.first_at,
      s.last_at,
      s.resolved_at,
    ],
  }
}

/** The newest draft a signal source (`check:<id>`) joined or opened, or null. */
export async function latestDraftOfSource(
  db: Db,
  source: string,
): Promise<{ id: string; state: DraftState } | null> {
  const rs = await db.execute({
    sql: `SELECT d.id, d.state FROM drafts d JOIN signals s ON s.draft_id = d.id
      WHERE s.source = ? ORDER BY d.created_at DESC LIMIT 1`,
    args: [source],
  })
  const row = rs.rows[0]
  return row ? { id: str(row, 'id'), state: oneOf(row, 'state', STATES) } : null
}
