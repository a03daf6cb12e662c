import { HtmlValidate } from 'html-validate'
import { describe, expect, it } from 'vitest'
import { subscriberLinks } from '../../api/services/links.ts'
import { openSecret } from '../../api/services/secret-box.ts'
import { signingSecret } from '../../api/services/secrets.ts'
import { smsConfirmCode } from '../../api/services/sms-code.ts'
import { makeComponent, makeGroup } from '../fixtures/factories.ts'
import { byTarget, envFor, someIp, SMS_ENV } from '../fixtures/channel-subscribers.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

// The public pages of every channel, without JavaScript: a form per channel (/subscribe/<channel>),
// what happens next, the SMS code form, and the page that shows a webhook's secret once.

const HOOK = 'https://hooks.example.com/status/in'
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXXabcd'

async function call(t: TestApp, method: string, path: string, fields?: [string, string][]) {
  const res = await t.app.request(
    path,
    {
      method,
      headers: fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      body: fields ? new URLSearchParams(fields).toString() : undefined,
    },
    envFor(someIp()),
  )
  return { status: res.status, html: await res.text(), headers: res.headers }
}

/** The markup with layout whitespace removed, for assertions about structure. */
const squash = (html: string) =>
  html.replace(/\s+/g, ' ').replace(/ ?\/>/g, '>').replace(/ >/g, '>').replace(/> </g, '><')

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    'form-dup-name': ['error', { shared: ['radio', 'checkbox', 'button', 'reset', 'submit'] }],
    'void-style': 'off',
  },
})
async function expectValidHtml(html: string) {
  const report = await validator.validateString(html)
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual(
    [],
  )
}

const hidden = (html: string, name: string) =>
  new RegExp(`<input type="hidden" name="${name}" value="([^"]+)">`).exec(squash(html))?.[1]

