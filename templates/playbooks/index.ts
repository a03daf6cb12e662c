import { DomainError } from '../../core/errors.ts'
import type { Playbook } from '../../core/playbooks.ts'
import { databaseOutage } from './database-outage.ts'
import { degradedPerformance } from './degraded-performance.ts'
import { networkDns } from './network-dns.ts'
import { plannedMaintenance } from './planned-maintenance.ts'
import { securityIncident } from './security-incident.ts'
import { serviceOutage } from './service-outage.ts'
import { thirdPartyOutage } from './third-party-outage.ts'

/** Every prepared playbook by id, in the order a listing shows them. */
export const PLAYBOOKS: Readonly<Record<string, Playbook>> = Object.freeze(
  Object.fromEntries(
    [
      databaseOutage,
      degradedPerformance,
      serviceOutage,
      thirdPartyOutage,
      securityIncident,
      networkDns,
      plannedMaintenance,
    ].map((p) => [p.id, p]),
  ),
)

/** The playbook with this id; an unknown id is an `invalid_input` error on `path`. */
export function getPlaybook(id: string, path = 'template'): Playbook {
  const playbook = Object.hasOwn(PLAYBOOKS, id) ? PLAYBOOKS[id] : undefined
  if (playbook) return playbook
  throw new DomainError('invalid', 'invalid_input', 'Invalid template', [
    { path, message: `Unknown template; use one of ${Object.keys(PLAYBOOKS).join(', ')}` },
  ])
}
