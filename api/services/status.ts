import type { IncidentRecord } from '../../core/records.ts'
import type { StatusSnapshot } from '../../core/snapshot.ts'
import { v2Documents, V2_LIST_LIMIT } from '../../core/statuspage-v2.ts'
import { listComponents, listGroups } from '../../db/components.ts'
import { listIncidentItems, listOpen, type RecordCache } from '../../db/incidents.ts'
import { latestOutboxId } from '../../db/journal.ts'
import type { Deps } from '../deps.ts'
import { localWriteCount } from './write.ts'

/**
 * Reads everything the public views need: components, groups, open and recent incidents and
 * windows (the records through the publisher's cache when it passes one).
 */
export async function loadSnapshot(deps: Deps, cache?: RecordCache): Promise<StatusSnapshot> {
  const [components, groups, open, recent, upcoming, recentWindows] = await Promise.all([
    listComponents(deps.db),
    listGroups(deps.db),
    listOpen(deps.db, cache),
    listIncidentItems(
      deps.db,
      {
        kind: 'incident',
        order: 'started_desc',
        limit: V2_LIST_LIMIT,
        offset: 0,
      },
      cache,
    ),
    listIncidentItems(
      deps.db,
      {
        kind: 'maintenance',
        statuses: ['scheduled'],
        notCancelled: true,
        order: 'scheduled_asc',
        limit: 500,
        offset: 0,
      },
      cache,
    ),
    listIncidentItems(
      deps.db,
      {
        kind: 'maintenance',
        order: 'scheduled_desc',
        limit: V2_LIST_LIMIT,
        offset: 0,
      },
      cache,
    ),
  ])
  const merge = (
    lists: IncidentRecord[][],
    order: (a: IncidentRecord, b: IncidentRecord) => number,
  ) => {
    const byId = new Map<string, IncidentRecord>()
    for (const list of lists) for (const r of list) byId.set(r.id, r)
    return [...byId.values()].sort(order)
  }
  const desc = (a: IncidentRecord, b: IncidentRecord) => b.started_at.localeCompare(a.started_at)
  const asc = (a: IncidentRecord, b: IncidentRecord) =>
    (a.scheduled_for ?? '').localeCompare(b.scheduled_for ?? '')
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
    incidents: merge([open.filter((r) => r.kind === 'incident'), recent], desc),
    maintenances: merge(
      [open.filter((r) => r.kind === 'maintenance'), upcoming, recentWindows],
      asc,
    ),
  }
}

/** How long another process's write may take to show in the live v2 JSON. */
export const V2_RECHECK_MS = 1_000

export interface V2Doc {
  body: string
  etag: string
}

/**
 * The v2 documents as JSON text with their ETags, rebuilt only when something changed: a write
 * in this process is known at once (no query); the outbox's newest id, checked at most once a
 * second, catches writes made elsewhere (another node, a Worker, the scheduler of another process).
 */
export function createV2Cache(deps: Deps) {
  interface Cached {
    version: number
    local: number
    checkedAt: number
    docs: Map<string, V2Doc>
  }
  let cached: Cached | null = null
  let pending: Promise<Cached> | null = null

  async function isStale(c: Cached | null): Promise<boolean> {
    if (!c || c.local !== localWriteCount(deps.db)) return true
    if (Date.now() - c.checkedAt <= V2_RECHECK_MS) return false
    c.checkedAt = Date.now()
    return (await latestOutboxId(deps.db)) !== c.version
  }

  async function rebuild(): Promise<Cached> {
    const local = localWriteCount(deps.db)
    const version = await latestOutboxId(deps.db)
    const docs = new Map<string, V2Doc>()
    for (const [k, v] of Object.entries(v2Documents(await loadSnapshot(deps)))) {
      const body = JSON.stringify(v)
      docs.set(k, { body, etag: `"${await shortHash(body)}"` })
    }
    return { version, local, checkedAt: Date.now(), docs }
  }

  return async function v2Json(path: string): Promise<V2Doc | undefined> {
    if (await isStale(cached)) {
      pending ??= rebuild().finally(() => {
        pending = null
      })
      cached = await pending
    }
    return cached!.docs.get(path)
  }
}

async function shortHash(body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(body))
  return Array.from(new Uint8Array(digest).slice(0, 10), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')
}
