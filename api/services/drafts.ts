import { DomainError, notFound } from '../../core/errors.ts'
import type { AlertedStatus, Draft, DraftDismiss, DraftPatch } from '../../core/schemas/alerts.ts'
import { IncidentCreate } from '../../core/schemas/incident.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import {
  getDraft,
  listActiveDrafts,
  listDrafts,
  signalsOf,
  updateDraft,
  type DraftRecord,
  type DraftState,
  type SignalRecord,
} from '../../db/drafts.ts'
import type { Deps } from '../deps.ts'
import { validationError } from '../errors.ts'
import { plans } from './incidents.ts'
import { commit, retryOnConflict, type WriteContext } from './write.ts'

/**
 * What a draft proposes for a component in this status: a playbook's wording (edited by staff
 * before or after publishing), never the alert's own text, which is written for engineers.
 */
export function proposalFor(
  component: { id: string; name: string } | null,
  status: AlertedStatus,
): IncidentCreate {
  if (!component) {
    return IncidentCreate.parse({
      name: 'Service disruption',
      status: 'investigating',
      impact: 'minor',
      body: 'We are investigating a problem that may affect some of our services, and will post an update as soon as we know more.',
      components: {},
    })
  }
  return IncidentCreate.parse({
    template: status === 'degraded_performance' ? 'degraded-performance' : 'service-outage',
    vars: { component: component.name },
    components: { [component.id]: status },
  })
}

export function draftView(d: DraftRecord, signals: readonly SignalRecord[]): Draft {
  return {
    id: d.id,
    state: d.state,
    origin: d.origin,
    component_id: d.componentKey || null,
    proposal: d.proposal,
    auto_publish: d.autoPublish,
    incident_id: d.incidentId,
    first_signal_at: d.firstSignalAt,
    last_signal_at: d.lastSignalAt,
    cleared_at: d.clearedAt,
    dismissed_reason: d.dismissedReason,
    created_at: d.createdAt,
    published_at: d.publishedAt,
    dismissed_at: d.dismissedAt,
    signals: signals
      .filter((s) => s.draftId === d.id)
      .map(({ id: _id, draftId: _draft, ...s }) => s),
  }
}

async function load(deps: Deps, id: string) {
  return (await getDraft(deps.db, id)) ?? Promise.reject(notFound('draft', id))
}

function mustBeOpen(d: DraftRecord, doing: string): void {
  if (d.state !== 'open') {
    throw new DomainError(
      'conflict',
      'draft_not_open',
      `This draft is ${d.state}${d.incidentId ? ` (incident ${d.incidentId})` : ''}: only an open draft can be ${doing}`,
    )
  }
}

/** The proposal as the incident API reads it; a proposal that no longer validates is a 422. */
export function proposalOf(d: DraftRecord): IncidentCreate {
  const parsed = IncidentCreate.safeParse(d.proposal)
  if (!parsed.success) throw validationError(parsed.error, 'proposal')
  return parsed.data
}

export const drafts = {
  async list(
    deps: Deps,
    q: { state?: DraftState | 'active' } & Pagination,
  ): Promise<{ items: Draft[]; total: number }> {
    const states: DraftState[] =
      q.state === 'active' ? ['open'] : q.state ? [q.state] : ['open', 'published', 'dismissed']
    const { items, total } = await listDrafts(
      deps.db,
      states,
      q.per_page,
      (q.page - 1) * q.per_page,
    )
    const signals = await signalsOf(
      deps.db,
      items.map((d) => d.id),
    )
    return { items: items.map((d) => draftView(d, signals)), total }
  },

  /** What still needs a person: open drafts, and published ones whose incident is unresolved. */
  async active(deps: Deps, limit = 100): Promise<Draft[]> {
    const items = await listActiveDrafts(deps.db, limit)
    const signals = await signalsOf(
      deps.db,
      items.map((d) => d.id),
    )
    return items.map((d) => draftView(d, signals))
  },

  async get(deps: Deps, id: string): Promise<Draft> {
    const { draft } = await load(deps, id)
    return draftView(draft, await signalsOf(deps.db, [id]))
  },

  /** Replaces the proposal; checked as publishing would check it (components, playbook). */
  edit(deps: Deps, ctx: WriteContext, id: string, patch: DraftPatch): Promise<Draft> {
    return retryOnConflict(deps, async () => {
      const { draft, version } = await load(deps, id)
      mustBeOpen(draft, 'edited')
      await plans.create(deps, patch.proposal)
      const next: DraftRecord = {
        ...draft,
        proposal: patch.proposal,
        editedAt: deps.clock.now().toISOString(),
      }
      const view = draftView(next, await signalsOf(deps.db, [id]))
      return commit(deps, ctx, {
        statements: updateDraft(next, version),
        action: 'draft.edited',
        target: { type: 'draft', id },
        events: [],
        status: 200,
        body: view,
      })
    })
  },

  /**
   * Publishes the proposal as an incident, in the same batch that marks the draft published: a
   * draft becomes at most one incident, however many people click at once.
   */
  publish(deps: Deps, ctx: WriteContext, id: string): Promise<Incident> {
    return retryOnConflict(deps, async () => {
      const { draft, version } = await load(deps, id)
      mustBeOpen(draft, 'published')
      const planned = await plans.create(deps, proposalOf(draft))
      const at = deps.clock.now().toISOString()
      const next: DraftRecord = {
        ...draft,
        state: 'published',
        incidentId: planned.record.id,
        publishedAt: at,
      }
      return commit(deps, ctx, {
        ...planned.change,
        statements: [...planned.change.statements, ...updateDraft(next, version)],
        details: { ...(planned.change.details as object), draft_id: id, origin: draft.origin },
      })
    })
  },

  dismiss(deps: Deps, ctx: WriteContext, id: string, input: DraftDismiss): Promise<Draft> {
    return retryOnConflict(deps, async () => {
      const { draft, version } = await load(deps, id)
      mustBeOpen(draft, 'dismissed')
      const next: DraftRecord = {
        ...draft,
        state: 'dismissed',
        dismissedReason: input.reason,
        dismissedAt: deps.clock.now().toISOString(),
      }
      return commit(deps, ctx, {
        statements: updateDraft(next, version),
        action: 'draft.dismissed',
        target: { type: 'draft', id },
        // The page's notice of reports (REPORT_BANNER) goes with the draft.
        events: [
          {
            type: 'draft.dismissed',
            aggregateType: 'draft',
            aggregateId: id,
            payload: { draft_id: id, component_id: draft.componentKey || null },
          },
        ],
        status: 200,
        body: draftView(next, await signalsOf(deps.db, [id])),
        details: { reason: input.reason },
      })
    })
  },
}
