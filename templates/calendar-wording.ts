import type { CalendarWording } from '../core/calendar.ts'
import { catalogFor, statusWords } from './render.ts'

/**
 * A maintenance calendar's words in a language: its own few (templates/locales, `calendar`) and
 * the emails' statuses, window, component list and link, so a calendar event and the email about
 * the same window say the same.
 */
export function calendarWording(locale: string): CalendarWording {
  const t = catalogFor(locale)
  return {
    calendarName: (page, personal) =>
      personal ? t.calendar.personalName(page) : t.calendar.name(page),
    summary: (name) => t.calendar.summary(name),
    status: (s) => statusWords('maintenance', s, '', t).statusLine,
    window: (from, until, timeZone) => t.window(t.time(from, timeZone), t.time(until, timeZone)),
    components: (names, personal) =>
      names.length === 0
        ? t.noComponents
        : personal
          ? t.inMaintenance(t.list(names))
          : t.calendar.inWindow(t.list(names)),
    link: (url) => `${t.followMaintenance}${t.colon}${url}`,
  }
}
