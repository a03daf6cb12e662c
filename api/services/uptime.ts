import { componentUptime, dayWindows, groupUptime, type StatusChange } from '../../core/uptime.ts'
import type { StatusSnapshot } from '../../core/snapshot.ts'
import {
  listComponents,
  listGroups,
  statusHistorySince,
  type StatusHistoryEntry,
} from '../../db/components.ts'
import type { Deps } from '../deps.ts'
import { components } from './components.ts'

// Days are the page's calendar days (TIME_ZONE), as every date on the site is.
async function historyByComponent(
  deps: Deps,
  days: number,
  read: (since: string) => Promise<StatusHistoryEntry[]> = (since) =>
    statusHistorySince(deps.db, since),
  now = deps.clock.now(),
) {
  const timeZone = deps.config.page.timeZone
  const since = new Date(dayWindows(now, days, timeZone)[0]!.start)
  const byComponent = new Map<string, StatusChange[]>()
  for (const h of await read(since.toISOString())) {
    const list = byComponent.get(h.component_id) ?? []
    list.push({ status: h.status, at: new Date(h.at) })
    byComponent.set(h.component_id, list)
  }
  return { now, timeZone, byComponent }
}

export const uptime = {
  /** One component's daily uptime over `days`, plus the time-weighted figure for the window. */
  async component(deps: Deps, id: string, days: number) {
    const c = await components.get(deps, id)
    const { now, timeZone, byComponent } = await historyByComponent(deps, days)
    return {
      id: c.id,
      name: c.name,
      sla_target: c.sla_target,
      ...componentUptime(byComponent.get(id) ?? [], {
        now,
        days,
        timeZone,
        since: new Date(c.created_at),
      }),
    }
  },

  /**
   * Every component's and group's uptime (a group's is the mean of its components'). The
   * publisher passes the components it already read and its cached history.
   */
  async all(
    deps: Deps,
    days: number,
    from: {
      snapshot?: Pick<StatusSnapshot, 'components' | 'groups'>
      history?: (since: string) => Promise<StatusHistoryEntry[]>
      /** The instant the figures are as of (default: now). */
      at?: Date
    } = {},
  ) {
    const [list, groups, { now, timeZone, byComponent }] = await Promise.all([
      from.snapshot?.components ?? listComponents(deps.db),
      from.snapshot?.groups ?? listGroups(deps.db),
      historyByComponent(deps, days, from.history, from.at),
    ])
    const perComponent = new Map(
      list.map((c) => [
        c.id,
        componentUptime(byComponent.get(c.id) ?? [], {
          now,
          days,
          timeZone,
          since: new Date(c.created_at),
        }),
      ]),
    )
    return {
      days,
      components: list.map((c) => ({
        id: c.id,
        name: c.name,
        group_id: c.group_id,
        sla_target: c.sla_target,
        ...perComponent.get(c.id)!,
      })),
      groups: groups.map((g) => ({
        id: g.id,
        name: g.name,
        ...groupUptime(g.components.flatMap((id) => perComponent.get(id) ?? [])),
      })),
    }
  },
}
