import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { addSubscriber, createMailWorld } from './world.ts'

describe('the service credit in each subscriber’s language', () => {
  it('a zh-CN subscriber reads the credit in Chinese, an English one in English', async () => {
    const w = await createMailWorld({ env: { TIME_ZONE: 'Asia/Shanghai', LOCALES: 'en,zh-CN' } })
    const { t } = w
    t.clock.set('2026-02-20T00:00:00.000Z')
    const pay = await makeComponent(t, { name: 'Payments API', sla_target: 99.9 })
    const zh = await addSubscriber(t.deps.db, { email: 'zh@shop.example', locale: 'zh-CN' })
    const en = await addSubscriber(t.deps.db, { email: 'en@shop.example' })
    t.clock.set('2026-03-10T10:00:00.000Z')
    const opened = await t.api('POST', '/api/v1/incidents', {
      name: { en: 'Card payments failing', 'zh-CN': '银行卡支付失败' },
      status: 'investigating',
      impact: 'major',
      body: 'Card charges are failing.',
      components: { [pay.id]: 'major_outage' },
      deliver_notifications: false,
    })
    const id = opened.body.id as string
    t.clock.set('2026-03-10T13:12:00.000Z')
    await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: { en: 'Charges succeed again.', 'zh-CN': '扣款已恢复正常。' },
      apology: { en: 'We are sorry.', 'zh-CN': '非常抱歉。' },
    })
    // 3 h 12 min down in the first 9.9 days of March in Shanghai: 98.65%, below 99%.
    const credit = await t.api('PUT', `/api/v1/incidents/${id}/compensation`, {
      decision: 'accepted',
    })
    expect(credit.body.sentences_by_locale).toEqual({
      en: [
        'Because Payments API was unavailable for 3 h 12 min this month, your account receives a 25% service credit.',
      ],
      'zh-CN': ['由于 Payments API 本月累计不可用 3 小时 12 分钟，您的账户将获得 25% 的服务抵扣。'],
    })
    expect(credit.body.sentences).toEqual(credit.body.sentences_by_locale.en)
    await w.settle()

    const text = async (address: string, body: string) =>
      (await Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw))))
        .map((m) => m.text ?? '')
        .find((x) => x.includes(body))!
    const chinese = await text(zh.email, '扣款已恢复正常。')
    expect(chinese).toContain('我们为您提供的补偿')
    expect(chinese).toContain(credit.body.sentences_by_locale['zh-CN'][0])
    expect(chinese).not.toContain('service credit')
    const english = await text(en.email, 'Charges succeed again.')
    expect(english).toContain(credit.body.sentences[0])
    expect(english).not.toContain('服务抵扣')
  })
})
