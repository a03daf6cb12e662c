import { worseStatus } from '../../core/alerts.ts'
import { newId } from '../../core/ids.ts'
import type { AlertedStatus, AlertsAccepted } from '../../core/schemas/alerts.ts'
import type { Component } from '../../core/schemas/component.ts'
import { listComponents } from '../../db/components.ts'
import {
  activeDraft,
  insertDraft,
  noActiveDraft,
  putSignal,
  signalsOf,
  updateDraft,
  type DraftOrigin,
  type DraftRecord,
  type SignalRecord,
} from '../../db/drafts.ts'
import type { Deps } from '../deps.ts'
import { drafts, proposalFor } from './drafts.ts'
import { commit, commitRows, retryOnConflict, systemActor } from './write.ts'

/**
 * One observation that something is wrong (or well again), whoever made it: a monitoring alert,
 * one of Amends' own checks, a spike of customer reports. `key` is its identity in `source`, so a
 * repeat or a flap updates the same signal of the same draft.
 */
export interface IncomingSignal {
  kind: DraftOrigin
  source: string
  key: string
  status: 'firing' | 'resolved'
  severity: string | null
  summary: string
  labels: Record<string, string>
  /** The component's id, or '' for a signal nothing maps to a component. */
  componentKey: string
  componentStatus: AlertedStatus
  autoPublish: boolean
}

export type DraftTouch = AlertsAccepted['drafts'][number]

/**
 * Applies one component's signals: to its active draft (open, or published and not resolved), or
 * to a new draft when one of them fires. A repeat or a flap updates its signal; when every
 * signal is resolved the draft says so (`cleared_at`), which proposes resolving or dismissing.
 */
async function applyToComponent(
  deps: Deps,
  actorName: string,
  componentKey: string,
  items: readonly IncomingSignal[],
  component: Component | null,
): Promise<DraftTouch | null> {
  const at = deps.clock.now().toISOString()
  const active = await activeDraft(deps.db, componentKey)
  const known = active ? await signalsOf(deps.db, [active.draft.id]) : []
  const idOf = (s: { source: string; key: string }) => `${s.source}\u001f${s.key}`
  const byKey = new Map(known.map((s) => [idOf(s), s]))
  if (!active && !items.some((i) => i.status === 'firing')) return null
  const draftId = active?.draft.id ?? newId()

  const changed: SignalRecord[] = []
  for (const signal of items) {
    const before = byKey.get(idOf(signal))
    // A resolution for a signal this draft never saw fire says nothing about it.
    if (!before && signal.status === 'resolved') continue
    const next: SignalRecord = {
      id: before?.id ?? newId(),
      draftId,
      kind: signal.kind,
      source: signal.source,
      key: signal.key,
      status: signal.status,
      component_status: signal.componentStatus,
      severity: signal.severity,
      summary: signal.summary,
      labels: signal.labels,
      fired:
        (before?.fired ?? 0) + (signal.status === 'firing' && before?.status !== 'firing' ? 1 : 0),
      first_at: before?.first_at ?? at,
      last_at: at,
      resolved_at: signal.status === 'resolved' ? (before?.resolved_at ?? at) : null,
    }
    byKey.set(idOf(signal), next)
    changed.push(next)
  }
  const stillFiring = [...byKey.values()].filter((s) => s.status === 'firing')
  const worst = stillFiring.reduce<AlertedStatus | null>((w, s) => {
    if (!s.component_status) return w
    return w ? worseStatus(w, s.component_status) : s.component_status
  }, null)

  if (!active) {
    const origin = items.find((i) => i.status === 'firing')!.kind
    const draft: DraftRecord = {
      id: draftId,
      componentKey,
      state: 'open',
      origin,
      proposal: proposalFor(component, worst ?? 'partial_outage'),
      autoPublish: items.some((i) => i.autoPublish && i.status === 'firing'),
      editedAt: null,
      incidentId: null,
      firstSignalAt: at,
      lastSignalAt: at,
      clearedAt: null,
      dismissedReason: null,
      createdAt: at,
      publishedAt: null,
      dismissedAt: null,
    }
    await commit(
      deps,
      { actor: systemActor(actorName) },
      {
        statements: [noActiveDraft(componentKey), insertDraft(draft), ...changed.map(putSignal)],
        action: 'draft.opened',
        target: { type: 'draft', id: draftId },
        events: [
          {
            type: 'draft.opened',
            aggregateType: 'draft',
            aggregateId: draftId,
            payload: { draft_id: draftId, component_id: componentKey || null, origin },
          },
        ],
        status: 202,
        body: null,
        details: { component_id: componentKey || null, origin, signals: changed.length },
      },
    )
    return { id: draftId, state: 'open', component_id: componentKey || null, opened: true }
  }

  const { draft, version } = active
  const next: DraftRecord = {
    ...draft,
    lastSignalAt: at,
    clearedAt: stillFiring.length === 0 ? (draft.clearedAt ?? at) : null,
  }
  // A proposal nobody has touched follows the worst signal still firing.
  if (draft.state === 'open' && !draft.editedAt && worst && component) {
    next.proposal = proposalFor(component, worst)
  }
  await commitRows(deps, { type: 'draft', id: draft.id }, [
    ...updateDraft(next, version),
    ...changed.map(putSignal),
  ])
  return { id: draft.id, state: draft.state, component_id: componentKey || null, opened: false }
}

/**
 * Records signals, grouped by component: each joins its component's active draft or opens one.
 * A draft opened by a signal that says `autoPublish` (a rule's explicit choice) is published at
 * once; if that fails, the draft stays open for a person. `actorName` signs what is written.
 */
export async function recordSignals(
  deps: Deps,
  actorName: string,
  signals: readonly IncomingSignal[],
  components?: readonly Component[],
): Promise<DraftTouch[]> {
  const all = components ?? (await listComponents(deps.db))
  const groups = new Map<string, IncomingSignal[]>()
  for (const s of signals) groups.set(s.componentKey, [...(groups.get(s.componentKey) ?? []), s])
  const touched: DraftTouch[] = []
  for (const [key, items] of groups) {
    const component = all.find((c) => c.id === key) ?? null
    const result = await retryOnConflict(deps, () =>
      applyToComponent(deps, actorName, key, items, component),
    )
    if (!result) continue
    touched.push(result)
    if (result.opened && items.some((i) => i.autoPublish && i.status === 'firing')) {
      await drafts
        .publish(deps, { actor: systemActor(actorName) }, result.id)
        .then(() => (result.state = 'published'))
        .catch((err: Error) =>
          deps.log.warn('auto-publish of a draft failed', { draft: result.id, error: err.message }),
        )
    }
  }
  return touched
}
