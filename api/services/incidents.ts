import { DomainError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import {
  apologyExpected,
  assertIncidentUpdatable,
  assertReopenable,
  restingStatus,
} from '../../core/incident-rules.ts'
import type { IncidentRecord, PlaybookRef, UpdateRecord } from '../../core/records.ts'
import type { Component, ComponentStatus } from '../../core/schemas/component.ts'
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
  IncidentUpdateEdit,
  IncidentUpdateResult,
} from '../../core/schemas/incident.ts'
import type { Warning } from '../../core/schemas/common.ts'
import { incidentUrl } from '../../core/urls.ts'
import { fillPlaybook, fillPlaybookIn, withDerivedVars } from '../../core/playbooks.ts'
import { translationsOut, withField, type LocalizedInput } from '../../core/localized.ts'
import {
  splitFields,
  textOf,
  withFields,
  type SplitFields,
  type SplitText,
} from '../../core/localized-input.ts'
import { getPlaybook } from '../../templates/playbooks/index.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import { getComponentsByIds } from '../../db/components.ts'
import {
  getIncident,
  getIncidentForWrite,
  insertIncident,
  insertUpdate,
  listIncidents,
  listOpen,
  setUpdateBody,
  updateIncident,
} from '../../db/incidents.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import { readVersions } from '../../db/versions.ts'
import type { Deps } from '../deps.ts'
import { changeStatuses, componentNames, loadComponents } from './component-status.ts'
import { commit, editDetails, retryOnConflict, type Change, type WriteContext } from './write.ts'

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
    playbook: r.playbook ?? null,
    translations: translationsOut(r.translations),
  }
}

export function updateView({ translations, ...u }: UpdateRecord): IncidentUpdate {
  return { ...u, updated_at: u.created_at, translations: translationsOut(translations) }
}

/**
 * An update's translations: its body's, and the workaround it carries (the incident's, at the
 * time) in the same languages the incident has it in.
 */
function updateTranslations(body: SplitText, r: IncidentRecord): UpdateRecord['translations'] {
  const workaround = Object.fromEntries(
    Object.entries(r.translations ?? {}).flatMap(([l, f]) =>
      f.workaround !== undefined ? [[l, f.workaround]] : [],
    ),
  )
  return withField(
    withField<'body' | 'workaround'>({}, 'body', body.others),
    'workaround',
    workaround,
  )
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
  body: LocalizedInput
  components?: ComponentStatusMap
  workaround?: LocalizedInput | null
  apology?: LocalizedInput
  deliver_notifications: boolean
}

/**
 * A write computed in memory and not yet committed: the record as it will be, the components it
 * touches with their new statuses, and the change for commit(). A preview shows `record`
 * without committing; a write commits `change` (docs/decisions/001).
 */
export interface Planned<T> {
  record: IncidentRecord
  components: Map<string, Component>
  change: Change<T>
}

/**
 * The shared path of every timeline entry (update, resolve, reopen): new status, component
 * changes (on resolution, components nobody named fall back to their resting status), one update
 * row, and the event the publisher and notifier consume.
 */
