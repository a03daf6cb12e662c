import { z } from 'zod'
import { ConfigError } from '../../config.ts'

const Ms = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback)

/**
 * The notifier's timing, read from the environment once by the entry that starts it. The
 * defaults suit production; tests and benchmarks shorten them (a crashed holder's lease, the
 * first retry) so that minutes of real time fit in seconds.
 */
const NotifierEnv = z
  .object({
    NOTIFIER_LEASE_MS: Ms(200, 120_000),
    NOTIFIER_POLL_MS: Ms(5, 1_000),
    NOTIFIER_RETRY_BASE_MS: Ms(1, 30_000),
    NOTIFIER_RETRY_CAP_MS: Ms(1, 3_600_000),
    NOTIFIER_QUARANTINE_AFTER: z.coerce.number().int().min(1).max(100).default(3),
    NOTIFIER_SLOW_MS: Ms(50, 5_000),
  })
  .transform((e) => ({
    leaseMs: e.NOTIFIER_LEASE_MS,
    pollMs: e.NOTIFIER_POLL_MS,
    backoff: { baseMs: e.NOTIFIER_RETRY_BASE_MS, capMs: e.NOTIFIER_RETRY_CAP_MS },
    quarantineAfter: e.NOTIFIER_QUARANTINE_AFTER,
    slowMs: e.NOTIFIER_SLOW_MS,
  }))

export type NotifierTiming = z.output<typeof NotifierEnv>

export const DEFAULT_TIMING: NotifierTiming = NotifierEnv.parse({})

/** Parses the NOTIFIER_* timing variables; on failure lists every bad one. */
export function parseNotifierTiming(env: Record<string, string | undefined>): NotifierTiming {
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('NOTIFIER_') && v),
  )
  const result = NotifierEnv.safeParse(present)
  if (result.success) return result.data
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
}
