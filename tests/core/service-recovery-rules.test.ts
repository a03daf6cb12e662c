import { describe, expect, it } from 'vitest'
import { componentCredit, parseCreditPolicy } from '../../core/compensation.ts'
import { DEFAULT_SLO_TARGETS, dueNudges, incidentSlo } from '../../core/communication-slo.ts'
import { dueNotices, followUpAt, noticeWarning } from '../../core/maintenance-notice.ts'
import type { StatusChange } from '../../core/uptime.ts'

const policy = parseCreditPolicy('sla:10,99:25,95:100')
const api = { id: 'c1', name: 'Payments API', sla_target: 99.9 }
const h = (...xs: [string, StatusChange['status']][]): StatusChange[] =>
  xs.map(([at, status]) => ({ at: new Date(at), status }))

describe('compensation', () => {
  it('parses the policy and names a bad tier', () => {
    expect(policy).toEqual([
      { below: 'sla', credit: 10 },
      { below: 99, credit: 25 },
      { below: 95, credit: 100 },
    ])
    expect(() => parseCreditPolicy('sla:10,ninety:5')).toThrow(/ninety/)
    expect(() => parseCreditPolicy('99:150')).toThrow(/between 0 and 100/)
  })

  it('month-to-date availability picks the tier; within target gives nothing', () => {
    // November, 23 days in: 3 h 12 min of major outage → 99.42% → below 99.9 → 10%.
    const history = h(
      ['2026-10-01T00:00:00Z', 'operational'],
      ['2026-11-14T10:00:00Z', 'major_outage'],
      ['2026-11-14T13:12:00Z', 'operational'],
    )
    const c = componentCredit(api, history, policy, new Date('2026-11-24T00:00:00Z'))
    expect(c.availability).toBeCloseTo(100 * (1 - (192 * 60) / (23 * 86400)), 10)
    expect(c.down_seconds).toBe(192 * 60)
    expect(c.credit).toBe(10)
    const calm = componentCredit(
      api,
      h(['2026-10-01T00:00:00Z', 'operational']),
      policy,
      new Date('2026-11-24T00:00:00Z'),
    )
    expect(calm).toMatchObject({ availability: 100, credit: 0 })
  })

  it('counts only this month at a month boundary', () => {
    // An outage from 30 Oct to 1 Nov 02:00 counts two hours in November, not three days.
    const history = h(
      ['2026-10-01T00:00:00Z', 'operational'],
      ['2026-10-30T00:00:00Z', 'major_outage'],
      ['2026-11-01T02:00:00Z', 'operational'],
    )
    const early = componentCredit(api, history, policy, new Date('2026-11-01T04:00:00Z'))
    expect(early.down_seconds).toBe(7200)
    expect(early.availability).toBeCloseTo(50, 10)
    expect(early.credit).toBe(100)
    const october = componentCredit(api, history, policy, new Date('2026-10-31T23:59:59Z'))
    expect(october.down_seconds).toBe(2 * 86400 - 1)
  })

  it('overlapping incidents never count the same minute twice', () => {
    // Two incidents overlap; the history has one timeline, so 2 h down is 2 h, not 3 h.
    const history = h(
      ['2026-11-01T00:00:00Z', 'operational'],
      ['2026-11-10T00:00:00Z', 'partial_outage'],
      ['2026-11-10T01:00:00Z', 'major_outage'],
      ['2026-11-10T02:00:00Z', 'operational'],
    )
    const c = componentCredit(api, history, policy, new Date('2026-11-20T00:00:00Z'))
    expect(c.down_seconds).toBe(3600 + 0.3 * 3600)
  })

  it('uses each component its own SLA for the first tier', () => {
    const strict = { ...api, sla_target: 99.99 }
    const history = h(
      ['2026-11-01T00:00:00Z', 'operational'],
      ['2026-11-10T00:00:00Z', 'major_outage'],
      ['2026-11-10T00:05:00Z', 'operational'],
    )
    const at = new Date('2026-11-20T00:00:00Z')
    expect(componentCredit(api, history, policy, at).credit).toBe(0)
    expect(componentCredit(strict, history, policy, at).credit).toBe(10)
  })
})

