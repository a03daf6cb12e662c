import { DomainError, notFound } from '../../core/errors.ts'
import type { AlertedStatus, Draft, DraftDismiss, DraftPatch } from '../../core/schemas/alerts.ts'
import { IncidentCreate } from '../../core/schemas/incident.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { Pagination } from '../../core/schemas/common.ts'
import type { Statement } from '../../db/client.ts'
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
import {
  linkReportsToIncident,
  reportCounts,
  reportsOfDraft,
  type DraftReport,
} from '../../db/draft-reports.ts'
import type { OutboxEvent } from '../../db/journal.ts'
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

export function draftView(
  d: DraftRecord,
  signals: readonly SignalRecord[],
  reportCount: number,
): Draft {
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
    report_count: reportCount,
    signals: signals
      .filter((s) => s.draftId === d.id)
      .map(({ id: _id, draftId: _draft, ...s }) => s),
  }
}

/** Drafts as the API shows them: with their signals and how many reports are attached. */
async function viewsOf(deps: Deps, items: readonly DraftRecord[]): Promise<Draft[]> {
  const ids = items.map((d) => d.id)
  const [signals, counts] = await Promise.all([signalsOf(deps.db, ids), reportCounts(deps.db, ids)])
  return items.map((d) => draftView(d, signals, counts.get(d.id) ?? 0))
}

/**
 * What publishing does for the reports attached to the draft: each one about no incident becomes
 * one about this incident, and each reporter who left an address is thanked once the incident is
 * public ("you helped us find this"), through the feedback thread they already have. Written in
 * the publishing batch, so a draft published twice cannot thank twice.
 */
async function thanksFor(
  deps: Deps,
  draftId: string,
  incidentId: string,
): Promise<{ rows: Statement[]; events: OutboxEvent[] }> {
  const reports = (await reportsOfDraft(deps.db, draftId)).filter((r) => !r.incidentId)
  if (reports.length === 0) return { rows: [], events: [] }
  return {
    rows: [
      linkReportsToIncident(
        reports.map((r) => r.id),
        incidentId,
      ),
    ],
    events: reports
      .filter((r) => r.hasEmail)
      .map((r) => ({
        type: 'feedback.helped',
        aggregateType: 'feedback',
        aggregateId: r.id,
        payload: { feedback_id: r.id, incident_id: incidentId },
      })),
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
    const { items, total } = await listDrafts(
      deps.db,
      q.state === 'active' ? 'active' : q.state ? [q.state] : [],
      q.per_page,
      (q.page - 1) * q.per_page,
    )
    return { items: await viewsOf(deps, items), total }
  },

  /** What still needs a person: open drafts, and published ones whose incident is unresolved. */
  async active(deps: Deps, limit = 100): Promise<Draft[]> {
    return viewsOf(deps, await listActiveDrafts(deps.db, limit))
  },

  async get(deps: Deps, id: string): Promise<Draft> {
    const { draft } = await load(deps, id)
    return (await viewsOf(deps, [draft]))[0]!
  },

  /** The customer reports attached to the draft (its spike's), oldest first. */
  async reports(deps: Deps, id: string): Promise<DraftReport[]> {
    await load(deps, id)
    return reportsOfDraft(deps.db, id)
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
      const view = (await viewsOf(deps, [next]))[0]!
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
      // The incident started when the first signal said so, not when someone clicked: the page's
      // history and uptime then tell customers the same story they lived (staff may set another).
      const proposal = proposalOf(draft)
      const planned = await plans.create(deps, {
        ...proposal,
        started_at: proposal.started_at ?? draft.firstSignalAt,
      })
      const incidentId = planned.record.id
      const at = deps.clock.now().toISOString()
      const next: DraftRecord = { ...draft, state: 'published', incidentId, publishedAt: at }
      const thanks = await thanksFor(deps, id, incidentId)
      return commit(deps, ctx, {
        ...planned.change,
        statements: [...planned.change.statements, ...updateDraft(next, version), ...thanks.rows],
        events: [...planned.change.events, ...thanks.events],
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
        body: (await viewsOf(deps, [next]))[0]!,
        details: { reason: input.reason },
      })
    })
  },
}