async function planUpdate(
  deps: Deps,
  { record: r, version }: { record: IncidentRecord; version: number },
  input: UpdateInput,
  eventType: 'incident.updated' | 'incident.resolved' | 'incident.reopened',
): Promise<Planned<IncidentUpdateResult>> {
  // Every text's languages are checked before anything is read for the write.
  const text = splitFields(
    { body: input.body, workaround: input.workaround, apology: input.apology },
    deps.config.locales,
  )
  const at = deps.clock.now().toISOString()
  const next = mapOf(input.components)
  const ids = [...new Set([...next.keys(), ...r.components.map((c) => c.id)])]
  // Before anything the new statuses are computed from (db/versions.ts).
  const versions = await readVersions(deps.db, 'components', ids)
  if (input.status === 'resolved') {
    const open = await listOpen(deps.db)
    for (const c of r.components) if (!next.has(c.id)) next.set(c.id, restingStatus(c.id, r, open))
  }
  const current = await loadComponents(deps.db, [...next.keys()], 'components', ids)
  const { statements, affected } = changeStatuses(current, versions, next, at, r.id)

  // The incident remembers each component's status *during* the incident, not after it.
  const before = r.components
  const during = new Map(r.components.map((c) => [c.id, c.status]))
  if (input.status !== 'resolved') for (const [id, s] of next) during.set(id, s)
  r.components = [...during].map(([id, status]) => ({ id, status }))
  stampStatus(r, input.status, at)
  if (text.workaround !== undefined) r.workaround = textOf(text.workaround)
  if (text.apology !== undefined) r.apology = textOf(text.apology)
  r.translations = withFields(r.translations, {
    workaround: text.workaround,
    apology: text.apology,
  })
  r.updated_at = at

  const update: UpdateRecord = {
    id: newId(),
    incident_id: r.id,
    status: input.status,
    body: text.body!.text,
    translations: updateTranslations(text.body!, r),
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
  return {
    record: r,
    components: current,
    change: {
      statements: [...updateIncident(r, version, before), insertUpdate(update), ...statements],
      action: ACTION[eventType],
      target: { type: 'incident', id: r.id },
      events: [timelineEvent(eventType, r, update)],
      status: 201,
      body,
      // What changed, in commit order: the audit log replays the timeline's component statuses.
      details: { update_id: update.id, status: input.status, components: input.components ?? {} },
    },
  }
}

/** The outbox event of an update on the timeline (opening, update, resolve, reopen). */
function timelineEvent(type: string, r: IncidentRecord, update: UpdateRecord): OutboxEvent {
  return {
    type,
    aggregateType: 'incident',
    aggregateId: r.id,
    payload: {
      incident_id: r.id,
      update_id: update.id,
      status: r.status,
      deliver_notifications: update.deliver_notifications,
    },
  }
}

/**
 * Resolving a major or critical incident without an apology is allowed (the fix must not wait
 * for wording) but flagged, and the communication metrics count it.
 */
function resolutionWarnings(r: IncidentRecord): Warning[] {
  if (r.status !== 'resolved' || r.apology || !apologyExpected(r.impact)) return []
  return [
    {
      code: 'missing_apology',
      message: `This ${r.impact} incident was resolved without an apology; add one with PATCH /api/v1/incidents/${r.id} {"apology": "..."}`,
    },
  ]
}

/**
 * Fills what the request left out from its playbook; explicit fields always win. The playbook's
 * `component` var defaults to the names of the components the incident affects.
 */
async function completeFromPlaybook(deps: Deps, input: IncidentCreate) {
  const base: Omit<IncidentCreate, 'name' | 'body' | 'workaround'> & {
    name?: LocalizedInput
    body?: LocalizedInput
    workaround?: LocalizedInput | null
  } = { ...input }
  let playbookRef: PlaybookRef | null = null
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
    // Every configured locale is filled (`locale` is accepted for older clients, not needed).
    const locales = deps.config.locales
    const affected = await affectedNames(deps, input.components)
    const varsIn = (l: Locale) => withDerivedVars(playbook, input.vars ?? {}, affected, l)
    const filled = fillPlaybookIn(playbook, locales.all, status, varsIn)
    base.name ??= filled.name
    base.body ??= filled.body
    base.impact ??= playbook.impact
    base.status = status
    if (base.workaround === undefined) base.workaround = filled.workaround
    playbookRef = { id: playbook.id, locale: locales.default, vars: varsIn(locales.default) }
  }
  return {
    ...base,
    name: base.name!,
    body: base.body!,
    impact: base.impact!,
    status: base.status!,
    playbook: playbookRef,
  }
}

