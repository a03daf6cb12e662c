import { describe, expect, it } from 'vitest'
import {
  calendarText,
  inScope,
  renderCalendar,
  type CalendarInput,
  type CalendarWindow,
} from '../../core/calendar.ts'
import type { IncidentRecord, UpdateRecord } from '../../core/records.ts'
import { calendarWording } from '../../templates/calendar-wording.ts'
import { rawProperty, readCalendar, textOf, unescapeText } from '../fixtures/calendar.ts'

const HOST = 'status.example.com'
const PAGE = { name: 'Example Status', url: `https://${HOST}`, timeZone: 'Europe/Paris' }

function update(incidentId: string, body: string, at: string, status = 'scheduled'): UpdateRecord {
  return {
    id: `u${at.replace(/\D/g, '')}`,
    incident_id: incidentId,
    status: status as UpdateRecord['status'],
    body,
    workaround: null,
    deliver_notifications: true,
    affected_components: null,
    created_at: at,
    display_at: at,
  }
}

function windowOf(id: string, o: Partial<IncidentRecord> = {}, revision = 0): CalendarWindow {
  const record: IncidentRecord = {
    id,
    kind: 'maintenance',
    name: 'Database upgrade',
    status: 'scheduled',
    impact: 'maintenance',
    workaround: null,
    started_at: '2026-03-12T22:00:00.000Z',
    identified_at: null,
    monitoring_at: null,
    resolved_at: null,
    scheduled_for: '2026-03-12T22:00:00.000Z',
    scheduled_until: '2026-03-13T00:30:00.000Z',
    auto_transition: true,
    cancelled_at: null,
    created_at: '2026-03-10T12:00:00.000Z',
    updated_at: '2026-03-10T12:00:00.000Z',
    components: [],
    updates: [update(id, 'We will upgrade the database.', '2026-03-10T12:00:00.000Z')],
    apology: null,
    compensation: null,
    short_notice: false,
    postmortem: null,
    ...o,
  }
  return { record, revision }
}

const NAMES = new Map([
  ['pay', 'Payments API'],
  ['dash', 'Dashboard'],
  ['login', 'Login'],
])

function input(windows: CalendarWindow[], o: Partial<CalendarInput> = {}): CalendarInput {
  return {
    page: PAGE,
    source: `https://${HOST}/maintenance.ics`,
    windows,
    componentNames: NAMES,
    subscriber: null,
    wording: calendarWording('en'),
    ...o,
  }
}

const held = (...ids: string[]) => ids.map((id) => ({ id, status: 'under_maintenance' as const }))