describe('the subscribe page of each channel', () => {
  it('offers every enabled channel as a tab, each with its own fields, components and language', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const api = await makeComponent(t, { name: 'API <b>v2</b>' })
    await makeGroup(t, { name: 'Core', components: [api.id] })
    await makeComponent(t, { name: 'Dashboard' })
    const fields: Record<string, string[]> = {
      email: ['email:email'],
      webhook: ['url:url', 'email:email'],
      slack: ['url:url', 'email:email'],
      teams: ['url:url', 'email:email'],
      discord: ['url:url', 'email:email'],
      sms: ['phone:tel'],
    }
    for (const [channel, expected] of Object.entries(fields)) {
      const page = await call(t, 'GET', `/subscribe/${channel}`)
      expect(page.status).toBe(200)
      const html = squash(page.html)
      await expectValidHtml(page.html)
      expect(html).toContain(`<a href="/subscribe/${channel}" aria-current="page">`)
      for (const other of Object.keys(fields)) expect(html).toContain(`href="/subscribe/${other}"`)
      expect(hidden(page.html, 'channel')).toBe(channel)
      const inputs = [...html.matchAll(/<input id="f-(\w+)" name="\w+" type="(\w+)"/g)].map(
        (m) => `${m[1]}:${m[2]}`,
      )
      expect(inputs).toEqual([...expected, 'website:text'])
      // Each field has its label; components by group, escaped; the language.
      for (const f of expected) expect(html).toContain(`<label for="f-${f.split(':')[0]}">`)
      expect(html).toContain('<legend>Core</legend>')
      expect(html).toContain('API &lt;b&gt;v2&lt;/b&gt;')
      expect(html).toContain('<select id="f-locale" name="locale">')
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/)
      expect(page.headers.get('cache-control')).toBe('no-store')
    }
    // Where each chat app's URL comes from, and what a webhook gets and how it is signed.
    const text = async (ch: string) => squash((await call(t, 'GET', `/subscribe/${ch}`)).html)
    expect(await text('slack')).toContain('https://hooks.slack.com/services/')
    expect(await text('teams')).toContain('Post to a channel when a webhook request is received')
    expect(await text('discord')).toContain('Copy Webhook URL')
    const webhook = await text('webhook')
    expect(webhook).toContain('webhook-signature')
    expect(webhook).toContain('Standard Webhooks')
    expect(webhook).toContain('incident_updates')
    expect((await call(t, 'GET', '/subscribe/fax')).status).toBe(404)
  })

  it('offers only what is enabled: no SMS without a provider, no tabs for a single channel', async () => {
    const t = await createTestApp({ env: { SUBSCRIBE_CHANNELS: 'email,slack,sms' } })
    const page = squash((await call(t, 'GET', '/subscribe/slack')).html)
    expect([...page.matchAll(/<li><a href="\/subscribe\/(\w+)"/g)].map((m) => m[1])).toEqual([
      'email',
      'slack',
    ])
    expect((await call(t, 'GET', '/subscribe/sms')).status).toBe(404)
    expect((await call(t, 'GET', '/subscribe/webhook')).status).toBe(404)
    const one = await createTestApp({ env: { SUBSCRIBE_CHANNELS: 'email' } })
    expect(squash((await call(one, 'GET', '/subscribe/email')).html)).not.toContain('class="tabs"')
  })

  it('says what happens next for each channel, and writes the same subscriptions as the API', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const slack = await call(t, 'POST', '/subscribe', [
      ['channel', 'slack'],
      ['url', SLACK],
      ['email', ''],
      ['locale', 'zh-CN'],
    ])
    expect(slack.status).toBe(200)
    expect(squash(slack.html)).toContain('<h1>Check your Slack channel</h1>')
    expect(slack.html).toContain('Slack · hooks.slack.com/…abcd')
    expect(slack.html).not.toContain('XXXXsecret')
    await expectValidHtml(slack.html)
    expect(await byTarget(t, 'slack', SLACK)).toMatchObject({
      confirm_via: 'slack',
      locale: 'zh-CN',
    })

    const teams = await call(t, 'POST', '/subscribe', [
      ['channel', 'teams'],
      ['url', 'https://teams.example.com/wf/1'],
      ['email', 'it@acme.example'],
    ])
    expect(squash(teams.html)).toContain('<h1>Check your inbox</h1>')
    expect(teams.html).toContain('it@acme.example')

    const hook = await call(t, 'POST', '/subscribe', [
      ['channel', 'webhook'],
      ['url', HOOK],
      ['email', 'ops@acme.example'],
    ])
    expect(squash(hook.html)).toContain('<h1>Check your inbox</h1>')
    expect(hook.html).toContain('signing secret, once')
    await expectValidHtml(hook.html)

    const sms = await call(t, 'POST', '/subscribe', [
      ['channel', 'sms'],
      ['phone', '+44 7911 123456'],
    ])
    expect(sms.status).toBe(200)
    expect(squash(sms.html)).toContain('<h1>Enter the code we texted</h1>')
    expect(sms.html).toContain('+447911123456')
    expect(squash(sms.html)).toContain('<form method="post" action="/subscribe/code">')
    expect(squash(sms.html)).toMatch(
      /<input id="f-code" name="code" type="text" value="" autocomplete="one-time-code" inputmode="numeric" required/,
    )
    await expectValidHtml(sms.html)
    expect(hidden(sms.html, 'token')).toMatch(/^[\w-]+\.[\w-]+$/)
    expect((await dumpTables(t.deps.db)).subscribers).toHaveLength(4)
  })

  it('shows problems beside their fields with what was typed, 400 or 422, writing nothing', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const before = await dumpTables(t.deps.db)
    const cases: [[string, string][], number, string, RegExp][] = [
      [
        [
          ['channel', 'slack'],
          ['url', 'http://hooks.slack.com/services/x'],
        ],
        422,
        'url',
        /Must be an https:\/\/ URL/,
      ],
      [
        [
          ['channel', 'discord'],
          ['url', 'https://127.0.0.1/api/webhooks/1/x'],
        ],
        422,
        'url',
        /public address/,
      ],
      [
        [
          ['channel', 'teams'],
          ['url', ''],
        ],
        400,
        'url',
        /Required: the Teams Workflows webhook URL/,
      ],
      [
        [
          ['channel', 'webhook'],
          ['url', HOOK],
          ['email', ''],
        ],
        400,
        'email',
        /Required: the address that confirms/,
      ],
      [
        [
          ['channel', 'webhook'],
          ['url', HOOK],
          ['email', 'nope'],
        ],
        400,
        'email',
        /Enter an email address/,
      ],
      [
        [
          ['channel', 'sms'],
          ['phone', '+44 20 7946 0958'],
        ],
        400,
        'phone',
        /mobile number/,
      ],
      [
        [
          ['channel', 'sms'],
          ['phone', '12'],
        ],
        400,
        'phone',
        /country code/,
      ],
    ]
    for (const [fields, status, field, message] of cases) {
      const res = await call(t, 'POST', '/subscribe', fields)
      expect([fields[0]![1], res.status]).toEqual([fields[0]![1], status])
      const html = squash(res.html)
      // The form of that channel again, with the value as typed, the problem beside its field.
      expect(hidden(res.html, 'channel')).toBe(fields[0]![1])
      const typed = fields.find(([k]) => k === field)?.[1] ?? ''
      expect(html).toMatch(
        new RegExp(
          `<input id="f-${field}" name="${field}" type="\\w+" value="${typed.replace(/[.+?]/g, '\\$&')}"[^>]* aria-invalid="true" aria-describedby="[^"]*f-${field}-error"`,
        ),
      )
      expect(html).toMatch(
        new RegExp(`<span class="field-error" id="f-${field}-error">[^<]*</span>`),
      )
      expect(/id="f-\w+-error">([^<]*)</.exec(html)![1]).toMatch(message)
      expect(html).toContain(`<a href="#f-${field}">`)
      expect(html).toContain('role="alert"')
      await expectValidHtml(res.html)
    }
    // Every problem at once, the URL's too.
    const both = squash(
      (
        await call(t, 'POST', '/subscribe', [
          ['channel', 'webhook'],
          ['url', 'http://hooks.example.com/x'],
          ['email', 'nope'],
        ])
      ).html,
    )
    expect(both).toContain(
      '<span class="field-error" id="f-url-error">Must be an https:// URL.</span>',
    )
    expect(both).toContain('<span class="field-error" id="f-email-error">Enter an email address')
    expect(both).toContain('2 things need fixing')
    const off = await call(t, 'POST', '/subscribe', [
      ['channel', 'fax'],
      ['email', 'a@b.co'],
    ])
    expect(off.status).toBe(400)
    expect(off.html).toContain('Not a way we offer.')
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('a filled honeypot looks accepted on every channel but writes nothing', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    // The link-signing key is made on first use (any first page with a link): made already.
    await signingSecret(t.deps)
    for (const fields of [
      [
        ['channel', 'slack'],
        ['url', SLACK],
      ],
      [
        ['channel', 'sms'],
        ['phone', '+447911123456'],
      ],
      [
        ['channel', 'webhook'],
        ['url', HOOK],
        ['email', 'ops@acme.example'],
      ],
    ] as [string, string][][]) {
      const before = await dumpTables(t.deps.db)
      const bot = await call(t, 'POST', '/subscribe', [
        ...fields,
        ['website', 'http://spam.example'],
      ])
      expect(bot.status).toBe(200)
      expect(await dumpTables(t.deps.db)).toEqual(before)
      const human = await call(t, 'POST', '/subscribe', fields)
      const noToken = (h: string) => h.replace(/name="token" value="[^"]+"/, '')
      expect(noToken(bot.html)).toBe(noToken(human.html))
    }
  })
})

