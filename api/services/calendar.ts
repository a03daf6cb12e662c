import { renderCalendar, type ComponentScope } from '../../core/calendar.ts'
import { listComponents } from '../../db/components.ts'
import { listMaintenanceWindows } from '../../db/incidents.ts'
import { calendarWording } from '../../templates/calendar-wording.ts'
import type { Deps } from '../deps.ts'
import { subscriptions } from './subscriptions.ts'

const DAY = 86_400_000
/** Past windows stay in the calendars this long after their end; upcoming ones are all there. */
export const CALENDAR_PAST_DAYS = 90
/** At most this many windows, the latest to start (a bound on every fetch). */
export const CALENDAR_MAX_WINDOWS = 1000

/** The published calendar of every announced window, cancelled ones included. */
export const MAINTENANCE_CALENDAR_PATH = '/maintenance.ics'

async function render(deps: Deps, o: { source: string; locale: string; s: ComponentScope | null }) {
  // The horizon moves once a day, not every millisecond: two processes rendering on the same day
  // write the same bytes.
  const now = deps.clock.now().getTime()
  const from = new Date(now - (now % DAY) - CALENDAR_PAST_DAYS * DAY).toISOString()
  const [rows, components] = await Promise.all([
    listMaintenanceWindows(deps.db, from, CALENDAR_MAX_WINDOWS),
    listComponents(deps.db),
  ])
  const { config } = deps
  return renderCalendar({
    page: { name: config.page.name, url: config.siteUrl, timeZone: config.page.timeZone },
    source: o.source,
    windows: rows.map((w) => ({ record: w.record, revision: w.version })),
    componentNames: new Map(components.map((c) => [c.id, c.name])),
    subscriber: o.s,
    wording: calendarWording(o.locale),
  })
}

export const calendars = {
  /** /maintenance.ics, as the publisher writes it: every window, in English like the feeds. */
  site(deps: Deps): Promise<string> {
    return render(deps, {
      source: `${deps.config.siteUrl}${MAINTENANCE_CALENDAR_PATH}`,
      locale: 'en',
      s: null,
    })
  },

  /**
   * A subscriber's own calendar, in their language and filtered to their components, or null when
   * the link is forged or revoked (unsubscribing, or subscribing again, bumps token_version).
   */
  async personal(deps: Deps, token: string): Promise<string | null> {
    const s = await subscriptions.inspect(deps, 'calendar', token)
    if (!s || s.status === 'unsubscribed') return null
    return render(deps, {
      source: `${deps.config.siteUrl}/calendar/${token}.ics`,
      locale: s.locale,
      s: { all: s.all_components, components: s.components },
    })
  },
}
