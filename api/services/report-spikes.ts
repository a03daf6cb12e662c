import { listComponents } from '../../db/components.ts'
import { attachReports } from '../../db/draft-reports.ts'
import { firingReportKeys, reportsPerComponent } from '../../db/report-counts.ts'
import type { Deps } from '../deps.ts'
import { recordSignals, type DraftTouch, type IncomingSignal } from './signals.ts'

const WEEK_MS = 7 * 24 * 60 * 60_000

/** How long a week's counts stand in for the usual rate: they move by 1/10,080 a minute. */
const USUAL_FRESH_MS = 60_000

const usualCache = new WeakMap<
  Deps['db'],
  { at: number; windowMs: number; counts: Promise<Map<string, number>> }
>()

/**
 * The week before the window, per component: the expensive read (every report of a week), made
 * at most once a minute per database connection and shared by the reports and ticks meanwhile.
 * Only the baseline is remembered; the window itself is always read, so a spike is seen at once.
 * A cache, not a lock: another process computes its own, and both are right.
 */
function usualCounts(deps: Deps, now: number, windowMs: number): Promise<Map<string, number>> {
  const cached = usualCache.get(deps.db)
  if (
    cached &&
    cached.windowMs === windowMs &&
    now >= cached.at &&
    now - cached.at < USUAL_FRESH_MS
  )
    return cached.counts
  const iso = (ms: number) => new Date(ms).toISOString()
  const counts = reportsPerComponent(deps.db, iso(now - windowMs - WEEK_MS), iso(now - windowMs))
  counts.catch(() => usualCache.delete(deps.db))
  usualCache.set(deps.db, { at: now, windowMs, counts })
  return counts
}

/**
 * Customer reports as a signal (issue 15): per component, the reports of the last window against
 * its usual rate over the week before. At least `min` reports and `factor` times the usual opens
 * (or joins) the component's draft; the signal clears once the window holds fewer than half the
 * threshold, so a trickle around the line does not flap. Called after each report and by the
 * scheduler (which is what clears it); repeated calls only refresh the signal.
 */
export async function checkReportSpikes(deps: Deps): Promise<DraftTouch[]> {
  const { windowMinutes, min, factor } = deps.config.reportSpikes
  const now = deps.clock.now().getTime()
  const windowMs = windowMinutes * 60_000
  const iso = (ms: number) => new Date(ms).toISOString()
  // A report stamped this very millisecond is in the window: `until` is exclusive.
  const [current, week, firing, components] = await Promise.all([
    reportsPerComponent(deps.db, iso(now - windowMs), iso(now + 1)),
    usualCounts(deps, now, windowMs),
    firingReportKeys(deps.db),
    listComponents(deps.db),
  ])
  const windowsPerWeek = WEEK_MS / windowMs
  const signals: IncomingSignal[] = []
  for (const key of new Set([...current.keys(), ...firing])) {
    // A component deleted since: its reports are history, not a signal.
    if (key !== '' && !components.some((c) => c.id === key)) continue
    const n = current.get(key) ?? 0
    const usual = (week.get(key) ?? 0) / windowsPerWeek
    const threshold = Math.max(min, Math.ceil(usual * factor))
    const status =
      n >= threshold ? 'firing' : firing.includes(key) && n < threshold / 2 ? 'resolved' : null
    if (!status) continue
    signals.push({
      kind: 'reports',
      source: 'reports',
      key,
      status,
      severity: null,
      summary: `${n} customer report${n === 1 ? '' : 's'} in ${windowMinutes} min (usually ${usual.toFixed(1)})`,
      labels: {
        reports: String(n),
        window_minutes: String(windowMinutes),
        usual: usual.toFixed(2),
      },
      componentKey: key,
      componentStatus: 'partial_outage',
      autoPublish: false,
    })
  }
  if (!signals.length) return []
  const touched = await recordSignals(deps, 'Customer reports', signals, components)
  // The window's reports go with the open draft they made fire (its page lists them; publishing
  // thanks them). Reports arriving while the signal fires join at the next call.
  const firingKeys = new Set(signals.filter((s) => s.status === 'firing').map((s) => s.key))
  const attach = touched
    .filter((d) => d.state === 'open' && firingKeys.has(d.component_id ?? ''))
    .map((d) => attachReports(d.id, d.component_id ?? '', iso(now - windowMs), iso(now + 1)))
  if (attach.length) await deps.db.batch(attach, 'write')
  return touched
}
