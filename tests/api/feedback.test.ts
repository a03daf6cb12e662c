import { HtmlValidate } from 'html-validate'
import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { str } from '../../db/rows.ts'

// Customer feedback: the public "report a problem" form, its JSON twin, and the staff API that
// answers within 2 hours (a conversation) or at worst 24 (PRODUCT.md).

let nextIp = 1
const envFor = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } })
const HOUR = 3_600_000

async function post(t: TestApp, path: string, fields: [string, string][], ip?: string) {
  const res = await t.app.request(
    path,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    },
    envFor(ip ?? `203.0.113.${nextIp++ % 250}`),
  )
  return { status: res.status, html: await res.text(), headers: res.headers }
}

const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'form-dup-name': ['error', { shared: ['radio'] }], 'void-style': 'off' },
})
async function expectValidHtml(html: string) {
  const report = await validator.validateString(html)
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual(
    [],
  )
}

async function feedbackRows(t: TestApp) {
  return (await t.deps.db.execute('SELECT * FROM feedback ORDER BY created_at, rowid')).rows
}

async function events(t: TestApp, type?: string) {
  const rs = await t.deps.db.execute(
    `SELECT type, aggregate_type, aggregate_id, payload FROM outbox WHERE type LIKE 'feedback.%' ORDER BY id`,
  )
  return rs.rows
    .map((r) => ({
      type: str(r, 'type'),
      aggregate_type: str(r, 'aggregate_type'),
      aggregate_id: str(r, 'aggregate_id'),
      payload: JSON.parse(str(r, 'payload')) as Record<string, unknown>,
    }))
    .filter((e) => !type || e.type === type)
}

/** A report through the JSON endpoint, returning the stored item (via the staff API). */
async function report(t: TestApp, body: Record<string, unknown> = {}) {
  const res = await t.api(
    'POST',
    '/api/v1/feedback',
    { message: 'Checkout fails', ...body },
    { token: null },
  )
  expect(res.status, JSON.stringify(res.body)).toBe(202)
  const list = await t.api('GET', '/api/v1/feedback?per_page=1')
  return list.body[0] as { id: string }
}