describe('maintenance calendar (core/calendar.ts)', () => {
  it('one VEVENT per window, in UTC, with a stable UID, DTSTAMP, SEQUENCE, URL and status', () => {
    const windows = [
      windowOf('aaa', { components: held('pay') }, 3),
      windowOf('bbb', { cancelled_at: '2026-03-11T09:00:00.000Z', status: 'completed' }, 2),
    ]
    const ics = renderCalendar(input(windows))
    const cal = readCalendar(ics)
    expect(cal.problems).toEqual([])
    expect(cal.calendar?.['WR-CALNAME']).toBe('Example Status maintenance')
    expect(ics).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n')
    expect(ics).toContain('\r\nDTSTART:20260312T220000Z\r\nDTEND:20260313T003000Z\r\n')
    const a = cal.byUid.get(`aaa@${HOST}`)!
    expect(a.sequence).toBe(3)
    expect(new Date(a.start).toISOString()).toBe('2026-03-12T22:00:00.000Z')
    expect(new Date(a.end!).toISOString()).toBe('2026-03-13T00:30:00.000Z')
    expect(new Date(a.dtstamp).toISOString()).toBe('2026-03-10T12:00:00.000Z')
    expect(textOf(a.summary)).toBe('Maintenance: Database upgrade')
    expect(a.status).toBe('CONFIRMED')
    expect(a.transparency).toBe('TRANSPARENT')
    expect(textOf(a.url)).toBe(`https://${HOST}/maintenance/aaa/`)
    // What is affected, what to expect (in the page's zone, like the emails), and the link.
    expect(a.description).toBe(
      [
        'Status: Scheduled',
        'Scheduled from 12 Mar 2026, 23:00 CET to 13 Mar 2026, 01:30 CET',
        'In this maintenance: Payments API',
        '',
        'We will upgrade the database.',
        '',
        `See this maintenance on the status page: https://${HOST}/maintenance/aaa/`,
      ].join('\n'),
    )
    const b = cal.byUid.get(`bbb@${HOST}`)!
    expect(b.status).toBe('CANCELLED')
    expect(b.description).toMatch(/^Status: Cancelled\n/)
    expect(b.description).toContain('No specific service is marked as affected.')
  })

  it('renders the same bytes for the same windows, whatever order they come in', () => {
    const windows = [
      windowOf('c1', { scheduled_for: '2026-04-01T10:00:00.000Z' }, 1),
      windowOf('c2', { scheduled_for: '2026-03-20T10:00:00.000Z' }),
      windowOf('c3', { scheduled_for: '2026-03-20T10:00:00.000Z' }, 5),
    ]
    const first = renderCalendar(input(windows))
    expect(renderCalendar(input([...windows].reverse()))).toBe(first)
    expect(renderCalendar(input(windows.map((w) => structuredClone(w))))).toBe(first)
    expect(readCalendar(first).events.map((e) => e.uid)).toEqual([
      `c2@${HOST}`,
      `c3@${HOST}`,
      `c1@${HOST}`,
    ])
  })

  it('a newer update follows the announcement; a reschedule shows as a higher SEQUENCE', () => {
    const at = '2026-03-12T22:00:00.000Z'
    const w = windowOf(
      'ddd',
      {
        status: 'in_progress',
        updated_at: at,
        updates: [
          update('ddd', 'Scheduled maintenance is now in progress.', at, 'in_progress'),
          update('ddd', 'We will upgrade the database.', '2026-03-10T12:00:00.000Z'),
        ],
      },
      4,
    )
    const e = readCalendar(renderCalendar(input([w]))).byUid.get(`ddd@${HOST}`)!
    expect(e.description).toContain(
      'We will upgrade the database.\n\nScheduled maintenance is now in progress.',
    )
    expect(e.description).toMatch(/^Status: In progress\n/)
    expect(e.sequence).toBe(4)
    expect(new Date(e.dtstamp).toISOString()).toBe(at)
  })

  it("a subscriber's calendar holds the windows of their components, and names only theirs", () => {
    const windows = [
      windowOf('w1', { components: held('pay') }),
      windowOf('w2', { components: held('dash') }),
      windowOf('w3', { components: held('pay', 'login') }),
      windowOf('w4'),
    ]
    const mine = readCalendar(
      renderCalendar(input(windows, { subscriber: { all: false, components: ['pay'] } })),
    )
    expect(mine.problems).toEqual([])
    expect(mine.events.map((e) => e.uid).sort()).toEqual([`w1@${HOST}`, `w3@${HOST}`])
    expect(mine.byUid.get(`w3@${HOST}`)!.description).toContain(
      'Your services in this maintenance: Payments API\n',
    )
    expect(mine.calendar?.['WR-CALNAME']).toBe('Example Status maintenance (your services)')
    const all = readCalendar(
      renderCalendar(input(windows, { subscriber: { all: true, components: [] } })),
    )
    expect(all.events).toHaveLength(4)
    expect(all.byUid.get(`w3@${HOST}`)!.description).toContain(
      'Your services in this maintenance: Payments API and Login\n',
    )
    // The fan-out's rule: a window naming no component reaches those who follow everything.
    expect(inScope({ all: false, components: ['pay'] }, windows[3]!.record)).toBe(false)
    expect(inScope({ all: true, components: [] }, windows[3]!.record)).toBe(true)
  })

  it('speaks the subscriber language', () => {
    const w = windowOf('zh1', { components: held('pay') })
    const cal = readCalendar(
      renderCalendar(
        input([w], {
          subscriber: { all: true, components: [] },
          wording: calendarWording('zh-CN'),
        }),
      ),
    )
    expect(cal.problems).toEqual([])
    const e = cal.byUid.get(`zh1@${HOST}`)!
    expect(textOf(e.summary)).toBe('维护：Database upgrade')
    expect(e.description).toMatch(/^状态：已计划\n计划时间：/)
    expect(cal.calendar?.['WR-CALNAME']).toBe('Example Status 维护计划（您关注的服务）')
  })
})

