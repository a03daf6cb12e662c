// Dates, durations and the affected sentence in the page's language and time zone.
import { describe, expect, it } from 'vitest'
import { affectedSentence } from '../../core/affected-sentence.ts'
import {
  formatClock,
  formatDate,
  formatDuration,
  formatMonth,
  formatMonthName,
  formatTime,
  monthIn,
  monthStartIn,
  nextMonth,
} from '../../core/format.ts'
import { catalogFor } from '../../templates/locales/index.ts'

const AT = '2026-11-23T04:12:00.000Z'

describe('formatting per locale', () => {
  it('English stays as it was; Chinese reads as Chinese', () => {
    expect(formatTime(AT)).toBe('23 Nov 2026, 04:12 UTC')
    expect(formatTime(AT, 'UTC', 'en')).toBe('23 Nov 2026, 04:12 UTC')
    expect(formatTime(AT, 'UTC', 'zh-CN')).toBe('2026年11月23日 04:12 UTC')
    expect(formatTime(AT, 'Asia/Shanghai', 'zh-CN')).toBe('2026年11月23日 12:12 GMT+8')
    expect(formatClock(AT, 'UTC', 'zh-CN')).toBe('04:12 UTC')
    expect(formatDate('2026-11-23', 'Asia/Shanghai', 'zh-CN')).toBe('2026年11月23日')
    expect(formatMonth('2026-11')).toBe('November 2026')
    expect(formatMonth('2026-11', 'zh-CN')).toBe('2026年11月')
    expect(formatMonthName('2026-11')).toBe('November')
    expect(formatMonthName('2026-11', 'zh-CN')).toBe('11月')
  })

  it('durations: the same rounding in every language', () => {
    const cases: [number, string, string][] = [
      [0, '0 min', '0分钟'],
      [45 * 60_000, '45 min', '45分钟'],
      [3 * 3_600_000, '3 h', '3小时'],
      [(3 * 60 + 12) * 60_000, '3 h 12 min', '3小时12分钟'],
      [52 * 3_600_000, '2 d 4 h', '2天4小时'],
    ]
    for (const [ms, en, zh] of cases) {
      expect(formatDuration(ms)).toBe(en)
      expect(formatDuration(ms, 'zh-CN')).toBe(zh)
    }
  })

  it('months in the page’s zone, across DST changes and year ends', () => {
    expect(monthIn('2026-10-31T16:30:00.000Z', 'Asia/Shanghai')).toBe('2026-11')
    expect(monthIn('2026-10-31T15:30:00.000Z', 'Asia/Shanghai')).toBe('2026-10')
    expect(monthIn('2027-01-01T03:00:00.000Z', 'America/New_York')).toBe('2026-12')
    expect(monthIn('2026-12-31T23:59:00.000Z', 'UTC')).toBe('2026-12')
    const zones = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/Paris', 'Asia/Kathmandu']
    let checked = 0
    for (const tz of zones) {
      for (let m = 1; m <= 12; m++) {
        const month = `2026-${String(m).padStart(2, '0')}`
        const start = monthStartIn(month, tz)
        // The first instant of the month is in it; the one before is in the month before.
        expect(monthIn(start, tz), `${month} ${tz}`).toBe(month)
        expect(monthIn(new Date(Date.parse(start) - 1).toISOString(), tz)).not.toBe(month)
        expect(monthIn(monthStartIn(nextMonth(month), tz), tz)).toBe(nextMonth(month))
        checked++
      }
    }
    expect(checked).toBe(60)
  })
})

describe('the affected sentence per locale', () => {
  const all = [
    { id: 'p', name: 'Payments API', status: 'partial_outage' as const },
    { id: 'd', name: 'Dashboard', status: 'operational' as const },
    { id: 'l', name: 'Login', status: 'operational' as const },
  ]
  it('one rule, said in each language', () => {
    const affected = [{ id: 'p', status: 'partial_outage' as const }]
    expect(affectedSentence(all, affected)).toBe(
      'Only Payments API is affected; Dashboard and Login are working normally.',
    )
    expect(affectedSentence(all, affected, catalogFor('en').site.incident.affected)).toBe(
      'Only Payments API is affected; Dashboard and Login are working normally.',
    )
    expect(affectedSentence(all, affected, catalogFor('zh-CN').site.incident.affected)).toBe(
      '仅Payments API受到影响；Dashboard和Login运行正常。',
    )
    const everything = all.map((c) => ({ id: c.id, status: 'major_outage' as const }))
    expect(affectedSentence(all, everything)).toBe(
      'Payments API, Dashboard and Login are affected.',
    )
    expect(affectedSentence(all, everything, catalogFor('zh-CN').site.incident.affected)).toBe(
      'Payments API、Dashboard和Login受到影响。',
    )
    for (const locale of ['en', 'zh-CN'])
      expect(affectedSentence(all, [], catalogFor(locale).site.incident.affected)).toBeNull()
  })
})
