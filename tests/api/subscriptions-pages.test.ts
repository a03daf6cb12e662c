import { HtmlValidate } from 'html-validate'
import { describe, expect, it } from 'vitest'
import { subscriberLinks } from '../../api/services/links.ts'
import { signToken } from '../../core/signed-token.ts'
import { makeComponent, makeGroup } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

// The HTML side: the no-JS subscribe form and the pages behind the links in emails.

let nextIp = 1
const envFor = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } })

async function call(
  t: TestApp,
  method: string,
  path: string,
  body?: string | FormData,
  type = 'application/x-www-form-urlencoded',
) {
  const headers: Record<string, string> = typeof body === 'string' ? { 'content-type': type } : {}
  const res = await t.app.request(
    path,
    { method, headers, body },
    envFor(`198.51.100.${nextIp++ % 250}`),
  )
  return { status: res.status, html: await res.text(), headers: res.headers }
}

/** The markup with layout whitespace removed, for assertions about structure. */
const squash = (html: string) =>
  html.replace(/\s+/g, ' ').replace(/ ?\/>/g, '>').replace(/ >/g, '>').replace(/> </g, '><')

const form = (fields: [string, string][]) => new URLSearchParams(fields).toString()

async function row(t: TestApp, email: string) {
  const rs = await t.deps.db.execute('SELECT * FROM subscribers WHERE email_normalized = ?', [
    email.toLowerCase(),
  ])
  return rs.rows[0] as unknown as
    | { id: string; status: string; token_version: number; all_components: number; locale: string }
    | undefined
}

async function linkPaths(t: TestApp, email: string) {
  const s = (await row(t, email))!
  const links = await subscriberLinks(t.deps, { id: s.id, token_version: Number(s.token_version) })
  const path = (u: string) => new URL(u).pathname
  return {
    confirm: path(links.confirm),
    manage: path(links.manage),
    unsubscribe: path(links.unsubscribe),
  }
}

async function confirmed(t: TestApp, email: string, fields: [string, string][] = []) {
  expect((await call(t, 'POST', '/subscribe', form([['email', email], ...fields]))).status).toBe(
    200,
  )
  expect((await call(t, 'POST', (await linkPaths(t, email)).confirm)).status).toBe(200)
  return linkPaths(t, email)
}

// Checkboxes sharing a name is valid HTML (a repeated form field); the recommended preset only
// expects that of radio buttons.
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: {
    'form-dup-name': ['error', { shared: ['radio', 'checkbox', 'button', 'reset', 'submit'] }],
    // `<input>` and `<input />` are both valid; Prettier writes the second in our templates.
    'void-style': 'off',
  },
})
async function expectValidHtml(html: string) {
  const report = await validator.validateString(html)
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual(
    [],
  )
}