/**
 * Text people wrote, in every shape that could break a calendar: RFC 5545's special characters,
 * line breaks that could start a property of their own, lines long enough to fold (across
 * multi-byte characters and surrogate pairs), and characters TEXT may not hold.
 * [label, input, what a reader must get back]
 */
const CONTROL_CODES = [
  ...Array.from({ length: 32 }, (_, i) => i).filter((c) => c !== 9 && c !== 10 && c !== 13),
  0x7f,
  0x80,
  0x85,
  0x9f,
]
const VARIANTS: [string, string, string][] = [
  ['comma', 'Backup, then upgrade', 'Backup, then upgrade'],
  ['semicolon', 'Backup; upgrade', 'Backup; upgrade'],
  ['backslash', 'C:\\data\\db', 'C:\\data\\db'],
  ['a backslash and n', 'path\\nnot a break', 'path\\nnot a break'],
  ['backslash before a comma', 'a\\,b', 'a\\,b'],
  ['trailing backslash', 'ends with \\', 'ends with \\'],
  ['colon and property text', 'STATUS:CANCELLED', 'STATUS:CANCELLED'],
  ['double quotes', 'the "core" cluster', 'the "core" cluster'],
  ['tab', 'a\tb', 'a\tb'],
  ['LF', 'first\nsecond', 'first\nsecond'],
  ['CRLF', 'first\r\nsecond', 'first\nsecond'],
  ['CR', 'first\rsecond', 'first\nsecond'],
  ['LF then a property', 'x\nSTATUS:CANCELLED', 'x\nSTATUS:CANCELLED'],
  [
    'CRLF then an event',
    'x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil',
    'x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil',
  ],
  ['CR then a component', 'x\rBEGIN:VALARM', 'x\nBEGIN:VALARM'],
  ['CRLF then a folded line', 'x\r\n SUMMARY:y', 'x\n SUMMARY:y'],
  ['long ASCII', 'x'.repeat(500), 'x'.repeat(500)],
  ['long with escapes', 'a,b;c\\'.repeat(60), 'a,b;c\\'.repeat(60)],
  ['long CJK', '数据库维护'.repeat(60), '数据库维护'.repeat(60)],
  ['long emoji', '🛠️🔧'.repeat(60), '🛠️🔧'.repeat(60)],
  ['long mixed', `é${'x'.repeat(72)}€😀`.repeat(5), `é${'x'.repeat(72)}€😀`.repeat(5)],
  ['U+2028 and U+2029', 'a\u2028b\u2029c', 'a\nb\nc'],
  ['non-breaking space', 'a\u00a0b', 'a\u00a0b'],
  ['lone high surrogate', 'a\ud800b', 'ab'],
  ['lone low surrogate', 'a\udc00b', 'ab'],
  ['U+FFFE', 'a\ufffeb', 'ab'],
  ['U+FFFF', 'a\uffffb', 'ab'],
  ...CONTROL_CODES.map((c): [string, string, string] => [
    `U+${c.toString(16).padStart(4, '0').toUpperCase()}`,
    `a${String.fromCharCode(c)}b`,
    'ab',
  ]),
]

const WINDOW = `Status: Scheduled\nScheduled from 12 Mar 2026, 23:00 CET to 13 Mar 2026, 01:30 CET`

/**
 * Where people's text enters a calendar: its property, and what a reader must find there (null:
 * the text is rewritten, as markdown is, and only the structure is checked).
 */
