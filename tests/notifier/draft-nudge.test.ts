import { simpleParser, type ParsedMail } from 'mailparser'
import { afterEach, describe, expect, it } from 'vitest'
import { signingSecret } from '../../api/services/secrets.ts'
import { signToken } from '../../core/signed-token.ts'
import { str } from '../../db/rows.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { startReceiver, type HttpReceiver } from '../fixtures/http-receiver.ts'
import type { TestApp } from '../fixtures/test-app.ts'
import { createMailWorld, type MailWorld } from './world.ts'

// On-call hears of a new draft once, by mail and webhook, with a link that publishes the proposal
// only when its page's form is sent (GET is for mail scanners too).

const ONCALL = 'oncall@example.com'
const STEADY = { leaseMs: 60_000 }
// Staff-only text from monitoring, with markup and a header-breaking line end in it.
const SUMMARY = 'p99 <script>alert(1)</script> & 9s\r\nBcc: victim@example.net'

const receivers: HttpReceiver[] = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})

async function world(): Promise<{ w: MailWorld; hook: HttpReceiver }> {
  const hook = await startReceiver()
  receivers.push(hook)
  const w = await createMailWorld({
    timing: STEADY,
    env: {
      ONCALL_EMAIL: ONCALL,
      ONCALL_WEBHOOK_URL: `${hook.url}/page`,
      OUTBOUND_ALLOW_PRIVATE: 'true',
    },
  })
  return { w, hook }
}

async function fire(t: TestApp, id: string, summary = SUMMARY) {
  const res = await t.api('POST', '/api/v1/alerts/generic', {
    status: 'firing',
    component: 'Payments API',
    severity: 'critical',
    summary,
    id,
  })
  expect(res.status, JSON.stringify(res.body)).toBe(202)
  return res.body.drafts[0].id as string
}

async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  return Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
}

async function count(t: TestApp, sql: string): Promise<number> {
  return Number((await t.deps.db.execute(sql)).rows[0]!.n)
}

async function page(t: TestApp, method: 'GET' | 'POST', path: string) {
  const res = await t.app.request(path, {
    method,
    ...(method === 'POST'
      ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }
      : {}),
  })
  return { status: res.status, html: await res.text(), headers: res.headers }
}

