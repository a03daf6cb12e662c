import { describe, expect, it } from 'vitest'
import { countSms } from '../../core/sms-text.ts'
import type { YourServices } from '../../templates/personal.ts'
import {
  renderSmsCode,
  renderSmsRecord,
  SMS_WORDS,
  type SmsRecordInput,
} from '../../templates/sms.ts'

const page = { name: 'Example Status', url: 'https://status.example.com', timeZone: 'UTC' }
const mine: YourServices = { all: false, affected: ['Payments API'], working: [], recovered: [] }
const record = {
  name: 'Database upgrade',
  path: '/maintenance/m1/',
  components: [{ id: 'pay', name: 'Payments API', status: 'under_maintenance' as const }],
  scheduled_for: '2026-03-12T02:00:00.000Z',
  scheduled_until: '2026-03-12T03:00:00.000Z',
}
const maintenance = (o: Partial<SmsRecordInput>): SmsRecordInput => ({
  locale: 'en',
  page,
  kind: 'maintenance',
  record,
  status: 'scheduled',
  notice: null,
  update: null,
  yours: mine,
  ...o,
})
const LINK = 'https://status.example.com/maintenance/m1/'

describe('texts about maintenance', () => {
  it('says when it starts, reminds, runs late, is cancelled; the time is never cut', () => {
    const lines = (o: Partial<SmsRecordInput>) => renderSmsRecord(maintenance(o)).text.split('\n')
    // 160 characters: the personal line gives way before the time.
    expect(lines({})).toEqual([
      'Example Status: Maintenance (Scheduled): Database upgrade',
      'Starts 12 Mar, 02:00 UTC.',
      LINK,
      'Reply STOP to unsubscribe',
    ])
    expect(
      lines({ page: { ...page, name: 'Acme' }, record: { ...record, name: 'DB work' } }),
    ).toEqual([
      'Acme: Maintenance (Scheduled): DB work',
      'Starts 12 Mar, 02:00 UTC.',
      'Affects your Payments API',
      LINK,
      'Reply STOP to unsubscribe',
    ])
    expect(lines({ notice: 'reminder_1h' }).slice(0, 2)).toEqual([
      'Example Status: Maintenance: Database upgrade',
      'Starts in 1 hour: 12 Mar, 02:00 UTC.',
    ])
    expect(lines({ notice: 'reminder_24h' })[1]).toBe('Starts in 24 hours: 12 Mar, 02:00 UTC.')
    expect(lines({ status: 'in_progress', notice: 'overrun' })[1]).toBe(
      'Running late: due to end 12 Mar, 03:00 UTC.',
    )
    expect(lines({ status: 'cancelled' })[0]).toBe(
      'Example Status: Maintenance (Cancelled): Database upgrade',
    )
    const done = { ...mine, recovered: ['API', 'Web', 'Login', 'Search'] }
    expect(lines({ page: { ...page, name: 'Acme' }, status: 'completed', yours: done })).toEqual([
      'Acme: Maintenance (Completed): Database upgrade',
      'Working normally again: API, Web and 2 more',
      LINK,
      'Reply STOP to unsubscribe',
    ])
    // A list that does not fit is left out whole, never cut to its label.
    expect(lines({ status: 'completed', yours: done })).toEqual([
      'Example Status: Maintenance (Completed): Database upgrade',
      LINK,
      'Reply STOP to unsubscribe',
    ])
  })

  it('in Chinese too, within two UCS-2 segments', () => {
    const f = renderSmsRecord(maintenance({ locale: 'zh-CN', notice: 'reminder_1h' }))
    expect(f.text.split('\n')).toEqual([
      '【Example Status】维护：Database upgrade',
      '1 小时后开始：3月12日 UTC 02:00。',
      '涉及您关注的：Payments API',
      LINK,
      '回复STOP退订',
    ])
    expect(f).toMatchObject({ encoding: 'UCS-2', fits: true })
    expect(f.segments).toBeLessThanOrEqual(2)
  })
})

describe('the confirmation code text', () => {
  it('leads with the code in each language, one segment in English, two at most in Chinese', () => {
    const en = renderSmsCode({ locale: 'en', page: 'Example Status', code: '012345' })
    expect(en.text.startsWith('Your Example Status status code: 012345.')).toBe(true)
    expect(en).toMatchObject({ encoding: 'GSM-7', segments: 1 })
    const zh = renderSmsCode({ locale: 'zh-CN', page: 'Example Status', code: '012345' })
    expect(zh.text.startsWith('您的 Example Status 状态通知验证码：012345。')).toBe(true)
    expect(zh.text.endsWith('回复STOP退订')).toBe(true)
    expect(zh.segments).toBeLessThanOrEqual(2)
    // A long page name shortens the explanation, never the code or the way out.
    const long = renderSmsCode({ locale: 'en', page: 'A'.repeat(90), code: '999999' })
    expect(long.text).toContain('status code: 999999.')
    expect(long.text.endsWith('\nReply STOP to unsubscribe')).toBe(true)
    expect(long.fits).toBe(true)
  })
})

describe('every text, whatever it is about', () => {
  it('keeps the link and the way out whole, within budget, English in GSM-7 unless it cannot be', () => {
    const names = [
      'Payments down',
      'Card payments failing for some customers in Europe and North America since this morning',
      '“Checkout” isn’t loading — again…',
      'API ~ latency {p99} > 2s | [EU] €',
      '🔥 Everything is on fire 🔥',
      '支付接口错误',
      'Zürich & Malmö: Ñandú ß',
      'x'.repeat(400),
      '',
    ]
    const updates = [
      null,
      'Fixed.',
      'We identified a faulty release and are rolling it back; next update in 30 minutes.'.repeat(
        3,
      ),
      'Résumé: “smart” quotes – dashes … and\nline\tbreaks',
      '👍🏽 rolled back',
    ]
    const services: YourServices[] = [
      mine,
      { all: true, affected: [], working: [], recovered: [] },
      {
        all: false,
        affected: Array.from({ length: 12 }, (_, i) => `Service ${i}`),
        working: [],
        recovered: [],
      },
    ]
    const pages = ['Example Status', 'Ünïcödé Status 🚦', 'P'.repeat(80)]
    let variants = 0
    let through = 0
    for (const locale of Object.keys(SMS_WORDS))
      for (const name of names)
        for (const update of updates)
          for (const yours of services)
            for (const p of pages)
              for (const [kind, status] of [
                ['incident', 'investigating'],
                ['incident', 'resolved'],
                ['maintenance', 'scheduled'],
              ] as const) {
                variants++
                const f = renderSmsRecord({
                  locale,
                  page: { ...page, name: p },
                  kind,
                  record: { ...record, name, path: '/incidents/abcdefghijkl/' },
                  status,
                  notice: null,
                  update,
                  yours,
                })
                const stop = SMS_WORDS[locale as keyof typeof SMS_WORDS].stop
                const lines = f.text.split('\n')
                const gsmPossible =
                  locale === 'en' && countSms(`${name}${update ?? ''}${p}`).encoding === 'GSM-7'
                const ok =
                  f.fits &&
                  f.segments <= (f.encoding === 'GSM-7' ? 1 : 2) &&
                  lines.at(-1) === stop &&
                  lines.at(-2) === 'https://status.example.com/incidents/abcdefghijkl/' &&
                  (!gsmPossible || f.encoding === 'GSM-7')
                if (!ok) through++
              }
    expect(`${variants} variants x 4 fields: ${through} got through`).toBe(
      `${variants} variants x 4 fields: 0 got through`,
    )
  })
})
