import type {
  AlertedStatus,
  AlertRule,
  AlertSource,
  GenericAlert,
  PrometheusNotification,
} from './schemas/alerts.ts'

/**
 * One alert as Amends keeps it, whatever sent it: `key` is its identity in the sender (Alertmanager's
 * fingerprint), so a repeat or a flap updates the same signal.
 */
export interface AlertSignal {
  source: AlertSource
  key: string
  status: 'firing' | 'resolved'
  severity: string | null
  summary: string
  labels: Record<string, string>
  /** Set by the generic format, which names its component itself. */
  component?: { ref: string; status: AlertedStatus | null }
}

/** The identity of an alert without a fingerprint: its labels, sorted, as Alertmanager derives it. */
export function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** The alerts of an Alertmanager or Grafana notification. */
export function prometheusSignals(
  source: 'alertmanager' | 'grafana',
  n: PrometheusNotification,
): AlertSignal[] {
  return n.alerts.map((a) => ({
    source,
    key: a.fingerprint || labelKey(a.labels),
    status: a.status,
    severity: a.labels.severity ?? null,
    summary:
      a.annotations.summary || a.annotations.description || a.labels.alertname || 'Alert firing',
    labels: a.labels,
  }))
}

/** The alerts of a generic notification: each names its component (id or name). */
export function genericSignals(alerts: readonly GenericAlert[]): AlertSignal[] {
  return alerts.map((a) => {
    const labels: Record<string, string> = { component: a.component }
    if (a.severity) labels.severity = a.severity
    return {
      source: 'generic' as const,
      key: a.id || `${a.component}\u001f${a.summary ?? ''}`,
      status: a.status,
      severity: a.severity ?? null,
      summary: a.summary || `Alert on ${a.component}`,
      labels,
      component: { ref: a.component, status: a.component_status ?? null },
    }
  })
}

/**
 * The status a severity stands for, as monitoring systems word it: the worst ones take the
 * component down, warnings degrade it. Unknown words count as a partial outage: an alert firing
 * is a problem until someone says how big.
 */
export function statusOfSeverity(severity: string | null): AlertedStatus {
  const s = (severity ?? '').trim().toLowerCase()
  if (/^(critical|crit|fatal|emergency|disaster|page|p1|sev1|sev-1)$/.test(s)) return 'major_outage'
  if (/^(warning|warn|minor|low|info|informational|p3|p4|sev3|sev-3|sev4|sev-4)$/.test(s)) {
    return 'degraded_performance'
  }
  return 'partial_outage'
}

/** The first rule (by position) whose every label matches the alert, for its source or any. */
export function matchRule(rules: readonly AlertRule[], signal: AlertSignal): AlertRule | null {
  for (const rule of [...rules].sort((a, b) => a.position - b.position)) {
    if (rule.source !== null && rule.source !== signal.source) continue
    if (Object.entries(rule.match).every(([k, v]) => signal.labels[k] === v)) return rule
  }
  return null
}

const RANK: Record<AlertedStatus, number> = {
  degraded_performance: 1,
  partial_outage: 2,
  major_outage: 3,
}

/** The worse of two statuses: a draft proposes what its worst firing alert says. */
export function worseStatus(a: AlertedStatus, b: AlertedStatus): AlertedStatus {
  return RANK[a] >= RANK[b] ? a : b
}
