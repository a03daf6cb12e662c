import { describe, expect, it } from 'vitest'
import { randomString } from '../../core/ids.ts'
import { str } from '../../db/rows.ts'
import { createPerson, inputValue, signIn, type ConsoleSession } from '../fixtures/console.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'
import { amendsWorld as world } from '../fixtures/amends-world.ts'

const key = () => randomString(24, 'abcdefghijklmnopqrstuvwxyz0123456789')

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

/** The page's text without tags, unescaped, whitespace collapsed: what a reader sees. */
const visible = (page: string) =>
  unescape(page.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()

/** The message shown beside a field (forms.ts: `f-<name>-error`), or null. */
function errorBeside(page: string, name: string): string | null {
  const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const m = new RegExp(`<span class="field-error" id="${id}-error">([^<]*)</span>`).exec(page)
  if (!m) return null
  // The field points at it, so a screen reader reads it with the field.
  expect(page).toMatch(new RegExp(`id="${id}"[^>]*aria-describedby="[^"]*${id}-error`))
  return unescape(m[1]!)
}

const textareaValue = (page: string, name: string) => {
  const m = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page)
  return m ? unescape(m[1]!) : null
}

const WRITE_FORM = /<form method="post" action="\/admin\/(?!sign-out)/

async function page(s: ConsoleSession, path: string) {
  const res = await s.get(path)
  expect(res.status, path).toBe(200)
  return res.text()
}

async function auditOf(t: TestApp, id: string, action: string) {
  return (
    await t.deps.db.execute({
      sql: 'SELECT actor_email, actor_name, details FROM audit_log WHERE target_id = ? AND action = ? ORDER BY id',
      args: [id, action],
    })
  ).rows
}

describe('console: the impact of an incident', () => {
  it('shows subscribers per component and channel, the weighted outage and the reports, as the API does', async () => {
    const { t, id, viewer } = await world()
    const html = await page(viewer, `/admin/incidents/${id}/impact`)
    const text = visible(html)
    expect(html).toContain('<title>Impact: Card payments failing · Example Status console</title>')
    expect(html).toContain(`href="/admin/incidents/${id}/impact" aria-current="page"`)
    const api = (await t.api('GET', `/api/v1/incidents/${id}/impact`)).body
    expect(api.affected_subscribers).toBe(6)
    expect(text).toContain('Subscribers affected 6 subscribers (Email: 6)')
    expect(text).toContain('Lasted 3 h 12 min')
    // Per component and channel: the three who follow everything count under both.
    expect(text).toContain('Payments API Email 5')
    expect(text).toContain('Checkout Email 4')
    expect(text).toContain('In all: 6 subscribers , each counted once.')
    // Payments API: 90 min down in full, 102 min partial at 30%; Checkout 192 min at 30%.
    expect(api.components.map((c: any) => c.weighted_outage_seconds)).toEqual([
      5400 + 0.3 * 6120,
      0.3 * 11_520,
    ])
    expect(text).toContain('Payments API 1 h 30 min 1 h 42 min None 2 h 1 min')
    expect(text).toContain('Checkout None 3 h 12 min None 58 min')
    expect(text).toContain(
      'a major outage counts in full, a partial outage at 30%, degraded performance not at all',
    )
    // The report, escaped, linked to its inbox thread; no address shown.
    expect(html).toContain('Our customers cannot pay &lt;at all&gt;.')
    expect(html).toContain(`href="/admin/inbox/${api.reports.items[0].id}"`)
    expect(html).not.toContain('cfo@shop.example')
    expect(html).not.toMatch(WRITE_FORM)
  })

  it('says so when nobody was reached and nothing reported, and 404s an unknown incident', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { impact: 'minor', components: {} })
    await createPerson(t, { role: 'viewer', email: 'val@example.com' })
    const s = await signIn(t, 'val@example.com')
    const text = visible(await page(s, `/admin/incidents/${inc.id}/impact`))
    expect(text).toContain('No component is named on this incident')
    expect(text).toContain('No customer has reported a problem about this incident.')
    expect(text).toContain('Still open: the figures grow until it is resolved.')
    expect((await s.get('/admin/incidents/aaaaaaaaaaaa/impact')).status).toBe(404)
    expect((await s.get('/admin/incidents/not-an-id/impact')).status).toBe(404)
  })
})

