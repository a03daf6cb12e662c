import { simpleParser } from 'mailparser'
import { afterEach, describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { startReceiver, type HttpReceiver } from '../fixtures/http-receiver.ts'
import {
  addChatSubscriber,
  CHATS,
  follow,
  linksIn,
  posts,
  PRIVATE_OK,
  requestConfirmation,
  statusOf,
} from './chat-fixtures.ts'
import { createMailWorld } from './world.ts'

const receivers: HttpReceiver[] = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})
async function receiver(onRequest?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(onRequest)
  receivers.push(r)
  return r
}

const SITE = 'https://status.example.com'

describe('chat channels: what a channel is told', () => {
  it('posts one personal message to each app, and nothing to a channel following another component', async () => {
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const rx = await receiver()
    const pay = await makeComponent(t, { name: 'Payments API' })
    const dash = await makeComponent(t, { name: 'Dashboard' })
    const login = await makeComponent(t, { name: 'Login' })
    for (const c of CHATS) {
      await addChatSubscriber(t.deps.db, c, `${rx.url}/${c}`, { components: [pay.id, dash.id] })
      await addChatSubscriber(t.deps.db, c, `${rx.url}/${c}-login`, { components: [login.id] })
    }
    const inc = await makeIncident(t, {
      name: 'Payments are failing',
      components: { [pay.id]: 'major_outage' },
      workaround: 'Retry the payment: no card is charged twice.',
    })
    await w.settle()

    expect(rx.received.map((r) => r.path).sort()).toEqual(['/discord', '/slack', '/teams'])
    for (const r of rx.received) {
      expect(r.method).toBe('POST')
      expect(r.headers['content-type']).toBe('application/json')
      // Only what this subscription follows: never the other channel's component.
      expect(r.raw).not.toContain('Login')
    }
    const page = `${SITE}/incidents/${inc.id}/`

    const [slack] = posts(rx, '/slack')
    expect(slack.text).toBe('Investigating: Payments are failing')
    expect(slack.blocks.map((b: any) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
      'actions',
      'context',
    ])
    const [header, facts, workaround, update, when, actions, footer] = slack.blocks
    expect(header.text).toEqual({
      type: 'plain_text',
      text: '🟠 Investigating: Payments are failing',
      emoji: true,
    })
    expect(facts.fields.map((f: any) => f.text)).toEqual([
      '*Affected for you*\nPayments API',
      '*Still working*\nDashboard',
    ])
    expect(workaround.text.text).toBe(
      '*What you can do meanwhile*\nRetry the payment: no card is charged twice.',
    )
    expect(update.text.text).toBe('*Latest update*\nWe are looking into failed payments.')
    expect(when.elements.map((e: any) => e.text)).toEqual([
      'Status: Investigating · Major impact',
      'Posted 10 Mar 2026, 12:00 UTC',
    ])
    expect(actions.elements).toEqual([
      {
        type: 'button',
        action_id: 'link_0',
        text: { type: 'plain_text', text: 'View incident', emoji: true },
        url: page,
        style: 'primary',
      },
    ])
    expect(footer.elements[0].text).toMatch(
      /^This channel is subscribed to Example Status updates about Payments API and Dashboard\.\n<https:\/\/status\.example\.com\/manage\/\S+\|Change what you receive> · <https:\/\/status\.example\.com\/unsubscribe\/\S+\|Unsubscribe>$/,
    )
    for (const b of slack.blocks)
      for (const x of [b.text, ...(b.fields ?? []), ...(b.elements ?? [])])
        if (x?.type === 'mrkdwn') expect(x.verbatim).toBe(true)

    const [teams] = posts(rx, '/teams')
    expect(teams.type).toBe('message')
    expect(teams.attachments).toHaveLength(1)
    const card = teams.attachments[0]
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' })
    const body = card.content.body
    expect(body[0]).toMatchObject({
      type: 'TextBlock',
      text: 'Investigating: Payments are failing',
      color: 'Attention',
      wrap: true,
    })
    expect(body.find((b: any) => b.type === 'FactSet').facts).toEqual([
      { title: 'Affected for you', value: 'Payments API' },
      { title: 'Still working', value: 'Dashboard' },
    ])
    const texts = body.filter((b: any) => b.type === 'TextBlock').map((b: any) => b.text)
    expect(texts).toContain('Retry the payment: no card is charged twice.')
    expect(texts).toContain('We are looking into failed payments.')
    expect(card.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'View incident', url: page },
    ])
    expect(texts.at(-1)).toMatch(
      /\[Change what you receive\]\(https:\/\/status\.example\.com\/manage\//,
    )
    expect(texts.at(-1)).toMatch(/\[Unsubscribe\]\(https:\/\/status\.example\.com\/unsubscribe\//)

    const [discord] = posts(rx, '/discord')
    expect(discord.allowed_mentions).toEqual({ parse: [] })
    expect(discord.embeds).toHaveLength(1)
    const embed = discord.embeds[0]
    expect(embed).toMatchObject({
      title: 'Investigating: Payments are failing',
      url: page,
      color: 0xe16f24,
      timestamp: '2026-03-10T12:00:00.000Z',
    })
    expect(embed.fields).toEqual([
      { name: 'Affected for you', value: 'Payments API', inline: true },
      { name: 'Still working', value: 'Dashboard', inline: true },
      {
        name: 'What you can do meanwhile',
        value: 'Retry the payment: no card is charged twice.',
        inline: false,
      },
    ])
    expect(embed.description).toMatch(
      /^\*\*Latest update\*\*\nWe are looking into failed payments\.\n\n\[Change what you receive\]\(https:\/\/status\.example\.com\/manage\/\S+\) · \[Unsubscribe\]\(https:\/\/status\.example\.com\/unsubscribe\/\S+\)$/,
    )
    expect(embed.footer.text).toBe(
      'Status: Investigating · Major impact\nPosted 10 Mar 2026, 12:00 UTC\nThis channel is subscribed to Example Status updates about Payments API and Dashboard.',
    )

    // Every link works: the page is ours, the manage and unsubscribe links open their pages.
    for (const c of CHATS) {
      const [post] = posts(rx, `/${c}`)
      const links = linksIn(c, post)
      expect(links).toContain(page)
      const manage = links.find((l) => l.startsWith(`${SITE}/manage/`))!
      expect((await t.app.request(manage.slice(SITE.length))).status).toBe(200)
      expect(links.some((l) => l.startsWith(`${SITE}/unsubscribe/`))).toBe(true)
    }
  })

  it('reads right for each kind of news: updates, resolution with an apology, post-mortem, follow-up, maintenance, in Chinese too', async () => {
    const w = await createMailWorld({ env: { ...PRIVATE_OK, LOCALES: 'en,zh-CN' } })
    const { t } = w
    const rx = await receiver()
    t.clock.set('2026-03-01T00:00:00.000Z')
    const pay = await makeComponent(t, { name: 'Payments API' })
    await makeComponent(t, { name: 'Dashboard' })
    await addChatSubscriber(t.deps.db, 'slack', `${rx.url}/slack`, { components: [pay.id] })
    await addChatSubscriber(t.deps.db, 'discord', `${rx.url}/zh`, { locale: 'zh-CN' })
    await addChatSubscriber(t.deps.db, 'teams', `${rx.url}/teams`)

    t.clock.set('2026-03-10T10:00:00.000Z')
    const inc = await makeIncident(t, {
      name: { en: 'Card payments failing', 'zh-CN': '银行卡支付失败' },
      body: { en: 'We are looking into failed payments.', 'zh-CN': '我们正在调查支付失败。' },
      components: { [pay.id]: 'major_outage' },
    })
    const id = inc.id as string
    // One step at a time, so each channel gets the posts in order.
    await w.settle()
    t.clock.advance(3_600_000)
    await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: { en: 'Charges succeed again.', 'zh-CN': '扣款已恢复正常。' },
      apology: {
        en: 'We are sorry: your customers could not pay you for an hour.',
        'zh-CN': '非常抱歉：您的客户有一个小时无法付款。',
      },
    })
    await w.settle()
    t.clock.advance(86_400_000)
    await t.api('PUT', `/api/v1/incidents/${id}/postmortem`, {
      body: {
        en: '## Root cause\n\nFailover was manual.',
        'zh-CN': '## 根本原因\n\n故障切换靠人工完成。',
      },
    })
    await t.api('POST', `/api/v1/incidents/${id}/postmortem/publish`, { notify: true })
    await w.settle()
    t.clock.set('2026-03-13T11:00:00.000Z')
    await createScheduler(t.deps).tick()
    await w.settle()
    const mnt = await makeMaintenance(t, {
      name: { en: 'Database upgrade', 'zh-CN': '数据库升级' },
      body: { en: 'We will upgrade the database.', 'zh-CN': '我们将升级数据库。' },
      components: [pay.id],
    })
    await w.settle()

    const slack = posts(rx, '/slack')
    expect(slack.map((p) => p.text)).toEqual([
      'Investigating: Card payments failing',
      'Resolved: Card payments failing',
      'Post-mortem published: Card payments failing',
      'Card payments failing',
      'Maintenance (Scheduled): Database upgrade',
    ])
    const sections = (p: any) =>
      p.blocks.filter((b: any) => b.type === 'section').map((b: any) => b.text?.text ?? '')
    const [, resolved, postmortem, followUp, maintenance] = slack
    expect(resolved.blocks[0].text.text).toBe('✅ Resolved: Card payments failing')
    expect(resolved.blocks[1].fields.map((f: any) => f.text)).toEqual([
      '*Was affected*\nPayments API',
      '*Working normally again*\nPayments API',
    ])
    expect(sections(resolved)).toContain(
      '*Our apology*\nWe are sorry: your customers could not pay you for an hour.',
    )
    expect(sections(resolved).join()).not.toContain('What you can do meanwhile')
    expect(sections(postmortem)).toContain(
      '*Post-mortem: what happened and what we are changing*\nRoot cause\n----------\n\nFailover was manual.',
    )
    expect(sections(followUp)[1]).toMatch(/^\*Is everything working again\?\*\nWe resolved/)
    const answers = followUp.blocks.find((b: any) => b.type === 'actions').elements
    expect(answers.map((e: any) => e.text.text)).toEqual([
      'Yes, everything works',
      'No, I still have a problem',
      'View incident',
    ])
    expect(answers[0].url).toMatch(/^https:\/\/status\.example\.com\/follow-up\//)
    expect(maintenance.blocks[1].fields.map((f: any) => f.text)).toEqual([
      expect.stringMatching(/^\*When\*\n13 Mar 2026, 12:00 UTC to 13 Mar 2026, 13:00 UTC$/),
      '*Your services in this maintenance*\nPayments API',
    ])
    expect(maintenance.blocks.find((b: any) => b.type === 'actions').elements[0]).toMatchObject({
      text: { text: 'View maintenance' },
      url: `${SITE}/maintenance/${mnt.id}/`,
    })

    const zh = posts(rx, '/zh').map((p) => p.embeds[0])
    expect(zh.map((e) => e.title)).toEqual([
      '正在调查：银行卡支付失败',
      '已解决：银行卡支付失败',
      '事后分析已发布：银行卡支付失败',
      '银行卡支付失败',
      '维护（已计划）：数据库升级',
    ])
    expect(zh[0].fields[0]).toEqual({
      name: '您受影响的服务',
      value: 'Payments API',
      inline: true,
    })
    expect(zh[1].color).toBe(0x1f883d)
    // Wrapper and text in one language: no English text inside the Chinese post.
    expect(zh[1].description).toContain('**我们的致歉**\n非常抱歉')
    expect(zh[2].description).toContain('故障切换靠人工完成。')
    for (const e of zh) expect(JSON.stringify(e)).not.toMatch(/Card payments|sorry|Failover/)
    expect(zh[0].footer.text).toContain('此频道订阅了 Example Status 关于所有服务的通知。')

    const teams = posts(rx, '/teams').map((p) => p.attachments[0].content)
    expect(teams).toHaveLength(5)
    const facts = teams[4].body.find((b: any) => b.type === 'FactSet').facts
    expect(facts.map((f: any) => f.title)).toEqual([
      'When',
      'Your services in this maintenance',
      'Not affected',
    ])
    expect(facts[2].value).toBe('Dashboard')
  })
})

