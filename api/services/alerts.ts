import {
  genericSignals,
  matchRule,
  prometheusSignals,
  statusOfSeverity,
  worseStatus,
  type AlertSignal,
} from '../../core/alerts.ts'
import { DomainError } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import {
  GenericNotification,
  PrometheusNotification,
  type AlertedStatus,
  type AlertsAccepted,
  type AlertSource,
} from '../../core/schemas/alerts.ts'
import type { Component } from '../../core/schemas/component.ts'
import { listAlertRules } from '../../db/alert-rules.ts'
import { listComponents } from '../../db/components.ts'
import {
  activeDraft,
  insertDraft,
  noActiveDraft,
  putSignal,
  signalsOf,
  updateDraft,
  type DraftRecord,
  type SignalRecord,
} from '../../db/drafts.ts'
import type { Deps } from '../deps.ts'
import { validationError } from '../errors.ts'
import { drafts, proposalFor } from './drafts.ts'
import { commit, commitRows, retryOnConflict, systemActor, type WriteContext } from './write.ts'

/** Where one alert lands: a component (or '' when nothing maps it) and what it says of it. */
interface Target {
  componentKey: string
  status: AlertedStatus
  autoPublish: boolean
}

function parse(source: AlertSource, body: unknown): AlertSignal[] {
  if (source === 'generic') {
    const parsed = GenericNotification.safeParse(body)
    if (!parsed.success) throw validationError(parsed.error, 'body')
    return genericSignals(Array.isArray(parsed.data) ? parsed.data : [parsed.data])
  }
  const parsed = PrometheusNotification.safeParse(body)
  if (!parsed.success) throw validationError(parsed.error, 'body')
  return prometheusSignals(source, parsed.data)
}

/**
 * Each alert's component: a rule first (labels → component and status), then the component a
 * generic alert names by id or name. Alertmanager's and Grafana's alerts no rule maps gather in
 * one draft of their own (key ''), so nothing a monitor says is lost; a generic alert naming no
 * component there is refuses the whole delivery, before anything is written.
 */
function targetsOf(
  signals: readonly AlertSignal[],
  rules: Parameters<typeof matchRule>[0],
  components: readonly Component[],
): Target[] {
  const problems: { path: string; message: string }[] = []
  const targets = signals.map((s, i): Target => {
    const rule = matchRule(rules, s)
    if (rule) {
      return {
        componentKey: rule.component_id,
        status: rule.component_status,
        autoPublish: rule.auto_publish,
      }
    }
    const fallback = s.component?.status ?? statusOfSeverity(s.severity)
    if (!s.component) return { componentKey: '', status: fallback, autoPublish: false }
    const ref = s.component.ref.trim().toLowerCase()
    const c =
      components.find((x) => x.id === s.component!.ref) ??
      components.find((x) => x.name.trim().toLowerCase() === ref)
    if (!c) {
      problems.push({
        path: signals.length > 1 ? `${i}.component` : 'component',
        message: `No component with this id or name: ${s.component.ref}`,
      })
    }
    return { componentKey: c?.id ?? '', status: fallback, autoPublish: false }
  })
  if (problems.length) {
    throw new DomainError(
      'unprocessable',
      'unknown_component',
      'An alert names a component this page does not have; nothing was recorded',
      problems,
    )
  }
  return targets
}

/**
 * Applies one component's alerts: to its active draft (open, or published and not resolved), or
 * to a new draft when one of them fires. A repeat or a flap updates its signal; when every
 * signal is resolved the draft says so (`cleared_at`), which proposes resolving or dismissing.
 */
