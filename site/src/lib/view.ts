// Small pure helpers shared by the pages: route narrowing, durations, uptime-day wording and the
// display order of components.
import { formatDuration } from '../../../core/format.ts'
import type { Component, ComponentGroup } from '../../../core/schemas/component.ts'
import {
  localePath,
  type IncidentView,
  type RouteData,
  type SiteCommon,
  type UptimeSummary,
} from '../../../core/site-data.ts'
import { catalogFor } from '../../../templates/locales/index.ts'
import { worstStatus } from '../../../core/status-rollup.ts'
import type { DayUptime, GroupDayUptime } from '../../../core/uptime.ts'

/** The route data, checked to be of the kind this page renders (the publisher sees a 500). */
export function routeOf<K extends RouteData['kind']>(
  locals: App.Locals,
  kind: K,
): Extract<RouteData, { kind: K }> {
  const route = locals.route as RouteData | undefined
  if (route?.kind !== kind) {
    throw new Error(`This page renders a '${kind}' route, got '${route?.kind ?? 'nothing'}'`)
  }
  return route as Extract<RouteData, { kind: K }>
}

/** The catalog of the page's locale (dates, statuses) and its site words. */
export const catalogOf = (common: Pick<SiteCommon, 'locale'>) => catalogFor(common.locale)
export const wordsOf = (common: Pick<SiteCommon, 'locale'>) => catalogFor(common.locale).site

/** A site path as a link in the page's locale: every internal link goes through this. */
export const hrefOf = (common: Pick<SiteCommon, 'locale' | 'locales'>, path: string) =>
  localePath(path, common.locale, common.locales)

/** "1 h 12 min" when resolved, "ongoing for 1 h 18 min" while open (measured at publish time). */
export function incidentDuration(
  i: Pick<IncidentView, 'started_at' | 'resolved_at'>,
  now: string,
  catalog = catalogFor('en'),
): string {
  const lang = catalog.lang
  if (i.resolved_at)
    return formatDuration(Date.parse(i.resolved_at) - Date.parse(i.started_at), lang)
  return catalog.site.incident.ongoingFor(
    formatDuration(Date.parse(now) - Date.parse(i.started_at), lang),
  )
}

/** Length of a maintenance window, or null when it has no planned end. */
export function windowLength(
  m: Pick<IncidentView, 'scheduled_for' | 'scheduled_until'>,
  lang = 'en',
): string | null {
  if (!m.scheduled_for || !m.scheduled_until) return null
  return formatDuration(Date.parse(m.scheduled_until) - Date.parse(m.scheduled_for), lang)
}

/** Whether a maintenance window is running now (as opposed to upcoming or finished). */
export function maintenanceRunning(m: IncidentView): boolean {
  return m.status === 'in_progress' || m.status === 'verifying'
}

/** A compact class for an uptime day (the bar's colour) and its sentence. */
export interface DayLook {
  /** '' operational, 'd' degraded, 'p' partial, 'm' major, 'x' maintenance, 'n' no data */
  cls: '' | 'd' | 'p' | 'm' | 'x' | 'n'
  /** The day, in the page's words ("23 Nov 2026"). */
  day: string
  /** "99.80% uptime, 17 min partial outage" / "No data" / "Maintenance, 1 h". */
  text: string
}

/** An uptime day: its colour is its worst state; its sentence says how long each lasted. */
export function dayLook(
  day: DayUptime | GroupDayUptime,
  common: Pick<SiteCommon, 'locale'>,
): DayLook {
  const u = wordsOf(common).uptime
  const date = wordsOf(common).frame.day(day.date)
  const time = (seconds: number) => u.duration(seconds * 1000)
  const notes: string[] = []
  let cls: DayLook['cls'] = ''
  // A group's seconds are its members' summed: its colour is its worst member's state that day.
  if (day.major_seconds > 0) notes.push(u.major(time(day.major_seconds)))
  if (day.partial_seconds > 0) notes.push(u.partial(time(day.partial_seconds)))
  if (day.degraded_seconds > 0) notes.push(u.degraded(time(day.degraded_seconds)))
  cls =
    day.major_seconds > 0
      ? 'm'
      : day.partial_seconds > 0
        ? 'p'
        : day.degraded_seconds > 0
          ? 'd'
          : ''
  if (day.maintenance_seconds > 0) {
    notes.push(u.maintenance(time(day.maintenance_seconds)))
    if (cls === '') cls = 'x'
  }
  if (day.uptime === null) {
    return day.maintenance_seconds > 0
      ? { cls: 'x', day: date, text: u.maintenanceFor(time(day.maintenance_seconds)) }
      : { cls: 'n', day: date, text: u.noData }
  }
  const head = u.dayUptime(u.percent(day.uptime))
  return { cls, day: date, text: u.join([head, ...notes]) }
}

