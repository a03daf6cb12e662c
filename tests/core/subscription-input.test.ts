import { describe, expect, it } from 'vitest'
import { endpointUrl, maskedUrl, subscriptionName } from '../../core/channels.ts'
import { checkOutboundUrl } from '../../core/outbound.ts'
import {
  ConfirmCode,
  SubscriberCreate,
  SubscriptionCreate,
} from '../../core/schemas/subscription.ts'

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (r.error?.issues ?? []).map((i) => i.path.join('.')).sort()

describe('a subscription request, per channel (core/schemas/subscription.ts)', () => {
  it('keeps {email} as it always was, and gives every other channel its address', () => {
    expect(SubscriptionCreate.parse({ email: ' a@b.co ' })).toEqual({
      channel: 'email',
      email: 'a@b.co',
      components: undefined,
      locale: 'en',
    })
    expect(
      SubscriptionCreate.parse({
        channel: 'slack',
        url: ' https://hooks.slack.com/x ',
        locale: 'zh-CN',
      }),
    ).toMatchObject({
      channel: 'slack',
      url: 'https://hooks.slack.com/x',
      email: null,
      locale: 'zh-CN',
    })
    expect(SubscriptionCreate.parse({ channel: 'sms', phone: '+1 (415) 555-2671' })).toMatchObject({
      channel: 'sms',
      phone: '+14155552671',
      email: null,
    })
  })

  it('asks the public form for a webhook contact; staff may leave it out, and give an SMS one', () => {
    const hook = { channel: 'webhook', url: 'https://x.example/h' }
    expect(paths(SubscriptionCreate.safeParse(hook))).toEqual(['email'])
    expect(SubscriberCreate.parse(hook)).toMatchObject({ channel: 'webhook', email: null })
    const sms = { channel: 'sms', phone: '+447911123456', email: 'owner@acme.example' }
    expect(paths(SubscriptionCreate.safeParse(sms))).toEqual(['email'])
    expect(SubscriberCreate.parse(sms)).toMatchObject({ email: 'owner@acme.example' })
  })

  it('names every field a channel needs or does not use', () => {
    const cases: [unknown, string[]][] = [
      [{}, ['email']],
      [{ channel: 'email' }, ['email']],
      [
        { channel: 'email', email: 'a@b.co', phone: '+447911123456', url: 'https://x.example' },
        ['phone', 'url'],
      ],
      [{ channel: 'discord' }, ['url']],
      [{ channel: 'teams', url: 'https://x.example', phone: '+447911123456' }, ['phone']],
      [{ channel: 'sms' }, ['phone']],
      [{ channel: 'sms', phone: 'nope', url: 'https://x.example' }, ['phone', 'url']],
      [{ channel: 'pigeon', email: 'a@b.co' }, ['channel']],
      [{ email: 'a@b.co', extra: true }, ['']],
    ]
    for (const [input, expected] of cases)
      expect([input, paths(SubscriptionCreate.safeParse(input))]).toEqual([input, expected])
  })

  it('takes a code as people type it, and nothing else', () => {
    for (const code of ['123456', ' 123 456 ', '12 34 56', '1\t2 3456'])
      expect(ConfirmCode.parse({ token: 't', code }).code).toBe('123456')
    for (const code of ['12345', '1234567', '12345a', '１２３４５６', '123-456', ''])
      expect(ConfirmCode.safeParse({ token: 't', code }).success).toBe(false)
  })
})

describe('endpoint URLs (core/channels.ts, core/outbound.ts)', () => {
  it('keys every spelling of one endpoint the same, and only those', () => {
    const same = [
      'https://hooks.example.com/a/b?x=1',
      'HTTPS://HOOKS.EXAMPLE.COM/a/b?x=1',
      'https://hooks.example.com:443/a/b?x=1',
      'https://hooks.example.com./a/b?x=1',
      'https://hooks.example.com../a/b?x=1',
      'https://hooks.example.com/a/b?x=1#frag',
      'https://hooks.example.com/a/./b?x=1',
      'https://hooks.example.com/a/c/../b?x=1',
    ]
    const keys = new Set(same.map((u) => endpointUrl(new URL(u))))
    expect([...keys]).toEqual(['https://hooks.example.com/a/b?x=1'])
    const different = [
      'https://hooks.example.com/a/b?x=2',
      'https://hooks.example.com/a/B?x=1',
      'https://hooks.example.com/a/b/?x=1',
      'https://hooks.example.com:8443/a/b?x=1',
      'https://other.example.com/a/b?x=1',
    ]
    for (const u of different) expect(keys.has(endpointUrl(new URL(u)))).toBe(false)
  })

  it('refuses local names however they are qualified', () => {
    for (const u of [
      'https://localhost./x',
      'https://localhost../x',
      'https://metadata.google.internal./x',
      'https://printer.local./x',
      'https://intranet./x',
    ])
      expect([u, checkOutboundUrl(u, false).ok]).toEqual([u, false])
    expect(checkOutboundUrl('https://hooks.slack.com./services/x', false).ok).toBe(true)
  })

  it('names a URL subscription by its host and last characters only', () => {
    const url = 'https://hooks.slack.com/services/T0/B0/secretsecret9f3a'
    expect(maskedUrl(url)).toBe('hooks.slack.com/…9f3a')
    // A list's masked URL names the same subscription.
    expect(maskedUrl(maskedUrl(url))).toBe('hooks.slack.com/…9f3a')
    expect(subscriptionName({ channel: 'slack', email: null, url: maskedUrl(url) })).toBe(
      'Slack · hooks.slack.com/…9f3a',
    )
    expect(subscriptionName({ channel: 'slack', email: 'ops@acme.example', url })).toBe(
      'Slack · hooks.slack.com/…9f3a',
    )
    expect(subscriptionName({ channel: 'sms', email: null, phone: '+447911123456' })).toBe(
      '+447911123456',
    )
  })
})
