// Uptime math for components and groups: time-weighted, per calendar day in the page's time
// zone. Pure: the caller always passes `now`, so the same history gives the same figures everywhere.
import { nextDay, startOfLocalDay, toLocalDate } from './local-time.ts'

/** A component status as recorded in its history. */
export type UptimeStatus =
  'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance'

/** One change in a component's status; it holds from `at` until the next change. */
export interface StatusChange {
  status: UptimeStatus
  at: Date
}

/** Time totals and uptime for one window; seconds may be fractional. */
export interface UptimeTotals {
  /** Percent 0..100, not rounded; null when no non-maintenance time was observed. */
  uptime: number | null
  /** Time covered by the history, maintenance included. */
  observed_seconds: number
  /** Weighted by DOWNTIME_WEIGHTS: major outage in full, partial outage at 30%. */
  down_seconds: number
  major_seconds: number
  partial_seconds: number
  degraded_seconds: number
  maintenance_seconds: number
}

/** Uptime for one calendar day in the page's zone. */
export interface DayUptime extends UptimeTotals {
  /** The day in the page's zone, YYYY-MM-DD. */
  date: string
}

/** A component's uptime over the window, with one entry per day, oldest first. */
export interface ComponentUptime {
  uptime: number | null
  days: DayUptime[]
}

/** Options for componentUptime. */
export interface UptimeOptions {
  now: Date
  /** Window length in days, ending with today; default 90. */
  days?: number
  /** The zone whose calendar days these are (the page's); default UTC. */
  timeZone?: string
  /** Creation time of the component: nothing before it is observed. */
  since?: Date
}

/** A group's day: the mean of its components' non-null daily uptimes. */
export interface GroupDayUptime {
  date: string
  uptime: number | null
  /** Summed across components, so the UI can say "maintenance" when uptime is null. */
  maintenance_seconds: number
  /** Summed across components: the day's worst state is its members' worst. */
  major_seconds: number
  partial_seconds: number
  degraded_seconds: number
}

/** A group's uptime: the mean of its components, per day and overall. */
export interface GroupUptime {
  uptime: number | null
  days: GroupDayUptime[]
}

/**
 * How much of the time in each status counts as downtime: the one weighting behind uptime, the
 * service credit and an incident's weighted outage, so the three never disagree. A partial
 * outage leaves most requests working, so it counts at 30%; degraded performance is slow but
 * working; announced maintenance is neither up nor down (it leaves the availability's base).
 */
export const DOWNTIME_WEIGHTS: Readonly<Record<UptimeStatus, number>> = {
  major_outage: 1,
  partial_outage: 0.3,
  degraded_performance: 0,
  operational: 0,
  under_maintenance: 0,
}

/** Time in the non-operational statuses, weighted by DOWNTIME_WEIGHTS. */
export function weightedDownSeconds(t: {
  major_seconds: number
  partial_seconds: number
  degraded_seconds: number
}): number {
  const w = DOWNTIME_WEIGHTS
  return (
    w.major_outage * t.major_seconds +
    w.partial_outage * t.partial_seconds +
    w.degraded_performance * t.degraded_seconds
  )
}

/** The weights in words, for the pages that show a weighted figure. */
export function downtimeWeightsText(): string {
  const pct = (w: number) => `${Math.round(w * 1000) / 10}%`
  const part = (label: string, w: number) =>
    w === 1 ? `${label} counts in full` : w === 0 ? `${label} not at all` : `${label} at ${pct(w)}`
  const w = DOWNTIME_WEIGHTS
  return `${part('a major outage', w.major_outage)}, ${part('a partial outage', w.partial_outage)}, ${part('degraded performance', w.degraded_performance)}; maintenance is left out`
}

/** Default length of the uptime window, in days. */
export const DEFAULT_UPTIME_DAYS = 90

/** One calendar day of the window: its date in the zone and the instants it spans. */
export interface DayWindow {
  date: string
  start: number
  end: number
}

/**
 * The last `days` calendar days in `timeZone` up to `now`, oldest first. A day is its zone's
 * midnight to the next (23 or 25 hours across a clock change), so "today" is the reader's today.
 */
export function dayWindows(now: Date, days: number, timeZone = 'UTC'): DayWindow[] {
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`days must be a positive integer, got ${days}`)
  }
  const startOf = (date: string) => Date.parse(startOfLocalDay(date, timeZone) ?? `${date}T00:00Z`)
  const dates = [toLocalDate(now.toISOString(), timeZone)]
  // Stepping back from noon of each day stays on the previous calendar day in every zone.
  for (let i = 1; i < days; i++) {
    const prev = new Date(Date.parse(`${dates[0]}T12:00:00Z`) - 86_400_000)
    dates.unshift(prev.toISOString().slice(0, 10))
  }
  return dates.map((date) => ({ date, start: startOf(date), end: startOf(nextDay(date)) }))
}

/** What an incident needs to be placed on the days it touched. */
export interface IncidentSpan {
  id: string
  started_at: string
  resolved_at: string | null
  /** Ids of the components it affected. */
  components: readonly string[]
}

/**
 * Per component, the incidents that touched each day (by date, in the windows' order): an
 * incident touches every day from its start to its resolution (or `now` while open).
 */
