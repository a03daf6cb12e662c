import {
  genericSignals,
  matchRule,
  prometheusSignals,
  statusOfSeverity,
  type AlertSignal,
} from '../../core/alerts.ts'
import { DomainError } from '../../core/errors.ts'
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
import type { Deps } from '../deps.ts'
import { validationError } from '../errors.ts'
import { recordSignals, type IncomingSignal } from './signals.ts'

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

export const alerts = {
  /**
   * One delivery from a monitoring system: each alert joins its component's draft (a repeat
   * changes only its signal's `last_at`); a rule that says `auto_publish` publishes a new draft.
   */
  async ingest(deps: Deps, source: AlertSource, body: unknown): Promise<AlertsAccepted> {
    const signals = parse(source, body)
    const [rules, components] = await Promise.all([
      listAlertRules(deps.db),
      listComponents(deps.db),
    ])
    const targets = targetsOf(signals, rules, components)
    const incoming = signals.map((s, i): IncomingSignal => ({
      kind: 'alert',
      source,
      key: s.key,
      status: s.status,
      severity: s.severity,
      summary: s.summary,
      labels: s.labels,
      componentKey: targets[i]!.componentKey,
      componentStatus: targets[i]!.status,
      autoPublish: targets[i]!.autoPublish,
    }))
    const drafts = await recordSignals(deps, `${source} alerts`, incoming, components)
    return { signals: signals.length, drafts }
  },
}