describe('the public report form', () => {
  it('stores an open item, queues the thank-you, and answers with a valid page', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Checkout' })
    const inc = await makeIncident(t, { components: { [c.id]: 'partial_outage' } })
    const res = await post(t, '/report', [
      ['message', 'My card was charged twice <script>alert(1)</script>'],
      ['email', "o'brien@example.com"],
      ['component', c.id],
      ['incident', inc.id],
      ['website', ''],
    ])
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.html).toContain('Thank you — we read every report')
    expect(res.html).toContain("We'll answer within 24 hours")
    expect(res.html).toMatch(/What happens next/)
    expect(res.html).toContain('o&#39;brien@example.com')
    expect(res.html).toContain(`href="https://status.example.com/incidents/${inc.id}/"`)
    await expectValidHtml(res.html)

    const rows = await feedbackRows(t)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      incident_id: inc.id,
      component_id: c.id,
      subscriber_id: null,
      email: "o'brien@example.com",
      message: 'My card was charged twice <script>alert(1)</script>',
      source: 'form',
      status: 'open',
      created_at: '2026-03-10T12:00:00.000Z',
      first_answered_at: null,
    })
    const id = str(rows[0]!, 'id')
    expect(await events(t)).toEqual([
      {
        type: 'feedback.received',
        aggregate_type: 'feedback',
        aggregate_id: id,
        payload: { feedback_id: id },
      },
    ])
    // Nothing personal in the append-only tables.
    const audit = await t.deps.db.execute(
      "SELECT details FROM audit_log WHERE action = 'feedback.create'",
    )
    expect(str(audit.rows[0]!, 'details')).not.toMatch(/brien|charged/)
  })

  it('needs only a message; without an address the page says where answers appear', async () => {
    const t = await createTestApp()
    const res = await post(t, '/report', [['message', '  Login is slow  ']])
    expect(res.status).toBe(200)
    expect(res.html).toMatch(/left no email address/)
    expect(await feedbackRows(t)).toMatchObject([{ message: 'Login is slow', email: null }])
  })

  it('a filled honeypot looks accepted but writes nothing', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const fields: [string, string][] = [
      ['message', 'Buy cheap watches'],
      ['email', 'bot@example.com'],
    ]
    const bot = await post(t, '/report', [...fields, ['website', 'http://spam.example']])
    expect(bot.status).toBe(200)
    expect(await dumpTables(t.deps.db)).toEqual(before)
    const human = await post(t, '/report', fields)
    expect(bot.html).toBe(human.html)
  })

  it('unknown ids and bad fields give an error page with the words kept, and write nothing', async () => {
    const t = await createTestApp()
    const c = await makeComponent(t, { name: 'Payments & <Billing>' })
    const before = await dumpTables(t.deps.db)
    const unknown = await post(t, '/report', [
      ['message', 'It "breaks" <b>badly</b> & often'],
      ['email', 'me@example.com'],
      ['component', 'aaaaaaaaaaaa'],
      ['incident', 'bbbbbbbbbbbb'],
    ])
    expect(unknown.status).toBe(400)
    expect(unknown.html).toMatch(/service you chose no longer exists/)
    expect(unknown.html).toMatch(/incident this form was for no longer exists/)
    // What was typed comes back, escaped; the unknown ids do not (sending again must work).
    expect(unknown.html).toContain('It &quot;breaks&quot; &lt;b&gt;badly&lt;/b&gt; &amp; often')
    expect(unknown.html).not.toContain('<b>badly</b>')
    expect(unknown.html).toContain('value="me@example.com"')
    expect(unknown.html).not.toContain('bbbbbbbbbbbb')
    expect(unknown.html).toContain('Payments &amp; &lt;Billing&gt;')
    expect(unknown.html).toContain(`<option value="${c.id}">`)
    await expectValidHtml(unknown.html)

    const bad = await post(t, '/report', [
      ['message', '   '],
      ['email', 'not-an-address'],
      ['component', c.id],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toMatch(/Tell us what is not working/)
    expect(bad.html).toMatch(/Enter an email address/)
    expect(bad.html).toContain(`<option value="${c.id}" selected>`)
    expect(bad.html).toContain('value="not-an-address"')

    const long = await post(t, '/report', [['message', '长'.repeat(5_001)]])
    expect(long.status).toBe(400)
    expect(long.html).toMatch(/keep it to 5,000 characters/)

    const json = await t.app.request('/report', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"message":"x"}',
    })
    expect(json.status).toBe(415)
    expect(await json.text()).toMatch(/Please use the form/)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('5,000 characters of Chinese fit in the form', async () => {
    const t = await createTestApp()
    expect((await post(t, '/report', [['message', '长'.repeat(5_000)]])).status).toBe(200)
  })

  it('limits accepted reports per address: 5 an hour, then a 429 page that writes nothing', async () => {
    const t = await createTestApp()
    const ip = '192.0.2.77'
    // A mistake does not spend the limit.
    expect((await post(t, '/report', [['message', '']], ip)).status).toBe(400)
    for (let i = 0; i < 5; i++) {
      expect((await post(t, '/report', [['message', `Report ${i}`]], ip)).status).toBe(200)
    }
    const before = await dumpTables(t.deps.db)
    const refused = await post(t, '/report', [['message', 'One more']], ip)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('3600')
    expect(refused.html).toMatch(/Too many reports from your network/)
    // The JSON endpoint shares the limit.
    const json = await t.app.request(
      '/api/v1/feedback',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'And another' }),
      },
      envFor(ip),
    )
    expect(json.status).toBe(429)
    expect((await json.json()).error.code).toBe('rate_limited')
    expect(await dumpTables(t.deps.db)).toEqual(before)
    // Another address is not affected; the first one is again after an hour.
    expect((await post(t, '/report', [['message', 'Other']], '192.0.2.78')).status).toBe(200)
    t.clock.advance(HOUR + 1)
    expect((await post(t, '/report', [['message', 'Later']], ip)).status).toBe(200)
  })

  it('JSON variant: same rules, the one error shape, nothing written on error', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const bad = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: '', component: 'aaaaaaaaaaaa', extra: 1 },
      { token: null },
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('invalid_input')
    const unknown = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: 'hi', incident: 'aaaaaaaaaaaa' },
      { token: null },
    )
    expect(unknown.status).toBe(400)
    expect(unknown.body.error).toMatchObject({
      code: 'unknown_reference',
      details: [{ path: 'incident', message: 'No incident with this id' }],
    })
    const bot = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: 'spam', website: 'x' },
      { token: null },
    )
    expect(bot.status).toBe(202)
    expect(await dumpTables(t.deps.db)).toEqual(before)
    const ok = await t.api('POST', '/api/v1/feedback', { message: 'hello' }, { token: null })
    expect(ok.body).toEqual({
      status: 'received',
      message: "Thank you — we read every report. We'll answer within 24 hours.",
    })
    expect(await events(t, 'feedback.received')).toHaveLength(1)
  })
})

