import { DomainError } from './errors.ts'
import type { IncidentRecord } from './records.ts'
import type { ComponentStatus } from './schemas/component.ts'
import type { MaintenanceStatus } from './schemas/maintenance.ts'
import { worstStatus } from './status-rollup.ts'

const MAINTENANCE_ORDER: Record<MaintenanceStatus, number> = {
  scheduled: 0,
  in_progress: 1,
  verifying: 2,
  completed: 3,
}

export function isOpen(r: IncidentRecord): boolean {
  return r.kind === 'incident'
    ? r.status !== 'resolved'
    : r.status === 'in_progress' || r.status === 'verifying'
}

/**
 * Whether resolving this incident calls for an apology: a major or critical one. The API still
 * resolves without one (the fix must not wait for wording) but warns; the console asks for it.
 */
export function apologyExpected(impact: string): boolean {
  return impact === 'major' || impact === 'critical'
}

/** An update to a resolved incident must go through reopen, so the timeline says so. */
export function assertIncidentUpdatable(r: IncidentRecord): void {
  if (r.status === 'resolved') {
    throw new DomainError(
      'conflict',
      'incident_resolved',
      'This incident is resolved; reopen it to post an update',
    )
  }
}

export function assertReopenable(r: IncidentRecord): void {
  if (r.status !== 'resolved') {
    throw new DomainError(
      'conflict',
      'incident_not_resolved',
      'Only a resolved incident can be reopened',
    )
  }
}

/** Maintenance only moves forward: scheduled → in_progress → verifying → completed. */
export function assertMaintenanceTransition(r: IncidentRecord, next: MaintenanceStatus): void {
  const current = r.status as MaintenanceStatus
  if (r.cancelled_at || current === 'completed') {
    throw new DomainError(
      'conflict',
      'maintenance_closed',
      'This maintenance is already completed or cancelled',
    )
  }
  if (MAINTENANCE_ORDER[next] < MAINTENANCE_ORDER[current]) {
    throw new DomainError(
      'conflict',
      'invalid_transition',
      `A maintenance cannot go from ${current} back to ${next}`,
    )
  }
}

/**
 * What a component should show once `closing` no longer holds it: the worst status that other
 * open incidents and maintenance windows still give it, or operational.
 */
export function restingStatus(
  componentId: string,
  closing: IncidentRecord,
  open: readonly IncidentRecord[],
): ComponentStatus {
  const held: ComponentStatus[] = []
  for (const r of open) {
    if (r.id === closing.id || !isOpen(r)) continue
    for (const c of r.components) if (c.id === componentId) held.push(c.status)
  }
  return worstStatus(held)
}
