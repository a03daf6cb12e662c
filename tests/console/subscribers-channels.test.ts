import { describe, expect, it } from 'vitest'
import { seedEndpoint, SMS_ENV } from '../fixtures/channel-subscribers.ts'
import { createPerson, signIn } from '../fixtures/console.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { seedSubscriber } from '../fixtures/subscribers.ts'
import { createTestApp } from '../fixtures/test-app.ts'

// The Subscribers section and the Impact tab with every channel: the channel named, an
// endpoint URL only ever masked (a chat webhook's path is its secret), filters by channel.

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXXabcd'
const HOOK = 'https://hooks.example.com/private/token-42/in'

/** The page as a person reads it: tags gone, entities decoded, spaces collapsed. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim()

async function world() {
  const t = await createTestApp({ env: { ...SMS_ENV, TIME_ZONE: 'Europe/Berlin' } })
  await createPerson(t, { role: 'admin', email: 'ann@example.com', name: 'Ann Lee' })
  const s = await signIn(t, 'ann@example.com')
  const pay = await makeComponent(t, { name: 'Payments API' })
  const ids = {
    email: await seedSubscriber(t, 'ada@example.com', { ago: 50_000 }),
    slack: await seedEndpoint(t, 'slack', SLACK, {
      email: 'ops@acme.example',
      components: [pay.id],
      ago: 40_000,
    }),
    webhook: await seedEndpoint(t, 'webhook', HOOK, { email: 'dev@acme.example', ago: 30_000 }),
    sms: await seedEndpoint(t, 'sms', '+447911123456', { locale: 'zh-CN', ago: 20_000 }),
    discord: await seedEndpoint(t, 'discord', 'https://discord.com/api/webhooks/1/tok9876', {
      status: 'quarantined',
      ago: 10_000,
    }),
  }
  return { t, s, pay, ids }
}

describe('/admin/subscribers with every channel', () => {
  it('names each subscriber’s channel and masked endpoint, filters by channel, never shows a URL whole', async () => {
    const { s, ids } = await world()
    const res = await s.get('/admin/subscribers')
    expect(res.status).toBe(200)
    const html = await res.text()
    const page = text(html)
    expect(page).toContain('Discord · discord.com/…9876 Discord Quarantined')
    expect(page).toContain(
      '+447911123456 Text message (SMS) Confirmed All components Chinese (simplified)',
    )
    expect(page).toContain(
      'Webhook · hooks.example.com/…2/in Contact: dev@acme.example Webhook Confirmed',
    )
    expect(page).toContain(
      'Slack · hooks.slack.com/…abcd Contact: ops@acme.example Slack Confirmed Payments API',
    )
    expect(page).toContain('ada@example.com Email Confirmed')
    for (const secret of ['XXXXsecret', 'token-42', 'tok9876', '/services/'])
      expect(html).not.toContain(secret)
    // Chips per channel with their counts; the audience table has a column per channel.
    expect(page).toContain(
      'Every channel 5 Email 1 Webhook 1 Slack 1 Discord 1 Text message (SMS) 1',
    )
    expect(page).toContain('Component Email Webhook Slack Text message (SMS) Payments API 1 1 1 1')
    expect(page).toContain('Import and export are for email subscribers')

    const only = async (query: string) => {
      const r = await s.get(`/admin/subscribers?${query}`)
      expect(r.status, query).toBe(200)
      return [...(await r.text()).matchAll(/href="\/admin\/subscribers\/([0-9a-z]{12})"/g)].map(
        (m) => m[1],
      )
    }
    expect(await only('channel=slack')).toEqual([ids.slack])
    expect(await only('channel=sms&status=confirmed')).toEqual([ids.sms])
    expect(await only('channel=discord&status=confirmed')).toEqual([])
    // A search finds a contact address or a number, and stays within the chosen channel.
    expect(await only('q=acme.example')).toEqual([ids.webhook, ids.slack])
    expect(await only('q=acme.example&channel=webhook')).toEqual([ids.webhook])
    expect(await only('q=7911')).toEqual([ids.sms])
    const within = text(
      await (await s.get('/admin/subscribers?channel=slack&status=confirmed')).text(),
    )
    expect(within).toContain('Address, URL or number contains (confirmed, Slack only)')
    const bad = await s.get('/admin/subscribers?channel=fax')
    expect(bad.status).toBe(400)
    expect(text(await bad.text())).toMatch(/Check the search: that channel: Invalid option/)
  })

  it('shows one subscriber’s channel, masked endpoint and contact, and erases it by that name', async () => {
    const { t, s, ids } = await world()
    const html = await (await s.get(`/admin/subscribers/${ids.slack}`)).text()
    expect(html).toContain('<h1>Slack · hooks.slack.com/…abcd</h1>')
    const page = text(html)
    expect(page).toContain('Channel Slack')
    expect(page).toContain(
      'Endpoint Slack · hooks.slack.com/…abcd (the URL is kept whole; only the API shows it)',
    )
    expect(page).toContain('Contact ops@acme.example')
    expect(page).toContain('Yes, erase Slack · hooks.slack.com/…abcd and its delivery records')
    expect(html).not.toContain('XXXXsecret')
    const sms = text(await (await s.get(`/admin/subscribers/${ids.sms}`)).text())
    expect(sms).toContain('Channel Text message (SMS) Number +447911123456 Contact None')
    const erased = await s.post(`/admin/subscribers/${ids.slack}/remove`, { confirm: 'yes' })
    expect(erased.status).toBe(303)
    expect((await t.api('GET', `/api/v1/subscribers/${ids.slack}`)).status).toBe(404)
  })

  it('the impact of an incident counts subscribers per channel', async () => {
    const { t, s, pay } = await world()
    const inc = (
      await t.api('POST', '/api/v1/incidents', {
        name: 'Card payments failing',
        status: 'investigating',
        impact: 'major',
        body: 'Looking into it.',
        components: { [pay.id]: 'major_outage' },
      })
    ).body
    const page = text(await (await s.get(`/admin/incidents/${inc.id}/impact`)).text())
    // Email, Slack, the webhook and the number follow Payments API; the quarantined Discord
    // hook counts nowhere.
    expect(page).toContain(
      'Subscribers affected 4 subscribers (Email: 1, Webhook: 1, Slack: 1, Text message (SMS): 1)',
    )
    expect(page).toContain(
      'Payments API Email 1 Payments API Webhook 1 Payments API Slack 1 Payments API Text message (SMS) 1',
    )
  })
})
