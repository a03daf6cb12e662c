import {
  statusHistoryMark,
  statusHistorySince,
  type StatusHistoryEntry,
} from '../../db/components.ts'
import { listLatest, listMonths, listStartedBetween, RecordCache } from '../../db/incidents.ts'
import type { Deps } from '../deps.ts'
import type { SiteReads } from '../services/site-data.ts'

/**
 * What the publisher reads, kept between publishes: full incident records checked by their row
 * version (db/incidents.ts RecordCache) and the component status history checked by its mark.
 * Only what moved since the last publish is loaded again; the result is what a fresh read would
 * give, so a full build and an incremental publish build the same pages.
 */
export function createPublishReads(deps: Deps) {
  const records = new RecordCache()
  let history: { key: string; rows: StatusHistoryEntry[] } | null = null
  let months: string[] | null = null
  return {
    records,
    /** The reads of one publish: each question asked once, whichever pages and locales ask it. */
    forPublish(): SiteReads {
      const memo = new Map<string, Promise<unknown>>()
      const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
        let p = memo.get(key) as Promise<T> | undefined
        if (!p) memo.set(key, (p = load()))
        return p
      }
      return {
        startedBetween: (from, to) =>
          once(`started ${from} ${to}`, () => listStartedBetween(deps.db, from, to, records)),
        latest: (limit) => once(`latest ${limit}`, () => listLatest(deps.db, limit, records)),
        // Read again only when the publisher says a record may have moved month or started a
        // new one (forgetMonths): reading them scans every incident.
        months: () =>
          once(
            'months',
            async () => (months ??= await listMonths(deps.db, deps.config.page.timeZone)),
          ),
        statusHistory: (since) =>
          once(`history ${since}`, async () => {
            const key = `${since} ${await statusHistoryMark(deps.db)}`
            if (history?.key !== key) {
              history = { key, rows: await statusHistorySince(deps.db, since) }
            }
            return history.rows
          }),
      }
    },
    /** Forgets the months with incidents: one may have been added, emptied or moved to. */
    forgetMonths() {
      months = null
    },
    /** Forgets everything (a full publish: the database may have been restored or replaced). */
    clear() {
      records.clear()
      history = null
      months = null
    },
  }
}