export function incidentsByDay(
  incidents: readonly IncidentSpan[],
  windows: readonly DayWindow[],
  now: Date,
): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>()
  for (const i of incidents) {
    const from = Date.parse(i.started_at)
    // At least a millisecond long, so one opened and resolved at once still marks its day.
    const to = Math.max(i.resolved_at ? Date.parse(i.resolved_at) : now.getTime(), from + 1)
    for (const w of windows) {
      if (from >= w.end || to <= w.start) continue
      for (const c of i.components) {
        let days = out.get(c)
        if (!days) out.set(c, (days = new Map<string, string[]>()))
        const ids = days.get(w.date) ?? []
        if (!ids.includes(i.id)) ids.push(i.id)
        days.set(w.date, ids)
      }
    }
  }
  return out
}

interface RawSeconds {
  observed: number
  major: number
  partial: number
  degraded: number
  maintenance: number
}

/** Totals for the window [from, to); `to` should not be later than now. */
export function uptimeBetween(
  history: readonly StatusChange[],
  from: Date,
  to: Date,
): UptimeTotals {
  const sorted = isSorted(history) ? history : sortHistory(history)
  const start = from.getTime()
  const end = to.getTime()
  const raw = zeroSeconds()
  for (let i = 0; i < sorted.length; i++) {
    const change = sorted[i]
    if (change === undefined) continue
    const segStart = Math.max(change.at.getTime(), start)
    const next = sorted[i + 1]
    const segEnd = Math.min(next === undefined ? end : next.at.getTime(), end)
    if (segEnd <= segStart) continue
    const seconds = (segEnd - segStart) / 1000
    raw.observed += seconds
    if (change.status === 'major_outage') raw.major += seconds
    else if (change.status === 'partial_outage') raw.partial += seconds
    else if (change.status === 'degraded_performance') raw.degraded += seconds
    else if (change.status === 'under_maintenance') raw.maintenance += seconds
  }
  return totalsFrom(raw)
}

/** Per-day (in the zone) and overall uptime of one component over the last `days` days up to `now`. */
export function componentUptime(
  history: readonly StatusChange[],
  options: UptimeOptions,
): ComponentUptime {
  const windows = dayWindows(options.now, options.days ?? DEFAULT_UPTIME_DAYS, options.timeZone)
  const now = options.now.getTime()
  const since = options.since?.getTime() ?? -Infinity
  // Sort once here so each per-day uptimeBetween call only pays for its sortedness check.
  const sorted = sortHistory(history)
  const result: DayUptime[] = []
  const sum = zeroSeconds()
  for (const w of windows) {
    const from = Math.max(w.start, since)
    const to = Math.min(w.end, now)
    // An empty window (creation after this day, or after now) yields zero observed time: null.
    const totals = uptimeBetween(sorted, new Date(from), new Date(Math.max(from, to)))
    result.push({ date: w.date, ...totals })
    sum.observed += totals.observed_seconds
    sum.major += totals.major_seconds
    sum.partial += totals.partial_seconds
    sum.degraded += totals.degraded_seconds
    sum.maintenance += totals.maintenance_seconds
  }
  // Overall is weighted by time over the whole window, not a mean of the daily figures.
  return { uptime: totalsFrom(sum).uptime, days: result }
}

/** Group uptime: per day and overall, the mean of the components' non-null figures. */
export function groupUptime(components: readonly ComponentUptime[]): GroupUptime {
  type Sums = Omit<GroupDayUptime, 'date' | 'uptime'>
  const byDate = new Map<string, { values: number[]; sums: Sums }>()
  for (const component of components) {
    for (const day of component.days) {
      let entry = byDate.get(day.date)
      if (entry === undefined) {
        entry = {
          values: [],
          sums: {
            maintenance_seconds: 0,
            major_seconds: 0,
            partial_seconds: 0,
            degraded_seconds: 0,
          },
        }
        byDate.set(day.date, entry)
      }
      if (day.uptime !== null) entry.values.push(day.uptime)
      entry.sums.maintenance_seconds += day.maintenance_seconds
      entry.sums.major_seconds += day.major_seconds
      entry.sums.partial_seconds += day.partial_seconds
      entry.sums.degraded_seconds += day.degraded_seconds
    }
  }
  const days = [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, entry]) => ({
      date,
      uptime: mean(entry.values),
      ...entry.sums,
    }))
  const overall = components.flatMap((c) => (c.uptime === null ? [] : [c.uptime]))
  return { uptime: mean(overall), days }
}

function zeroSeconds(): RawSeconds {
  return { observed: 0, major: 0, partial: 0, degraded: 0, maintenance: 0 }
}

function totalsFrom(r: RawSeconds): UptimeTotals {
  // Weighting the summed raw seconds once keeps the figures exact for whole-second inputs.
  const down = weightedDownSeconds({
    major_seconds: r.major,
    partial_seconds: r.partial,
    degraded_seconds: r.degraded,
  })
  const counted = r.observed - r.maintenance
  return {
    uptime: counted > 0 ? 100 * (1 - down / counted) : null,
    observed_seconds: r.observed,
    down_seconds: down,
    major_seconds: r.major,
    partial_seconds: r.partial,
    degraded_seconds: r.degraded,
    maintenance_seconds: r.maintenance,
  }
}

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null
  let total = 0
  for (const v of values) total += v
  return total / values.length
}

function isSorted(history: readonly StatusChange[]): boolean {
  for (let i = 1; i < history.length; i++) {
    const prev = history[i - 1]
    const cur = history[i]
    if (prev !== undefined && cur !== undefined && prev.at.getTime() > cur.at.getTime()) {
      return false
    }
  }
  return true
}

function sortHistory(history: readonly StatusChange[]): StatusChange[] {
  // Array sort is stable, so among equal timestamps the later-listed change wins.
  return [...history].sort((a, b) => a.at.getTime() - b.at.getTime())
}