describe('communication SLOs', () => {
  const base = {
    impact: 'major',
    started_at: '2026-11-10T10:00:00.000Z',
    created_at: '2026-11-10T10:20:00.000Z',
    postmortem_published_at: null,
  }

  it('time to first update, longest gap, resolve time', () => {
    const s = incidentSlo(
      {
        ...base,
        resolved_at: '2026-11-10T13:00:00.000Z',
        update_times: ['2026-11-10T10:20:00Z', '2026-11-10T11:50:00Z', '2026-11-10T13:00:00Z'],
      },
      DEFAULT_SLO_TARGETS,
      new Date('2026-11-11T00:00:00Z'),
    )
    expect(s).toMatchObject({
      time_to_first_update_s: 1200,
      first_update_met: false,
      longest_gap_s: 5400,
      cadence_met: false,
      time_to_resolve_s: 10800,
    })
    expect(s.postmortem_due_at).toBe('2026-11-15T13:00:00.000Z')
    expect(s.postmortem_met).toBeNull()
  })

  it('an unresolved incident is silent until now; nudges come before the deadline, not after', () => {
    const t = { ...base, resolved_at: null, update_times: ['2026-11-10T10:20:00Z'] }
    const at49 = incidentSlo(t, DEFAULT_SLO_TARGETS, new Date('2026-11-10T11:09:00Z'))
    expect(at49.longest_gap_s).toBe(49 * 60)
    expect(at49.next_update_due_at).toBe('2026-11-10T11:20:00.000Z')
    expect(dueNudges(at49, new Date('2026-11-10T11:09:00Z'))).toEqual([])
    expect(dueNudges(at49, new Date('2026-11-10T11:10:00Z'))).toEqual([
      { kind: 'update_due', due_at: '2026-11-10T11:20:00.000Z' },
    ])
  })

  it('post-mortems: due 5 days after resolution for major and critical only; late is counted', () => {
    const resolved = {
      ...base,
      resolved_at: '2026-11-10T13:00:00.000Z',
      update_times: ['2026-11-10T10:20:00Z'],
    }
    expect(
      incidentSlo(
        { ...resolved, impact: 'minor' },
        DEFAULT_SLO_TARGETS,
        new Date('2026-12-01T00:00:00Z'),
      ).postmortem_required,
    ).toBe(false)
    expect(
      incidentSlo(resolved, DEFAULT_SLO_TARGETS, new Date('2026-11-16T00:00:00Z')).postmortem_met,
    ).toBe(false)
    expect(
      incidentSlo(
        { ...resolved, postmortem_published_at: '2026-11-14T09:00:00Z' },
        DEFAULT_SLO_TARGETS,
        new Date('2026-11-16T00:00:00Z'),
      ).postmortem_met,
    ).toBe(true)
    const s = incidentSlo(resolved, DEFAULT_SLO_TARGETS, new Date('2026-11-14T14:00:00Z'))
    expect(dueNudges(s, new Date('2026-11-14T14:00:00Z'))).toEqual([
      { kind: 'postmortem_due', due_at: '2026-11-15T13:00:00.000Z' },
    ])
    expect(dueNudges(s, new Date('2026-11-14T12:00:00Z'))).toEqual([])
  })
})

describe('maintenance notice and reminders', () => {
  const w = {
    created_at: '2026-11-01T00:00:00Z',
    scheduled_for: '2026-11-10T12:00:00Z',
    scheduled_until: '2026-11-10T14:00:00Z',
    status: 'scheduled',
    cancelled_at: null,
  }

  it('flags short notice', () => {
    expect(noticeWarning(w.created_at, w.scheduled_for)).toBeNull()
    expect(noticeWarning('2026-11-09T12:00:00Z', w.scheduled_for)).toMatchObject({
      code: 'short_notice',
      notice_hours: 24,
    })
    expect(noticeWarning('2026-11-08T12:00:01Z', w.scheduled_for, 48)?.code).toBe('short_notice')
  })

  it('reminds 24 h and 1 h before, once each, never after the start', () => {
    expect(dueNotices(w, new Date('2026-11-09T11:59:59Z'), new Set())).toEqual([])
    expect(dueNotices(w, new Date('2026-11-09T12:00:00Z'), new Set())).toEqual(['reminder_24h'])
    expect(dueNotices(w, new Date('2026-11-09T18:00:00Z'), new Set(['reminder_24h']))).toEqual([])
    expect(dueNotices(w, new Date('2026-11-10T11:00:00Z'), new Set(['reminder_24h']))).toEqual([
      'reminder_1h',
    ])
    // Down for a day: at 11:30 only the 1 h reminder is still meaningful.
    expect(dueNotices(w, new Date('2026-11-10T11:30:00Z'), new Set())).toEqual(['reminder_1h'])
    expect(dueNotices(w, new Date('2026-11-10T12:00:00Z'), new Set())).toEqual([])
  })

  it('skips a reminder whose time passed before the announcement', () => {
    const short = { ...w, created_at: '2026-11-10T06:00:00Z' }
    expect(dueNotices(short, new Date('2026-11-10T07:00:00Z'), new Set())).toEqual([])
    expect(dueNotices(short, new Date('2026-11-10T11:00:00Z'), new Set())).toEqual(['reminder_1h'])
  })

  it('sends one overrun notice when a window runs late', () => {
    const running = { ...w, status: 'in_progress' }
    expect(dueNotices(running, new Date('2026-11-10T14:00:00Z'), new Set())).toEqual([])
    expect(dueNotices(running, new Date('2026-11-10T14:00:01Z'), new Set())).toEqual(['overrun'])
    expect(dueNotices(running, new Date('2026-11-10T15:00:00Z'), new Set(['overrun']))).toEqual([])
    expect(
      dueNotices({ ...running, status: 'completed' }, new Date('2026-11-10T15:00:00Z'), new Set()),
    ).toEqual([])
  })

  it('follow-up goes the configured number of days after resolution', () => {
    expect(followUpAt('2026-11-10T13:00:00.000Z', 3)).toBe('2026-11-13T13:00:00.000Z')
  })
})