describe('on-call nudge for a new draft', () => {
  it('mails and posts once per draft, even when the fan-out runs again after a restart', async () => {
    const { w, hook } = await world()
    const { t } = w
    await makeComponent(t, { name: 'Payments API' })
    const draftId = await fire(t, 'latency')
    t.clock.advance(30_000)
    // A second alert on the same component joins the draft: no second nudge.
    expect(await fire(t, 'errors', 'Checkout error rate above 5 %')).toBe(draftId)
    await w.settle()

    const [mail, ...more] = await mailsTo(w, ONCALL)
    expect(more).toHaveLength(0)
    expect(mail!.subject).toBe('[Example Status] Draft incident: Payments API')
    expect(mail!.headers.get('bcc')).toBeUndefined()
    const text = mail!.text!
    expect(text).toContain('Signals about Payments API since 10 Mar 2026, 12:00 UTC')
    // One line per signal: the line end in the summary is a space.
    expect(text).toContain(
      '- [critical] p99 <script>alert(1)</script> & 9s Bcc: victim@example.net\n',
    )
    expect(text).toContain(`https://status.example.com/admin/drafts/${draftId}`)
    const publishUrl = /https:\/\/status\.example\.com\/on-call\/drafts\/\S+/.exec(text)![0]
    // The HTML shows the summary as text: its markup is escaped, never live.
    const html = String(mail!.html)
    expect(html).not.toContain('<script>')
    expect(html).toContain('p99 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 9s')
    expect(html).toContain(`href="${publishUrl}"`)

    // The nudge speaks of what had fired when the draft opened: a retry renders the same.
    expect(text).not.toContain('Checkout error rate')
    expect(hook.received).toHaveLength(1)
    const stored = (await t.api('GET', `/api/v1/drafts/${draftId}`)).body.signals[0].summary
    expect(stored).toMatch(/^p99 <script>alert\(1\)<\/script> & 9s\r?\nBcc: victim@example\.net$/)
    const body = hook.received[0]!.json as Record<string, any>
    expect(body).toMatchObject({
      type: 'draft.opened',
      draft: { id: draftId, component: 'Payments API', origin: 'alert' },
      console_url: `https://status.example.com/admin/drafts/${draftId}`,
      publish_url: publishUrl,
      publish_url_expires_at: '2026-03-11T12:00:00.000Z',
    })
    expect(body.draft.signals).toEqual([
      { source: 'generic', severity: 'critical', status: 'firing', summary: stored },
    ])

    // A restarted notifier that lost its position reads the event again: the delivery ledger
    // already holds its rows, so nothing is sent twice.
    await w.notifier.stop()
    await t.deps.db.execute(
      "UPDATE consumer_positions SET event_id = 0 WHERE consumer = 'notifier'",
    )
    await w.settle()
    expect(w.sink.to(ONCALL)).toHaveLength(1)
    expect(hook.received).toHaveLength(1)
  })

  it('the link shows the proposal on GET, publishes once on POST, and says so afterwards', async () => {
    const { w } = await world()
    const { t } = w
    await makeComponent(t, { name: 'Payments API' })
    const draftId = await fire(t, 'latency')
    await w.settle()
    const [mail] = await mailsTo(w, ONCALL)
    const path = new URL(/https:\/\/\S+\/on-call\/drafts\/\S+/.exec(mail!.text!)![0]).pathname

    // GET twice (a scanner, then the person): the page, and nothing published.
    for (let i = 0; i < 2; i++) {
      const shown = await page(t, 'GET', path)
      expect(shown.status).toBe(200)
      expect(shown.html).toContain('Publish the draft about Payments API?')
      expect(shown.html).toContain(
        '<form method="post"><button type="submit">Publish as is</button>',
      )
      expect(shown.html).toContain('p99 &lt;script&gt;')
      expect(shown.headers.get('referrer-policy')).toBe('no-referrer')
      expect(shown.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
      expect(shown.headers.get('cache-control')).toBe('no-store')
    }
    expect(await count(t, 'SELECT COUNT(*) AS n FROM incidents')).toBe(0)

    const done = await page(t, 'POST', path)
    expect(done.status, done.html).toBe(200)
    expect(done.html).toContain('Published')
    expect(await count(t, 'SELECT COUNT(*) AS n FROM incidents')).toBe(1)
    const draft = (await t.api('GET', `/api/v1/drafts/${draftId}`)).body
    expect(draft.state).toBe('published')
    const audit = await t.deps.db.execute({
      sql: "SELECT actor_name FROM audit_log WHERE action = 'incident.create'",
      args: [],
    })
    expect(audit.rows.map((r) => str(r, 'actor_name'))).toEqual([`On-call link (${ONCALL})`])

    // Sent again (a double click, a second person): nothing more.
    const again = await page(t, 'POST', path)
    expect(again.status).toBe(409)
    expect(again.html).toContain('This draft is already published')
    expect(again.html).toContain(`/incidents/${draft.incident_id}/`)
    expect((await page(t, 'GET', path)).status).toBe(409)
    expect(await count(t, 'SELECT COUNT(*) AS n FROM incidents')).toBe(1)
  })

  it('refuses altered, foreign, mistyped and expired links, and a dismissed draft, publishing nothing', async () => {
    const { w } = await world()
    const { t } = w
    await makeComponent(t, { name: 'Payments API' })
    const draftId = await fire(t, 'latency')
    await w.settle()
    const [mail] = await mailsTo(w, ONCALL)
    const path = new URL(/https:\/\/\S+\/on-call\/drafts\/\S+/.exec(mail!.text!)![0]).pathname
    const token = path.split('/').at(-1)!
    const [body, sig] = token.split('.') as [string, string]
    const secret = await signingSecret(t.deps)
    const e = Math.floor(t.clock.now().getTime() / 1000) + 3600
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
    const bad = [
      flip(token, token.length - 3),
      `${flip(body, 5)}.${sig}`,
      `${body}.${sig}.x`,
      token.slice(0, -1),
      'garbage',
      // Signed by us, for another purpose or another draft.
      await signToken(secret, { p: 'feedback', s: draftId, v: 0, e }),
      await signToken(secret, { p: 'draft_publish', s: 'aaaaaaaaaaaa', v: 0, e }),
    ]
    for (const b of bad) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await page(t, method, `/on-call/drafts/${b}`)
        expect(res.status, `${method} ${b}`).toBe(b === bad.at(-1) ? 404 : 400)
      }
    }
    // A day later the real link has expired.
    t.clock.advance(24 * 3_600_000 + 1_000)
    for (const method of ['GET', 'POST'] as const) {
      const res = await page(t, method, path)
      expect(res.status).toBe(400)
      expect(res.html).toContain('This link does not work')
    }
    expect(await count(t, 'SELECT COUNT(*) AS n FROM incidents')).toBe(0)

    expect(bad).toHaveLength(7)
  })

  it('a draft dismissed before the click: the page says so and publishes nothing', async () => {
    const { w } = await world()
    const { t } = w
    await makeComponent(t, { name: 'Payments API' })
    const draftId = await fire(t, 'latency')
    await w.settle()
    const [mail] = await mailsTo(w, ONCALL)
    const path = new URL(/https:\/\/\S+\/on-call\/drafts\/\S+/.exec(mail!.text!)![0]).pathname
    const res = await t.api('POST', `/api/v1/drafts/${draftId}/dismiss`, { reason: 'Test alert' })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    for (const method of ['GET', 'POST'] as const) {
      const shown = await page(t, method, path)
      expect(shown.status).toBe(409)
      expect(shown.html).toContain('This draft was dismissed')
      expect(shown.html).toContain('(Test alert)')
    }
    expect(await count(t, 'SELECT COUNT(*) AS n FROM incidents')).toBe(0)
  })
})
