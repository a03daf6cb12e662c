import { simpleParser, type ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { people, RESET_LIMITS } from '../../api/services/people.ts'
import { systemActor } from '../../api/services/write.ts'
import { createPerson } from '../fixtures/console.ts'
import { snapshot } from '../fixtures/people.ts'
import { createMailWorld, rawHeader, type MailWorld } from './world.ts'

async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  return Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
}

/** The one console link in a mail's text part. */
function linkIn(text: string): string {
  const links = text.match(/https:\/\/status\.example\.com\/admin\/\S+/g) ?? []
  expect(links).toHaveLength(1)
  return links[0]!
}

const admin = { actor: { ...systemActor('Ann Lee'), id: 'ann-session' } }

describe('account email (invitations and password resets)', () => {
  it('mails the invitation link to the invited address; nothing stored holds it', async () => {
    const w = await createMailWorld()
    const invited = await people.invite(w.deps, admin, {
      email: 'sam@example.com',
      name: 'Sam',
      role: 'editor',
    })
    await w.settle()
    const [mail, ...more] = await mailsTo(w, 'sam@example.com')
    expect(more).toHaveLength(0)
    expect(mail!.subject).toBe('[Example Status] You are invited to the Example Status console')
    expect(mail!.text).toContain('Ann Lee invited you to the console of Example Status')
    expect(mail!.text).toContain('Your role: editor.')
    const url = linkIn(mail!.text!)
    expect(url).toBe(invited.invite_url)
    expect(mail!.html).toContain(`href="${url}"`)
    const raw = w.sink.to('sam@example.com')[0]!.raw
    expect(rawHeader(raw, 'List-Unsubscribe')).toBeNull()
    expect(rawHeader(raw, 'Auto-Submitted')).toBe('auto-generated')
    // The link works, and no table (outbox, deliveries, links) holds its secret.
    expect((await w.t.app.request(new URL(url).pathname)).status).toBe(200)
    expect(JSON.stringify(await snapshot(w.t))).not.toContain(url.split('/').pop())
  })

  it('a link replaced before its mail went is not mailed: only the latest arrives', async () => {
    const w = await createMailWorld()
    await people.invite(w.deps, admin, { email: 'sam@example.com', role: 'viewer' })
    const second = await people.invite(w.deps, admin, { email: 'sam@example.com', role: 'admin' })
    await w.settle()
    const mails = await mailsTo(w, 'sam@example.com')
    expect(mails).toHaveLength(1)
    expect(linkIn(mails[0]!.text!)).toBe(second.invite_url)
    expect(mails[0]!.text).toContain('Your role: admin.')
  })

  it('a reset link goes to an active account only, at most 3 an hour; the answer never says which', async () => {
    const w = await createMailWorld()
    const t = w.t
    // The form is served with the test clock and the notifier runs on the real one: align them.
    t.clock.advance(Date.now() - t.clock.now().getTime())
    await createPerson(t, { email: 'dana@example.com' })
    await createPerson(t, { email: 'off@example.com', status: 'disabled' })
    await createPerson(t, { email: 'new@example.com', status: 'invited' })
    const ask = async (email: string) => {
      const res = await t.app.request('/admin/password-reset', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://status.example.com',
        },
        body: new URLSearchParams({ email }).toString(),
      })
      return { status: res.status, page: await res.text() }
    }
    const answers = new Set<string>()
    for (const email of [
      'dana@example.com',
      'DANA@example.com',
      'dana@example.com',
      'dana@example.com',
      'nobody@example.com',
      'off@example.com',
      'new@example.com',
    ]) {
      const r = await ask(email)
      expect(r.status).toBe(200)
      answers.add(r.page.replace(/name="_csrf" value="[^"]*"/, ''))
      // Each mail goes before the next request (a link replaced before its mail is not sent).
      await w.settle()
    }
    expect(answers.size).toBe(1)
    expect(w.sink.messages.map((m) => m.to)).toEqual(
      Array.from({ length: RESET_LIMITS.perPersonPerHour }, () => ['dana@example.com']),
    )
    const mails = await mailsTo(w, 'dana@example.com')
    expect(mails[0]!.subject).toBe(
      '[Example Status] Choose a new password for the Example Status console',
    )
    expect(mails[0]!.text).toContain('every place you are signed in will be signed out')
    // Each request replaced the one before: only the last link works.
    const paths = mails.map((m) => new URL(linkIn(m.text!)).pathname)
    expect(new Set(paths).size).toBe(3)
    const statuses = await Promise.all(paths.map(async (p) => (await t.app.request(p)).status))
    expect(statuses.sort()).toEqual([200, 410, 410])
  })
})