describe('chat channels: confirmation through the channel itself', () => {
  it('posts a confirmation link to the channel; following it confirms the subscription', async () => {
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const rx = await receiver()
    const pay = await makeComponent(t, { name: 'Payments API' })
    const ids: Record<string, string> = {}
    for (const c of CHATS) {
      ids[c] = await addChatSubscriber(t.deps.db, c, `${rx.url}/${c}`, {
        status: 'pending',
        components: [pay.id],
      })
      await requestConfirmation(t.deps.db, ids[c])
    }
    // Pending: told nothing about incidents until confirmed.
    await makeIncident(t, { components: { [pay.id]: 'major_outage' } })
    await w.settle()
    expect(rx.received).toHaveLength(3)

    const slack = posts(rx, '/slack')[0]
    expect(slack.text).toBe('Confirm these status updates')
    expect(slack.blocks[1].text.text).toBe(
      'Someone subscribed this channel to Example Status status updates about Payments API. Confirm to start receiving them.\n' +
        'If nobody here asked for this, ignore this message: nothing else will be posted here.',
    )
    const teams = posts(rx, '/teams')[0].attachments[0].content
    expect(teams.actions[0].title).toBe('Confirm subscription')
    const discord = posts(rx, '/discord')[0].embeds[0]
    expect(discord.description).toMatch(
      /\[Confirm subscription\]\(https:\/\/status\.example\.com\/confirm\//,
    )

    for (const c of CHATS) {
      const post = posts(rx, `/${c}`)[0]
      const confirm = linksIn(c, post).filter((l) => l.startsWith(`${SITE}/confirm/`))
      expect(confirm).toHaveLength(1)
      expect(await statusOf(t.deps.db, ids[c]!)).toBe('pending')
      const res = await follow(t, confirm[0]!)
      expect(res.status).toBe(200)
      expect(await statusOf(t.deps.db, ids[c]!)).toBe('confirmed')
    }
  })

  it('leaves the request to the email channel when the subscription confirms by email', async () => {
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const rx = await receiver()
    const id = await addChatSubscriber(t.deps.db, 'slack', `${rx.url}/slack`, {
      status: 'pending',
      confirmVia: 'email',
      email: 'team-lead@shop.example',
    })
    await requestConfirmation(t.deps.db, id)
    await w.settle()
    expect(rx.received).toHaveLength(0)
    const mails = w.sink.to('team-lead@shop.example')
    expect(mails).toHaveLength(1)
    const mail = await simpleParser(mails[0]!.raw)
    const link = /https:\/\/status\.example\.com\/confirm\/\S+/.exec(mail.text ?? '')![0]
    expect((await follow(t, link)).status).toBe(200)
    expect(await statusOf(t.deps.db, id)).toBe('confirmed')
  })
})

describe('chat channels: when the app refuses', () => {
  it('waits as long as Discord asks on a 429, then posts the same message once', async () => {
    const w = await createMailWorld({ env: PRIVATE_OK })
    const { t } = w
    const arrivals: number[] = []
    const rx = await receiver(() => {
      arrivals.push(Date.now())
      return false
    })
    rx.script({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '2' },
      body: JSON.stringify({
        message: 'You are being rate limited.',
        retry_after: 1.5,
        global: false,
      }),
    })
    const id = await addChatSubscriber(t.deps.db, 'discord', `${rx.url}/discord`)
    await makeIncident(t)
    await w.settle()
    expect(rx.received).toHaveLength(2)
    // The retry is the same bytes, sent no sooner than the receiver asked.
    expect(rx.received[1]!.raw).toBe(rx.received[0]!.raw)
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(2000)
    const rows = await t.deps.db.execute('SELECT status, attempts FROM deliveries')
    expect(rows.rows.map((r) => [r.status, Number(r.attempts)])).toEqual([['sent', 2]])
    expect(await statusOf(t.deps.db, id)).toBe('confirmed')
  })

  it('takes a 404 or 410 (a deleted webhook, an archived channel) as final and quarantines the subscription', async () => {
    const w = await createMailWorld({ env: PRIVATE_OK, timing: { quarantineAfter: 2 } })
    const { t } = w
    const gone = await receiver()
    gone.fallback = { status: 404, body: 'no_service' }
    const archived = await receiver()
    archived.fallback = { status: 410, body: 'channel_is_archived' }
    const slack = await addChatSubscriber(t.deps.db, 'slack', `${gone.url}/services/T0/B0/secret`)
    const teams = await addChatSubscriber(t.deps.db, 'teams', `${archived.url}/workflows/secret`)
    await makeIncident(t, { name: 'First' })
    await w.settle()
    expect(await statusOf(t.deps.db, slack)).toBe('confirmed')
    await makeIncident(t, { name: 'Second' })
    await w.settle()
    // One attempt each per message (never retried), then no more posts once quarantined.
    expect(gone.received).toHaveLength(2)
    expect(archived.received).toHaveLength(2)
    expect(await statusOf(t.deps.db, slack)).toBe('quarantined')
    expect(await statusOf(t.deps.db, teams)).toBe('quarantined')
    await makeIncident(t, { name: 'Third' })
    await w.settle()
    expect(gone.received).toHaveLength(2)
    expect(archived.received).toHaveLength(2)
    // Errors name the host only: a chat webhook's path is its secret.
    const errors = await t.deps.db.execute(
      "SELECT last_error FROM deliveries WHERE status = 'failed' ORDER BY id",
    )
    const hosts = [new URL(gone.url).host, new URL(archived.url).host]
    expect(errors.rows.map((r) => r.last_error).sort()).toEqual(
      [
        `${hosts[0]} answered 404`,
        `${hosts[0]} answered 404`,
        `${hosts[1]} answered 410`,
        `${hosts[1]} answered 410`,
      ].sort(),
    )
  })
})
