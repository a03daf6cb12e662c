import { DomainError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import { assertMaintenanceTransition, restingStatus } from '../../core/incident-rules.ts'
import type { IncidentRecord, UpdateRecord } from '../../core/records.ts'
import type { ComponentStatus } from '../../core/schemas/component.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import type {
  Maintenance,
  MaintenanceCancel,
  MaintenanceCreate,
  MaintenanceCreated,
  MaintenancePatch,
  MaintenanceStatus,
  MaintenanceUpdateCreate,
} from '../../core/schemas/maintenance.ts'
import { translationsOut, withField, type LocalizedInput } from '../../core/localized.ts'
import { splitFields, withFields } from '../../core/localized-input.ts'
import { noticeWarning } from '../../core/maintenance-notice.ts'
import { worstStatus } from '../../core/status-rollup.ts'
import { incidentUrl } from '../../core/urls.ts'
import { getComponentsByIds } from '../../db/components.ts'
import {
  getIncident,
  insertIncident,
  insertUpdate,
  listDueMaintenance,
  listIncidents,
  listOpen,
  updateIncident,
} from '../../db/incidents.ts'
import { readVersions } from '../../db/versions.ts'
import type { Deps } from '../deps.ts'
import { changeStatuses, componentNames, loadComponents } from './component-status.ts'
import { loadForWrite, updateView } from './incidents.ts'
import { commit, editDetails, retryOnConflict, systemActor, type WriteContext } from './write.ts'

export async function maintenanceView(deps: Deps, r: IncidentRecord): Promise<Maintenance> {
  return toMaintenance(r, await componentNames(deps.db, r), deps.config.siteUrl)
}

function toMaintenance(
  r: IncidentRecord,
  names: Map<string, string>,
  siteUrl: string,
): Maintenance {
  return {
    id: r.id,
    name: r.name,
    status: r.status as MaintenanceStatus,
    impact: 'maintenance',
    scheduled_for: r.scheduled_for!,
    scheduled_until: r.scheduled_until!,
    auto_transition: r.auto_transition,
    short_notice: r.short_notice,
    started_at: r.status === 'scheduled' ? null : r.started_at,
    resolved_at: r.resolved_at,
    cancelled_at: r.cancelled_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
    shortlink: incidentUrl(siteUrl, r),
    components: r.components.map((c) => ({
      id: c.id,
      name: names.get(c.id) ?? c.id,
      status: c.status,
    })),
    incident_updates: r.updates.map(updateView),
    translations: translationsOut(r.translations),
  }
}

async function load(deps: Deps, id: string): Promise<IncidentRecord> {
  return (
    (await getIncident(deps.db, id, 'maintenance')) ?? Promise.reject(notFound('maintenance', id))
  )
}

const iso = (s: string) => new Date(s).toISOString()

/**
 * Moves a window to `status` with one timeline entry. Entering in_progress puts its components
 * under maintenance (an outage elsewhere still shows, being worse); completing gives each
 * component back the status other open incidents hold it at, or operational.
 */
async function transition(
  deps: Deps,
  ctx: WriteContext,
  { record: r, version }: { record: IncidentRecord; version: number },
  status: MaintenanceStatus,
  given: LocalizedInput,
  deliver: boolean,
  eventType: string,
): Promise<Maintenance> {
  const { body } = splitFields({ body: given }, deps.config.locales)
  const at = deps.clock.now().toISOString()
  const ids = r.components.map((c) => c.id)
  const versions = await readVersions(deps.db, 'components', ids)
  const current = new Map((await getComponentsByIds(deps.db, ids)).map((c) => [c.id, c]))
  const next = new Map<string, ComponentStatus>()
  const entering = status === 'in_progress' && r.status === 'scheduled'
  if (entering) {
    const open = await listOpen(deps.db)
    for (const id of ids)
      next.set(id, worstStatus([restingStatus(id, r, open), 'under_maintenance']))
    r.started_at = at
  }
  if (status === 'completed') {
    const open = await listOpen(deps.db)
    for (const id of ids) next.set(id, restingStatus(id, r, open))
    r.resolved_at = at
  }
  const { statements, affected } = changeStatuses(current, versions, next, at, r.id)
  r.status = status
  r.updated_at = at
  const update: UpdateRecord = {
    id: newId(),
    incident_id: r.id,
    status,
    body: body!.text,
    translations: withField({}, 'body', body!.others),
    workaround: null,
    deliver_notifications: deliver,
    affected_components: affected.length ? affected : null,
    created_at: at,
    display_at: at,
  }
  r.updates = [update, ...r.updates]
  const names = new Map([...current].map(([id, c]) => [id, c.name]))
  const view = toMaintenance(r, names, deps.config.siteUrl)
  return commit(deps, ctx, {
    statements: [...updateIncident(r, version), insertUpdate(update), ...statements],
    action: eventType,
    target: { type: 'maintenance', id: r.id },
    events: [
      {
        type: eventType,
        aggregateType: 'maintenance',
        aggregateId: r.id,
        payload: {
          maintenance_id: r.id,
          update_id: update.id,
          status,
          deliver_notifications: deliver,
          // Starting moves the window to when it started (the history's month may change).
          ...(entering ? { fields: ['started_at'] } : {}),
        },
      },
    ],
    status: 201,
    body: view,
  })
}

