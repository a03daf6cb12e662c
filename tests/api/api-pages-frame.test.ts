import { describe, expect, it } from 'vitest'
import { subscriberLinks } from '../../api/services/links.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

// The pages the API serves itself wear the status site's frame, in the reader's language.

const SITE = 'https://status.example.com'
let ip = 1

async function get(t: TestApp, path: string, init: RequestInit = {}) {
  const res = await t.app.request(path, init, {
    incoming: { socket: { remoteAddress: `198.51.100.${ip++ % 250}` } },
  })
  return {
    status: res.status,
    html: await res.text(),
    csp: res.headers.get('content-security-policy'),
  }
}

const navOf = (html: string) =>
  [...html.matchAll(/<nav aria-label="[^"]+">(.*?)<\/nav>/gs)][0]![1]!.match(/href="[^"]+"/g)

async function subscribe(t: TestApp, email: string, locale: string) {
  const res = await get(t, '/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, locale }).toString(),
  })
  expect(res.status).toBe(200)
  const rs = await t.deps.db.execute('SELECT id, token_version FROM subscribers WHERE email = ?', [
    email,
  ])
  const s = { id: rs.rows[0]!.id as string, token_version: Number(rs.rows[0]!.token_version) }
  const links = await subscriberLinks(t.deps, s)
  return { accepted: res.html, manage: new URL(links.manage).pathname }
}

describe('the API pages', () => {
  it('carry the site navigation, a favicon and <html lang> of the reader', async () => {
    const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
    const en = await get(t, '/subscribe/email')
    expect(en.html).toContain('<html lang="en">')
    expect(navOf(en.html)).toEqual(
      ['/', '/history/', '/uptime/', '/subscribe/', '/report/'].map((p) => `href="${SITE}${p}"`),
    )
    expect(en.html).toMatch(/<a href="[^"]+\/subscribe\/" aria-current="page">Get updates<\/a>/)
    expect(en.html).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/)
    expect(en.csp).toContain(`img-src ${SITE} data:`)
    expect(en.html).not.toContain('lang="en"><p class="notice"')

    // A reader who asked for Chinese: the frame in Chinese, links to the Chinese site, and the
    // page's own (English) words marked as English.
    const zhForm = await get(t, '/subscribe/email?locale=zh-CN')
    expect(zhForm.html).toContain('<html lang="zh-CN">')
    expect(zhForm.html).toContain(`href="/subscribe/webhook?locale=zh-CN"`)
    expect(zhForm.html).toContain('<option value="zh-CN" selected>')
    const zh = await subscribe(t, 'li@example.com', 'zh-CN')
    expect(zh.accepted).toContain('<html lang="zh-CN">')
    const manage = await get(t, zh.manage)
    expect(manage.html).toContain('<html lang="zh-CN">')
    expect(navOf(manage.html)).toEqual(
      ['/', '/history/', '/uptime/', '/subscribe/', '/report/'].map(
        (p) => `href="${SITE}/zh-CN${p}"`,
      ),
    )
    expect(manage.html).toContain('>订阅通知</a>')
    expect(manage.html).toMatch(/<main id="main" class="wrap" tabindex="-1" lang="en">/)
    expect(manage.html).toContain(`<a href="${SITE}/zh-CN/report/">报告问题</a>`)

    // The report form of the Chinese site says so in a hidden field: thanks in its language.
    const report = await get(t, '/report', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ message: 'The page is slow', locale: 'zh-CN' }).toString(),
    })
    expect(report.status).toBe(200)
    expect(report.html).toContain('<html lang="zh-CN">')
    expect(report.html).toMatch(
      /<a href="[^"]+\/zh-CN\/report\/" aria-current="page">报告问题<\/a>/,
    )

    // An unknown or unconfigured locale falls back to the page's default.
    expect((await get(t, '/subscribe/email?locale=xx')).html).toContain('<html lang="en">')
    const single = await createTestApp()
    expect((await get(single, '/subscribe/email?locale=zh-CN')).html).toContain('<html lang="en">')
  })
})
