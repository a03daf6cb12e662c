import { describe, expect, it } from 'vitest'
import {
  DEFAULT_SLO_TARGETS,
  dueNudges,
  incidentSlo,
  percentile,
  reportResponse,
  reportSummary,
  summarise,
  type IncidentTimeline,
} from '../../core/communication-slo.ts'

const MIN = 60
const at = (hhmm: string, day = 10) => `2026-11-${day}T${hhmm}:00.000Z`
const now = (hhmm: string, day = 10) => new Date(at(hhmm, day))

/** An incident opened at 10:20 about an impact that started at 10:00 (backdated by 20 min). */
const backdated: IncidentTimeline = {
  impact: 'major',
  started_at: at('10:00'),
  created_at: at('10:20'),
  resolved_at: null,
  update_times: [at('10:20')],
  postmortem_published_at: null,
}
const slo = (t: Partial<IncidentTimeline>, when: Date) =>
  incidentSlo({ ...backdated, ...t }, DEFAULT_SLO_TARGETS, when)

describe('time to the first public message', () => {
  it('backdated impact start: measured from the start, against the 15-minute target', () => {
    expect(slo({}, now('10:30')).first_message).toEqual({
      state: 'measured',
      at: at('10:20'),
      seconds: 20 * MIN,
      met: false,
    })
    const quick = slo({ created_at: at('10:09'), update_times: [at('10:09')] }, now('10:30'))
    expect(quick.first_message).toMatchObject({ state: 'measured', seconds: 9 * MIN, met: true })
    // Exactly on the target is on time.
    const edge = slo({ update_times: [at('10:15')] }, now('10:30'))
    expect(edge.first_message).toMatchObject({ seconds: 15 * MIN, met: true })
  })

  it('not backdated: 0 by construction, so "opened at impact start", not an on-time 0', () => {
    const opened = slo(
      { started_at: at('10:20'), created_at: at('10:20'), update_times: [at('10:20')] },
      now('10:30'),
    )
    expect(opened.first_message).toEqual({
      state: 'opened_at_impact_start',
      at: at('10:20'),
      seconds: null,
      met: null,
    })
    // A start up to a minute ahead of the first message is clock skew the API accepts: the same.
    const skew = slo({ started_at: '2026-11-10T10:20:59.000Z' }, now('10:30'))
    expect(skew.first_message.state).toBe('opened_at_impact_start')
  })

  it('an update before started_at told customers ahead of the impact: 0, on time', () => {
    const ahead = slo({ started_at: at('10:45'), update_times: [at('10:20')] }, now('11:00'))
    expect(ahead.first_message).toEqual({
      state: 'ahead_of_impact',
      at: at('10:20'),
      seconds: 0,
      met: true,
    })
  })

  it('the first message is the earliest update, whatever order they come in', () => {
    const s = slo({ update_times: [at('11:00'), at('10:12'), at('10:40')] }, now('11:10'))
    expect(s.first_message).toMatchObject({ at: at('10:12'), seconds: 12 * MIN, met: true })
  })

  it('no message yet: waiting (in time, then late); resolved without one: never', () => {
    const waiting = { update_times: [], created_at: at('10:00') }
    expect(slo(waiting, now('10:10')).first_message).toEqual({
      state: 'waiting',
      at: null,
      seconds: 10 * MIN,
      met: null,
    })
    expect(slo(waiting, now('10:16')).first_message).toMatchObject({
      state: 'waiting',
      seconds: 16 * MIN,
      met: false,
    })
    expect(slo({ ...waiting, resolved_at: at('11:00') }, now('12:00')).first_message).toEqual({
      state: 'never',
      at: null,
      seconds: null,
      met: false,
    })
  })
})