/** Names of the components an incident puts in a non-operational status, in the order given. */
async function affectedNames(deps: Deps, components: ComponentStatusMap): Promise<string[]> {
  const ids = Object.entries(components)
    .filter(([, s]) => s !== 'operational')
    .map(([id]) => id)
  const byId = new Map((await getComponentsByIds(deps.db, ids)).map((c) => [c.id, c.name]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}

/**
 * The wording of the playbook an incident was opened from, for `status`, filled with the vars it
 * was opened with, and `duration` (how long it has lasted) when the playbook asks for it and the
 * language is English. null when the incident has no playbook or it no longer fills.
 */
export function playbookWording(
  r: { playbook: Incident['playbook']; started_at: string },
  status: IncidentStatus,
  now: Date,
) {
  const ref = r.playbook
  if (!ref) return null
  try {
    const playbook = getPlaybook(ref.id)
    if (playbook.kind !== 'incident') return null
    const vars = { ...ref.vars }
    if (ref.locale === 'en' && !vars.duration && playbook.vars.some((v) => v.name === 'duration'))
      vars.duration = humanDuration(now.getTime() - Date.parse(r.started_at))
    return fillPlaybook(playbook, { status, locale: ref.locale, vars })
  } catch (err) {
    if (err instanceof DomainError) return null
    throw err
  }
}

/** "47 minutes", "3 hours 12 minutes": how an apology says it. */
function humanDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000))
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  if (h === 0) return unit(m, 'minute')
  return m ? `${unit(h, 'hour')} ${unit(m, 'minute')}` : unit(h, 'hour')
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

