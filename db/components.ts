import type { Row } from '@libsql/client'
import type { Component, ComponentGroup, ComponentStatus } from '../core/schemas/component.ts'
import { ComponentStatus as StatusEnum } from '../core/schemas/component.ts'
import { placeholders, type Db, type Statement } from './client.ts'
import { bool, num, oneOf, str, strOrNull } from './rows.ts'
import { updateAtVersion } from './versions.ts'

const STATUSES = StatusEnum.options

export function rowToComponent(row: Row): Component {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    description: strOrNull(row, 'description'),
    group_id: strOrNull(row, 'group_id'),
    position: num(row, 'position'),
    sla_target: num(row, 'sla_target'),
    status: oneOf(row, 'status', STATUSES),
    only_show_if_degraded: bool(row, 'only_show_if_degraded'),
    created_at: str(row, 'created_at'),
    updated_at: str(row, 'updated_at'),
  }
}

const COMPONENT_COLS =
  'id, name, description, group_id, position, sla_target, status, only_show_if_degraded, created_at, updated_at'

export async function listComponents(db: Db): Promise<Component[]> {
  const rs = await db.execute(
    `SELECT ${COMPONENT_COLS} FROM components WHERE deleted_at IS NULL ORDER BY position, name`,
  )
  return rs.rows.map(rowToComponent)
}

export async function getComponent(db: Db, id: string): Promise<Component | null> {
  const rs = await db.execute({
    sql: `SELECT ${COMPONENT_COLS} FROM components WHERE id = ? AND deleted_at IS NULL`,
    args: [id],
  })
  const row = rs.rows[0]
  return row ? rowToComponent(row) : null
}

export async function getComponentsByIds(db: Db, ids: readonly string[]): Promise<Component[]> {
  if (ids.length === 0) return []
  const rs = await db.execute({
    sql: `SELECT ${COMPONENT_COLS} FROM components WHERE deleted_at IS NULL AND id IN (${placeholders(ids.length)})`,
    args: [...ids],
  })
  return rs.rows.map(rowToComponent)
}

export async function nextComponentPosition(db: Db, groupId: string | null): Promise<number> {
  const rs = await db.execute({
    sql: 'SELECT COALESCE(MAX(position), 0) + 1 AS p FROM components WHERE deleted_at IS NULL AND group_id IS ?',
    args: [groupId],
  })
  return num(rs.rows[0]!, 'p')
}

