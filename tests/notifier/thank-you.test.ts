import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { createFanOut } from '../../api/jobs/notifier/fanout.ts'
import { THANK_YOU_QUOTA } from '../../api/services/rate-limit.ts'
import { makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { createMailWorld } from './world.ts'

const HOUR = 3_600_000
let nextIp = 1
/** Each report from its own address, as a spammer with many machines would send them. */
const fromNewIp = () => ({
  incoming: { socket: { remoteAddress: `198.51.100.${nextIp++ % 250}` } },
})

async function reportByForm(t: TestApp, fields: Record<string, string>): Promise<number> {
  const res = await t.app.request(
    '/report',
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    },
    fromNewIp(),
  )
  return res.status
}

async function reportByApi(t: TestApp, body: Record<string, string>): Promise<number> {
  const res = await t.app.request(
    '/api/v1/feedback',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    fromNewIp(),
  )
  return res.status
}

/** What a spammer would like us to mail: their words and their links. */
const SPAM: { name: string; message: string; mustNotAppear: string[] }[] = [
  {
    name: 'plain text',
    message: 'Cheap watches, best prices, write to sales today',
    mustNotAppear: ['Cheap watches', 'best prices', 'write to sales'],
  },
  {
    name: 'bare URLs',
    message: 'Visit https://spam.example/win?x=1 or http://spam2.example/ now',
    mustNotAppear: ['spam.example', 'spam2.example', 'Visit'],
  },
  {
    name: 'markdown link',
    message: 'Your account is locked: [unlock it here](https://phish.example/login)',
    mustNotAppear: ['phish.example', 'unlock it here', 'account is locked'],
  },
  {
    name: 'HTML link',
    message: '<a href="https://phish.example/a">Claim your refund</a>',
    mustNotAppear: ['phish.example', 'Claim your refund', 'refund'],
  },
  {
    name: 'a domain without a scheme',
    message: 'Call now: www.scam.example, +1 555 0100',
    mustNotAppear: ['scam.example', '555 0100', 'Call now'],
  },
  {
    name: 'non-Latin text',
    message: '恭喜您中奖了，请访问 中奖.example 领取奖品',
    mustNotAppear: ['恭喜您中奖了', '中奖.example', '领取奖品'],
  },
  {
    name: 'the longest message allowed',
    message: `Buy now at https://bulk.example/ ${'lorem ipsum '.repeat(410)}`.slice(0, 5000),
    mustNotAppear: ['bulk.example', 'lorem ipsum', 'Buy now'],
  },
]

