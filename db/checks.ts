import type { Row } from '@libsql/client'
import { parseHostPort, type CheckKind, type ResultTally, type RunState } from '../core/checks.ts'
import type { AlertedStatus } from '../core/schemas/alerts.ts'
import type { Check, CheckResult } from '../core/schemas/checks.ts'
import type { Db, Statement } from './client.ts'
import { bool, num, oneOf, str, strOrNull } from './rows.ts'

const KINDS = ['http', 'tcp', 'heartbeat'] as const
const STATUSES = ['degraded_performance', 'partial_outage', 'major_outage'] as const

function rowToCheck(row: Row): Check {
  const kind = oneOf(row, 'kind', KINDS)
  const target = strOrNull(row, 'target')
  const tcp = kind === 'tcp' && target ? parseHostPort(target) : null
  const down = bool(row, 'down')
  const lastRun = strOrNull(row, 'last_run_at')
  const lastPing = strOrNull(row, 'last_ping_at')
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    kind,
    url: kind === 'http' ? target : null,
    host: tcp?.host ?? null,
    port: tcp?.port ?? null,
    expected_status: strOrNull(row, 'expected_status'),
    keyword: strOrNull(row, 'keyword'),
    timeout_ms: num(row, 'timeout_ms'),
    interval_seconds: num(row, 'interval_seconds'),
    grace_seconds: num(row, 'grace_seconds'),
    confirm_after: num(row, 'confirm_after'),
    component_id: str(row, 'component_id'),
    component_status: oneOf(row, 'component_status', STATUSES),
    enabled: bool(row, 'enabled'),
    state: down ? 'down' : lastRun || lastPing ? 'up' : 'unknown',
    consecutive_failures: num(row, 'failures'),
    last_run_at: lastRun,
    last_ping_at: lastPing,
    next_run_at: str(row, 'next_run_at'),
    created_at: str(row, 'created_at'),
    updated_at: str(row, 'updated_at'),
  }
}

function rowToResult(row: Row): CheckResult {
  return {
    at: str(row, 'at'),
    up: bool(row, 'up'),
    response_ms: row.response_ms === null ? null : num(row, 'response_ms'),
    error: strOrNull(row, 'error'),
  }
}

/** Where a check goes: its URL (http), `host:port` (tcp), nothing (heartbeat). */
export type CheckTarget = string | null

export async function listChecks(db: Db): Promise<Check[]> {
  const rs = await db.execute('SELECT * FROM checks ORDER BY created_at, id')
  return rs.rows.map(rowToCheck)
}

export async function getCheck(db: Db, id: string): Promise<Check | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM checks WHERE id = ?', args: [id] })
  return rs.rows[0] ? rowToCheck(rs.rows[0]) : null
}

export async function checkOfTokenHash(db: Db, hash: string): Promise<Check | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM checks WHERE token_hash = ?', args: [hash] })
  return rs.rows[0] ? rowToCheck(rs.rows[0]) : null
}