describe('subscriber pages (no JavaScript needed)', () => {
  it('POST /subscribe takes the form, answers with a valid page, and uses the same double opt-in', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t)
    const b = await makeComponent(t)
    const res = await call(
      t,
      'POST',
      '/subscribe',
      form([
        ['email', "o'brien@example.com"],
        ['components', a.id],
        ['components', b.id],
        ['locale', 'zh-CN'],
        ['website', ''],
      ]),
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.html).toMatch(/Check your inbox/)
    // The address is echoed escaped.
    expect(res.html).toContain('o&#39;brien@example.com')
    expect(res.html).not.toContain("o'brien")
    await expectValidHtml(res.html)
    const s = (await row(t, "o'brien@example.com"))!
    expect(s).toMatchObject({ status: 'pending', locale: 'zh-CN', all_components: 0 })
    const events = await t.deps.db.execute('SELECT type FROM outbox WHERE aggregate_id = ?', [s.id])
    expect(events.rows.map((r) => r.type)).toEqual(['subscriber.confirmation_requested'])
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/)
  })

  it('a filled honeypot looks accepted but writes nothing', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const bot = await call(
      t,
      'POST',
      '/subscribe',
      form([
        ['email', 'bot@example.com'],
        ['website', 'http://spam.example'],
      ]),
    )
    expect(bot.status).toBe(200)
    expect(await dumpTables(t.deps.db)).toEqual(before)
    const human = await call(t, 'POST', '/subscribe', form([['email', 'bot@example.com']]))
    expect(bot.html).toBe(human.html)
    expect((await row(t, 'bot@example.com'))!.status).toBe('pending')
  })

  it('explains a bad form in plain words beside its fields, and writes nothing', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const res = await t.app.request(
      '/subscribe',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          referer: 'https://status.example.com/subscribe/',
        },
        body: form([
          ['email', 'nobody'],
          ['components', 'aaaaaaaaaaaa'],
          ['locale', 'xx'],
        ]),
      },
      envFor('192.0.2.1'),
    )
    const html = await res.text()
    expect(res.status).toBe(400)
    expect(html).toMatch(/Enter an email address, like name@example.com/)
    expect(html).toMatch(/Choose English or 简体中文/)
    // The form again, as typed, each problem beside its field and linked from the summary.
    expect(squash(html)).toContain(
      '<input id="f-email" name="email" type="email" value="nobody" autocomplete="email" required aria-invalid="true" aria-describedby="f-email-error">',
    )
    expect(html).toContain('<a href="#f-email">Enter an email address, like name@example.com.</a>')
    await expectValidHtml(html)
    const unknown = await call(
      t,
      'POST',
      '/subscribe',
      form([
        ['email', 'a@example.com'],
        ['components', 'aaaaaaaaaaaa'],
      ]),
    )
    expect(unknown.status).toBe(400)
    expect(unknown.html).toMatch(/no longer exists/)
    expect(unknown.html).toContain('href="https://status.example.com/"')
    const json = await call(
      t,
      'POST',
      '/subscribe',
      '{"email":"a@example.com"}',
      'application/json',
    )
    expect(json.status).toBe(415)
    expect(squash(json.html)).toMatch(/<h1>Please use the form<\/h1>/)
    const huge = await call(
      t,
      'POST',
      '/subscribe',
      form([
        ['email', 'a@example.com'],
        ['website', 'x'.repeat(20_000)],
      ]),
    )
    expect(huge.status).toBe(413)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('GET /confirm only shows a button; POST confirms; a second POST is friendly and changes nothing', async () => {
    const t = await createTestApp()
    await call(t, 'POST', '/subscribe', form([['email', 'c@example.com']]))
    const { confirm } = await linkPaths(t, 'c@example.com')
    const before = await dumpTables(t.deps.db)
    const page = await call(t, 'GET', confirm)
    expect(page.status).toBe(200)
    expect(squash(page.html)).toMatch(
      /<form method="post"><button type="submit">Confirm subscription<\/button><\/form>/,
    )
    await expectValidHtml(page.html)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const done = await call(t, 'POST', confirm)
    expect(done.status).toBe(200)
    expect(done.html).toMatch(/You&#39;re subscribed|You're subscribed/)
    const s = (await row(t, 'c@example.com'))!
    const links = await subscriberLinks(t.deps, {
      id: s.id,
      token_version: Number(s.token_version),
    })
    expect(done.html).toContain(`href="${links.manage}"`)
    expect(s).toMatchObject({ status: 'confirmed', token_version: 1 })
    await expectValidHtml(done.html)

    const afterConfirm = await dumpTables(t.deps.db)
    const again = await call(t, 'POST', confirm)
    expect(again.status).toBe(200)
    expect(again.html).toBe(done.html)
    expect((await call(t, 'GET', confirm)).html).toBe(done.html)
    expect(await dumpTables(t.deps.db)).toEqual(afterConfirm)
  })

  it('rejects expired, forged and other-purpose tokens with a 400 page, writing nothing', async () => {
    const t = await createTestApp()
    await call(t, 'POST', '/subscribe', form([['email', 'd@example.com']]))
    const s = (await row(t, 'd@example.com'))!
    const paths = await linkPaths(t, 'd@example.com')
    const forged = await signToken('another-secret-that-is-long-enough-0123456789', {
      p: 'confirm',
      s: s.id,
      v: 1,
      e: 0,
    })
    const before = await dumpTables(t.deps.db)
    for (const path of [
      `/confirm/${forged}`,
      paths.manage.replace('/manage/', '/confirm/'),
      paths.unsubscribe.replace('/unsubscribe/', '/confirm/'),
      '/confirm/garbage',
      `${paths.confirm}x`,
    ]) {
      for (const method of ['GET', 'POST']) {
        const res = await call(t, method, path)
        expect([method, path, res.status]).toEqual([method, path, 400])
        expect(res.html).toMatch(/This link does not work/)
        expect(res.html).toMatch(/Subscribe again/)
      }
    }
    expect((await call(t, 'GET', paths.confirm.replace('/confirm/', '/manage/'))).status).toBe(400)
    expect(
      (await call(t, 'POST', paths.confirm.replace('/confirm/', '/unsubscribe/'))).status,
    ).toBe(400)
    // Confirmation links last 7 days.
    t.clock.advance(7 * 24 * 3600_000 + 1000)
    const expired = await call(t, 'POST', paths.confirm)
    expect(expired.status).toBe(400)
    await expectValidHtml(expired.html)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('manage page lists components by group, escapes their names, and saves choices by POST', async () => {
    const t = await createTestApp()
    const api = await makeComponent(t, { name: 'API <b>v2</b>' })
    const web = await makeComponent(t, { name: 'Web "app" & co' })
    const solo = await makeComponent(t, { name: 'Status emails' })
    await makeGroup(t, { name: 'Core <i>group</i>', components: [api.id, web.id] })
    const paths = await confirmed(t, "o'neil@example.com")

    const before = await dumpTables(t.deps.db)
    const page = await call(t, 'GET', paths.manage)
    expect(page.status).toBe(200)
    expect(page.html).toContain('API &lt;b&gt;v2&lt;/b&gt;')
    expect(page.html).toContain('Web &quot;app&quot; &amp; co')
    expect(squash(page.html)).toContain('<legend>Core &lt;i&gt;group&lt;/i&gt;</legend>')
    expect(page.html).toContain('o&#39;neil@example.com')
    expect(page.html).not.toMatch(/<b>v2|<i>group/)
    expect(squash(page.html)).toMatch(/name="scope" value="all" checked>/)
    // Page order: the ungrouped component came first (position 3), then the group (position 4).
    expect(page.html.indexOf(solo.id)).toBeLessThan(page.html.indexOf(api.id))
    await expectValidHtml(page.html)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const saved = await call(
      t,
      'POST',
      paths.manage,
      form([
        ['scope', 'some'],
        ['components', api.id],
        ['components', solo.id],
        ['locale', 'zh-CN'],
      ]),
    )
    expect(saved.status).toBe(200)
    expect(saved.html).toMatch(/Your choices are saved/)
    expect(squash(saved.html)).toMatch(new RegExp(`value="${api.id}" checked>`))
    expect(squash(saved.html)).toMatch(new RegExp(`value="${web.id}">`))
    expect(squash(saved.html)).toMatch(/<option value="zh-CN" selected>/)
    await expectValidHtml(saved.html)
    const s = (await row(t, "o'neil@example.com"))!
    expect(s).toMatchObject({ all_components: 0, locale: 'zh-CN', status: 'confirmed' })
    const chosen = await t.deps.db.execute(
      'SELECT component_id FROM subscriber_components WHERE subscriber_id = ? ORDER BY component_id',
      [s.id],
    )
    expect(chosen.rows.map((r) => r.component_id)).toEqual([api.id, solo.id].sort())
    const updated = await t.deps.db.execute(
      "SELECT type FROM outbox WHERE aggregate_id = ? AND type = 'subscriber.updated'",
      [s.id],
    )
    expect(updated.rows).toHaveLength(1)

    // "All" clears the explicit list.
    expect(
      (
        await call(
          t,
          'POST',
          paths.manage,
          form([
            ['scope', 'all'],
            ['components', web.id],
            ['locale', 'en'],
          ]),
        )
      ).status,
    ).toBe(200)
    expect(await row(t, "o'neil@example.com")).toMatchObject({ all_components: 1, locale: 'en' })
    expect(
      (
        await t.deps.db.execute(
          'SELECT COUNT(*) AS n FROM subscriber_components WHERE subscriber_id = ?',
          [s.id],
        )
      ).rows[0]!.n,
    ).toBe(0)
  })

  it('manage rejects an empty choice or an unknown component with the page and an error, writing nothing', async () => {
    const t = await createTestApp()
    await makeComponent(t)
    const paths = await confirmed(t, 'm@example.com')
    const before = await dumpTables(t.deps.db)
    const empty = await call(
      t,
      'POST',
      paths.manage,
      form([
        ['scope', 'some'],
        ['locale', 'en'],
      ]),
    )
    expect(empty.status).toBe(400)
    expect(empty.html).toMatch(/Tick at least one component/)
    await expectValidHtml(empty.html)
    const unknown = await call(
      t,
      'POST',
      paths.manage,
      form([
        ['scope', 'some'],
        ['components', 'aaaaaaaaaaaa'],
      ]),
    )
    expect(unknown.status).toBe(400)
    expect(unknown.html).toMatch(/no longer exists/)
    const badLocale = await call(
      t,
      'POST',
      paths.manage,
      form([
        ['scope', 'all'],
        ['locale', 'klingon'],
      ]),
    )
    expect(badLocale.status).toBe(400)
    expect(
      (await call(t, 'POST', paths.manage.replace(/.$/, ''), form([['scope', 'all']]))).status,
    ).toBe(400)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('GET /unsubscribe only asks; RFC 8058 one-click POST unsubscribes without cookies and kills old links', async () => {
    const t = await createTestApp()
    const paths = await confirmed(t, 'u@example.com')
    const before = await dumpTables(t.deps.db)
    const ask = await call(t, 'GET', paths.unsubscribe)
    expect(ask.status).toBe(200)
    expect(squash(ask.html)).toMatch(/<button type="submit">Unsubscribe<\/button>/)
    await expectValidHtml(ask.html)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    // What a mail client sends: no cookie, no session, just the body RFC 8058 prescribes.
    const res = await t.app.request(paths.unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toMatch(/unsubscribed/)
    expect(res.headers.get('set-cookie')).toBeNull()
    await expectValidHtml(html)
    const s = (await row(t, 'u@example.com'))!
    expect(s).toMatchObject({ status: 'unsubscribed', token_version: 2 })
    const events = await t.deps.db.execute(
      "SELECT type FROM outbox WHERE aggregate_id = ? AND type = 'subscriber.unsubscribed'",
      [s.id],
    )
    expect(events.rows).toHaveLength(1)

    // Pressing it again (or a client retrying) is fine and writes nothing more; multipart works too.
    const after = await dumpTables(t.deps.db)
    const multipart = new FormData()
    multipart.set('List-Unsubscribe', 'One-Click')
    const again = await call(t, 'POST', paths.unsubscribe, multipart)
    expect(again.status).toBe(200)
    expect(again.html).toMatch(/will get no more status emails/)
    expect((await call(t, 'GET', paths.unsubscribe)).status).toBe(200)
    expect(await dumpTables(t.deps.db)).toEqual(after)
    // Every older link of another kind is dead.
    expect((await call(t, 'GET', paths.manage)).status).toBe(400)
    expect((await call(t, 'POST', paths.manage, form([['scope', 'all']]))).status).toBe(400)
    expect(await dumpTables(t.deps.db)).toEqual(after)
  })

  it('the manage page carries a working unsubscribe button', async () => {
    const t = await createTestApp()
    const paths = await confirmed(t, 'b@example.com')
    const page = await call(t, 'GET', paths.manage)
    const action = /<form method="post" action="([^"]+)">/.exec(squash(page.html))![1]!
    expect(action).toMatch(/^https:\/\/status\.example\.com\/unsubscribe\//)
    const res = await call(t, 'POST', new URL(action).pathname, 'List-Unsubscribe=One-Click')
    expect(res.status).toBe(200)
    expect((await row(t, 'b@example.com'))!.status).toBe('unsubscribed')
  })

  it('unknown routes under these paths are not pages', async () => {
    const t = await createTestApp()
    expect((await call(t, 'GET', '/subscribe')).status).toBe(404)
    expect((await call(t, 'GET', '/confirm/')).status).toBe(404)
  })
})
