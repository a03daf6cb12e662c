import { describe, expect, it } from 'vitest'
import { DEFAULT_SLO_TARGETS, dueNudges, incidentSlo } from '../../core/communication-slo.ts'
import { dueNotices, followUpAt, noticeWarning } from '../../core/maintenance-notice.ts'

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
