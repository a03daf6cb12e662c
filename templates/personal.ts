import type { ComponentStatus } from '../core/schemas/component.ts'
import type { AffectedComponent } from '../core/schemas/incident.ts'

interface NamedStatus {
  id: string
  name: string
  status: ComponentStatus
}

/** What one subscriber needs to read first: which of *their* services are hit, which still work. */
export interface YourServices {
  /** The subscriber follows every component. */
  all: boolean
  /** Their components the incident or window holds (display order). */
  affected: string[]
  /** Their other components that are operational now (never one named in `affected`). */
  working: string[]
  /** Once closed: their affected components that are operational again. */
  recovered: string[]
}

/**
 * Narrows an incident's components to one subscriber's. `held` are the incident's components
 * with their status during it; `all` every component with its status now, in display order.
 * While open, an incident's component counts only if it is not operational now; once closed
 * (the resolution, the post-mortem, the follow-up), if the incident put it out of operation at
 * any point: a component that recovered before the incident was resolved was still affected,
 * and "none of your services" would be false to the very people the incident hit. A maintenance
 * window counts all of its components. Once closed, an affected component that works again is
 * said once, as recovered ("Was affected: Payments" then "Working normally again: Payments"), not
 * also among the components that were never touched ("Working normally: Payments" read as a
 * contradiction).
 */
export function yourServices(opts: {
  kind: 'incident' | 'maintenance'
  open: boolean
  held: readonly { id: string; status: ComponentStatus }[]
  /** The record's updates: the statuses each one set (`affected_components`, new status). */
  updates: readonly { affected_components: readonly AffectedComponent[] | null }[]
  all: readonly NamedStatus[]
  subscribed: 'all' | readonly string[]
}): YourServices {
  const { kind, open, held, updates, all, subscribed } = opts
  const wanted = subscribed === 'all' ? null : new Set(subscribed)
  const mine = wanted ? all.filter((c) => wanted.has(c.id)) : all
  const ids = new Set(held.map((c) => c.id))
  const hit = new Set(
    held.filter((c) => kind === 'maintenance' || c.status !== 'operational').map((c) => c.id),
  )
  if (!open) {
    for (const u of updates)
      for (const a of u.affected_components ?? [])
        if (ids.has(a.code) && a.new_status !== 'operational') hit.add(a.code)
  }
  return {
    all: wanted === null,
    affected: mine.filter((c) => hit.has(c.id)).map((c) => c.name),
    working: mine.filter((c) => !hit.has(c.id) && c.status === 'operational').map((c) => c.name),
    recovered: open
      ? []
      : mine.filter((c) => hit.has(c.id) && c.status === 'operational').map((c) => c.name),
  }
}

/** Which of a catalog's personal sentences a message says (the names fill it in). */
export type PersonalLineKind =
  | 'noComponents'
  | 'noneOfYours'
  | 'noneOfYoursClosed'
  | 'affectedOpen'
  | 'affectedClosed'
  | 'inMaintenance'
  | 'workingAgain'
  | 'workingNormally'
  | 'notAffected'

export interface PersonalLine {
  kind: PersonalLineKind
  /** The components it names (none for the three sentences that stand alone). */
  names: string[]
}

/**
 * What a message about a record says of the reader's own services, in order: what is (or was)
 * affected for them, what works again, what still works. Every channel says the same lines in
 * its own layout (an email's list, a chat's facts), so they never disagree.
 */
export function personalLines(
  yours: YourServices,
  o: { kind: 'incident' | 'maintenance'; open: boolean; hasComponents: boolean },
): PersonalLine[] {
  const incident = o.kind === 'incident'
  const lines: PersonalLine[] = []
  if (!o.hasComponents) lines.push({ kind: 'noComponents', names: [] })
  else if (yours.affected.length === 0)
    lines.push({ kind: o.open ? 'noneOfYours' : 'noneOfYoursClosed', names: [] })
  else {
    const kind = !incident ? 'inMaintenance' : o.open ? 'affectedOpen' : 'affectedClosed'
    lines.push({ kind, names: yours.affected })
  }
  if (yours.recovered.length) lines.push({ kind: 'workingAgain', names: yours.recovered })
  if (yours.working.length)
    lines.push({ kind: incident ? 'workingNormally' : 'notAffected', names: yours.working })
  return lines
}