/** Enabled checks of these kinds due at `now`, the longest overdue first. */
export async function dueChecks(
  db: Db,
  now: string,
  kinds: readonly CheckKind[],
  limit: number,
): Promise<Check[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM checks WHERE enabled = 1 AND next_run_at <= ?
      AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY next_run_at LIMIT ?`,
    args: [now, ...kinds, limit],
  })
  return rs.rows.map(rowToCheck)
}

/**
 * Takes a due check for this process: moves `next_run_at` only if it still holds the value this
 * process read, so of several processes that read it at once exactly one wins.
 */
export async function claimCheck(db: Db, id: string, seen: string, next: string): Promise<boolean> {
  const rs = await db.execute({
    sql: 'UPDATE checks SET next_run_at = ? WHERE id = ? AND next_run_at = ?',
    args: [next, id, seen],
  })
  return rs.rowsAffected === 1
}

interface CheckColumns {
  name: string
  target: CheckTarget
  expected_status: string | null
  keyword: string | null
  timeout_ms: number
  interval_seconds: number
  grace_seconds: number
  confirm_after: number
  component_id: string
  component_status: AlertedStatus
  enabled: boolean
  next_run_at: string
  updated_at: string
}

const COLUMNS = [
  'name',
  'target',
  'expected_status',
  'keyword',
  'timeout_ms',
  'interval_seconds',
  'grace_seconds',
  'confirm_after',
  'component_id',
  'component_status',
  'enabled',
  'next_run_at',
  'updated_at',
] as const

const valuesOf = (c: CheckColumns) =>
  COLUMNS.map((k) => (k === 'enabled' ? (c.enabled ? 1 : 0) : c[k]))

export function insertCheck(
  id: string,
  kind: CheckKind,
  c: CheckColumns,
  tokenHash: string | null,
): Statement {
  return {
    sql: `INSERT INTO checks (id, kind, token_hash, created_at, ${COLUMNS.join(', ')})
      VALUES (?, ?, ?, ?, ${COLUMNS.map(() => '?').join(', ')})`,
    args: [id, kind, tokenHash, c.updated_at, ...valuesOf(c)],
  }
}

/** An edit of a check's settings; its run state (failures, down) is the runs' own. */
/** A heartbeat's new token (its hash): the old ping URL stops working in the same write. */
export function setHeartbeatToken(id: string, tokenHash: string, at: string): Statement {
  return {
    sql: "UPDATE checks SET token_hash = ?, updated_at = ? WHERE id = ? AND kind = 'heartbeat'",
    args: [tokenHash, at, id],
  }
}

export function updateCheck(id: string, c: CheckColumns): Statement {
  return {
    sql: `UPDATE checks SET ${COLUMNS.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`,
    args: [...valuesOf(c), id],
  }
}

/**
 * A run's state, kept only while the check is still as this run claimed it (`claimedNext`): a
 * heartbeat ping or another run that moved it since has the fresher word.
 */
export function saveRun(id: string, claimedNext: string, state: RunState, at: string): Statement {
  return {
    sql: `UPDATE checks SET failures = ?, down = ?, last_run_at = ? WHERE id = ? AND next_run_at = ?`,
    args: [state.failures, state.down ? 1 : 0, at, id, claimedNext],
  }
}

/**
 * Sets a check's run state outright: back to what a run replaced (its signal could not be
 * recorded: the next run retries), or afresh after an edit.
 */
export function restoreRun(id: string, state: RunState): Statement {
  return {
    sql: 'UPDATE checks SET failures = ?, down = ? WHERE id = ?',
    args: [state.failures, state.down ? 1 : 0, id],
  }
}

/** A heartbeat's ping: up now, and overdue at `overdueAt` unless another ping comes first. */
export function savePing(id: string, at: string, overdueAt: string): Statement {
  return {
    sql: `UPDATE checks SET last_ping_at = ?, last_run_at = ?, next_run_at = ?, failures = 0,
      down = 0 WHERE id = ?`,
    args: [at, at, overdueAt, id],
  }
}

export function insertResult(id: string, checkId: string, r: CheckResult): Statement {
  return {
    sql: `INSERT INTO check_results (id, check_id, at, up, response_ms, error)
      VALUES (?, ?, ?, ?, ?, ?)`,
    args: [id, checkId, r.at, r.up ? 1 : 0, r.response_ms, r.error],
  }
}

/** A check's results from `since` on, oldest first, at most `limit`. */
export async function resultsOf(
  db: Db,
  checkId: string,
  since: string,
  limit: number,
): Promise<CheckResult[]> {
  const rs = await db.execute({
    sql: `SELECT at, up, response_ms, error FROM check_results WHERE check_id = ? AND at >= ?
      ORDER BY at, id LIMIT ?`,
    args: [checkId, since, limit],
  })
  return rs.rows.map(rowToResult)
}

export function pruneResults(before: string): Statement {
  return { sql: 'DELETE FROM check_results WHERE at < ?', args: [before] }
}

export function deleteCheck(id: string): Statement[] {
  return [
    { sql: 'DELETE FROM check_results WHERE check_id = ?', args: [id] },
    { sql: 'DELETE FROM checks WHERE id = ?', args: [id] },
  ]
}

/** How many runs a check had from `since` on, and how many were up (uptime without the rows). */
export async function resultTally(db: Db, checkId: string, since: string): Promise<ResultTally> {
  const rs = await db.execute({
    sql: `SELECT COUNT(*) AS total, COALESCE(SUM(up), 0) AS up FROM check_results
      WHERE check_id = ? AND at >= ?`,
    args: [checkId, since],
  })
  return { total: num(rs.rows[0]!, 'total'), up: num(rs.rows[0]!, 'up') }
}

/**
 * For the list of checks: each check's tally since `since` and its newest result, in one read of
 * two statements (not two per check).
 */
export async function resultSummaries(
  db: Db,
  since: string,
): Promise<Map<string, { tally: ResultTally; last: CheckResult | null }>> {
  const [tallies, latest] = await db.batch(
    [
      {
        sql: `SELECT check_id, COUNT(*) AS total, COALESCE(SUM(up), 0) AS up FROM check_results
          WHERE at >= ? GROUP BY check_id`,
        args: [since],
      },
      `SELECT c.id AS check_id, r.at, r.up, r.response_ms, r.error FROM checks c
        JOIN check_results r ON r.id = (SELECT id FROM check_results WHERE check_id = c.id
          ORDER BY at DESC, id DESC LIMIT 1)`,
    ],
    'read',
  )
  const out = new Map<string, { tally: ResultTally; last: CheckResult | null }>()
  const entry = (id: string) => {
    let e = out.get(id)
    if (!e) out.set(id, (e = { tally: { total: 0, up: 0 }, last: null }))
    return e
  }
  for (const row of tallies!.rows)
    entry(str(row, 'check_id')).tally = { total: num(row, 'total'), up: num(row, 'up') }
  for (const row of latest!.rows) entry(str(row, 'check_id')).last = rowToResult(row)
  return out
}

/** A check's newest results, newest first, at most `limit` (the strip and the table). */
export async function latestResults(
  db: Db,
  checkId: string,
  limit: number,
): Promise<CheckResult[]> {
  const rs = await db.execute({
    sql: `SELECT at, up, response_ms, error FROM check_results WHERE check_id = ?
      ORDER BY at DESC, id DESC LIMIT ?`,
    args: [checkId, limit],
  })
  return rs.rows.map(rowToResult)
}