/** The timeline's words when a window starts or ends with none of its own (scheduler, console). */
export const MOVE_BODY = {
  in_progress: 'Scheduled maintenance is now in progress.',
  completed: 'Scheduled maintenance has been completed.',
} as const

const EVENT_FOR: Record<MaintenanceStatus, string> = {
  scheduled: 'maintenance.updated',
  in_progress: 'maintenance.started',
  verifying: 'maintenance.verifying',
  completed: 'maintenance.completed',
}

export const maintenances = {
  async get(deps: Deps, id: string): Promise<Maintenance> {
    return maintenanceView(deps, await load(deps, id))
  },

  async list(
    deps: Deps,
    q: { status?: string; component?: string } & Pagination,
  ): Promise<{ items: Maintenance[]; total: number }> {
    const statuses =
      q.status === 'upcoming'
        ? ['scheduled']
        : q.status === 'active'
          ? ['in_progress', 'verifying']
          : q.status
            ? [q.status]
            : undefined
    const { items, total } = await listIncidents(deps.db, {
      kind: 'maintenance',
      statuses,
      component: q.component,
      notCancelled: q.status === 'upcoming',
      order: q.status === 'upcoming' || q.status === 'active' ? 'scheduled_asc' : 'scheduled_desc',
      limit: q.per_page,
      offset: (q.page - 1) * q.per_page,
    })
    return { items: await Promise.all(items.map((r) => maintenanceView(deps, r))), total }
  },

  create(deps: Deps, ctx: WriteContext, input: MaintenanceCreate): Promise<MaintenanceCreated> {
    const text = splitFields({ name: input.name, body: input.body }, deps.config.locales)
    return retryOnConflict(deps, async () => {
      const ids = [...new Set(input.components)]
      const current = await loadComponents(deps.db, ids, 'components')
      const at = deps.clock.now().toISOString()
      const r: IncidentRecord = {
        id: newId(),
        kind: 'maintenance',
        name: text.name!.text,
        translations: withFields({}, { name: text.name }),
        status: 'scheduled',
        impact: 'maintenance',
        workaround: null,
        started_at: iso(input.scheduled_for),
        identified_at: null,
        monitoring_at: null,
        resolved_at: null,
        scheduled_for: iso(input.scheduled_for),
        scheduled_until: iso(input.scheduled_until),
        auto_transition: input.auto_transition,
        cancelled_at: null,
        created_at: at,
        updated_at: at,
        components: ids.map((id) => ({ id, status: 'under_maintenance' as const })),
        updates: [],
        apology: null,
        compensation: null,
        short_notice: false,
        postmortem: null,
      }
      const update: UpdateRecord = {
        id: newId(),
        incident_id: r.id,
        status: 'scheduled',
        body: text.body!.text,
        translations: withField({}, 'body', text.body!.others),
        workaround: null,
        deliver_notifications: input.deliver_notifications,
        affected_components: ids.length
          ? ids.map((id) => {
              const s = current.get(id)!.status
              return { code: id, name: current.get(id)!.name, old_status: s, new_status: s }
            })
          : null,
        created_at: at,
        display_at: at,
      }
      r.updates = [update]
      const notice = noticeWarning(at, r.scheduled_for!, deps.config.recovery.minNoticeHours)
      r.short_notice = notice !== null
      const names = new Map([...current].map(([id, c]) => [id, c.name]))
      return commit(deps, ctx, {
        statements: [...insertIncident(r), insertUpdate(update)],
        action: 'maintenance.schedule',
        target: { type: 'maintenance', id: r.id },
        events: [
          {
            type: 'maintenance.scheduled',
            aggregateType: 'maintenance',
            aggregateId: r.id,
            payload: {
              maintenance_id: r.id,
              update_id: update.id,
              status: 'scheduled',
              deliver_notifications: input.deliver_notifications,
            },
          },
        ],
        status: 201,
        body: {
          ...toMaintenance(r, names, deps.config.siteUrl),
          warnings: notice ? [{ code: notice.code, message: notice.message }] : [],
        },
      })
    })
  },

  postUpdate(deps: Deps, ctx: WriteContext, id: string, input: MaintenanceUpdateCreate) {
    return retryOnConflict(deps, async () => {
      const loaded = await loadForWrite(deps, id, 'maintenance')
      assertMaintenanceTransition(loaded.record, input.status)
      return transition(
        deps,
        ctx,
        loaded,
        input.status,
        input.body,
        input.deliver_notifications,
        EVENT_FOR[input.status],
      )
    })
  },

  edit(deps: Deps, ctx: WriteContext, id: string, patch: MaintenancePatch): Promise<Maintenance> {
    const text = splitFields({ name: patch.name }, deps.config.locales)
    // Only the fields the patch names are set, on the row as it is now: a retry re-applies them.
    return retryOnConflict(deps, async () => {
      const { record: r, version } = await loadForWrite(deps, id, 'maintenance')
      if (r.cancelled_at || r.status === 'completed') {
        throw new DomainError(
          'conflict',
          'maintenance_closed',
          'This maintenance is already completed or cancelled',
        )
      }
      const before = {
        name: r.name,
        scheduled_for: r.scheduled_for,
        scheduled_until: r.scheduled_until,
        components: r.components.map((c) => c.id),
        auto_transition: r.auto_transition,
      }
      const started = r.status !== 'scheduled'
      if (started && (patch.scheduled_for !== undefined || patch.components !== undefined)) {
        throw new DomainError(
          'conflict',
          'maintenance_started',
          'The start and the components of a maintenance in progress cannot change; extend scheduled_until instead',
        )
      }
      const scheduledFor = patch.scheduled_for ? iso(patch.scheduled_for) : r.scheduled_for!
      const scheduledUntil = patch.scheduled_until ? iso(patch.scheduled_until) : r.scheduled_until!
      if (scheduledUntil <= scheduledFor) {
        throw new DomainError('invalid', 'invalid_input', 'Invalid request body', [
          { path: 'scheduled_until', message: 'Must be after scheduled_for' },
        ])
      }
      if (patch.components) {
        const ids = [...new Set(patch.components)]
        await loadComponents(deps.db, ids, 'components')
        r.components = ids.map((cid) => ({ id: cid, status: 'under_maintenance' }))
      }
      if (text.name) r.name = text.name.text
      r.translations = withFields(r.translations, text)
      if (patch.auto_transition !== undefined) r.auto_transition = patch.auto_transition
      r.scheduled_for = scheduledFor
      r.scheduled_until = scheduledUntil
      if (!started) r.started_at = scheduledFor
      r.updated_at = deps.clock.now().toISOString()
      const view = await maintenanceView(deps, r)
      return commit(deps, ctx, {
        statements: updateIncident(r, version),
        action: 'maintenance.edit',
        target: { type: 'maintenance', id },
        events: [
          {
            type: 'maintenance.edited',
            aggregateType: 'maintenance',
            aggregateId: id,
            payload: { maintenance_id: id, fields: Object.keys(patch) },
          },
        ],
        status: 200,
        body: view,
        details: editDetails(before, patch),
      })
    })
  },

  cancel(
    deps: Deps,
    ctx: WriteContext,
    id: string,
    input: MaintenanceCancel,
  ): Promise<Maintenance> {
    return retryOnConflict(deps, async () => {
      const loaded = await loadForWrite(deps, id, 'maintenance')
      const r = loaded.record
      if (r.status !== 'scheduled' || r.cancelled_at) {
        throw new DomainError(
          'conflict',
          'maintenance_not_cancellable',
          'Only a maintenance that has not started can be cancelled; complete a started one instead',
        )
      }
      r.cancelled_at = deps.clock.now().toISOString()
      return transition(
        deps,
        ctx,
        loaded,
        'completed',
        input.body,
        input.deliver_notifications,
        'maintenance.cancelled',
      )
    })
  },

  /**
   * Starts windows whose time has come and completes those whose time is up. Each move is its
   * own write, so one failure does not hold back the others. Returns the moves made.
   */
  async runDue(deps: Deps): Promise<{ id: string; status: MaintenanceStatus }[]> {
    const moved: { id: string; status: MaintenanceStatus }[] = []
    const ctx: WriteContext = { actor: systemActor('scheduler') }
    const due = await listDueMaintenance(deps.db, deps.clock.now().toISOString())
    // Starting and completing are separate writes, each from a fresh read: another process's
    // scheduler may move the same window at the same time, and only one of them commits a move.
    const step = (status: 'in_progress' | 'completed', id: string) =>
      retryOnConflict(deps, async () => {
        const loaded = await loadForWrite(deps, id, 'maintenance')
        const r = loaded.record
        const now = deps.clock.now().toISOString()
        const due =
          status === 'in_progress'
            ? r.status === 'scheduled' && r.scheduled_for! <= now && !r.cancelled_at
            : r.status !== 'completed' && r.scheduled_until! <= now
        if (!due) return
        await transition(
          deps,
          ctx,
          loaded,
          status,
          MOVE_BODY[status],
          true,
          status === 'in_progress' ? 'maintenance.started' : 'maintenance.completed',
        )
        moved.push({ id, status })
      })
    for (const candidate of due) {
      await step('in_progress', candidate.id)
      await step('completed', candidate.id)
    }
    return moved
  },
}
