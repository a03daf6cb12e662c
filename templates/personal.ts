import type { ComponentStatus } from '../core/schemas/component.ts'

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
  /** Their other components that are operational now. */
  working: string[]
}

/**
 * Narrows an incident's components to one subscriber's. `held` are the incident's components
 * with their status during it; `all` every component with its status now, in display order.
 * While open, an incident's component counts only if it is not operational; a maintenance
 * window counts all of its components. Once closed, "working" lists everything operational again.
 */
export function yourServices(opts: {
  kind: 'incident' | 'maintenance'
  open: boolean
  held: readonly { id: string; status: ComponentStatus }[]
  all: readonly NamedStatus[]
  subscribed: 'all' | readonly string[]
}): YourServices {
  const { kind, open, held, all, subscribed } = opts
  const wanted = subscribed === 'all' ? null : new Set(subscribed)
  const mine = wanted ? all.filter((c) => wanted.has(c.id)) : all
  const hit = new Set(
    held.filter((c) => kind === 'maintenance' || c.status !== 'operational').map((c) => c.id),
  )
  return {
    all: wanted === null,
    affected: mine.filter((c) => hit.has(c.id)).map((c) => c.name),
    working: mine
      .filter((c) => (open ? !hit.has(c.id) : true) && c.status === 'operational')
      .map((c) => c.name),
  }
}
