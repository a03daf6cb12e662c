import ical, { escape, ICalEventStatus, ICalEventTransparency } from 'ical-generator'
import { markdownToText } from './markdown.ts'
import type { IncidentRecord } from './records.ts'
import type { MaintenanceStatus } from './schemas/maintenance.ts'
import { incidentUrl } from './urls.ts'

/**
 * Maintenance windows as an iCalendar (RFC 5545) for calendar apps: the page's public calendar
 * (/maintenance.ics) and each subscriber's own, filtered to their components. Pure: the same
 * windows always give the same bytes, whichever process renders them.
 */

/** What a calendar says, per language (templates/calendar-wording.ts builds it from a catalog). */
export interface CalendarWording {
  /** The calendar's name in the app: the page's, or a subscriber's own. */
  calendarName(page: string, personal: boolean): string
  /** An event's title, from the window's name. */
  summary(name: string): string
  status(status: MaintenanceStatus | 'cancelled'): string
  /** The window in words, in the page's time zone (the event itself is in UTC). */
  window(from: string, until: string, timeZone: string): string
  /** The window's components; for a subscriber, the ones they follow. Empty: none are named. */
  components(names: readonly string[], personal: boolean): string
  /** The line that ends with the window's page on the site. */
  link(url: string): string
}

export interface CalendarWindow {
  record: IncidentRecord
  /**
   * How many writes the window has had since it was announced (its row's version): every
   * reschedule, edit, start, completion, cancellation or corrected text adds one. Read with the
   * row, so every process renders the same SEQUENCE, and it only ever goes up.
   */
  revision: number
}

/** A subscriber's choice: every component, or these. */
export interface ComponentScope {
  all: boolean
  components: readonly string[]
}

export interface CalendarInput {
  page: { name: string; url: string; timeZone: string }
  /** Where calendar apps fetch this calendar again. */
  source: string
  windows: readonly CalendarWindow[]
  /** Every component's name by id, in display order. */
  componentNames: ReadonlyMap<string, string>
  /** A subscriber's calendar (only windows in their scope), or null for the page's own. */
  subscriber: ComponentScope | null
  wording: CalendarWording
}

/** Calendar apps are asked to fetch again after this long (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
export const CALENDAR_TTL_SECONDS = 3600

/**
 * Whether a window belongs in a subscriber's calendar: the rule of the notifier's fan-out
 * (db/deliveries.ts fanOutToRecordAudience), so the calendar holds the windows they are mailed
 * about. A window naming no component reaches only those who follow everything.
 */
export function inScope(s: ComponentScope, r: Pick<IncidentRecord, 'components'>): boolean {
  if (s.all) return true
  const mine = new Set(s.components)
  return r.components.some((c) => mine.has(c.id))
}

// RFC 5545 3.3.11: TEXT holds no CONTROL character but HTAB; line breaks are kept (the library
// writes them as \n). C1 controls, lone surrogates and U+FFFE/U+FFFF go too: no reader wants
// them, and a lone surrogate is not even UTF-8. With the u flag a surrogate pair is one code
// point, in the last range, and is kept.
const NOT_CALENDAR_TEXT = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/**
 * Every string people wrote passes here before it reaches the calendar (summary, description,
 * the calendar's name): ical-generator then escapes backslashes, commas, semicolons and line
 * breaks and folds long lines, but passes control characters through.
 */
export function calendarText(s: string): string {
  // U+2028/2029 are line breaks to people (and to the API's input rules) and to some readers,
  // which split lines on them: written as the line breaks they are.
  return s.replace(NOT_CALENDAR_TEXT, '').replace(/[\u2028\u2029]/g, '\n')
}

const byStart = (a: CalendarWindow, b: CalendarWindow) =>
  (a.record.scheduled_for ?? '').localeCompare(b.record.scheduled_for ?? '') ||
  a.record.id.localeCompare(b.record.id)

/** The iCalendar text of the windows (those in the subscriber's scope, for a subscriber). */
export function renderCalendar(input: CalendarInput): string {
  const { page, wording, subscriber } = input
  const personal = subscriber !== null
  const host = new URL(page.url).hostname
  const cal = ical({
    prodId: '//Amends//Maintenance calendar//EN',
    // NAME and X-WR-CALNAME are written as given: escaped here, unlike the events' text.
    name: escape(calendarText(wording.calendarName(page.name, personal)), false),
    source: input.source,
    ttl: CALENDAR_TTL_SECONDS,
  })
  const windows = input.windows.filter((w) => !subscriber || inScope(subscriber, w.record))
  for (const { record: r, revision } of [...windows].sort(byStart)) {
    if (!r.scheduled_for || !r.scheduled_until) continue
    const url = incidentUrl(page.url, r)
    cal.createEvent({
      id: `${r.id}@${host}`,
      sequence: revision,
      // Without METHOD, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2).
      stamp: r.updated_at,
      created: r.created_at,
      lastModified: r.updated_at,
      start: r.scheduled_for,
      end: r.scheduled_until,
      summary: calendarText(wording.summary(r.name)),
      description: calendarText(describe(input, r, url)),
      url,
      // Kept when cancelled, so calendars that already hold the event remove it.
      status: r.cancelled_at ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      // A maintenance window is something to know about, not time the reader is busy.
      transparency: ICalEventTransparency.TRANSPARENT,
    })
  }
  // Every content line ends with CRLF (RFC 5545 3.1), the last one too; the library omits it.
  return `${cal.toString()}\r\n`
}

/** What is affected, what to expect and the link, as plain text. */
function describe(input: CalendarInput, r: IncidentRecord, url: string): string {
  const { page, wording, subscriber } = input
  const held = new Set(r.components.map((c) => c.id))
  const mine = subscriber && !subscriber.all ? new Set(subscriber.components) : null
  const names = [...input.componentNames]
    .filter(([id]) => held.has(id) && (!mine || mine.has(id)))
    .map(([, name]) => name)
  // Updates are newest first: the oldest announced the window, the newest says where it stands.
  const announcement = r.updates.at(-1)
  const latest = r.updates.length > 1 ? r.updates[0] : undefined
  return [
    wording.status(r.cancelled_at ? 'cancelled' : (r.status as MaintenanceStatus)),
    wording.window(r.scheduled_for!, r.scheduled_until!, page.timeZone),
    wording.components(names, subscriber !== null),
    ...(announcement ? ['', markdownToText(announcement.body)] : []),
    ...(latest ? ['', markdownToText(latest.body)] : []),
    '',
    wording.link(url),
  ].join('\n')
}
