import { describe, expect, it } from 'vitest'
import { dueNotices, followUpAt, noticeWarning } from '../../core/maintenance-notice.ts'

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