describe('console: the apology', () => {
  it('prefills the playbook’s apology, previews the page and the email in every locale, writes nothing', async () => {
    const { t, id, ed } = await world()
    const form = await page(ed, `/admin/incidents/${id}/apology`)
    expect(visible(form)).toContain('No apology yet. A major incident is resolved with one')
    expect(visible(form)).toContain('Prefilled from the Database outage playbook')
    // The playbook's words, with how long it lasted (to the resolution, not to now).
    expect(textareaValue(form, 'apology')).toMatch(
      /^We're sorry\. Payments API and Checkout were unavailable for 3 hours 12 minutes, and you/,
    )
    const before = await dumpTables(t.deps.db)
    const apology = 'We are sorry: for **3 hours** your customers could not pay you.'
    const res = await ed.post(`/admin/incidents/${id}/apology`, {
      _idem: key(),
      _action: 'preview',
      apology,
    })
    expect(res.status).toBe(200)
    const shown = await res.text()
    expect(textareaValue(shown, 'apology')).toBe(apology)
    const text = visible(shown)
    expect(text).toContain('On the status page Card payments failing')
    expect(shown).toContain('<strong>3 hours</strong>')
    expect(text).toContain(
      'Email in English Subject: [Example Status] Resolved: Card payments failing',
    )
    expect(text).toContain(
      'Our apology: We are sorry: for 3 hours your customers could not pay you.',
    )
    // One email per language of the page (LOCALES is en here): never Chinese words around
    // English text.
    expect(shown).not.toContain('id="pv-mail-zh-CN-h"')
    expect(text).not.toMatch(/\p{Script=Han}/u)
    expect(text).toContain('The resolution email went out already')
    // The live preview answers the same, as a fragment.
    const live = await ed.post(`/admin/incidents/${id}/apology/preview`, { apology })
    expect(visible(await live.text())).toContain('Our apology: We are sorry')
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('saves with the API’s service, attributed to the person; a double submit writes once', async () => {
    const { t, id, ed, editor } = await world()
    const fields = { _idem: key(), apology: 'We are sorry: payments failed for 3 hours.' }
    const first = await ed.post(`/admin/incidents/${id}/apology`, fields)
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe(`/admin/incidents/${id}/apology?notice=saved`)
    const again = await ed.post(`/admin/incidents/${id}/apology`, fields)
    expect(again.status).toBe(303)
    expect((await t.api('GET', `/api/v1/incidents/${id}`)).body.apology).toBe(fields.apology)
    const audit = await auditOf(t, id, 'incident.edit')
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actor_email: editor.email, actor_name: 'Dana Reyes' })
    const after = await page(ed, `/admin/incidents/${id}/apology?notice=saved`)
    expect(visible(after)).toContain('The apology is saved and shown on the status page.')
    expect(visible(after)).toContain('On the status page now We are sorry: payments failed')
    // Once saved, the saved words are the starting point, not the playbook's.
    expect(textareaValue(after, 'apology')).toBe(fields.apology)
    expect(visible(after)).not.toContain('Prefilled from')
  })

  it('previews the resolution email still to come while the incident is open', async () => {
    const { id, ed } = await world({ resolve: false })
    const res = await ed.post(`/admin/incidents/${id}/apology`, {
      _action: 'preview',
      apology: 'Sorry for the failed payments.',
    })
    const text = visible(await res.text())
    expect(text).toContain('The incident is still open')
    // The playbook's resolved message, as resolving with the console's form would send.
    expect(text).toContain('This incident is resolved: Payments API and Checkout have been working')
    expect(text).toContain('Our apology: Sorry for the failed payments.')
  })
})

