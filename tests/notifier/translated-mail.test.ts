import { simpleParser, type ParsedMail } from 'mailparser'
import { afterEach, describe, expect, it } from 'vitest'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { startReceiver, type HttpReceiver } from '../fixtures/http-receiver.ts'
import { addWebhookSubscriber } from '../fixtures/url-subscribers.ts'
import { addChatSubscriber, posts, PRIVATE_OK } from './chat-fixtures.ts'
import { addSubscriber, createMailWorld, type MailWorld } from './world.ts'

const receivers: HttpReceiver[] = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})

const HAN = /\p{Script=Han}/u
const ENV = { ...PRIVATE_OK, LOCALES: 'en,zh-CN' }

/** Every email to `address`, parsed, oldest first. */
async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  const all = await Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
  return all.sort((a, b) => a.date!.getTime() - b.date!.getTime())
}
const whole = (m: ParsedMail) => `${m.subject}\n${m.text}\n${String(m.html)}`

describe('every message in one language: the wrapper and the incident text', () => {
  it('an incident written in en and zh-CN: each reader gets theirs, the subject follows the status, the thread chains', async () => {
    const w = await createMailWorld({ env: ENV })
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const en = await addSubscriber(t.deps.db, { locale: 'en' })
    const zh = await addSubscriber(t.deps.db, { locale: 'zh-CN' })
    const rx = await startReceiver()
    receivers.push(rx)
    await addChatSubscriber(t.deps.db, 'slack', `${rx.url}/en`)
    await addChatSubscriber(t.deps.db, 'slack', `${rx.url}/zh`, { locale: 'zh-CN' })
    await addWebhookSubscriber(t.deps, `${rx.url}/hook`)
    const inc = await makeIncident(t, {
      name: { en: 'Card payments failing', 'zh-CN': '银行卡支付失败' },
      body: { en: 'Charges fail for all cards.', 'zh-CN': '所有银行卡扣款均失败。' },
      workaround: { en: 'Pay by bank transfer.', 'zh-CN': '请改用银行转账付款。' },
      components: { [pay.id]: 'major_outage' },
    })
    t.clock.advance(20 * 60_000)
    const res = await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {
      body: { en: 'Charges succeed again.', 'zh-CN': '扣款已恢复正常。' },
      apology: { en: 'We are sorry for the failed payments.', 'zh-CN': '支付失败，非常抱歉。' },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    await w.settle()

    const [enOpen, enDone] = await mailsTo(w, en.email)
    const [zhOpen, zhDone] = await mailsTo(w, zh.email)
    expect([enOpen, enDone, zhOpen, zhDone].every(Boolean)).toBe(true)
    expect(enOpen!.subject).toBe('[Example Status] Investigating: Card payments failing')
    expect(enDone!.subject).toBe('[Example Status] Resolved: Card payments failing')
    expect(zhOpen!.subject).toBe('[Example Status] 正在调查：银行卡支付失败')
    expect(zhDone!.subject).toBe('[Example Status] 已解决：银行卡支付失败')
    // The catalog's words and the incident's text, in the reader's language only.
    expect(enOpen!.text).toContain('Status: Investigating')
    expect(enOpen!.text).toContain('Charges fail for all cards.')
    expect(enOpen!.text).toContain('What you can do meanwhile:\nPay by bank transfer.')
    expect(enDone!.text).toContain('Our apology:\nWe are sorry for the failed payments.')
    expect(zhOpen!.text).toContain('状态：正在调查')
    expect(zhOpen!.text).toContain('所有银行卡扣款均失败。')
    expect(zhOpen!.text).toContain('请改用银行转账付款。')
    expect(zhDone!.text).toContain('支付失败，非常抱歉。')
    expect(zhOpen!.text).toContain(`https://status.example.com/zh-CN/incidents/${inc.id}/`)
    for (const m of [enOpen!, enDone!]) expect(whole(m)).not.toMatch(HAN)
    for (const m of [zhOpen!, zhDone!]) {
      for (const english of ['Card payments', 'Charges', 'bank transfer', 'sorry'])
        expect(whole(m)).not.toContain(english)
    }
    // Threading as before: the resolution replies to the first email of each reader.
    for (const [s, open, done] of [
      [en, enOpen!, enDone!],
      [zh, zhOpen!, zhDone!],
    ] as const) {
      expect(open.messageId).toBe(`<incident.${inc.id}.${s.id}@status.example.com>`)
      expect(done.inReplyTo).toBe(open.messageId)
      expect(done.references).toBe(open.messageId)
    }

    // Chat: each channel in its own language; the Statuspage webhook JSON in the default one.
    const enPosts = posts(rx, '/en').map((p) => JSON.stringify(p))
    const zhPosts = posts(rx, '/zh').map((p) => JSON.stringify(p))
    expect(enPosts).toHaveLength(2)
    expect(zhPosts).toHaveLength(2)
    for (const p of enPosts) expect(p).not.toMatch(HAN)
    expect(zhPosts[0]).toContain('银行卡支付失败')
    for (const p of zhPosts) expect(p).not.toMatch(/Card payments|Charges|bank transfer/)
    const hook = posts(rx, '/hook').map((p) => JSON.stringify(p))
    expect(hook).toHaveLength(2)
    for (const p of hook) {
      expect(p).toContain('Card payments failing')
      expect(p).not.toMatch(HAN)
    }
  })

  it('an incident written in English only reaches a zh-CN reader wholly in English, wrapper included', async () => {
    const w = await createMailWorld({ env: ENV })
    const { t } = w
    const pay = await makeComponent(t, { name: 'Payments API' })
    const zh = await addSubscriber(t.deps.db, { locale: 'zh-CN' })
    const rx = await startReceiver()
    receivers.push(rx)
    await addChatSubscriber(t.deps.db, 'discord', `${rx.url}/zh`, { locale: 'zh-CN' })
    // Translated name, untranslated body: still not all the text is Chinese, so English.
    const inc = await makeIncident(t, {
      name: 'Card payments failing',
      body: 'Charges fail for all cards.',
      components: { [pay.id]: 'major_outage' },
    })
    const half = await makeIncident(t, {
      name: { en: 'Checkout errors', 'zh-CN': '结账出错' },
      body: 'Checkout fails for some customers.',
      components: {},
    })
    await w.settle()
    const mails = await mailsTo(w, zh.email)
    expect(mails).toHaveLength(2)
    for (const m of mails) {
      expect(whole(m)).not.toMatch(HAN)
      expect(m.text).toContain('Status: Investigating')
      expect(String(m.html)).toContain('lang="en"')
    }
    expect(mails.map((m) => m.subject).sort()).toEqual([
      '[Example Status] Investigating: Card payments failing',
      '[Example Status] Investigating: Checkout errors',
    ])
    expect(mails.map((m) => m.text).join()).toContain(`/incidents/${inc.id}/`)
    expect(mails.map((m) => m.text).join()).not.toContain('/zh-CN/')
    const chat = posts(rx, '/zh').map((p) => JSON.stringify(p))
    expect(chat).toHaveLength(2)
    for (const p of chat) expect(p).not.toMatch(HAN)
    void half
  })

  it('readers of one locale get one rendering (built once per event and locale)', async () => {
    const w = await createMailWorld({ env: ENV })
    const { t } = w
    const a = await addSubscriber(t.deps.db, { locale: 'zh-CN' })
    const b = await addSubscriber(t.deps.db, { locale: 'zh-CN' })
    await makeIncident(t, {
      name: { en: 'Slow dashboard', 'zh-CN': '控制台缓慢' },
      body: { en: 'Pages load slowly.', 'zh-CN': '页面加载缓慢。' },
      components: {},
    })
    await w.settle()
    const [ma] = await mailsTo(w, a.email)
    const [mb] = await mailsTo(w, b.email)
    // Two readers of one locale share one rendering: only the personal parts differ.
    const shared = (m: ParsedMail) =>
      m.text!.split('\n').filter((l) => !/https:\/\/\S+\/(manage|unsubscribe)\//.test(l))
    expect(shared(ma!)).toEqual(shared(mb!))
    expect(ma!.subject).toBe('[Example Status] 正在调查：控制台缓慢')
  })
})
