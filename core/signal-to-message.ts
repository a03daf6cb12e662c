import type { z } from 'zod'
import { median, percentile } from './communication-slo.ts'
import type { DraftTimingRow, SignalToMessage } from './schemas/metrics.ts'

/** A draft's times as stored: its first signal, and its incident's first public update. */
export interface DraftTiming {
  id: string
  state: 'open' | 'published' | 'dismissed'
  origin: 'alert' | 'check' | 'reports'
  component_id: string | null
  first_signal_at: string
  incident_id: string | null
  first_public_at: string | null
  dismissed_at: string | null
  dismissed_reason: string | null
}

const seconds = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from)) / 1000

/**
 * The headline communication metric (issue 15): how long customers waited, from the first signal
 * that something was wrong to the first public message. Only published drafts have one; dismissed
 * drafts (a false alarm, or handled without telling anyone) are counted apart, never as 0.
 */
export function draftRow(d: DraftTiming): z.infer<typeof DraftTimingRow> {
  return {
    ...d,
    seconds:
      d.state === 'published' && d.first_public_at
        ? seconds(d.first_signal_at, d.first_public_at)
        : null,
  }
}

export function signalToMessage(
  rows: readonly z.infer<typeof DraftTimingRow>[],
): z.infer<typeof SignalToMessage> {
  const published = rows.flatMap((r) => (r.seconds === null ? [] : [r.seconds]))
  const dismissed = rows.filter((r) => r.state === 'dismissed')
  return {
    drafts: rows.length,
    published: published.length,
    median_s: median(published),
    p90_s: percentile(published, 90),
    dismissed: dismissed.length,
    dismissed_median_s: median(
      dismissed.flatMap((r) =>
        r.dismissed_at ? [seconds(r.first_signal_at, r.dismissed_at)] : [],
      ),
    ),
    open: rows.filter((r) => r.state === 'open').length,
  }
}