describe('console: the service credit', () => {
  it('shows how the credit was computed: window, downtime, availability, target, tier', async () => {
    const { t, id, viewer } = await world()
    const html = await page(viewer, `/admin/incidents/${id}/credit`)
    const text = visible(html)
    const api = (await t.api('GET', `/api/v1/incidents/${id}/compensation`)).body
    expect(api.computed.map((c: any) => c.credit)).toEqual([10, 10])
    expect(text).toContain(
      'Measured over March 2026 , the calendar month in the page’s time zone (Europe/Berlin), up to now',
    )
    // Payments API over the month so far; Checkout from its creation on 5 March.
    expect(text).toContain(
      'Payments API From the start of the month to now (1 Mar 2026, 00:00 CET – 11 Mar 2026, 10:00 CET) 2 h 1 min 99.19% 99.9% Below its SLA target 10%',
    )
    expect(text).toContain(
      'Checkout From its creation on 5 Mar 2026, 10:00 CET to now (5 Mar 2026, 10:00 CET – 11 Mar 2026, 10:00 CET) 58 min 99.33% 99.5% Below its SLA target 10%',
    )
    expect(text).toContain(
      'Policy (the highest tier that applies): below its SLA target: 10%; below 99%: 25%; below 95%: 100%.',
    )
    expect(text).toContain('Not decided yet.')
    expect(html).not.toMatch(WRITE_FORM)
  })

  it('names why no tier applies: a 1-second blip on a component added minutes before', async () => {
    const t = await createTestApp({ now: '2026-03-12T09:00:00.000Z' })
    const search = await makeComponent(t, { name: 'Search', sla_target: 99.9 })
    t.clock.set('2026-03-12T09:03:00.000Z')
    const inc = await makeIncident(t, { components: { [search.id]: 'major_outage' } })
    t.clock.set('2026-03-12T09:03:01.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {})
    t.clock.set('2026-03-12T09:05:00.000Z')
    await createPerson(t, { role: 'viewer', email: 'val@example.com' })
    const s = await signIn(t, 'val@example.com')
    const text = visible(await page(s, `/admin/incidents/${inc.id}/credit`))
    expect(text).toContain(
      'Search From its creation on 12 Mar 2026, 09:00 UTC to now (12 Mar 2026, 09:00 UTC – 09:05 UTC) Under 1 min 99.66% 99.9% None: under a minute of downtime 0%',
    )
  })

  it('accepts, overrides and writes its own wording, each audited with the person', async () => {
    const { t, id, pay, checkout, ed, editor } = await world()
    const accept = await ed.post(`/admin/incidents/${id}/credit`, {
      _idem: key(),
      decision: 'accepted',
    })
    expect(accept.status).toBe(303)
    expect(accept.headers.get('location')).toBe(`/admin/incidents/${id}/credit?notice=accepted`)
    const accepted = visible(await page(ed, `/admin/incidents/${id}/credit?notice=accepted`))
    expect(accepted).toContain('Accepted: customers are told the computed credit.')
    expect(accepted).toContain(
      'Because Payments API was unavailable for 2 h 1 min this month, your account receives a 10% service credit.',
    )
    expect(accepted).toContain(
      'Because Checkout was unavailable for 58 min since it was added on 5 Mar 2026, your account receives a 10% service credit.',
    )
    expect(accepted).toContain('由于 Checkout 自 2026年3月5日 添加以来累计不可用 58 分钟')

    const override = await ed.post(`/admin/incidents/${id}/credit`, {
      _idem: key(),
      decision: 'override',
      [`override.credits.${pay.id}`]: '25 %',
      [`override.credits.${checkout.id}`]: '0',
      'override.text': 'Questions? Reply to this email.',
    })
    expect(override.headers.get('location')).toBe(`/admin/incidents/${id}/credit?notice=override`)
    const comp = (await t.api('GET', `/api/v1/incidents/${id}/compensation`)).body
    expect(comp.decision).toMatchObject({
      decision: 'override',
      credits: { [pay.id]: 25, [checkout.id]: 0 },
      text: 'Questions? Reply to this email.',
    })
    const overridden = await page(ed, `/admin/incidents/${id}/credit`)
    expect(visible(overridden)).toContain('Overridden: Payments API 25%, Checkout 0%')
    expect(inputValue(overridden, `override.credits.${pay.id}`)).toBe('25')

    const custom = await ed.post(`/admin/incidents/${id}/credit`, {
      _idem: key(),
      decision: 'custom',
      'custom.text': 'Every affected account gets next month free.',
    })
    expect(custom.headers.get('location')).toBe(`/admin/incidents/${id}/credit?notice=custom`)
    expect((await t.api('GET', `/api/v1/incidents/${id}/compensation`)).body.sentences).toEqual([
      'Every affected account gets next month free.',
    ])
    const audit = await auditOf(t, id, 'compensation.decide')
    expect(audit.map((r) => JSON.parse(str(r, 'details')).decision)).toEqual([
      'accepted',
      'override',
      'custom',
    ])
    expect(new Set(audit.map((r) => r.actor_email))).toEqual(new Set([editor.email]))
  })

  it('previews the sentences of a decision before it is made, writing nothing', async () => {
    const { t, id, pay, checkout, ed } = await world()
    const before = await dumpTables(t.deps.db)
    const fields = {
      _idem: key(),
      _action: 'preview',
      decision: 'override',
      [`override.credits.${pay.id}`]: '25',
      [`override.credits.${checkout.id}`]: '0',
    }
    const res = await ed.post(`/admin/incidents/${id}/credit`, fields)
    expect(res.status).toBe(200)
    const html = await res.text()
    const text = visible(html)
    expect(text).toContain(
      'Customers would read · nothing is saved until you press “Save the override”',
    )
    expect(text).toContain(
      'Payments API was unavailable for 2 h 1 min this month, your account receives a 25% service credit.',
    )
    expect(text).not.toContain('Checkout was unavailable')
    expect(text).toContain(
      '由于 Payments API 本月累计不可用 2 小时 1 分钟，您的账户将获得 25% 的服务抵扣。',
    )
    // The form keeps what was typed and is open.
    expect(html).toMatch(/<details class="action" open>\s*<summary>Override the percentage/)
    expect(inputValue(html, `override.credits.${pay.id}`)).toBe('25')
    const live = await ed.post(`/admin/incidents/${id}/credit/preview`, {
      decision: 'custom',
      'custom.text': 'A free month.',
    })
    expect(visible(await live.text())).toContain(
      'English A free month. 简体中文 (Chinese, simplified) A free month.',
    )
    const accepted = await ed.post(`/admin/incidents/${id}/credit`, {
      _action: 'preview',
      decision: 'accepted',
    })
    expect(visible(await accepted.text())).toContain('your account receives a 10% service credit')
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect((await t.api('GET', `/api/v1/incidents/${id}/compensation`)).body.decision).toBeNull()
  })

  it('refuses bad decisions beside the field with 400 and writes nothing', async () => {
    const { t, id, pay, checkout, ed } = await world()
    const o = (credit: string, extra: Record<string, string> = {}) => ({
      decision: 'override',
      [`override.credits.${pay.id}`]: credit,
      [`override.credits.${checkout.id}`]: '0',
      ...extra,
    })
    const cases: [Record<string, string>, string, RegExp][] = [
      [o('150'), `override.credits.${pay.id}`, /^A percentage from 0 to 100/],
      [o('-5'), `override.credits.${pay.id}`, /^A percentage from 0 to 100/],
      [o('lots'), `override.credits.${pay.id}`, /^A percentage from 0 to 100/],
      [o(''), `override.credits.${pay.id}`, /^A percentage from 0 to 100/],
      [o('1e3'), `override.credits.${pay.id}`, /^A percentage from 0 to 100/],
      [o('10', { 'override.text': 'x'.repeat(2001) }), 'override.text', /^At most 2,000/],
      [o('10', { 'override.text': 'Sorry\u001b[31m' }), 'override.text', /control character/],
      [{ decision: 'custom', 'custom.text': '' }, 'custom.text', /^Write the words/],
      [{ decision: 'custom', 'custom.text': '  \n ' }, 'custom.text', /^Write the words/],
      [{ decision: 'custom', 'custom.text': 'x'.repeat(2001) }, 'custom.text', /^At most 2,000/],
    ]
    const before = await dumpTables(t.deps.db)
    for (const [fields, field, message] of cases) {
      for (const action of ['save', 'preview']) {
        const res = await ed.post(`/admin/incidents/${id}/credit`, {
          _idem: key(),
          _action: action,
          ...fields,
        })
        expect(res.status, `${field} ${action}`).toBe(400)
        const html = await res.text()
        expect(errorBeside(html, field), `${field} ${action}`).toMatch(message)
        expect(html).toContain('nothing was saved')
      }
    }
    // A component that is not the incident's, and no decision at all: said above the forms.
    const unknown = await ed.post(`/admin/incidents/${id}/credit`, {
      _idem: key(),
      ...o('10', { 'override.credits.aaaaaaaaaaaa': '10' }),
    })
    expect(unknown.status).toBe(400)
    expect(visible(await unknown.text())).toContain(
      'override.credits.aaaaaaaaaaaa: Not a component of this incident',
    )
    const none = await ed.post(`/admin/incidents/${id}/credit`, { _idem: key(), decision: 'x' })
    expect(none.status).toBe(400)
    expect(visible(await none.text())).toContain('Choose to accept, override or write your own')
    expect(await dumpTables(t.deps.db)).toEqual(before)
    // 10 bad inputs x 2 buttons, and 2 crafted posts: nothing written by any.
    expect(cases.length * 2 + 2).toBe(22)
  })
})

describe('console: who may do what on the amends screens', () => {
  it('a viewer reads all three without a form, and every post is 403', async () => {
    const { t, id, pay, viewer } = await world()
    for (const tab of ['impact', 'apology', 'credit']) {
      const html = await page(viewer, `/admin/incidents/${id}/${tab}`)
      expect(html, tab).not.toMatch(WRITE_FORM)
      expect(html, tab).not.toContain('<textarea')
    }
    const before = await dumpTables(t.deps.db)
    for (const [path, fields] of [
      [`/admin/incidents/${id}/apology`, { _idem: key(), apology: 'Sorry.' }],
      [`/admin/incidents/${id}/apology/preview`, { apology: 'Sorry.' }],
      [`/admin/incidents/${id}/credit`, { _idem: key(), decision: 'accepted' }],
      [`/admin/incidents/${id}/credit/preview`, { decision: 'accepted' }],
      [
        `/admin/incidents/${id}/credit`,
        { _idem: key(), decision: 'override', [`override.credits.${pay.id}`]: '5' },
      ],
    ] as const)
      expect((await viewer.post(path, fields)).status, path).toBe(403)
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('refuses a post without the CSRF token or from another origin; a resent credit form writes once', async () => {
    const { t, id, ed } = await world()
    const before = await dumpTables(t.deps.db)
    const attempts: [string, Record<string, string>, Record<string, string>][] = [
      [`/admin/incidents/${id}/apology`, { _csrf: '', apology: 'Sorry.' }, {}],
      [`/admin/incidents/${id}/credit`, { _csrf: '', decision: 'accepted' }, {}],
      [
        `/admin/incidents/${id}/credit`,
        { decision: 'accepted' },
        { origin: 'https://evil.example' },
      ],
      [
        `/admin/incidents/${id}/credit`,
        { _csrf: `${ed.csrf.slice(1)}x`, decision: 'accepted' },
        {},
      ],
    ]
    for (const [path, fields, headers] of attempts)
      expect((await ed.post(path, fields, headers)).status, path).toBe(403)
    expect(await dumpTables(t.deps.db)).toEqual(before)

    const fields = { _idem: key(), decision: 'custom', 'custom.text': 'A free month for everyone.' }
    const sent = await Promise.all([
      ed.post(`/admin/incidents/${id}/credit`, fields),
      ed.post(`/admin/incidents/${id}/credit`, fields),
    ])
    expect(sent.map((r) => r.status)).toEqual([303, 303])
    expect((await ed.post(`/admin/incidents/${id}/credit`, fields)).status).toBe(303)
    expect(await auditOf(t, id, 'compensation.decide')).toHaveLength(1)
  })
})