const FIELDS: {
  name: string
  property: string
  render(text: string): string
  /** The part of the property's text that shows `expected`, or null. */
  shown(text: string): string | null
  want: ((expected: string) => string) | null
  /** The same as node-ical reads it. */
  parsed(cal: ReturnType<typeof readCalendar>): string
}[] = [
  {
    name: 'window name',
    property: 'SUMMARY',
    render: (text) => renderCalendar(input([windowOf('v1', { name: text })])),
    shown: (t) => t,
    want: (e) => `Maintenance: ${e}`,
    parsed: (cal) => textOf(cal.byUid.get(`v1@${HOST}`)?.summary),
  },
  {
    name: 'component name',
    property: 'DESCRIPTION',
    render: (text) =>
      renderCalendar(
        input([windowOf('v1', { components: held('pay') })], {
          componentNames: new Map([['pay', text]]),
        }),
      ),
    shown: (t) => t.split('\n\nWe will upgrade')[0] ?? '',
    want: (e) => `${WINDOW}\nIn this maintenance: ${e}`,
    parsed: (cal) => textOf(cal.byUid.get(`v1@${HOST}`)?.description),
  },
  {
    name: 'page name',
    property: 'X-WR-CALNAME',
    render: (text) => renderCalendar(input([windowOf('v1')], { page: { ...PAGE, name: text } })),
    shown: (t) => t,
    want: (e) => `${e} maintenance`,
    parsed: (cal) => textOf(cal.calendar?.['WR-CALNAME']),
  },
  {
    name: 'update body (markdown)',
    property: 'DESCRIPTION',
    render: (text) =>
      renderCalendar(
        input([
          windowOf('v1', {
            updates: [update('v1', `Before ${text} after`, '2026-03-10T12:00:00.000Z')],
          }),
        ]),
      ),
    shown: () => null,
    want: null,
    parsed: (cal) => textOf(cal.byUid.get(`v1@${HOST}`)?.description),
  },
]

describe('user text in calendars', () => {
  it('every variant in every field stays inside its property, escaped, folded and readable', () => {
    const through: string[] = []
    let checked = 0
    for (const field of FIELDS) {
      for (const [label, text, expected] of VARIANTS) {
        checked++
        const what = `${field.name} / ${label}`
        const ics = field.render(text)
        const cal = readCalendar(ics)
        for (const p of cal.problems) through.push(`${what}: ${p}`)
        if (cal.events.length !== 1) through.push(`${what}: ${cal.events.length} events`)
        const raw = rawProperty(ics, field.property)
        const read = raw === null ? '' : unescapeText(raw)
        if (field.want && field.shown(read) !== field.want(expected))
          through.push(`${what}: read back ${JSON.stringify(field.shown(read))}`)
        // The independent parser reads the same, but for its own slip (fixtures/calendar.ts).
        if (!/\\[nN]/.test(text) && field.parsed(cal) !== read)
          through.push(`${what}: node-ical read ${JSON.stringify(field.parsed(cal))}`)
        const description = textOf(cal.byUid.get(`v1@${HOST}`)?.description)
        if (!description.endsWith(`on the status page: https://${HOST}/maintenance/v1/`))
          through.push(`${what}: the description lost its link`)
        if (!field.want && !/Before[\s\S]*after/.test(description))
          through.push(`${what}: the body is cut`)
      }
    }
    expect(through).toEqual([])
    console.info(
      `calendar text: ${VARIANTS.length} variants x ${FIELDS.length} fields (${checked} calendars): 0 got through`,
    )
  })

  it('calendarText keeps what TEXT may hold and drops the rest', () => {
    expect(calendarText('a\tb\nc\r\nd, e; f\\ g 数据 🛠️')).toBe('a\tb\nc\r\nd, e; f\\ g 数据 🛠️')
    expect(calendarText('a\u0000\u0008\u000b\u001f\u007f\u0085\ud800\ufffeb')).toBe('ab')
    expect(calendarText('a\u2028b\u2029c')).toBe('a\nb\nc')
  })
})
