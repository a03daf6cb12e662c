import { describe, expect, it } from 'vitest'
import { maskedEmail } from '../../api/services/feedback.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../fixtures/test-app.ts'

const ADDRESSES = ['o.brien@example.com', 'X@Sub.Example.org', 'grace+status@example.net']

async function seed(t: TestApp): Promise<string[]> {
  for (const [i, email] of [...ADDRESSES, null].entries()) {
    const res = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: `Report ${i}`, ...(email ? { email } : {}) },
      { token: null },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(202)
  }
  // Admin sees the addresses: the ids of the reports that have one.
  const list = await t.api('GET', '/api/v1/feedback?per_page=10')
  return (list.body as { id: string; email: string | null }[])
    .filter((f) => f.email !== null)
    .map((f) => f.id)
}

/** The whole address never appears in what a token that may not see it gets back. */
function expectNoAddress(text: string, what: string) {
  for (const a of ADDRESSES) {
    expect(text.toLowerCase(), what).not.toContain(a.toLowerCase())
    expect(text.toLowerCase(), what).not.toContain(a.split('@')[0]!.toLowerCase() + '@')
  }
}

describe("reporters' addresses in the feedback API", () => {
  it('masks the address for read and write tokens and shows it whole to admin', async () => {
    const t = await createTestApp()
    const ids = await seed(t)
    const tokens = {
      read: await t.token('read'),
      write: await t.token('write'),
      admin: ADMIN_TOKEN,
    }
    for (const [scope, token] of Object.entries(tokens)) {
      const list = await t.api('GET', '/api/v1/feedback?per_page=10', undefined, { token })
      expect(list.status).toBe(200)
      const emails = (list.body as { email: string | null }[]).map((f) => f.email).sort()
      const one = await t.api('GET', `/api/v1/feedback/${ids[0]!}`, undefined, { token })
      expect(one.status).toBe(200)
      if (scope === 'admin') {
        expect(emails).toEqual([...ADDRESSES, null].sort())
        expect(ADDRESSES).toContain(one.body.email)
      } else {
        expect(emails).toEqual(
          ['X***@Sub.Example.org', 'o***@example.com', 'g***@example.net', null].sort(),
        )
        expect(one.body.email).toMatch(/^.\*\*\*@/)
        expectNoAddress(JSON.stringify([list.body, one.body]), `${scope} GET`)
      }
    }
  })

  it('a write token answering or closing gets the masked address, in a replay too', async () => {
    const t = await createTestApp()
    const ids = await seed(t)
    const write = await t.token('write')
    const headers = { 'idempotency-key': 'answer-1' }
    const first = await t.api(
      'POST',
      `/api/v1/feedback/${ids[0]!}/replies`,
      { body: 'Fixed.' },
      { token: write, headers },
    )
    expect(first.status).toBe(201)
    const again = await t.api(
      'POST',
      `/api/v1/feedback/${ids[0]!}/replies`,
      { body: 'Fixed.' },
      { token: write, headers },
    )
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    const closed = await t.api('POST', `/api/v1/feedback/${ids[1]!}/close`, {}, { token: write })
    expect(closed.status).toBe(200)
    for (const res of [first, again, closed]) {
      expect(res.body.email).toMatch(/^.\*\*\*@/)
      expectNoAddress(JSON.stringify(res.body), 'write')
    }
    const adminClose = await t.api('POST', `/api/v1/feedback/${ids[2]!}/close`, {})
    expect(ADDRESSES).toContain(adminClose.body.email)
  })

  it('without a token there is nothing to read, and the contract says what is masked', async () => {
    const t = await createTestApp()
    const ids = await seed(t)
    for (const path of ['/api/v1/feedback', `/api/v1/feedback/${ids[0]!}`]) {
      const res = await t.api('GET', path, undefined, { token: null })
      expect(res.status).toBe(401)
      expectNoAddress(JSON.stringify(res.body), 'anonymous')
    }
    const spec = await t.api('GET', '/api/v1/openapi.json', undefined, { token: null })
    const email = spec.body.components.schemas.Feedback.properties.email
    expect(email.description).toMatch(/admin token only/)
    expect(email.description).toMatch(/masked/)
  })

  it('masks any address shape, and leaves none and admin alone', () => {
    expect(maskedEmail('a@b.c', 'read')).toBe('a***@b.c')
    expect(maskedEmail('weird', 'write')).toBe('***')
    expect(maskedEmail('@b.c', 'read')).toBe('***@b.c')
    expect(maskedEmail(null, 'read')).toBeNull()
    expect(maskedEmail('a@b.c', 'admin')).toBe('a@b.c')
  })
})
