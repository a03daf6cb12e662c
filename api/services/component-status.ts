import type { Component, ComponentStatus } from '../../core/schemas/component.ts'
import type { AffectedComponent } from '../../core/schemas/incident.ts'
import { DomainError } from '../../core/errors.ts'
import type { Db, Statement } from '../../db/client.ts'
import { getComponentsByIds, recordStatusChange, setComponentStatus } from '../../db/components.ts'
import { updateAtVersion } from '../../db/versions.ts'

/**
 * Loads the named components, or fails with the field path of each id that does not exist;
 * `alsoIds` are loaded in the same query when they exist (no error for those).
 */
export async function loadComponents(
  db: Db,
  ids: readonly string[],
  field: string,
  alsoIds: readonly string[] = [],
): Promise<Map<string, Component>> {
  const wanted = alsoIds.length ? [...new Set([...ids, ...alsoIds])] : ids
  const found = new Map((await getComponentsByIds(db, wanted)).map((c) => [c.id, c]))
  const missing = ids.filter((id) => !found.has(id))
  if (missing.length) {
    throw new DomainError(
      'invalid',
      'unknown_component',
      'Some components do not exist',
      missing.map((id) => ({ path: `${field}.${id}`, message: 'No component with this id' })),
    )
  }
  return found
}

/**
 * Statements that move components to new statuses, each with a history row, and the
 * Statuspage-style `affected_components` list (old → new) for the update that caused it. Every
 * component in `next` is written at the version read before it (`versions`), even when its
 * status stays: the decision depended on it, so a concurrent decision must retry, not interleave.
 */
export function changeStatuses(
  current: Map<string, Component>,
  versions: ReadonlyMap<string, number>,
  next: ReadonlyMap<string, ComponentStatus>,
  at: string,
  incidentId: string | null,
  historyFrom?: string,
): { statements: Statement[]; affected: AffectedComponent[] } {
  const statements: Statement[] = []
  const affected: AffectedComponent[] = []
  for (const [id, status] of next) {
    const c = current.get(id)
    if (!c) continue
    const version = versions.get(id) ?? -1
    affected.push({ code: id, name: c.name, old_status: c.status, new_status: status })
    if (c.status === status) {
      statements.push(...updateAtVersion('components', id, version))
      continue
    }
    // A backdated change is recorded from `historyFrom`, but never before the component's last
    // change (updated_at bounds it), so history stays in order.
    const since =
      historyFrom && historyFrom > c.updated_at ? historyFrom : historyFrom ? c.updated_at : at
    statements.push(
      ...setComponentStatus(id, status, at, version),
      recordStatusChange(id, status, since, incidentId),
    )
    current.set(id, { ...c, status, updated_at: at })
  }
  return { statements, affected }
}

/** Names of the components a record holds, for views that show them. */
export async function componentNames(
  db: Db,
  r: { components: { id: string }[] },
): Promise<Map<string, string>> {
  const found = await getComponentsByIds(
    db,
    r.components.map((c) => c.id),
  )
  return new Map(found.map((c) => [c.id, c.name]))
}