async function applyToComponent(
  deps: Deps,
  source: AlertSource,
  componentKey: string,
  items: readonly { signal: AlertSignal; target: Target }[],
  component: Component | null,
): Promise<AlertsAccepted['drafts'][number] | null> {
  const at = deps.clock.now().toISOString()
  const active = await activeDraft(deps.db, componentKey)
  const known = active ? await signalsOf(deps.db, [active.draft.id]) : []
  const byKey = new Map(known.map((s) => [`${s.source}\u001f${s.key}`, s]))
  const firing = items.filter((i) => i.signal.status === 'firing')
  if (!active && firing.length === 0) return null
  const draftId = active?.draft.id ?? newId()

  const changed: SignalRecord[] = []
  for (const { signal, target } of items) {
    const before = byKey.get(`${source}\u001f${signal.key}`)
    // A resolution for an alert this draft never saw fire says nothing about it.
    if (!before && signal.status === 'resolved') continue
    const next: SignalRecord = {
      id: before?.id ?? newId(),
      draftId,
      kind: 'alert',
      source,
      key: signal.key,
      status: signal.status,
      component_status: target.status,
      severity: signal.severity,
      summary: signal.summary,
      labels: signal.labels,
      fired:
        (before?.fired ?? 0) + (signal.status === 'firing' && before?.status !== 'firing' ? 1 : 0),
      first_at: before?.first_at ?? at,
      last_at: at,
      resolved_at: signal.status === 'resolved' ? (before?.resolved_at ?? at) : null,
    }
    byKey.set(`${source}\u001f${signal.key}`, next)
    changed.push(next)
  }
  const all = [...byKey.values()]
  const stillFiring = all.filter((s) => s.status === 'firing')
  const worst = stillFiring.reduce<AlertedStatus | null>(
    (w, s) =>
      s.component_status ? (w ? worseStatus(w, s.component_status) : s.component_status) : w,
    null,
  )

  if (!active) {
    const draft: DraftRecord = {
      id: draftId,
      componentKey,
      state: 'open',
      origin: 'alert',
      proposal: proposalFor(component, worst ?? 'partial_outage'),
      autoPublish: items.some((i) => i.target.autoPublish),
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
    const ctx: WriteContext = { actor: systemActor(`${source} alerts`) }
    await commit(deps, ctx, {
      statements: [noActiveDraft(componentKey), insertDraft(draft), ...changed.map(putSignal)],
      action: 'draft.opened',
      target: { type: 'draft', id: draftId },
      events: [
        {
          type: 'draft.opened',
          aggregateType: 'draft',
          aggregateId: draftId,
          payload: { draft_id: draftId, component_id: componentKey || null, origin: 'alert' },
        },
      ],
      status: 202,
      body: null,
      details: { source, component_id: componentKey || null, signals: changed.length },
    })
    return { id: draftId, state: 'open', component_id: componentKey || null, opened: true }
  }

  const { draft, version } = active
  const next: DraftRecord = {
    ...draft,
    lastSignalAt: at,
    clearedAt: stillFiring.length === 0 ? (draft.clearedAt ?? at) : null,
  }
  // A proposal nobody has touched follows the worst alert still firing.
  if (draft.state === 'open' && !draft.editedAt && worst && component) {
    next.proposal = proposalFor(component, worst)
  }
  await commitRows(deps, { type: 'draft', id: draft.id }, [
    ...updateDraft(next, version),
    ...changed.map(putSignal),
  ])
  return { id: draft.id, state: draft.state, component_id: componentKey || null, opened: false }
}

export const alerts = {
  /**
   * One delivery from a monitoring system: each alert joins its component's draft; a draft
   * opened by a rule that says `auto_publish` is published at once. Idempotent for repeats: the
   * same alert again changes only its `last_at`.
   */
  async ingest(deps: Deps, source: AlertSource, body: unknown): Promise<AlertsAccepted> {
    const signals = parse(source, body)
    const [rules, components] = await Promise.all([
      listAlertRules(deps.db),
      listComponents(deps.db),
    ])
    const targets = targetsOf(signals, rules, components)
    const groups = new Map<string, { signal: AlertSignal; target: Target }[]>()
    signals.forEach((signal, i) => {
      const target = targets[i]!
      const list = groups.get(target.componentKey) ?? []
      list.push({ signal, target })
      groups.set(target.componentKey, list)
    })
    const touched: AlertsAccepted['drafts'] = []
    for (const [key, items] of groups) {
      const component = components.find((c) => c.id === key) ?? null
      const result = await retryOnConflict(deps, () =>
        applyToComponent(deps, source, key, items, component),
      )
      if (!result) continue
      touched.push(result)
      if (result.opened && items.some((i) => i.target.autoPublish)) {
        // Published by the rule's word; if that fails the draft stays open for a person.
        await drafts
          .publish(deps, { actor: systemActor(`${source} alerts`) }, result.id)
          .then(() => (result.state = 'published'))
          .catch((err: Error) =>
            deps.log.warn('auto-publish of a draft failed', {
              draft: result.id,
              error: err.message,
            }),
          )
      }
    }
    return { signals: signals.length, drafts: touched }
  },
}