describe('gaps between updates against the promised cadence (60 min)', () => {
  const updates = [at('10:20'), at('11:10'), at('12:40'), at('13:30')]

  it('lists every gap with its promise, counts the broken ones', () => {
    const s = slo({ update_times: updates, resolved_at: at('13:30') }, now('14:00'))
    expect(s.gaps).toEqual([
      { from: at('10:20'), to: at('11:10'), seconds: 50 * MIN, due_at: at('11:20'), late: false },
      { from: at('11:10'), to: at('12:40'), seconds: 90 * MIN, due_at: at('12:10'), late: true },
      { from: at('12:40'), to: at('13:30'), seconds: 50 * MIN, due_at: at('13:40'), late: false },
    ])
    expect(s.broken_promises).toBe(1)
    expect(s.longest_gap_s).toBe(90 * MIN)
    expect(s.next_update_due_at).toBeNull()
    expect(s.time_to_resolve_s).toBe(210 * MIN)
  })

  it('unresolved: the silence since the last update is a running gap, late once past the promise', () => {
    const open = { update_times: [at('10:20')] }
    const at49 = slo(open, now('11:09'))
    expect(at49.gaps).toEqual([
      { from: at('10:20'), to: null, seconds: 49 * MIN, due_at: at('11:20'), late: false },
    ])
    expect(at49.broken_promises).toBe(0)
    expect(at49.next_update_due_at).toBe(at('11:20'))
    const at61 = slo(open, now('11:21'))
    expect(at61.gaps[0]).toMatchObject({ to: null, seconds: 61 * MIN, late: true })
    expect(at61.broken_promises).toBe(1)
    expect(at61.time_to_resolve_s).toBeNull()
  })

  it('exactly on the promise is kept; one update only leaves no gap', () => {
    const kept = slo(
      { update_times: [at('10:20'), at('11:20')], resolved_at: at('11:20') },
      now('12:00'),
    )
    expect(kept.gaps).toHaveLength(1)
    expect(kept.gaps[0]!.late).toBe(false)
    const single = slo({ resolved_at: at('10:20') }, now('12:00'))
    expect(single.gaps).toEqual([])
    expect(single.longest_gap_s).toBe(0)
  })

  it('a silence after a resolution promised nothing: a reopening starts the clock again', () => {
    const s = slo(
      {
        update_times: [at('10:20'), at('11:00'), at('09:00', 12), at('09:30', 12)],
        resolved_update_times: [at('11:00'), at('09:30', 12)],
        resolved_at: at('09:30', 12),
      },
      now('10:00', 12),
    )
    expect(s.gaps.map((g) => [g.from, g.seconds])).toEqual([
      [at('10:20'), 40 * MIN],
      [at('09:00', 12), 30 * MIN],
    ])
    expect(s.broken_promises).toBe(0)
  })
})

describe('post-mortem delay (major and critical, 5 days)', () => {
  const resolved = { resolved_at: at('13:00') }

  it('is not required of minor incidents, and waits for the resolution', () => {
    expect(slo({ ...resolved, impact: 'minor' }, now('00:00', 30)).postmortem).toEqual({
      required: false,
      state: 'not_required',
      due_at: null,
      published_at: null,
      seconds: null,
    })
    expect(slo({}, now('12:00')).postmortem).toMatchObject({
      required: true,
      state: 'awaiting_resolution',
      due_at: null,
      seconds: null,
    })
  })

  it('unpublished: due with the delay so far, then late; never counted as met', () => {
    expect(slo(resolved, now('13:00', 14)).postmortem).toEqual({
      required: true,
      state: 'due',
      due_at: at('13:00', 15),
      published_at: null,
      seconds: 4 * 86_400,
    })
    expect(slo(resolved, now('13:01', 15)).postmortem).toMatchObject({
      state: 'late',
      seconds: 5 * 86_400 + 60,
    })
  })

  it('published: on time up to the due time, late after it, with the delay', () => {
    const onTime = slo({ ...resolved, postmortem_published_at: at('13:00', 15) }, now('00:00', 20))
    expect(onTime.postmortem).toMatchObject({ state: 'on_time', seconds: 5 * 86_400 })
    const late = slo({ ...resolved, postmortem_published_at: at('09:00', 16) }, now('00:00', 20))
    expect(late.postmortem).toMatchObject({
      state: 'published_late',
      seconds: 5 * 86_400 + 20 * 3600,
    })
  })

  it('nudges on-call before a promise is missed, never after', () => {
    const open = slo({}, now('11:09'))
    expect(dueNudges(open, now('11:09'))).toEqual([])
    expect(dueNudges(open, now('11:10'))).toEqual([{ kind: 'update_due', due_at: at('11:20') }])
    const due = slo(resolved, now('14:00', 14))
    expect(dueNudges(due, now('12:00', 14))).toEqual([])
    expect(dueNudges(due, now('14:00', 14))).toEqual([
      { kind: 'postmortem_due', due_at: at('13:00', 15) },
    ])
    expect(dueNudges(slo(resolved, now('14:00', 15)), now('14:00', 15))).toEqual([])
  })
})

