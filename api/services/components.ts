import { DomainError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type {
  Component,
  ComponentCreate,
  ComponentGroup,
  ComponentPatch,
  GroupCreate,
  GroupPatch,
} from '../../core/schemas/component.ts'
import type { Statement } from '../../db/client.ts'
import {
  getComponent,
  getGroup,
  insertComponent,
  insertGroup,
  listComponents,
  listGroups,
  nextComponentPosition,
  nextTopLevelPosition,
  recordStatusChange,
  setGroupMembers,
  softDeleteComponent,
  softDeleteGroup,
  updateComponent,
  updateGroup,
} from '../../db/components.ts'
import { listOpen } from '../../db/incidents.ts'
import { guard, readVersion } from '../../db/versions.ts'
import type { Deps } from '../deps.ts'
import { loadComponents } from './component-status.ts'
import { commit, editDetails, retryOnConflict, type WriteContext } from './write.ts'

const event = (type: string, id: string, payload: Record<string, unknown> = {}) => ({
  type,
  aggregateType: type.split('.')[0]!,
  aggregateId: id,
  payload: { id, ...payload },
})

/**
 * Checks the group exists, and returns the guard that keeps it so until the write commits: a
 * group deleted in between would leave the component in a group shown nowhere. The batch then
 * fails, and the retry answers unknown_group.
 */
async function assertGroupExists(deps: Deps, groupId: string | null | undefined) {
  if (!groupId) return []
  if (!(await getGroup(deps.db, groupId))) {
    throw new DomainError('invalid', 'unknown_group', 'No such component group', [
      { path: 'group_id', message: 'No group with this id' },
    ])
  }
  return [
    guard(
      'EXISTS (SELECT 1 FROM component_groups WHERE id = ? AND deleted_at IS NULL)',
      [groupId],
      `component group ${groupId} was deleted`,
    ),
  ]
}

export const components = {
  list: (deps: Deps) => listComponents(deps.db),

  async get(deps: Deps, id: string): Promise<Component> {
    return (await getComponent(deps.db, id)) ?? Promise.reject(notFound('component', id))
  },

  create(deps: Deps, ctx: WriteContext, input: ComponentCreate): Promise<Component> {
    return retryOnConflict(deps, async () => {
      const groupKept = await assertGroupExists(deps, input.group_id)
      const at = deps.clock.now().toISOString()
      const groupId = input.group_id ?? null
      const c: Component = {
        id: newId(),
        name: input.name,
        description: input.description ?? null,
        group_id: groupId,
        position:
          input.position ??
          (groupId
            ? await nextComponentPosition(deps.db, groupId)
            : await nextTopLevelPosition(deps.db)),
        sla_target: input.sla_target,
        status: input.status,
        only_show_if_degraded: input.only_show_if_degraded,
        created_at: at,
        updated_at: at,
      }
      return commit(deps, ctx, {
        statements: [insertComponent(c), recordStatusChange(c.id, c.status, at), ...groupKept],
        action: 'component.create',
        target: { type: 'component', id: c.id },
        events: [event('component.created', c.id)],
        status: 201,
        body: c,
      })
    })
  },

  update(deps: Deps, ctx: WriteContext, id: string, patch: ComponentPatch): Promise<Component> {
    // Only the fields the patch names are set, on the row as it is now: a retry re-applies them.
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'components', id)
      const before = await components.get(deps, id)
      const groupKept = await assertGroupExists(deps, patch.group_id)
      const at = deps.clock.now().toISOString()
      const after: Component = { ...before, ...stripUndefined(patch), updated_at: at }
      const statements: Statement[] = [...updateComponent(after, version), ...groupKept]
      if (after.status !== before.status) statements.push(recordStatusChange(id, after.status, at))
      return commit(deps, ctx, {
        statements,
        action: 'component.update',
        target: { type: 'component', id },
        events: [
          event('component.updated', id, {
            // What the publisher re-renders depends on it (a name is on every incident page).
            fields: Object.keys(stripUndefined(patch)),
            ...(after.status !== before.status
              ? { status_changed: true, old_status: before.status, new_status: after.status }
              : { status_changed: false }),
          }),
        ],
        status: 200,
        body: after,
        details: editDetails(before, patch),
      })
    })
  },

  remove(deps: Deps, ctx: WriteContext, id: string): Promise<Component> {
    return retryOnConflict(deps, async () => {
      // Read first: an incident update naming the component touches it, so this retries then.
      const version = await readVersion(deps.db, 'components', id)
      const c = await components.get(deps, id)
      const holding = (await listOpen(deps.db)).filter((r) => r.components.some((x) => x.id === id))
      if (holding.length) {
        throw new DomainError(
          'conflict',
          'component_in_use',
          `The component is affected by open ${holding.map((r) => `${r.kind} ${r.id}`).join(', ')}; close it first`,
        )
      }
      const at = deps.clock.now().toISOString()
      return commit(deps, ctx, {
        statements: softDeleteComponent(id, at, version),
        action: 'component.delete',
        target: { type: 'component', id },
        events: [event('component.deleted', id)],
        status: 200,
        body: c,
      })
    })
  },
}

