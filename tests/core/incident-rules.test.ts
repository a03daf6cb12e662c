import { describe, expect, it } from 'vitest'
import { DomainError } from '../../core/errors.ts'
import { assertMaintenanceTransition, isOpen, restingStatus } from '../../core/incident-rules.ts'
import type { IncidentRecord } from '../../core/records.ts'

const record = (over: Partial<IncidentRecord>): IncidentRecord => ({
  id: 'aaaaaaaaaaaa',
  kind: 'incident',
  name: 'x',
  status: 'investigating',
  impact: 'minor',
  workaround: null,
  started_at: '',
  identified_at: null,
  monitoring_at: null,
  resolved_at: null,
  scheduled_for: null,
  scheduled_until: null,
  auto_transition: false,
  cancelled_at: null,
  created_at: '',
  updated_at: '',
  components: [],
  updates: [],
  apology: null,
  compensation: null,
  short_notice: false,
  postmortem: null,
  ...over,
})

describe('incident rules', () => {
  it('resting status is the worst other open holder, else operational', () => {
    const closing = record({
      id: 'closing00000',
      components: [{ id: 'c1', status: 'major_outage' }],
    })
    const other = record({
      id: 'other0000000',
      components: [{ id: 'c1', status: 'degraded_performance' }],
    })
    const resolved = record({
      id: 'resolved0000',
      status: 'resolved',
      components: [{ id: 'c1', status: 'major_outage' }],
    })
    const maint = record({
      id: 'maint0000000',
      kind: 'maintenance',
      status: 'in_progress',
      components: [{ id: 'c1', status: 'under_maintenance' }],
    })
    expect(restingStatus('c1', closing, [closing])).toBe('operational')
    expect(restingStatus('c1', closing, [closing, other, resolved])).toBe('degraded_performance')
    expect(restingStatus('c1', closing, [closing, maint])).toBe('under_maintenance')
    expect(restingStatus('c2', closing, [other])).toBe('operational')
  })

  it('maintenance is open only while in progress or verifying', () => {
    expect(isOpen(record({ kind: 'maintenance', status: 'scheduled' }))).toBe(false)
    expect(isOpen(record({ kind: 'maintenance', status: 'verifying' }))).toBe(true)
    expect(isOpen(record({ status: 'monitoring' }))).toBe(true)
    expect(isOpen(record({ status: 'resolved' }))).toBe(false)
  })

  it('maintenance moves only forward and never after it closes', () => {
    const m = (status: IncidentRecord['status'], cancelled_at: string | null = null) =>
      record({ kind: 'maintenance', status, cancelled_at })
    expect(() => assertMaintenanceTransition(m('scheduled'), 'verifying')).not.toThrow()
    expect(() => assertMaintenanceTransition(m('in_progress'), 'in_progress')).not.toThrow()
    expect(() => assertMaintenanceTransition(m('verifying'), 'in_progress')).toThrow(DomainError)
    expect(() => assertMaintenanceTransition(m('completed'), 'completed')).toThrow(
      /completed or cancelled/,
    )
    expect(() =>
      assertMaintenanceTransition(m('scheduled', '2026-01-01T00:00:00Z'), 'in_progress'),
    ).toThrow(DomainError)
  })
})