describe('the SMS code form', () => {
  async function pending(t: TestApp) {
    const res = await call(t, 'POST', '/subscribe', [
      ['channel', 'sms'],
      ['phone', '+447911123456'],
    ])
    const token = hidden(res.html, 'token')!
    const s = (await byTarget(t, 'sms', '+447911123456'))!
    return { token, right: await smsConfirmCode(t.deps, s) }
  }
  const send = (t: TestApp, token: string, code: string) =>
    call(t, 'POST', '/subscribe/code', [
      ['token', token],
      ['code', code],
    ])

  it('confirms with the right code; a wrong one is shown beside the field with the tries left', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const { token, right } = await pending(t)
    const again = await call(t, 'GET', `/subscribe/code?token=${encodeURIComponent(token)}`)
    expect(again.status).toBe(200)
    expect(hidden(again.html, 'token')).toBe(token)
    await expectValidHtml(again.html)
    const wrong = await send(t, token, right === '000000' ? '111111' : '000000')
    expect(wrong.status).toBe(400)
    expect(squash(wrong.html)).toContain(
      '<span class="field-error" id="f-code-error">That code is not right: 4 tries left.</span>',
    )
    expect(squash(wrong.html)).toContain('aria-invalid="true" aria-describedby="f-code-error"')
    await expectValidHtml(wrong.html)
    const typo = await send(t, token, '12 34')
    expect(typo.status).toBe(400)
    expect(typo.html).toContain('Enter the 6-digit code from the text message.')
    const ok = await send(t, token, right)
    expect(ok.status).toBe(200)
    expect(squash(ok.html)).toContain('<h1>You&#39;re subscribed</h1>')
    expect(ok.html).toContain('Reply STOP')
    const s = (await byTarget(t, 'sms', '+447911123456'))!
    expect(s.status).toBe('confirmed')
    expect(ok.html).toContain(`href="${(await subscriberLinks(t.deps, s)).manage}"`)
    await expectValidHtml(ok.html)
    // The form again: already confirmed, no manage link for whoever holds the form.
    const twice = await send(t, token, right)
    expect(twice.html).toContain('already gets texts')
    expect(twice.html).not.toContain('/manage/')
  })

  it('locks after five wrong codes, and says an expired or forged form has expired', async () => {
    const t = await createTestApp({ env: SMS_ENV })
    const { token, right } = await pending(t)
    const wrong = right === '000000' ? '111111' : '000000'
    for (let i = 0; i < 4; i++) expect((await send(t, token, wrong)).status).toBe(400)
    const locked = await send(t, token, wrong)
    expect(locked.status).toBe(409)
    expect(squash(locked.html)).toContain('<h1>Too many wrong codes</h1>')
    expect(locked.html).toContain('href="/subscribe/sms"')
    await expectValidHtml(locked.html)
    expect((await send(t, token, right)).status).toBe(409)
    for (const bad of ['garbage', `${token}x`]) {
      expect((await call(t, 'GET', `/subscribe/code?token=${bad}`)).status).toBe(400)
      const res = await send(t, bad, right)
      expect(res.status).toBe(400)
      expect(squash(res.html)).toContain('<h1>This code form has expired</h1>')
    }
    expect((await call(t, 'GET', '/subscribe/code')).status).toBe(400)
    expect((await byTarget(t, 'sms', '+447911123456'))!.status).toBe('pending')
  })
})