describe('the thank-you for a report', () => {
  it('quotes nothing the reporter wrote: only our wording and a link to our own page', async () => {
    const w = await createMailWorld()
    const { t } = w
    const inc = await makeIncident(t, { name: 'Checkout errors' })
    const sent: { to: string; spam: (typeof SPAM)[number]; incident: boolean }[] = []
    for (const [i, spam] of SPAM.entries()) {
      // Through the HTML form and the JSON API, with and without an incident.
      const to = `victim${i}@example.org`
      const incident = i % 2 === 0
      const fields = { email: to, message: spam.message, ...(incident ? { incident: inc.id } : {}) }
      const status = i % 3 === 0 ? await reportByApi(t, fields) : await reportByForm(t, fields)
      expect([200, 202]).toContain(status)
      sent.push({ to, spam, incident })
    }
    await w.settle()
    for (const { to, spam, incident } of sent) {
      const [msg, ...more] = w.sink.to(to)
      expect(more, spam.name).toHaveLength(0)
      const raw = msg!.raw.toString('utf8')
      const m = await simpleParser(msg!.raw)
      const everything = [m.subject, m.text, m.html, raw].join('\n')
      for (const bad of spam.mustNotAppear) expect(everything, spam.name).not.toContain(bad)
      // Every link in the mail is ours.
      const links = [...(m.text ?? '').matchAll(/https?:\/\/\S+/g)].map((x) => x[0])
      const hrefs = [...String(m.html).matchAll(/href="([^"]+)"/g)].map((x) => x[1]!)
      const ours = incident
        ? `https://status.example.com/incidents/${inc.id as string}/`
        : 'https://status.example.com/'
      expect(links, spam.name).toEqual([ours])
      expect(hrefs, spam.name).toEqual([ours])
      expect(m.subject).toBe('[Example Status] Your message to Example Status')
      expect(m.text).toContain('Thank you for telling us.')
    }
    // The reports themselves are all there for staff, word for word.
    const list = await t.api('GET', `/api/v1/feedback?per_page=100`)
    expect(list.body.map((f: { message: string }) => f.message).sort()).toEqual(
      SPAM.map((s) => s.message.trim()).sort(),
    )
  })

  it("the staff answer quotes nothing the reporter wrote: only the reply, our wording and our page's link", async () => {
    const w = await createMailWorld()
    const { t } = w
    const reply = 'We looked into it and fixed the **checkout** page.'
    for (const [i, spam] of SPAM.entries()) {
      const fields = { email: `answered${i}@example.org`, message: spam.message }
      expect([200, 202]).toContain(
        i % 2 ? await reportByApi(t, fields) : await reportByForm(t, fields),
      )
    }
    await w.settle()
    const items = (await t.api('GET', '/api/v1/feedback?per_page=100')).body as {
      id: string
      email: string
    }[]
    expect(items).toHaveLength(SPAM.length)
    for (const item of items) {
      const res = await t.api('POST', `/api/v1/feedback/${item.id}/replies`, { body: reply })
      expect(res.status).toBe(201)
    }
    await w.settle()
    for (const [i, spam] of SPAM.entries()) {
      const mails = w.sink.to(`answered${i}@example.org`)
      expect(mails, spam.name).toHaveLength(2)
      const answer = await simpleParser(mails[1]!.raw)
      const everything = [answer.subject, answer.text, answer.html, mails[1]!.raw.toString('utf8')]
      for (const bad of spam.mustNotAppear)
        expect(everything.join('\n'), spam.name).not.toContain(bad)
      expect(answer.text).toContain('Here is our answer to your message.')
      expect(answer.text).toContain('We looked into it and fixed the checkout page.')
      expect(String(answer.html)).toContain('<strong>checkout</strong>')
      const links = [...(answer.text ?? '').matchAll(/https?:\/\/\S+/g)].map((x) => x[0])
      const hrefs = [...String(answer.html).matchAll(/href="([^"]+)"/g)].map((x) => x[1]!)
      expect([...links, ...hrefs], spam.name).toEqual(['https://status.example.com/report'])
    }
  })

  it('a flood of reports naming one address sends it one thank-you; every report is kept', async () => {
    // TRUST_PROXY off and a new socket address each time: the per-IP limit never applies.
    const w = await createMailWorld()
    const { t } = w
    for (let i = 0; i < 12; i++) {
      const status = await reportByForm(t, { email: 'victim@example.org', message: `Spam ${i}` })
      expect(status).toBe(200)
    }
    // Other people's thank-yous are not held back by it.
    expect(await reportByApi(t, { email: 'someone@example.org', message: 'Login is slow' })).toBe(
      202,
    )
    await w.settle()
    expect(w.sink.to('victim@example.org')).toHaveLength(THANK_YOU_QUOTA.perHour)
    expect(w.sink.to('someone@example.org')).toHaveLength(1)
    const stored = await t.api('GET', '/api/v1/feedback?per_page=100')
    expect(stored.status).toBe(200)
    expect(Number(stored.headers.get('x-total-count'))).toBe(13)
  })

  it(`at most ${THANK_YOU_QUOTA.perHour} an hour and ${THANK_YOU_QUOTA.perDay} a day per address, however it is written`, async () => {
    const t = await createTestApp()
    const fanOut = createFanOut(t.deps, { owner: 'test', leaseMs: 60_000, batch: 100 })
    const thanked = async () => {
      await fanOut.runOnce()
      const rs = await t.deps.db.execute(
        "SELECT COUNT(*) AS n FROM deliveries WHERE lower(address) = 'victim@example.org'",
      )
      return Number(rs.rows[0]!.n)
    }
    const flood = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const email = i % 2 ? 'Victim@Example.org' : 'victim@example.org'
        expect(await reportByForm(t, { email, message: `Spam ${i}` })).toBe(200)
      }
    }
    const counts: number[] = []
    for (let hour = 0; hour < 5; hour++) {
      await flood(4)
      counts.push(await thanked())
      t.clock.advance(HOUR + 60_000)
    }
    // One in each of the first three hours, then the day's share is used up.
    expect(counts).toEqual([1, 2, 3, 3, 3])
    t.clock.advance(20 * HOUR)
    await flood(3)
    expect(await thanked()).toBe(4)
    // Staff answers are not thank-yous: they still go out.
    const [first] = (await t.api('GET', '/api/v1/feedback?per_page=1')).body as { id: string }[]
    const reply = await t.api('POST', `/api/v1/feedback/${first!.id}/replies`, {
      body: 'We looked into it.',
    })
    expect(reply.status).toBe(201)
    expect(await thanked()).toBe(5)
  })
})