export const groups = {
  list: (deps: Deps) => listGroups(deps.db),

  async get(deps: Deps, id: string): Promise<ComponentGroup> {
    return (await getGroup(deps.db, id)) ?? Promise.reject(notFound('component group', id))
  },

  create(deps: Deps, ctx: WriteContext, input: GroupCreate): Promise<ComponentGroup> {
    return retryOnConflict(deps, async () => {
      const members = unique(input.components ?? [])
      await loadComponents(deps.db, members, 'components')
      const at = deps.clock.now().toISOString()
      const g: ComponentGroup = {
        id: newId(),
        name: input.name,
        description: input.description ?? null,
        position: input.position ?? (await nextTopLevelPosition(deps.db)),
        components: members,
        created_at: at,
        updated_at: at,
      }
      return commit(deps, ctx, {
        statements: [insertGroup(g), ...setGroupMembers(g.id, members, at)],
        action: 'component_group.create',
        target: { type: 'component_group', id: g.id },
        events: [event('component_group.created', g.id)],
        status: 201,
        body: g,
      })
    })
  },

  update(deps: Deps, ctx: WriteContext, id: string, patch: GroupPatch): Promise<ComponentGroup> {
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'component_groups', id)
      const before = await groups.get(deps, id)
      const members = patch.components ? unique(patch.components) : before.components
      await loadComponents(deps.db, members, 'components')
      const at = deps.clock.now().toISOString()
      const after: ComponentGroup = {
        ...before,
        ...stripUndefined(patch),
        components: members,
        updated_at: at,
      }
      return commit(deps, ctx, {
        statements: [
          ...updateGroup(after, version),
          ...(patch.components ? setGroupMembers(id, members, at) : []),
        ],
        action: 'component_group.update',
        target: { type: 'component_group', id },
        events: [event('component_group.updated', id)],
        status: 200,
        body: after,
        details: editDetails(before, patch),
      })
    })
  },

  remove(deps: Deps, ctx: WriteContext, id: string): Promise<ComponentGroup> {
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'component_groups', id)
      const g = await groups.get(deps, id)
      const at = deps.clock.now().toISOString()
      return commit(deps, ctx, {
        // Members stay, ungrouped: deleting a heading must not delete what it headed.
        statements: [...setGroupMembers(id, [], at), ...softDeleteGroup(id, at, version)],
        action: 'component_group.delete',
        target: { type: 'component_group', id },
        events: [event('component_group.deleted', id)],
        status: 200,
        body: g,
      })
    })
  },
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)]
}

export function stripUndefined<T extends object>(
  o: T,
): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never
}