describe('confirming by link, per channel', () => {
  it("shows a webhook's signing secret once, on the page that confirms it, and never again", async () => {
    const t = await createTestApp()
    await call(t, 'POST', '/subscribe', [
      ['channel', 'webhook'],
      ['url', HOOK],
      ['email', 'ops@acme.example'],
    ])
    const s = (await byTarget(t, 'webhook', HOOK))!
    const links = await subscriberLinks(t.deps, s)
    const confirm = new URL(links.confirm).pathname
    const secret = await openSecret(t.deps, s.secret!)
    const prompt = await call(t, 'GET', confirm)
    expect(prompt.html).toContain('Webhook · hooks.example.com/…s/in')
    expect(prompt.html).not.toContain(secret)

    const done = await call(t, 'POST', confirm)
    expect(done.status).toBe(200)
    expect(squash(done.html)).toContain('<h1>Webhook confirmed</h1>')
    expect(squash(done.html)).toContain(`<code class="secret" id="secret">${secret}</code>`)
    expect(done.html).toContain('this page is the only time it is shown')
    expect(done.html).toContain("import { Webhook } from 'standardwebhooks'")
    expect(done.html).toContain(`href="${links.manage}"`)
    await expectValidHtml(done.html)
    expect((await byTarget(t, 'webhook', HOOK))!.status).toBe('confirmed')

    // Pressing it again, opening the link again, the manage page: never the secret.
    for (const [method, path] of [
      ['POST', confirm],
      ['GET', confirm],
      ['GET', new URL(links.manage).pathname],
    ] as const) {
      const res = await call(t, method, path)
      expect([method, path.slice(0, 9), res.status]).toEqual([method, path.slice(0, 9), 200])
      expect(res.html).not.toContain(secret)
      expect(res.html).not.toContain('whsec_')
    }
    // Two confirmations at once: one page shows it.
    await call(t, 'POST', '/subscribe', [
      ['channel', 'webhook'],
      ['url', `${HOOK}2`],
      ['email', 'ops@acme.example'],
    ])
    const s2 = (await byTarget(t, 'webhook', `${HOOK}2`))!
    const path2 = new URL((await subscriberLinks(t.deps, s2)).confirm).pathname
    const both = await Promise.all([call(t, 'POST', path2), call(t, 'POST', path2)])
    expect(both.map((r) => r.status)).toEqual([200, 200])
    expect(both.filter((r) => r.html.includes('whsec_'))).toHaveLength(1)
  })

  it('confirms a chat subscription by its link, and names it masked on every page', async () => {
    const t = await createTestApp()
    await call(t, 'POST', '/subscribe', [
      ['channel', 'slack'],
      ['url', SLACK],
    ])
    const s = (await byTarget(t, 'slack', SLACK))!
    const links = await subscriberLinks(t.deps, s)
    const done = await call(t, 'POST', new URL(links.confirm).pathname)
    expect(squash(done.html)).toContain('<h1>You&#39;re subscribed</h1>')
    expect(done.html).toContain('will get an update when')
    const manage = await call(t, 'GET', new URL(links.manage).pathname)
    expect(squash(manage.html)).toContain('<h1>Your alerts</h1>')
    expect(manage.html).toContain('Slack · hooks.slack.com/…abcd')
    expect(manage.html).toContain('Unsubscribe from all updates')
    await expectValidHtml(manage.html)
    for (const page of [done.html, manage.html]) expect(page).not.toContain('XXXXsecret')
  })
})