describe('report response times against 2 h and 24 h', () => {
  const report = (answered: string | null, status = answered ? 'answered' : 'open') => ({
    created_at: at('10:00'),
    first_answered_at: answered,
    status,
  })

  it('answered: within 2 h (inclusive), within 24 h, after 24 h', () => {
    const when = now('00:00', 20)
    expect(reportResponse(report(at('11:59')), when)).toEqual({
      state: 'within_2h',
      seconds: 119 * MIN,
    })
    expect(reportResponse(report(at('12:00')), when).state).toBe('within_2h')
    expect(reportResponse(report(at('12:01')), when).state).toBe('within_24h')
    expect(reportResponse(report(at('10:00', 11)), when).state).toBe('within_24h')
    expect(reportResponse(report(at('10:01', 11)), when)).toEqual({
      state: 'after_24h',
      seconds: 24 * 3600 + 60,
    })
  })

  it('unanswered: open, late after 2 h, overdue after 24 h; closed without a reply apart', () => {
    expect(reportResponse(report(null), now('11:00'))).toEqual({ state: 'open', seconds: 3600 })
    expect(reportResponse(report(null), now('12:01')).state).toBe('late')
    expect(reportResponse(report(null), now('10:01', 11))).toEqual({
      state: 'overdue',
      seconds: 24 * 3600 + 60,
    })
    expect(reportResponse(report(null, 'closed'), now('10:00', 12))).toEqual({
      state: 'closed_unanswered',
      seconds: null,
    })
  })

  it('rates count the unanswered ones whose time is up, and only those', () => {
    const when = now('13:00', 11) // 27 h after 10:00 on the 10th
    const s = reportSummary(
      [
        report(at('10:30')), // 30 min
        report(at('11:30')), // 90 min
        report(at('14:00')), // 4 h
        report(null), // 27 h: overdue
        { ...report(null), created_at: at('12:30', 11) }, // 30 min: open
        { ...report(null), created_at: at('10:00', 11) }, // 3 h: late
        report(null, 'closed'),
      ].map((r) => reportResponse(r, when)),
    )
    expect(s).toEqual({
      received: 7,
      answered: 3,
      within_2h: 2,
      within_24h: 1,
      after_24h: 0,
      open: 1,
      late: 1,
      overdue: 1,
      closed_unanswered: 1,
      median_first_response_s: 90 * MIN,
      within_2h_rate: 2 / 5, // 3 answered + late + overdue
      within_24h_rate: 3 / 4, // 3 answered + overdue
    })
    expect(reportSummary([])).toMatchObject({
      received: 0,
      within_2h_rate: null,
      median_first_response_s: null,
    })
  })
})

describe('a window of incidents', () => {
  it('leaves opened-at-impact-start incidents out of rates and medians', () => {
    const when = now('00:00', 20)
    const s = summarise(
      [
        slo({ update_times: [at('10:20'), at('11:40')], resolved_at: at('11:40') }, when), // 20 min, gap 80
        slo({ update_times: [at('10:06'), at('10:50')], resolved_at: at('10:50') }, when), // 6 min, gap 44
        slo({ started_at: at('10:20'), resolved_at: at('10:20') }, when), // not measured
        slo({ started_at: at('10:45'), resolved_at: at('10:45') }, when), // ahead: 0
      ],
      [],
    )
    expect(s.first_message).toEqual({
      measured: 3,
      not_measured: 1,
      pending: 0,
      on_time: 2,
      late: 1,
      median_s: 6 * MIN,
      on_time_rate: 2 / 3,
    })
    expect(s.cadence).toEqual({
      gaps: 2,
      kept: 1,
      broken: 1,
      incidents_with_broken_promises: 1,
      median_gap_s: 62 * MIN,
      longest_gap_s: 80 * MIN,
      kept_rate: 0.5,
    })
    expect(s.postmortems).toMatchObject({ required: 4, late: 4, on_time: 0, on_time_rate: 0 })
  })

  it('an empty window has counts of 0 and no rates or medians, never 100 %', () => {
    const s = summarise([], [])
    expect(s.incidents).toBe(0)
    expect(s.first_message).toMatchObject({ median_s: null, on_time_rate: null })
    expect(s.cadence).toMatchObject({ median_gap_s: null, longest_gap_s: null, kept_rate: null })
    expect(s.postmortems).toMatchObject({ median_delay_s: null, on_time_rate: null })
    expect(s.median_time_to_resolve_s).toBeNull()
    // Only incidents opened at impact start: nothing measurable, still no rate.
    const only = summarise(
      [slo({ started_at: at('10:20'), resolved_at: at('10:20'), impact: 'minor' }, now('12:00'))],
      [],
    )
    expect(only.first_message).toMatchObject({ measured: 0, not_measured: 1, on_time_rate: null })
  })
})

describe('percentile (nearest rank)', () => {
  it('is always one of the values: the smallest with p % at or below it', () => {
    expect(percentile([], 90)).toBeNull()
    expect(percentile([7], 90)).toBe(7)
    expect(percentile([3, 1, 2], 90)).toBe(3)
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 90)).toBe(9)
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5, 11], 90)).toBe(10)
    expect(percentile([4, 1, 3, 2], 50)).toBe(2)
    expect(percentile([4, 1, 3, 2], 100)).toBe(4)
  })
})