describe('the staff API', () => {
  it('lists newest first with late/overdue flags that follow the clock, and filters', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t)
    const old = await report(t, { message: 'old', incident: inc.id })
    t.clock.advance(21 * HOUR)
    const mid = await report(t, { message: 'mid' })
    t.clock.advance(2 * HOUR)
    const fresh = await report(t, { message: 'fresh', email: 'a@example.com' })
    t.clock.advance(HOUR + 60_000) // old: 24 h 1 min; mid: 3 h 1 min; fresh: 1 h 1 min

    const all = await t.api('GET', '/api/v1/feedback')
    expect(all.status).toBe(200)
    expect(all.headers.get('x-total-count')).toBe('3')
    expect(
      all.body.map((f: any) => [f.message, f.age_seconds, f.late, f.overdue, f.replies]),
    ).toEqual([
      ['fresh', 3660, false, false, []],
      ['mid', 3 * 3600 + 60, true, false, []],
      ['old', 24 * 3600 + 60, true, true, []],
    ])
    expect(all.body[0]).toMatchObject({
      id: fresh.id,
      status: 'open',
      source: 'form',
      email: 'a@example.com',
      first_answered_at: null,
      closed_at: null,
    })

    const overdue = await t.api('GET', '/api/v1/feedback?overdue=true')
    expect(overdue.body.map((f: any) => f.id)).toEqual([old.id])
    expect(overdue.headers.get('x-total-count')).toBe('1')
    const notOverdue = await t.api('GET', '/api/v1/feedback?overdue=false')
    expect(notOverdue.body.map((f: any) => f.id)).toEqual([fresh.id, mid.id])
    const byIncident = await t.api('GET', `/api/v1/feedback?incident=${inc.id}`)
    expect(byIncident.body.map((f: any) => f.id)).toEqual([old.id])
    const paged = await t.api('GET', '/api/v1/feedback?per_page=2&page=2')
    expect(paged.body.map((f: any) => f.id)).toEqual([old.id])
    expect(paged.headers.get('x-total-count')).toBe('3')

    // Answering the overdue one takes it off the overdue list (it stays "answered", not late).
    await t.api('POST', `/api/v1/feedback/${old.id}/replies`, { body: 'Sorry, fixed now.' })
    expect((await t.api('GET', '/api/v1/feedback?overdue=true')).body).toEqual([])
    const answered = await t.api('GET', '/api/v1/feedback?status=answered')
    expect(answered.body.map((f: any) => [f.id, f.late, f.overdue])).toEqual([
      [old.id, false, false],
    ])
    expect((await t.api('GET', '/api/v1/feedback?status=open')).body).toHaveLength(2)
  })

  it('a reply sets first_answered_at once, records the author, and queues the answer email', async () => {
    const t = await createTestApp()
    const f = await report(t, { email: 'r@example.com' })
    t.clock.advance(90 * 60_000)
    const writer = await t.token('write')
    const first = await t.api(
      'POST',
      `/api/v1/feedback/${f.id}/replies`,
      { body: 'We found it: **fixed**.' },
      { token: writer },
    )
    expect(first.status, JSON.stringify(first.body)).toBe(201)
    expect(first.body).toMatchObject({
      id: f.id,
      status: 'answered',
      first_answered_at: '2026-03-10T13:30:00.000Z',
      late: false,
      overdue: false,
      replies: [
        {
          body: 'We found it: **fixed**.',
          // A service token signs as the page's team, never by the token's name.
          author: 'The Example Status team',
          created_at: '2026-03-10T13:30:00.000Z',
        },
      ],
    })
    t.clock.advance(HOUR)
    const second = await t.api('POST', `/api/v1/feedback/${f.id}/replies`, {
      body: 'Following up.',
    })
    expect(second.body.first_answered_at).toBe('2026-03-10T13:30:00.000Z')
    expect(second.body.replies.map((r: any) => r.body)).toEqual([
      'We found it: **fixed**.',
      'Following up.',
    ])
    const got = await t.api('GET', `/api/v1/feedback/${f.id}`)
    expect(got.body).toEqual({ ...second.body })
    const answered = await events(t, 'feedback.answered')
    expect(answered.map((e) => e.payload)).toEqual([
      { feedback_id: f.id, reply_id: first.body.replies[0].id },
      { feedback_id: f.id, reply_id: second.body.replies[1].id },
    ])
    expect(answered.every((e) => e.aggregate_id === f.id)).toBe(true)
  })

  it('close, then a reply is a conflict; every error writes nothing', async () => {
    const t = await createTestApp()
    const f = await report(t)
    const reader = await t.token('read')
    const cases: [() => Promise<{ status: number; body: any }>, number, string][] = [
      [() => t.api('POST', `/api/v1/feedback/${f.id}/replies`, { body: '' }), 400, 'invalid_input'],
      [
        () => t.api('POST', `/api/v1/feedback/${f.id}/replies`, { body: 'x', y: 1 }),
        400,
        'invalid_input',
      ],
      [
        () => t.api('POST', '/api/v1/feedback/aaaaaaaaaaaa/replies', { body: 'x' }),
        404,
        'not_found',
      ],
      [
        () => t.api('POST', `/api/v1/feedback/${f.id}/replies`, { body: 'x' }, { token: reader }),
        403,
        'forbidden',
      ],
      [
        () => t.api('POST', `/api/v1/feedback/${f.id}/close`, {}, { token: null }),
        401,
        'unauthorized',
      ],
      [() => t.api('GET', '/api/v1/feedback', undefined, { token: null }), 401, 'unauthorized'],
      [() => t.api('GET', '/api/v1/feedback?status=lost'), 400, 'invalid_input'],
      [() => t.api('GET', '/api/v1/feedback?overdue=yes'), 400, 'invalid_input'],
      [() => t.api('GET', '/api/v1/feedback/aaaaaaaaaaaa'), 404, 'not_found'],
      [
        () =>
          t.api('POST', `/api/v1/feedback/${f.id}/close`, undefined, {
            raw: 'x',
            headers: { 'content-type': 'text/plain' },
          }),
        415,
        'unsupported_media_type',
      ],
    ]
    for (const [call, status, code] of cases) {
      const before = await dumpTables(t.deps.db)
      const res = await call()
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(Object.keys(res.body)).toEqual(['error'])
      expect(res.body.error.code).toBe(code)
      expect(await dumpTables(t.deps.db)).toEqual(before)
    }
    expect((await t.api('GET', '/api/v1/feedback', undefined, { token: reader })).status).toBe(200)

    t.clock.advance(60_000)
    const closed = await t.api('POST', `/api/v1/feedback/${f.id}/close`, {})
    expect(closed.status).toBe(200)
    expect(closed.body).toMatchObject({
      status: 'closed',
      closed_at: '2026-03-10T12:01:00.000Z',
      first_answered_at: null,
      late: false,
      overdue: false,
    })
    for (const [call, code] of [
      [
        () => t.api('POST', `/api/v1/feedback/${f.id}/replies`, { body: 'Too late' }),
        'feedback_closed',
      ],
      [() => t.api('POST', `/api/v1/feedback/${f.id}/close`, {}), 'feedback_closed'],
    ] as const) {
      const before = await dumpTables(t.deps.db)
      const res = await call()
      expect(res.status).toBe(409)
      expect(res.body.error.code).toBe(code)
      expect(await dumpTables(t.deps.db)).toEqual(before)
    }
    expect(await events(t, 'feedback.answered')).toEqual([])
    // A closed, unanswered item is not overdue, however old.
    t.clock.advance(48 * HOUR)
    expect((await t.api('GET', '/api/v1/feedback?overdue=true')).body).toEqual([])
  })
})
