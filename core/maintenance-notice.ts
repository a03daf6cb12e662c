/**
 * Customers tolerate planned interruptions announced well ahead (PRODUCT.md, tolerance zone):
 * short notice is flagged, and reminders go out before the window, plus a notice if it overruns.
 */
export const DEFAULT_MIN_NOTICE_HOURS = 72
const HOUR = 3_600_000

export interface NoticeWarning {
  code: 'short_notice'
  message: string
  notice_hours: number
}

export function noticeWarning(
  createdAt: string,
  scheduledFor: string,
  minNoticeHours = DEFAULT_MIN_NOTICE_HOURS,
): NoticeWarning | null {
  const hours = (Date.parse(scheduledFor) - Date.parse(createdAt)) / HOUR
  if (hours >= minNoticeHours) return null
  return {
    code: 'short_notice',
    message: `Announced ${Math.max(0, Math.round(hours))} h ahead; customers are told at least ${minNoticeHours} h ahead as a rule`,
    notice_hours: Math.max(0, hours),
  }
}

export type MaintenanceNoticeKind = 'reminder_24h' | 'reminder_1h' | 'overrun'

const REMINDERS: { kind: MaintenanceNoticeKind; before: number }[] = [
  { kind: 'reminder_24h', before: 24 * HOUR },
  { kind: 'reminder_1h', before: HOUR },
]

export interface WindowState {
  created_at: string
  scheduled_for: string
  scheduled_until: string
  status: string
  cancelled_at: string | null
}

/**
 * The notices due now that have not been sent. A reminder whose time had already passed when
 * the window was announced is skipped (the announcement said it); a reminder is never sent
 * once the window has started. An overrun notice goes when a window is still open after its end.
 */
export function dueNotices(
  w: WindowState,
  now: Date,
  sent: ReadonlySet<MaintenanceNoticeKind>,
): MaintenanceNoticeKind[] {
  if (w.cancelled_at || w.status === 'completed') return []
  const t = now.getTime()
  const start = Date.parse(w.scheduled_for)
  const created = Date.parse(w.created_at)
  const due: MaintenanceNoticeKind[] = []
  if (w.status === 'scheduled' && t < start) {
    // Each reminder has its slot up to the next one, so a late pass sends only the current one.
    REMINDERS.forEach((r, i) => {
      const at = start - r.before
      const until = i + 1 < REMINDERS.length ? start - REMINDERS[i + 1]!.before : start
      if (at > created && t >= at && t < until && !sent.has(r.kind)) due.push(r.kind)
    })
    return due
  }
  if (
    (w.status === 'in_progress' || w.status === 'verifying') &&
    t > Date.parse(w.scheduled_until) &&
    !sent.has('overrun')
  ) {
    due.push('overrun')
  }
  return due
}

/** When the follow-up asking "is everything working again?" goes out. */
export function followUpAt(resolvedAt: string, days: number): string {
  return new Date(Date.parse(resolvedAt) + days * 24 * HOUR).toISOString()
}
