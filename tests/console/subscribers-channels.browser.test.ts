import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { serveSite, useBrowser } from '../fixtures/browser.ts'
import { seedEndpoint, SMS_ENV } from '../fixtures/channel-subscribers.ts'
import { createPerson } from '../fixtures/console.ts'
import { checkConsolePage } from '../fixtures/console-browser.ts'
import { seedSubscriber } from '../fixtures/subscribers.ts'
import { createTestApp } from '../fixtures/test-app.ts'
import { tempDir } from '../fixtures/temp-dir.ts'

const browser = useBrowser()
const ADMIN = 'ann.lee@example.com'
const DAY = 86_400_000

describe('subscribers of every channel in the console, in Chromium', () => {
  it('the list with its channel chips, a Slack subscriber and an incident’s reach: axe 0, 390 and 1280, light and dark', async () => {
    const t = await createTestApp({ env: { ...SMS_ENV, TIME_ZONE: 'Europe/Berlin' } })
    await seedDemo(t.deps)
    await createPerson(t, { role: 'admin', email: ADMIN, name: 'Ann Lee' })
    const comps = (await t.api('GET', '/api/v1/components')).body as { id: string; name: string }[]
    const id = (name: string) => comps.find((c) => c.name === name)!.id
    await seedSubscriber(t, 'it-alerts@northwind-traders.example', { ago: 80 * DAY })
    const slack = await seedEndpoint(
      t,
      'slack',
      'https://hooks.slack.com/services/T024BE7LD/B01ABCDEF/q8Vx2kLmN0pRsTuV9wXyZa1b',
      {
        email: 'sre-team@wide-world-importers.example',
        components: [id('Payments API')],
        ago: 30 * DAY,
      },
    )
    await seedEndpoint(
      t,
      'teams',
      'https://prod-42.westeurope.logic.azure.com/workflows/7f3e/triggers/manual/paths/invoke?sig=Zx9',
      {
        ago: 20 * DAY,
      },
    )
    await seedEndpoint(t, 'webhook', 'https://status-hooks.contoso.example/amends/incoming', {
      email: 'ops-oncall@contoso.example',
      ago: 12 * DAY,
    })
    await seedEndpoint(t, 'sms', '+447911123456', {
      locale: 'zh-CN',
      components: [id('Checkout')],
      ago: 5 * DAY,
    })
    await seedEndpoint(t, 'discord', 'https://discord.com/api/webhooks/1234567890/tokenTOKEN9876', {
      status: 'quarantined',
      ago: 40 * DAY,
    })
    const incidents = (await t.api('GET', '/api/v1/incidents')).body as {
      id: string
      status: string
    }[]
    const open = incidents.find((i) => i.status !== 'resolved')!
    const base = await serveSite(t, tempDir('public'))
    const b = await browser()
    const found = [
      ...(await checkConsolePage(
        b,
        base,
        ADMIN,
        'subscribers-channels-list',
        '/admin/subscribers',
      )),
      ...(await checkConsolePage(
        b,
        base,
        ADMIN,
        'subscribers-channels-slack',
        '/admin/subscribers?channel=slack',
      )),
      ...(await checkConsolePage(
        b,
        base,
        ADMIN,
        'subscribers-channels-one',
        `/admin/subscribers/${slack}`,
      )),
      ...(await checkConsolePage(
        b,
        base,
        ADMIN,
        'subscribers-channels-impact',
        `/admin/incidents/${open.id}/impact`,
      )),
    ]
    expect(found).toEqual([])
  }, 300_000)
})
