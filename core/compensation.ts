import { uptimeBetween, type StatusChange } from './uptime.ts'

/**
 * A service-credit policy: tiers of month-to-date availability. `below: 'sla'` means the
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

/** The first instant of the UTC month containing `d`. */
export function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1))
}

export interface ComponentCredit {
  component_id: string
  component_name: string
  sla_target: number
  /** Month-to-date availability in percent, or null with no data. */
  availability: number | null
  /** Weighted unavailable time this month (major outage in full, partial outage at 30%). */
  down_seconds: number
  /** The credit the policy gives, in percent of the monthly fee (0 when within target). */
  credit: number
}

/**
 * Month-to-date availability of a component and the credit it triggers. Availability comes from
 * the status history, so overlapping incidents are never counted twice and maintenance is excluded.
 */
export function componentCredit(
  component: { id: string; name: string; sla_target: number },
  history: readonly StatusChange[],
  policy: readonly CreditTier[],
  at: Date,
  since?: Date,
): ComponentCredit {
  const from = monthStart(at)
  const start = since && since > from ? since : from
  const totals = uptimeBetween(history, start, at)
  let credit = 0
  if (totals.uptime !== null) {
    for (const tier of policy) {
      const threshold = tier.below === 'sla' ? component.sla_target : tier.below
      if (totals.uptime < threshold) credit = Math.max(credit, tier.credit)
    }
  }
  return {
    component_id: component.id,
    component_name: component.name,
    sla_target: component.sla_target,
    availability: totals.uptime,
    down_seconds: totals.down_seconds,
    credit,
  }
}

/** "Because Payments API was unavailable for 3 h 12 min this month, your account receives a 10% service credit." */
export function creditSentence(
  name: string,
  downSeconds: number,
  credit: number,
  formatDuration: (ms: number) => string,
): string {
  return `Because ${name} was unavailable for ${formatDuration(downSeconds * 1000)} this month, your account receives a ${credit}% service credit.`
}