/** Plans for each write that appends to a timeline: what a preview shows, what a write commits. */
export const plans = {
  async create(deps: Deps, raw: IncidentCreate): Promise<Planned<Incident>> {
    const input = await completeFromPlaybook(deps, raw)
    const text = splitFields(
      { name: input.name, body: input.body, workaround: input.workaround },
      deps.config.locales,
    )
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
      name: text.name!.text,
      status: input.status,
      impact: input.impact,
      workaround: textOf(text.workaround ?? null),
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
      playbook: input.playbook,
      translations: withFields({}, { name: text.name, workaround: text.workaround }),
    }
    stampStatus(r, input.status, at)
    // History starts when the incident did (if nothing changed since), so uptime counts a
    // backdated outage; a backfilled, already resolved incident leaves live statuses alone.
    const before = new Map(current)
    const changed = changeStatuses(current, versions, next, at, r.id, r.started_at)
    const statements = input.status === 'resolved' ? [] : changed.statements
    const update: UpdateRecord = {
      id: newId(),
      incident_id: r.id,
      status: input.status,
      body: text.body!.text,
      translations: updateTranslations(text.body!, r),
      workaround: r.workaround,
      deliver_notifications: input.deliver_notifications,
      affected_components: changed.affected.length ? changed.affected : null,
      created_at: at,
      display_at: at,
    }
    r.updates = [update]
    const names = new Map([...current].map(([id, c]) => [id, c.name]))
    const incident = toIncident(r, names, deps.config.siteUrl)
    return {
      record: r,
      components: input.status === 'resolved' ? before : current,
      change: {
        statements: [...insertIncident(r), insertUpdate(update), ...statements],
        action: 'incident.create',
        target: { type: 'incident', id: r.id },
        events: [timelineEvent('incident.created', r, update)],
        status: 201,
        body: incident,
      },
    }
  },

  async postUpdate(deps: Deps, id: string, input: IncidentUpdateCreate) {
    const loaded = await loadForWrite(deps, id)
    assertIncidentUpdatable(loaded.record)
    const type = input.status === 'resolved' ? 'incident.resolved' : 'incident.updated'
    return planUpdate(deps, loaded, input, type)
  },

  async resolve(deps: Deps, id: string, input: IncidentResolve) {
    const loaded = await loadForWrite(deps, id)
    assertIncidentUpdatable(loaded.record)
    return planUpdate(deps, loaded, { ...input, status: 'resolved' }, 'incident.resolved')
  },

  async reopen(deps: Deps, id: string, input: IncidentReopen) {
    const loaded = await loadForWrite(deps, id)
    const r = loaded.record
    assertReopenable(r)
    r.resolved_at = null
    // Unless told otherwise, components go back to the state the incident had them in.
    const components = {
      ...Object.fromEntries(r.components.map((c) => [c.id, c.status])),
      ...input.components,
    }
    return planUpdate(deps, loaded, { ...input, components }, 'incident.reopened')
  },
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

  // Every verb re-plans from a fresh read on each attempt (docs/decisions/001).
  create(deps: Deps, ctx: WriteContext, raw: IncidentCreate): Promise<Incident> {
    return retryOnConflict(deps, async () =>
      commit(deps, ctx, (await plans.create(deps, raw)).change),
    )
  },

  postUpdate(deps: Deps, ctx: WriteContext, id: string, input: IncidentUpdateCreate) {
    return retryOnConflict(deps, async () =>
      commit(deps, ctx, (await plans.postUpdate(deps, id, input)).change),
    )
  },

  resolve(deps: Deps, ctx: WriteContext, id: string, input: IncidentResolve) {
    return retryOnConflict(deps, async () =>
      commit(deps, ctx, (await plans.resolve(deps, id, input)).change),
    )
  },

  reopen(deps: Deps, ctx: WriteContext, id: string, input: IncidentReopen) {
    return retryOnConflict(deps, async () =>
      commit(deps, ctx, (await plans.reopen(deps, id, input)).change),
    )
  },

  edit(deps: Deps, ctx: WriteContext, id: string, patch: IncidentPatch): Promise<Incident> {
    // Only the fields the patch names are set, on the row as it is now: a retry re-applies them.
    const text: SplitFields<'name' | 'workaround' | 'apology'> = splitFields(
      { name: patch.name, workaround: patch.workaround, apology: patch.apology },
      deps.config.locales,
    )
    return retryOnConflict(deps, async () => {
      const { record: r, version } = await loadForWrite(deps, id)
      const now = deps.clock.now()
      if (patch.started_at && Date.parse(patch.started_at) > now.getTime() + 60_000) {
        throw new DomainError('invalid', 'invalid_input', 'Invalid request body', [
          { path: 'started_at', message: 'Must not be in the future' },
        ])
      }
      // The audit row keeps what each named field held before, beside the new values.
      const details = editDetails(r, patch)
      if (text.name) r.name = text.name.text
      if (patch.impact !== undefined) r.impact = patch.impact
      if (patch.started_at !== undefined) r.started_at = new Date(patch.started_at).toISOString()
      if (text.workaround !== undefined) r.workaround = textOf(text.workaround)
      if (text.apology !== undefined) r.apology = textOf(text.apology)
      r.translations = withFields(r.translations, text)
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
        details,
      })
    })
  },

  /**
   * Corrects the text of an update already posted (a typo, a wrong figure): the page shows the
   * new text; nobody is emailed again. The audit row keeps the text before and after.
   */
  editUpdate(
    deps: Deps,
    ctx: WriteContext,
    id: string,
    updateId: string,
    input: IncidentUpdateEdit,
  ): Promise<Incident> {
    const text = splitFields({ body: input.body }, deps.config.locales)
    return retryOnConflict(deps, async () => {
      const { record: r, version } = await loadForWrite(deps, id)
      const u = r.updates.find((x) => x.id === updateId)
      if (!u) throw notFound('update of this incident', updateId)
      const before = u.body
      u.body = text.body!.text
      u.translations = withFields(u.translations, { body: text.body })
      r.updated_at = deps.clock.now().toISOString()
      const incident = await incidentView(deps, r)
      return commit(deps, ctx, {
        statements: [
          ...updateIncident(r, version),
          setUpdateBody(id, updateId, u.body, u.translations),
        ],
        action: 'incident.update_edit',
        target: { type: 'incident', id },
        events: [
          {
            type: 'incident.edited',
            aggregateType: 'incident',
            aggregateId: id,
            payload: { incident_id: id, fields: ['incident_updates'], update_id: updateId },
          },
        ],
        status: 200,
        body: incident,
        details: { update_id: updateId, ...editDetails({ body: before }, input) },
      })
    })
  },
}
