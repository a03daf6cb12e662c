import { describe, expect, it } from 'vitest'
import { feedback } from '../../api/services/feedback.ts'
import { tokens } from '../../api/services/tokens.ts'
import { CANNED_REPLIES } from '../../core/canned-replies.ts'
import { newId } from '../../core/ids.ts'
import { UNEDITED } from '../fixtures/canned-variants.ts'
import { createPerson } from '../fixtures/console.ts'
import { makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

// The staff API of the inbox: assign, reopen, the late / mine / assignee filters, and the
// canned-reply rule, with the same services as the console (tests/console/inbox.test.ts).

const HOUR = 3_600_000

const report = (t: TestApp, message = 'Checkout fails', o: { incident?: string } = {}) =>
  feedback.report(t.deps, { message, email: 'r@example.net', ...o })

async function personalToken(t: TestApp, ownerId: string, scope: 'read' | 'write' | 'admin') {
  const created = await tokens.create(
    t.deps,
    { actor: { id: null, name: 'test', scope: 'admin' } },
    { name: 'laptop', scope },
    { ownerId },
  )
  return created.token
}

const ids = (body: { id: string }[]) => body.map((f) => f.id)

describe('assigning a report through the API', () => {
  it('gives it to any active person or to nobody; refuses anyone else, and read tokens', async () => {
    const t = await createTestApp()
    const f = await report(t)
    const ada = await createPerson(t, { role: 'viewer', email: 'ada@example.com' })
    const gone = await createPerson(t, { email: 'gone@example.com', status: 'disabled' })
    const writer = await t.token('write')
    const reader = await t.token('read')
    const ok = await t.api(
      'POST',
      `/api/v1/feedback/${f.id}/assign`,
      { assigned_to: ada.id },
      { token: writer },
    )
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
    expect(ok.body).toMatchObject({ id: f.id, assigned_to: ada.id, status: 'open' })
    // Masked for a write token, as every feedback body is.
    expect(ok.body.email).toBe('r***@example.net')

    const before = await dumpTables(t.deps.db)
    const refused: [unknown, number, string][] = [
      [{ assigned_to: gone.id }, 400, 'unknown_person'],
      [{ assigned_to: newId() }, 400, 'unknown_person'],
      [{ assigned_to: 'Ada' }, 400, 'invalid_input'],
      [{}, 400, 'invalid_input'],
      [{ assigned_to: ada.id, status: 'closed' }, 400, 'invalid_input'],
    ]
    for (const [body, status, code] of refused) {
      const res = await t.api('POST', `/api/v1/feedback/${f.id}/assign`, body, { token: writer })
      expect([body, res.status, res.body.error.code]).toEqual([body, status, code])
    }
    const read = await t.api(
      'POST',
      `/api/v1/feedback/${f.id}/assign`,
      { assigned_to: null },
      { token: reader },
    )
    expect(read.status).toBe(403)
    const missing = await t.api('POST', `/api/v1/feedback/${newId()}/assign`, { assigned_to: null })
    expect(missing.status).toBe(404)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const none = await t.api('POST', `/api/v1/feedback/${f.id}/assign`, { assigned_to: null })
    expect(none.body.assigned_to).toBeNull()
  })
})

describe('reopening a report', () => {
  it('opens a closed one again, which then takes replies; anything not closed is a 409', async () => {
    const t = await createTestApp()
    const f = await report(t)
    expect((await t.api('POST', `/api/v1/feedback/${f.id}/reopen`, {})).status).toBe(409)
    await t.api('POST', `/api/v1/feedback/${f.id}/close`, {})
    expect(
      (await t.api('POST', `/api/v1/feedback/${f.id}/replies`, { body: 'Hi, fixed.' })).status,
    ).toBe(409)
    const reopened = await t.api('POST', `/api/v1/feedback/${f.id}/reopen`, {})
    expect(reopened.status).toBe(200)
    expect(reopened.body).toMatchObject({ status: 'open', closed_at: null, late: false })
    const replied = await t.api('POST', `/api/v1/feedback/${f.id}/replies`, { body: 'Hi, fixed.' })
    expect(replied.status).toBe(201)
    expect(replied.body.status).toBe('answered')
    expect((await t.api('POST', `/api/v1/feedback/${f.id}/reopen`, { why: 'x' })).status).toBe(400)
  })
})

describe('the late, mine and assignee filters', () => {
  it('lists what each asks for; mine needs a person behind the token', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t)
    const ada = await createPerson(t, { email: 'ada@example.com' })
    const old = await report(t, 'old', { incident: inc.id })
    t.clock.advance(2 * HOUR)
    const edge = await report(t, 'exactly 2 h by the end')
    t.clock.advance(HOUR)
    const mine = await report(t, 'mine')
    await t.api('POST', `/api/v1/feedback/${mine.id}/assign`, { assigned_to: ada.id })
    await t.api('POST', `/api/v1/feedback/${edge.id}/assign`, { assigned_to: ada.id })
    t.clock.advance(HOUR)
    // old: 4 h, edge: 2 h exactly, mine: 1 h.
    const list = async (q: string, token?: string) => {
      const res = await t.api('GET', `/api/v1/feedback?${q}`, undefined, token ? { token } : {})
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return ids(res.body)
    }
    expect(await list('late=true')).toEqual([old.id])
    expect(await list('assignee=none')).toEqual([old.id])
    expect(await list(`assignee=${ada.id}`)).toEqual([mine.id, edge.id])
    expect(await list(`assignee=${ada.id}&late=true`)).toEqual([])
    const personal = await personalToken(t, ada.id, 'read')
    expect(await list('mine=true', personal)).toEqual([mine.id, edge.id])
    expect(await list(`mine=true&incident=${inc.id}`, personal)).toEqual([])

    const service = await t.api('GET', '/api/v1/feedback?mine=true')
    expect(service.status).toBe(400)
    expect(service.body.error.details).toEqual([
      { path: 'mine', message: 'A service token is nobody: use assignee=<user id>' },
    ])
    for (const q of ['late=yes', 'mine=false', 'assignee=nobody', 'assignee=']) {
      expect([q, (await t.api('GET', `/api/v1/feedback?${q}`)).status]).toEqual([q, 400])
    }
  })
})

describe('a canned reply through the API', () => {
  it('is refused unedited, in every variant, and written once made to fit', async () => {
    const t = await createTestApp()
    const f = await report(t)
    const before = await dumpTables(t.deps.db)
    let tried = 0
    for (const canned of CANNED_REPLIES) {
      for (const [name, vary] of UNEDITED) {
        const res = await t.api('POST', `/api/v1/feedback/${f.id}/replies`, {
          body: vary(canned.body),
        })
        expect([
          name,
          res.status,
          res.body.error?.code,
          res.body.error?.details?.[0]?.path,
        ]).toEqual([name, 400, 'unedited_template', 'body'])
        tried++
      }
    }
    expect(tried).toBe(UNEDITED.length * CANNED_REPLIES.length)
    expect(await dumpTables(t.deps.db)).toEqual(before)
    const fitted = await t.api('POST', `/api/v1/feedback/${f.id}/replies`, {
      body: `Hi Sam, ${CANNED_REPLIES[2]!.body} It is 25% of March.`,
    })
    expect(fitted.status).toBe(201)
  })
})
