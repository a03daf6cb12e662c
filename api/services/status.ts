import type { IncidentRecord } from '../../core/records.ts'
import type { StatusSnapshot } from '../../core/snapshot.ts'
import { v2Documents, V2_LIST_LIMIT } from '../../core/statuspage-v2.ts'
import { listComponents, listGroups } from '../../db/components.ts'
import { listIncidents, listOpen } from '../../db/incidents.ts'
import { latestOutboxId } from '../../db/journal.ts'
import type { Deps } from '../deps.ts'

/** Reads everything the public views need: components, groups, open and recent incidents and windows. */
export async function loadSnapshot(deps: Deps): Promise<StatusSnapshot> {
  const [components, groups, open, recent, upcoming, recentWindows] = await Promise.all([
    listComponents(deps.db),
    listGroups(deps.db),
    listOpen(deps.db),
    listIncidents(deps.db, { kind: 'incident', order: 'started_desc', limit: V2_LIST_LIMIT, offset: 0 }),
    listIncidents(deps.db, {
      kind: 'maintenance',
      statuses: ['scheduled'],
      notCancelled: true,
      order: 'scheduled_asc',
      limit: 500,
      offset: 0,
    }),
    listIncidents(deps.db, { kind: 'maintenance', order: 'scheduled_desc', limit: V2_LIST_LIMIT, offset: 0 }),
  ])
  const merge = (lists: IncidentRecord[][], order: (a: IncidentRecord, b: IncidentRecord) => number) => {
    const byId = new Map<string, IncidentRecord>()
    for (const list of lists) for (const r of list) byId.set(r.id, r)
    return [...byId.values()].sort(order)
  }
  const desc = (a: IncidentRecord, b: IncidentRecord) => b.started_at.localeCompare(a.started_at)
  const asc = (a: IncidentRecord, b: IncidentRecord) => (a.scheduled_for ?? '').localeCompare(b.scheduled_for ?? '')
  return {
    page: {
      id: deps.config.page.id,
      name: deps.config.page.name,
      url: deps.config.siteUrl,
      time_zone: deps.config.page.timeZone,
    },
    generated_at: deps.clock.now().toISOString(),
    components,
    groups,
    incidents: merge([open.filter((r) => r.kind === 'incident'), recent.items], desc),
    maintenances: merge([open.filter((r) => r.kind === 'maintenance'), upcoming.items, recentWindows.items], asc),
  }
}

/**
 * The v2 documents as JSON text, cached until the outbox moves: every change writes an outbox
 * event, so one cheap MAX(id) query tells whether the cache is still the truth.
 */
export function createV2Cache(deps: Deps) {
  let cached: { version: number; docs: Map<string, string> } | null = null
  let pending: Promise<{ version: number; docs: Map<string, string> }> | null = null
  return async function v2Json(path: string): Promise<string | undefined> {
    const version = await latestOutboxId(deps.db)
    if (cached?.version !== version) {
      pending ??= loadSnapshot(deps)
        .then((s) => ({
          version,
          docs: new Map(Object.entries(v2Documents(s)).map(([k, v]) => [k, JSON.stringify(v)])),
        }))
        .finally(() => {
          pending = null
        })
      cached = await pending
    }
    return cached.docs.get(path)
  }
}
