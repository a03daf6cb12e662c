import type { Row } from '@libsql/client'
import type { AlertRule, AlertSource } from '../core/schemas/alerts.ts'
import type { Db, Statement } from './client.ts'
import { bool, num, oneOf, str, strOrNull } from './rows.ts'

const SOURCES = ['alertmanager', 'grafana', 'generic'] as const

function rowToRule(row: Row): AlertRule {
  const source = strOrNull(row, 'source')
  return {
    id: str(row, 'id'),
    source: source === null ? null : oneOf(row, 'source', SOURCES),
    match: JSON.parse(str(row, 'match')) as Record<string, string>,
    component_id: str(row, 'component_id'),
    component_status: oneOf(row, 'component_status', [
      'degraded_performance',
      'partial_outage',
      'major_outage',
    ] as const),
    auto_publish: bool(row, 'auto_publish'),
    position: num(row, 'position'),
    created_at: str(row, 'created_at'),
  }
}

export async function listAlertRules(db: Db): Promise<AlertRule[]> {
  const rs = await db.execute('SELECT * FROM alert_rules ORDER BY position, created_at, id')
  return rs.rows.map(rowToRule)
}

export async function getAlertRule(db: Db, id: string): Promise<AlertRule | null> {
  const rs = await db.execute({ sql: 'SELECT * FROM alert_rules WHERE id = ?', args: [id] })
  return rs.rows[0] ? rowToRule(rs.rows[0]) : null
}

/** After the last rule: a new rule applies only where no earlier one does. */
export async function nextRulePosition(db: Db): Promise<number> {
  const rs = await db.execute('SELECT COALESCE(MAX(position), -1) + 1 AS p FROM alert_rules')
  return num(rs.rows[0]!, 'p')
}

export function insertAlertRule(r: AlertRule): Statement {
  return {
    sql: `INSERT INTO alert_rules (id, source, match, component_id, component_status, auto_publish,
      position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      r.id,
      r.source,
      JSON.stringify(r.match),
      r.component_id,
      r.component_status,
      r.auto_publish ? 1 : 0,
      r.position,
      r.created_at,
    ],
  }
}

export function deleteAlertRule(id: string): Statement {
  return { sql: 'DELETE FROM alert_rules WHERE id = ?', args: [id] }
}

/** The source whose token has this hash, or null. */
export async function sourceOfTokenHash(db: Db, hash: string): Promise<AlertSource | null> {
  const rs = await db.execute({
    sql: 'SELECT source FROM alert_sources WHERE token_hash = ?',
    args: [hash],
  })
  return rs.rows[0] ? oneOf(rs.rows[0], 'source', SOURCES) : null
}

/** Sets (or replaces: the old token stops working) a source's token. */
export function putSourceToken(source: AlertSource, hash: string, at: string): Statement {
  return {
    sql: `INSERT INTO alert_sources (source, token_hash, created_at) VALUES (?, ?, ?)
      ON CONFLICT (source) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
    args: [source, hash, at],
  }
}
