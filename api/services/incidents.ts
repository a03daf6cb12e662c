import { DomainError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import {
  assertIncidentUpdatable,
  assertReopenable,
  restingStatus,
} from '../../core/incident-rules.ts'
import type { IncidentRecord, UpdateRecord } from '../../core/records.ts'
import type { ComponentStatus } from '../../core/schemas/component.ts'
import type {
  ComponentStatusMap,
  Incident,
  IncidentCreate,
  IncidentPatch,
  IncidentReopen,
  IncidentResolve,
  IncidentStatus,
  IncidentUpdate,
  IncidentUpdateCreate,
  IncidentUpdateResult,
} from '../../core/schemas/incident.ts'
import type { Warning } from '../../core/schemas/common.ts'
import { incidentUrl } from '../../core/urls.ts'
import { fillPlaybook } from '../../core/playbooks.ts'
import { getPlaybook } from '../../templates/playbooks/index.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import { getComponentsByIds } from '../../db/components.ts'
import {
  getIncident,
  getIncidentForWrite,
  insertIncident,
  insertUpdate,
  listIncidents,
  listOpen,
  updateIncident,
} from '../../db/incidents.ts'
import { readVersions } from '../../db/versions.ts'
import type { Deps } from '../deps.ts'
import { changeStatuses, componentNames, loadComponents } from './component-status.ts'
import { commit, retryOnConflict, type WriteContext } from './write.ts'

/** The API view of an incident: the record plus component names and its public link. */
export async function incidentView(deps: Deps, r: IncidentRecord): Promise<Incident> {
  return toIncident(r, await componentNames(deps.db, r), deps.config.siteUrl)
}

function toIncident(r: IncidentRecord, names: Map<string, string>, siteUrl: string): Incident {
  return {
    id: r.id,
    name: r.name,
    status: r.status as IncidentStatus,
    impact: r.impact as Incident['impact'],
    workaround: r.workaround,
    apology: r.apology,
    postmortem: r.postmortem
      ? { status: r.postmortem.status, published_at: r.postmortem.published_at }
      : null,
    started_at: r.started_at,
    identified_at: r.identified_at,
    monitoring_at: r.monitoring_at,
    resolved_at: r.resolved_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
    shortlink: incidentUrl(siteUrl, r),
    components: r.components.map((c) => ({
      id: c.id,
      name: names.get(c.id) ?? c.id,
      status: c.status,
    })),
    incident_updates: r.updates.map(updateView),
  }
}

export function updateView(u: UpdateRecord): IncidentUpdate {
  return { ...u, updated_at: u.created_at }
}

/** Stamps the first time an incident reached each stage (Statuspage's *_at fields). */
function stampStatus(r: IncidentRecord, status: IncidentStatus, at: string): void {
  r.status = status
  if (status === 'identified') r.identified_at ??= at
  if (status === 'monitoring') r.monitoring_at ??= at
  if (status === 'resolved') r.resolved_at = at
}

function mapOf(m: ComponentStatusMap | undefined): Map<string, ComponentStatus> {
  return new Map(Object.entries(m ?? {}))
}

interface UpdateInput {
  status: IncidentStatus
  body: string
  components?: ComponentStatusMap
  workaround?: string | null
  apology?: string
  deliver_notifications: boolean
}

/**
 * The shared path of every timeline entry (update, resolve, reopen): new status, component
 * changes (on resolution, components nobody named fall back to their resting status), one update
 * row, and the event the publisher and mailer consume.
 */
async function appendUpdate(
  deps: Deps,
  ctx: WriteContext,
  { record: r, version }: { record: IncidentRecord; version: number },
  input: UpdateInput,
  eventType: 'incident.updated' | 'incident.resolved' | 'incident.reopened',
): Promise<IncidentUpdateResult> {
  const at = deps.clock.now().toISOString()
  const next = mapOf(input.components)
  const ids = [...new Set([...next.keys(), ...r.components.map((c) => c.id)])]
  // Before anything the new statuses are computed from (db/versions.ts).
  const versions = await readVersions(deps.db, 'components', ids)
  if (input.status === 'resolved') {
    const open = await listOpen(deps.db)
    for (const c of r.components) if (!next.has(c.id)) next.set(c.id, restingStatus(c.id, r, open))
  }
  const current = await loadComponents(deps.db, [...next.keys()], 'components')
  for (const c of await getComponentsByIds(deps.db, ids)) current.set(c.id, c)
  const { statements, affected } = changeStatuses(current, versions, next, at, r.id)

  // The incident remembers each component's status *during* the incident, not after it.
  const during = new Map(r.components.map((c) => [c.id, c.status]))
  if (input.status !== 'resolved') for (const [id, s] of next) during.set(id, s)
  r.components = [...during].map(([id, status]) => ({ id, status }))
  stampStatus(r, input.status, at)
  if (input.workaround !== undefined) r.workaround = input.workaround
  if (input.apology !== undefined) r.apology = input.apology
  r.updated_at = at

  const update: UpdateRecord = {
    id: newId(),
    incident_id: r.id,
    status: input.status,
    body: input.body,
    workaround: r.workaround,
    deliver_notifications: input.deliver_notifications,
    affected_components: affected.length ? affected : null,
    created_at: at,
    display_at: at,
  }
  r.updates = [update, ...r.updates]
  const names = new Map([...current].map(([id, c]) => [id, c.name]))
  const incident = toIncident(r, names, deps.config.siteUrl)
  const body = { incident, update: updateView(update), warnings: resolutionWarnings(r) }
  await commit(deps, ctx, {
    statements: [...updateIncident(r, version), insertUpdate(update), ...statements],
    action: ACTION[eventType],
    target: { type: 'incident', id: r.id },
    events: [
      {
        type: eventType,
        aggregateType: 'incident',
        aggregateId: r.id,
        payload: {
          incident_id: r.id,
          update_id: update.id,
          status: r.status,
          deliver_notifications: input.deliver_notifications,
        },
      },
    ],
    status: 201,
    body,
    // What changed, in commit order: the audit log replays the timeline's component statuses.
    details: { update_id: update.id, status: input.status, components: input.components ?? {} },
  })
  return body
}

/**
 * Resolving a major or critical incident without an apology is allowed (the fix must not wait
 * for wording) but flagged, and the communication metrics count it.
 */
function resolutionWarnings(r: IncidentRecord): Warning[] {
  if (r.status !== 'resolved' || r.apology || (r.impact !== 'major' && r.impact !== 'critical'))
    return []
  return [
    {
      code: 'missing_apology',
      message: `This ${r.impact} incident was resolved without an apology; add one with PATCH /api/v1/incidents/${r.id} {"apology": "..."}`,
    },
  ]
}

/** Fills what the request left out from its playbook; explicit fields always win. */
function completeFromPlaybook(input: IncidentCreate) {
  const base = { ...input }
  if (input.template) {
    const playbook = getPlaybook(input.template)
    if (playbook.kind !== 'incident') {
      throw new DomainError('invalid', 'invalid_input', 'Invalid request body', [
        {
          path: 'template',
          message: 'A maintenance playbook; schedule it with POST /api/v1/maintenances',
        },
      ])
    }
    const status = input.status ?? 'investigating'
    const filled = fillPlaybook(playbook, {
      status,
      locale: input.locale ?? 'en',
      vars: input.vars ?? {},
    })
    base.name ??= filled.name
    base.body ??= filled.body
    base.impact ??= playbook.impact
    base.status = status
    if (base.workaround === undefined) base.workaround = filled.workaround
  }
  return { ...base, name: base.name!, body: base.body!, impact: base.impact!, status: base.status! }
}

const ACTION = {
  'incident.updated': 'incident.update',
  'incident.resolved': 'incident.resolve',
  'incident.reopened': 'incident.reopen',
} as const

async function load(deps: Deps, id: string): Promise<IncidentRecord> {
  return (await getIncident(deps.db, id, 'incident')) ?? Promise.reject(notFound('incident', id))
}

/** The record and its version for a read-compute-write, or not_found named for its kind. */
export async function loadForWrite(
  deps: Deps,
  id: string,
  kind: 'incident' | 'maintenance' = 'incident',
) {
  return (await getIncidentForWrite(deps.db, id, kind)) ?? Promise.reject(notFound(kind, id))
}

export const incidents = {
  async get(deps: Deps, id: string): Promise<Incident> {
    return incidentView(deps, await load(deps, id))
  },

  async list(
    deps: Deps,
    q: { status?: string; impact?: string; component?: string; q?: string } & Pagination,
  ): Promise<{ items: Incident[]; total: number }> {
    const statuses =
      q.status === 'unresolved'
        ? ['investigating', 'identified', 'monitoring']
        : q.status
          ? [q.status]
          : undefined
    const { items, total } = await listIncidents(deps.db, {
      kind: 'incident',
      statuses,
      impact: q.impact,
      component: q.component,
      q: q.q,
      order: 'started_desc',
      limit: q.per_page,
      offset: (q.page - 1) * q.per_page,
    })
    return { items: await Promise.all(items.map((r) => incidentView(deps, r))), total }
  },

  create(deps: Deps, ctx: WriteContext, raw: IncidentCreate): Promise<Incident> {
    const input = completeFromPlaybook(raw)
    return retryOnConflict(deps, async () => {
      const now = deps.clock.now()
      const at = now.toISOString()
      const startedAt = input.started_at ? new Date(input.started_at) : now
      if (startedAt.getTime() > now.getTime() + 60_000) {
        throw new DomainError('invalid', 'invalid_input', 'Invalid request body', [
          { path: 'started_at', message: 'Must not be in the future' },
        ])
      }
      const next = mapOf(input.components)
      const versions = await readVersions(deps.db, 'components', [...next.keys()])
      const current = await loadComponents(deps.db, [...next.keys()], 'components')
      const r: IncidentRecord = {
        id: newId(),
        kind: 'incident',
        name: input.name,
        status: input.status,
        impact: input.impact,
        workaround: input.workaround ?? null,
        started_at: startedAt.toISOString(),
        identified_at: null,
        monitoring_at: null,
        resolved_at: null,
        scheduled_for: null,
        scheduled_until: null,
        auto_transition: false,
        cancelled_at: null,
        created_at: at,
        updated_at: at,
        components: [...next].map(([id, status]) => ({ id, status })),
        updates: [],
        apology: null,
        compensation: null,
        short_notice: false,
        postmortem: null,
      }
      stampStatus(r, input.status, at)
      // History starts when the incident did (if nothing changed since), so uptime counts a
      // backdated outage; a backfilled, already resolved incident leaves live statuses alone.
      const changed = changeStatuses(new Map(current), versions, next, at, r.id, r.started_at)
      const statements = input.status === 'resolved' ? [] : changed.statements
      const update: UpdateRecord = {
        id: newId(),
        incident_id: r.id,
        status: input.status,
        body: input.body,
        workaround: r.workaround,
        deliver_notifications: input.deliver_notifications,
        affected_components: changed.affected.length ? changed.affected : null,
        created_at: at,
        display_at: at,
      }
      r.updates = [update]
      const names = new Map([...current].map(([id, c]) => [id, c.name]))
      const incident = toIncident(r, names, deps.config.siteUrl)
      return commit(deps, ctx, {
        statements: [...insertIncident(r), insertUpdate(update), ...statements],
        action: 'incident.create',
        target: { type: 'incident', id: r.id },
        events: [
          {
            type: 'incident.created',
            aggregateType: 'incident',
            aggregateId: r.id,
            payload: {
              incident_id: r.id,
              update_id: update.id,
              status: r.status,
              deliver_notifications: input.deliver_notifications,
            },
          },
        ],
        status: 201,
        body: incident,
      })
    })
  },

  postUpdate(deps: Deps, ctx: WriteContext, id: string, input: IncidentUpdateCreate) {
    return retryOnConflict(deps, async () => {
      const loaded = await loadForWrite(deps, id)
      assertIncidentUpdatable(loaded.record)
      const type = input.status === 'resolved' ? 'incident.resolved' : 'incident.updated'
      return appendUpdate(deps, ctx, loaded, input, type)
    })
  },

  resolve(deps: Deps, ctx: WriteContext, id: string, input: IncidentResolve) {
    return retryOnConflict(deps, async () => {
      const loaded = await loadForWrite(deps, id)
      assertIncidentUpdatable(loaded.record)
      return appendUpdate(deps, ctx, loaded, { ...input, status: 'resolved' }, 'incident.resolved')
    })
  },

  reopen(deps: Deps, ctx: WriteContext, id: string, input: IncidentReopen) {
    return retryOnConflict(deps, async () => {
      const loaded = await loadForWrite(deps, id)
      const r = loaded.record
      assertReopenable(r)
      r.resolved_at = null
      // Unless told otherwise, components go back to the state the incident had them in.
      const components = {
        ...Object.fromEntries(r.components.map((c) => [c.id, c.status])),
        ...input.components,
      }
      return appendUpdate(deps, ctx, loaded, { ...input, components }, 'incident.reopened')
    })
  },

  edit(deps: Deps, ctx: WriteContext, id: string, patch: IncidentPatch): Promise<Incident> {
    // Only the fields the patch names are set, on the row as it is now: a retry re-applies them.
    return retryOnConflict(deps, async () => {
      const { record: r, version } = await loadForWrite(deps, id)
      const now = deps.clock.now()
      if (patch.started_at && Date.parse(patch.started_at) > now.getTime() + 60_000) {
        throw new DomainError('invalid', 'invalid_input', 'Invalid request body', [
          { path: 'started_at', message: 'Must not be in the future' },
        ])
      }
      if (patch.name !== undefined) r.name = patch.name
      if (patch.impact !== undefined) r.impact = patch.impact
      if (patch.started_at !== undefined) r.started_at = new Date(patch.started_at).toISOString()
      if (patch.workaround !== undefined) r.workaround = patch.workaround
      if (patch.apology !== undefined) r.apology = patch.apology
      r.updated_at = now.toISOString()
      const incident = await incidentView(deps, r)
      return commit(deps, ctx, {
        statements: updateIncident(r, version),
        action: 'incident.edit',
        target: { type: 'incident', id },
        events: [
          {
            type: 'incident.edited',
            aggregateType: 'incident',
            aggregateId: id,
            payload: { incident_id: id, fields: Object.keys(patch) },
          },
        ],
        status: 200,
        body: incident,
        details: patch,
      })
    })
  },
}
