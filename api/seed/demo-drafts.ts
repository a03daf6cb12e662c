import type { AlertedStatus } from '../../core/schemas/alerts.ts'
import type { LocalizedInput } from '../../core/localized.ts'
import { IncidentCreate } from '../../core/schemas/incident.ts'
import type { Deps } from '../deps.ts'
import { drafts } from '../services/drafts.ts'
import { incidents } from '../services/incidents.ts'
import { recordSignals } from '../services/signals.ts'
import type { WriteContext } from '../services/write.ts'

const MIN = 60_000

export interface DemoDraft {
  /** When the alert fired, before the demo's "now". */
  ago: number
  component: string
  alertname: string
  summary: string
  status: AlertedStatus
  /** Minutes from the alert to the decision. */
  decidedAfter: number
  /** Published as proposed (and resolved `resolvedAfter` minutes after the alert), or dismissed. */
  outcome: { resolvedAfter: number; body: LocalizedInput } | { dismissed: string }
}

/**
 * Drafts opened by monitoring alerts through the one intake (recordSignals), then published or
 * dismissed as staff would, so the headline metric (first signal → first public message) has
 * figures on a fresh demo. Returns how many incidents they became.
 */
export async function demoDrafts(
  d: Deps,
  ctx: WriteContext,
  at: (msAgo: number) => void,
  items: readonly DemoDraft[],
): Promise<number> {
  let published = 0
  for (const [i, item] of items.entries()) {
    at(item.ago)
    const [touched] = await recordSignals(d, 'Alertmanager', [
      {
        kind: 'alert',
        source: 'alertmanager',
        key: `demo-${i}`,
        status: 'firing',
        severity: item.status === 'major_outage' ? 'critical' : 'warning',
        summary: item.summary,
        labels: { alertname: item.alertname },
        componentKey: item.component,
        componentStatus: item.status,
        autoPublish: false,
      },
    ])
    const id = touched!.id
    at(item.ago - item.decidedAfter * MIN)
    if ('dismissed' in item.outcome) {
      await drafts.dismiss(d, ctx, id, { reason: item.outcome.dismissed })
      continue
    }
    // The demo's history is not mailed to its subscribers (as for its other incidents).
    const proposal = IncidentCreate.parse((await drafts.get(d, id)).proposal)
    await drafts.edit(d, ctx, id, { proposal: { ...proposal, deliver_notifications: false } })
    const incident = await drafts.publish(d, ctx, id)
    at(item.ago - item.outcome.resolvedAfter * MIN)
    await incidents.resolve(d, ctx, incident.id, {
      body: item.outcome.body,
      deliver_notifications: false,
    })
    published++
  }
  return published
}