export function insertComponent(c: Component): Statement {
  return {
    sql: `INSERT INTO components (${COMPONENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      c.id,
      c.name,
      c.description,
      c.group_id,
      c.position,
      c.sla_target,
      c.status,
      c.only_show_if_degraded ? 1 : 0,
      c.created_at,
      c.updated_at,
    ],
  }
}

export function updateComponent(c: Component, version: number): Statement[] {
  return updateAtVersion(
    'components',
    c.id,
    version,
    `name = ?, description = ?, group_id = ?, position = ?, sla_target = ?, status = ?,
     only_show_if_degraded = ?, updated_at = ?`,
    [
      c.name,
      c.description,
      c.group_id,
      c.position,
      c.sla_target,
      c.status,
      c.only_show_if_degraded ? 1 : 0,
      c.updated_at,
    ],
  )
}

export function setComponentStatus(
  id: string,
  status: ComponentStatus,
  at: string,
  version: number,
): Statement[] {
  return updateAtVersion('components', id, version, 'status = ?, updated_at = ?', [status, at])
}

export function softDeleteComponent(id: string, at: string, version: number): Statement[] {
  return updateAtVersion('components', id, version, 'deleted_at = ?, updated_at = ?', [at, at])
}

/** A row of status history; record one on every change so uptime can be computed. */
export function recordStatusChange(
  componentId: string,
  status: ComponentStatus,
  at: string,
  incidentId: string | null = null,
): Statement {
  return {
    sql: 'INSERT INTO component_status_changes (component_id, status, at, incident_id) VALUES (?, ?, ?, ?)',
    args: [componentId, status, at, incidentId],
  }
}

export interface StatusHistoryEntry {
  component_id: string
  status: ComponentStatus
  at: string
}

/**
 * Status history from `since` on, plus for each component the last change before `since`
 * (the status it entered the window with).
 */
export async function statusHistorySince(db: Db, since: string): Promise<StatusHistoryEntry[]> {
  const rs = await db.execute({
    sql: `SELECT component_id, status, at FROM component_status_changes WHERE at >= ?1
          UNION ALL
          SELECT c.component_id, c.status, c.at FROM component_status_changes c
          WHERE c.id = (SELECT id FROM component_status_changes p
                        WHERE p.component_id = c.component_id AND p.at < ?1
                        ORDER BY p.at DESC, p.id DESC LIMIT 1)
          ORDER BY at`,
    args: [since],
  })
  return rs.rows.map((row) => ({
    component_id: str(row, 'component_id'),
    status: oneOf(row, 'status', STATUSES),
    at: str(row, 'at'),
  }))
}

export function rowToGroup(row: Row, members: string[]): ComponentGroup {
  return {
    id: str(row, 'id'),
    name: str(row, 'name'),
    description: strOrNull(row, 'description'),
    position: num(row, 'position'),
    components: members,
    created_at: str(row, 'created_at'),
    updated_at: str(row, 'updated_at'),
  }
}

export async function listGroups(db: Db): Promise<ComponentGroup[]> {
  const [groups, members] = await db.batch(
    [
      'SELECT id, name, description, position, created_at, updated_at FROM component_groups WHERE deleted_at IS NULL ORDER BY position, name',
      'SELECT id, group_id FROM components WHERE deleted_at IS NULL AND group_id IS NOT NULL ORDER BY position, name',
    ],
    'read',
  )
  const byGroup = new Map<string, string[]>()
  for (const row of members!.rows) {
    const g = str(row, 'group_id')
    byGroup.set(g, [...(byGroup.get(g) ?? []), str(row, 'id')])
  }
  return groups!.rows.map((row) => rowToGroup(row, byGroup.get(str(row, 'id')) ?? []))
}

export async function getGroup(db: Db, id: string): Promise<ComponentGroup | null> {
  return (await listGroups(db)).find((g) => g.id === id) ?? null
}

export function insertGroup(g: ComponentGroup): Statement {
  return {
    sql: 'INSERT INTO component_groups (id, name, description, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    args: [g.id, g.name, g.description, g.position, g.created_at, g.updated_at],
  }
}

export function updateGroup(g: ComponentGroup, version: number): Statement[] {
  return updateAtVersion(
    'component_groups',
    g.id,
    version,
    'name = ?, description = ?, position = ?, updated_at = ?',
    [g.name, g.description, g.position, g.updated_at],
  )
}

export function softDeleteGroup(id: string, at: string, version: number): Statement[] {
  return updateAtVersion('component_groups', id, version, 'deleted_at = ?, updated_at = ?', [
    at,
    at,
  ])
}

/**
 * Makes exactly `members` the group's components (others leave the group). Membership is set,
 * not computed, so it needs no guard; it bumps the members' versions so that a component edit
 * computed before it retries instead of writing the old group back.
 */
export function setGroupMembers(
  groupId: string,
  members: readonly string[],
  at: string,
): Statement[] {
  const out: Statement[] = [
    {
      sql: `UPDATE components SET group_id = NULL, updated_at = ?, version = version + 1
            WHERE group_id = ?${
              members.length ? ` AND id NOT IN (${placeholders(members.length)})` : ''
            }`,
      args: [at, groupId, ...members],
    },
  ]
  if (members.length) {
    out.push({
      sql: `UPDATE components SET group_id = ?, updated_at = ?, version = version + 1
            WHERE id IN (${placeholders(members.length)})`,
      args: [groupId, at, ...members],
    })
  }
  return out
}

/** Next position among top-level rows (groups and ungrouped components share one order). */
export async function nextTopLevelPosition(db: Db): Promise<number> {
  const rs = await db.execute(
    `SELECT COALESCE(MAX(p), 0) + 1 AS p FROM (
       SELECT MAX(position) AS p FROM component_groups WHERE deleted_at IS NULL
       UNION ALL SELECT MAX(position) FROM components WHERE deleted_at IS NULL AND group_id IS NULL)`,
  )
  return num(rs.rows[0]!, 'p')
}

/**
 * Changes to the status history since it was last read: its newest id. Rows are only ever added
 * and AUTOINCREMENT never reuses an id, so every change moves it; a database restored from a
 * backup is caught before this (the publisher compares the database's identity and starts over).
 * Counting the rows instead scanned the whole table at every publish (1.5 ms at 30,000 rows).
 */
export async function statusHistoryMark(db: Db): Promise<string> {
  const rs = await db.execute('SELECT COALESCE(MAX(id), 0) AS last FROM component_status_changes')
  return String(num(rs.rows[0]!, 'last'))
}