/**
 * The uptime over the last `n` days of a bar (what a phone draws): time-weighted for a
 * component, the mean of the days for a group (as core/uptime.ts computes the whole window).
 */
export function uptimeOfLast(days: readonly (DayUptime | GroupDayUptime)[], n: number) {
  const last = days.slice(-n)
  if (last.every((d) => 'observed_seconds' in d)) {
    let down = 0
    let counted = 0
    for (const d of last as DayUptime[]) {
      down += d.down_seconds
      counted += d.observed_seconds - d.maintenance_seconds
    }
    return counted > 0 ? 100 * (1 - down / counted) : null
  }
  const values = last.flatMap((d) => (d.uptime === null ? [] : [d.uptime]))
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null
}

/** The incidents that touched each day of a bar (component or group id), by date. */
export function dayIncidents(uptime: UptimeSummary, id: string) {
  const out: Record<string, { name: string; path: string }[]> = {}
  for (const [date, ids] of Object.entries(uptime.day_incidents[id] ?? {}))
    out[date] = ids.flatMap((i) => uptime.incidents[i] ?? [])
  return out
}

/**
 * What a line of an incident list shows (IncidentLine.astro), and nothing more: a list is reused
 * (Reuse.astro) while these stay the same, whatever else of its incidents changes.
 */
export function lineOf(i: IncidentView) {
  return {
    kind: i.kind,
    name: i.name,
    status: i.status,
    impact: i.impact,
    path: i.path,
    text_lang: { name: i.text_lang.name },
    started_at: i.started_at,
    resolved_at: i.resolved_at,
    scheduled_for: i.scheduled_for,
    scheduled_until: i.scheduled_until,
    cancelled_at: i.cancelled_at,
    postmortem_published_at: i.postmortem_published_at,
  }
}
export type IncidentLineView = ReturnType<typeof lineOf>

/**
 * An incident list (IncidentList.astro) as it shows: the publish time only while one of its
 * incidents is open (its "ongoing for"), so a list of resolved ones does not change with time.
 */
export function listOf(
  incidents: readonly IncidentView[],
  timeZone: string,
  now: string | null,
  empty: string,
) {
  const open = incidents.some((i) => !i.resolved_at)
  return { incidents: incidents.map(lineOf), timeZone, now: open ? now : null, empty }
}
export type ListView = ReturnType<typeof listOf>

/** What an uptime bar (UptimeBar.astro) of a component or group shows; null without figures. */
export function barOf(uptime: UptimeSummary, id: string, kind: 'component' | 'group') {
  const own = kind === 'group' ? uptime.groups[id] : uptime.components[id]
  return own ? { uptime: own.uptime, days: own.days, incidents: dayIncidents(uptime, id) } : null
}
export type BarView = NonNullable<ReturnType<typeof barOf>>

/** What a component's row on the home page (ComponentItem.astro) shows. */
export function itemOf(c: Component, uptime: UptimeSummary) {
  const { id, name, status, description } = c
  return { component: { id, name, status, description }, bar: barOf(uptime, id, 'component') }
}
export type ItemView = ReturnType<typeof itemOf>

/** A row of the component list: a group with its shown members, or a component on its own. */
export type ComponentRow =
  | { kind: 'group'; group: ComponentGroup; members: Component[]; all: Component[] }
  | { kind: 'component'; component: Component }

/** Whether the page shows a component: `only_show_if_degraded` hides it while operational. */
export const isShown = (c: Component) => !c.only_show_if_degraded || c.status !== 'operational'

/**
 * Groups and ungrouped components in display order (by position, then name), as Statuspage lists
 * them; groups whose components are all hidden are left out.
 */
export function componentRows(common: SiteCommon): ComponentRow[] {
  const byId = new Map(common.components.map((c) => [c.id, c]))
  const grouped = new Set<string>()
  const rows: { position: number; name: string; row: ComponentRow }[] = []
  for (const group of common.groups) {
    const all = group.components.flatMap((id) => byId.get(id) ?? [])
    for (const c of all) grouped.add(c.id)
    const members = all.filter(isShown)
    if (members.length)
      rows.push({
        position: group.position,
        name: group.name,
        row: { kind: 'group', group, members, all },
      })
  }
  for (const c of common.components) {
    if (!grouped.has(c.id) && isShown(c)) {
      rows.push({ position: c.position, name: c.name, row: { kind: 'component', component: c } })
    }
  }
  rows.sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
  return rows.map((r) => r.row)
}

/** The worst current status among a group's components. */
export const groupStatus = (members: readonly Component[]) =>
  worstStatus(members.map((c) => c.status))
