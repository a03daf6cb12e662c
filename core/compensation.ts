import { formatDate, formatDuration } from './format.ts'
import { startOfLocalDay, toLocalDate } from './local-time.ts'
import { uptimeBetween, type StatusChange } from './uptime.ts'

/**
 * A service-credit policy: tiers of availability over the month. `below: 'sla'` means the
 * component's own SLA target, so one policy fits components with different targets.
 * The default, "sla:10,99:25,95:100": below target → 10%, below 99% → 25%, below 95% → 100%.
 */
export interface CreditTier {
  below: number | 'sla'
  credit: number
}

export const DEFAULT_CREDIT_POLICY = 'sla:10,99:25,95:100'

/** Parses "sla:10,99:25,95:100"; throws a message naming the bad part. */
export function parseCreditPolicy(text: string): CreditTier[] {
  return text.split(',').map((part) => {
    const m = /^\s*(sla|\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part)
    if (!m) throw new Error(`Credit tier "${part}" must look like "99:25" or "sla:10"`)
    const credit = Number(m[2])
    if (credit <= 0 || credit > 100)
      throw new Error(`Credit in "${part}" must be between 0 and 100`)
    return { below: m[1] === 'sla' ? 'sla' : Number(m[1]), credit }
  })
}

/** A calendar month in the page's zone: [start, end), and its label "2026-03". */
export interface MonthWindow {
  month: string
  start: Date
  end: Date
}

/**
 * The calendar month containing `at` in `timeZone`: from local midnight on the 1st to local
 * midnight on the next 1st (so a Berlin month starts at 23:00 or 22:00 UTC the day before).
 */
export function monthWindow(at: Date, timeZone: string): MonthWindow {
  const month = toLocalDate(at.toISOString(), timeZone).slice(0, 7)
  const [y, m] = month.split('-').map(Number) as [number, number]
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  return {
    month,
    start: localMidnight(`${month}-01`, timeZone),
    end: localMidnight(`${next}-01`, timeZone),
  }
}

function localMidnight(date: string, timeZone: string): Date {
  const iso = startOfLocalDay(date, timeZone)
  if (iso === null) throw new RangeError(`No start of ${date} in ${timeZone}`)
  return new Date(iso)
}

export interface ComponentCredit {
  component_id: string
  component_name: string
  sla_target: number
  /** Where measuring starts: the month's start in the page's zone, or the component's creation. */
  window_start: string
  /** Where it ends: the month's end, or now while the month is still running. */
  window_end: string
  /** The component's creation when it falls inside the month (the window starts there), else null. */
  added_at: string | null
  /** Availability over the window in percent, or null with no data. */
  availability: number | null
  /** Weighted unavailable time in the window (major outage in full, partial outage at 30%). */
  down_seconds: number
  /** down_seconds rounded to the minute; under one minute earns no credit. */
  down_minutes: number
  /** The policy tier that gives the credit, or null when none applies. */
  tier: CreditTier | null
  /** The credit the policy gives, in percent of the monthly fee (0 when within target). */
  credit: number
}

/**
 * Availability of a component over `month` up to `now` (from its creation if that is later) and
 * the credit it triggers. Availability comes from the one status timeline, so overlapping
 * incidents never count a minute twice and maintenance is neither up nor down time.
 */
export function componentCredit(
  component: { id: string; name: string; sla_target: number; created_at?: string },
  history: readonly StatusChange[],
  policy: readonly CreditTier[],
  month: MonthWindow,
  now: Date,
): ComponentCredit {
  const created = component.created_at ? new Date(component.created_at) : null
  const added = created && created > month.start && created < month.end ? created : null
  const from = added ?? month.start
  const to = now < month.end ? now : month.end
  const totals = uptimeBetween(history, from, to > from ? to : from)
  const downMinutes = Math.round(totals.down_seconds / 60)
  let tier: CreditTier | null = null
  // A blip that rounds to no minute at all earns nothing, however short the window made it look.
  if (totals.uptime !== null && downMinutes >= 1) {
    for (const t of policy) {
      const threshold = t.below === 'sla' ? component.sla_target : t.below
      if (totals.uptime < threshold && t.credit > (tier?.credit ?? 0)) tier = t
    }
  }
  return {
    component_id: component.id,
    component_name: component.name,
    sla_target: component.sla_target,
    window_start: from.toISOString(),
    window_end: to.toISOString(),
    added_at: added?.toISOString() ?? null,
    availability: totals.uptime,
    down_seconds: totals.down_seconds,
    down_minutes: downMinutes,
    tier,
    credit: tier?.credit ?? 0,
  }
}

/**
 * What a credit sentence names, in any language: the downtime only when it rounds to a minute
 * or more (a credit given by override for less never says "0 min"), and the component's
 * creation when the window starts there.
 */
export interface CreditFacts {
  component_name: string
  /** Weighted downtime in milliseconds, or null when it rounds to no minute at all. */
  down_ms: number | null
  /** The component's creation inside the month (the credit says "since it was added"), else null. */
  added_at: string | null
}

export function creditFacts(
  c: Pick<ComponentCredit, 'component_name' | 'down_seconds' | 'added_at'>,
): CreditFacts {
  return {
    component_name: c.component_name,
    down_ms: Math.round(c.down_seconds / 60) >= 1 ? c.down_seconds * 1000 : null,
    added_at: c.added_at,
  }
}

/**
 * "Because Payments API was unavailable for 3 h 12 min this month, your account receives a 10%
 * service credit." Never "0 min": a credit given (by override) for less than a minute of downtime
 * names the disruption instead of a duration. The English catalog's sentence (templates/locales).
 */
export function creditSentence(
  c: Pick<ComponentCredit, 'component_name' | 'down_seconds' | 'added_at'>,
  credit: number,
  timeZone: string,
): string {
  const f = creditFacts(c)
  const when = f.added_at
    ? `since it was added on ${formatDate(f.added_at, timeZone)}`
    : 'this month'
  const reason =
    f.down_ms !== null
      ? `${f.component_name} was unavailable for ${formatDuration(f.down_ms)} ${when}`
      : `of the disruption to ${f.component_name} ${when}`
  return `Because ${reason}, your account receives a ${credit}% service credit.`
}
