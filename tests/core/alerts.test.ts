import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  labelKey,
  matchRule,
  prometheusSignals,
  statusOfSeverity,
  worseStatus,
} from '../../core/alerts.ts'
import { PrometheusNotification, type AlertRule } from '../../core/schemas/alerts.ts'

const real = (name: string) =>
  PrometheusNotification.parse(
    JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/alerts', name), 'utf8')),
  )

const rule = (over: Partial<AlertRule>): AlertRule => ({
  id: 'r00000000000',
  source: null,
  match: {},
  component_id: 'c00000000000',
  component_status: 'major_outage',
  auto_publish: false,
  position: 0,
  created_at: '2026-03-10T12:00:00.000Z',
  ...over,
})

describe('alerts as Amends reads them', () => {
  it("reads Alertmanager's real firing and resolved notifications", () => {
    const firing = prometheusSignals('alertmanager', real('alertmanager-firing.json'))
    const resolved = prometheusSignals('alertmanager', real('alertmanager-resolved.json'))
    expect(firing.map((s) => s.status)).toEqual(['firing', 'firing'])
    expect(resolved.map((s) => s.status)).toEqual(['resolved', 'resolved'])
    // The same alerts: the fingerprint is the identity a resolve is matched by.
    expect(resolved.map((s) => s.key).sort()).toEqual(firing.map((s) => s.key).sort())
    for (const s of firing) {
      expect(s.key).toMatch(/^[0-9a-f]{16}$/)
      expect(s.summary).not.toBe('')
      expect(s.labels.service).toBeTruthy()
    }
  })

  it('keys an alert without a fingerprint by its sorted labels', () => {
    expect(labelKey({ b: '2', a: '1' })).toBe(labelKey({ a: '1', b: '2' }))
    expect(labelKey({ a: '1' })).not.toBe(labelKey({ a: '2' }))
  })

  it('maps severities the way monitoring systems word them', () => {
    const cases: [string | null, string][] = [
      ['critical', 'major_outage'],
      ['CRITICAL ', 'major_outage'],
      ['page', 'major_outage'],
      ['sev1', 'major_outage'],
      ['warning', 'degraded_performance'],
      ['info', 'degraded_performance'],
      ['P3', 'degraded_performance'],
      ['error', 'partial_outage'],
      ['high', 'partial_outage'],
      [null, 'partial_outage'],
      ['', 'partial_outage'],
    ]
    for (const [severity, status] of cases)
      expect(statusOfSeverity(severity), String(severity)).toBe(status)
    expect(worseStatus('degraded_performance', 'major_outage')).toBe('major_outage')
    expect(worseStatus('partial_outage', 'degraded_performance')).toBe('partial_outage')
  })

  it('takes the first rule by position whose every label matches, for its source or any', () => {
    const signal = prometheusSignals('grafana', {
      alerts: [
        { status: 'firing', labels: { service: 'pay', severity: 'critical' }, annotations: {} },
      ],
    })[0]!
    const rules = [
      rule({ id: 'late', position: 5, match: { service: 'pay' } }),
      rule({ id: 'first', position: 1, match: { service: 'pay', severity: 'critical' } }),
      rule({ id: 'am-only', position: 0, source: 'alertmanager', match: { service: 'pay' } }),
      rule({ id: 'other', position: 0, match: { service: 'pay', severity: 'warning' } }),
    ]
    expect(matchRule(rules, signal)?.id).toBe('first')
    expect(matchRule([rules[0]!], signal)?.id).toBe('late')
    expect(matchRule([rules[2]!, rules[3]!], signal)).toBeNull()
  })
})
