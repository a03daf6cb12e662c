import { simpleParser, type ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { addSubscriber, createMailWorld, type MailWorld } from './world.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

async function mailsTo(w: MailWorld, address: string): Promise<ParsedMail[]> {
  const mails = await Promise.all(w.sink.to(address).map((m) => simpleParser(m.raw)))
  return mails.sort((a, b) => a.date!.getTime() - b.date!.getTime())
}

const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
})

/** Markdown as people write it: a heading, a list, a numbered list, a link; `tag` tells it apart. */
const written = (tag: string) =>
  [
    `## ${tag} details`,
    '',
    `What ${tag} says first.`,
    '',
    `- first point of ${tag}`,
    `- second point of ${tag}`,
    '',
    `1. step one of ${tag}`,
    `2. step two of ${tag}`,
    '',
    `See [the ${tag} page](https://status.example.com/${tag}).`,
  ].join('\n')

/** The headings of an HTML part in document order, with the font size each was given. */
function headings(html: string): { level: number; px: number | null; text: string }[] {
  return [...html.matchAll(/<h([1-6])([^>]*)>([\s\S]*?)<\/h\1>/g)].map((m) => ({
    level: Number(m[1]),
    px: /font-size:(\d+)px/.exec(m[2]!) ? Number(/font-size:(\d+)px/.exec(m[2]!)![1]) : null,
    text: m[3]!.replace(/<[^>]+>/g, ''),
  }))
}

/**
 * The heading rules of every email: its title the one h1, first (a reply to a report has no
 * title: then no heading may pass for one), every later heading a lower rank, each sized, and no
 * heading larger than one of a higher rank.
 */
function expectHeadingOrder(html: string, titled = true) {
  const hs = headings(html)
  if (titled) expect(hs[0]?.level).toBe(1)
  expect(hs.filter((h) => h.level === 1)).toHaveLength(titled ? 1 : 0)
  if (!titled) expect(hs.filter((h) => h.level === 2)).toEqual([])
  for (const h of hs) expect(h.px, `<h${h.level}> ${h.text} has no size`).not.toBeNull()
  for (const a of hs)
    for (const b of hs)
      if (a.level < b.level) expect(a.px!, `${a.text} vs ${b.text}`).toBeGreaterThan(b.px!)
}

describe('emails read well in text and HTML', () => {
  it('every text made from markdown keeps its headings, bullets, numbers and links; HTML headings rank below the email’s', async () => {
    const w = await createMailWorld()
    const { t } = w
    t.clock.set('2026-03-10T10:00:00.000Z')
    const pay = await makeComponent(t, { name: 'Payments API' })
    const sub = await addSubscriber(t.deps.db, { email: 'ana@shop.example' })
    const opened = await t.api('POST', '/api/v1/incidents', {
      name: 'Card payments failing',
      status: 'investigating',
      impact: 'major',
      body: written('update'),
      workaround: written('workaround'),
      components: { [pay.id]: 'major_outage' },
    })
    const id = opened.body.id as string
    t.clock.advance(2 * HOUR)
    await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: 'Charges succeed again.',
      apology: written('apology'),
    })
    t.clock.advance(DAY)
    await t.api('PUT', `/api/v1/incidents/${id}/postmortem`, { body: written('postmortem') })
    await t.api('POST', `/api/v1/incidents/${id}/postmortem/publish`, { notify: true })
    const report = await t.app.request(
      '/report',
      form({ email: 'owner@shop.example', message: 'Refunds?', incident: id, website: '' }),
    )
    expect(report.status).toBe(200)
    const item = (await t.api('GET', `/api/v1/feedback?incident=${id}`)).body[0]
    await t.api('POST', `/api/v1/feedback/${item.id}/replies`, { body: written('reply') })
    await w.settle()

    const mine = await mailsTo(w, sub.email)
    const reporter = await mailsTo(w, 'owner@shop.example')
    const mailWith = (tag: string) => {
      const m = [...mine, ...reporter].find((x) => (x.text ?? '').includes(`${tag} details`))
      expect(m, tag).toBeDefined()
      return m!
    }
    let variants = 0
    for (const tag of ['update', 'workaround', 'apology', 'postmortem', 'reply']) {
      const m = mailWith(tag)
      const text = m.text!
      const heading = `${tag} details`
      // The heading on its own line, underlined, a blank line before what follows.
      expect(text, tag).toContain(`\n${heading}\n${'-'.repeat(heading.length)}\n\nWhat ${tag}`)
      expect(text, tag).toContain(`\n- first point of ${tag}\n- second point of ${tag}\n`)
      expect(text, tag).toMatch(new RegExp(`^ ?1\\. step one of ${tag}\\n ?2\\. step two of`, 'm'))
      expect(text, tag).toContain(`the ${tag} page [https://status.example.com/${tag}]`)
      variants += 4
      // HTML: the same heading, ranked and sized under the email's own.
      expect(m.html, tag).toContain(`font-size:15px;line-height:1.4;margin:16px 0 4px">${heading}`)
      expectHeadingOrder(m.html as string, tag !== 'reply')
    }
    expect(variants).toBe(20)

    // The post-mortem email: its title is the h1, "Post-mortem" an h2, the post-mortem's own
    // sections h3 under it, in that order; in text the title is underlined with "=".
    const pm = mailWith('postmortem')
    const hs = headings(pm.html as string)
    expect(hs.map((h) => [h.level, h.px, h.text])).toEqual([
      [1, 20, 'Card payments failing'],
      [2, 16, 'Post-mortem: what happened and what we are changing'],
      [3, 15, 'postmortem details'],
      [2, 16, 'Our apology'],
      [3, 15, 'apology details'],
    ])
    expect(pm.text).toContain(
      'Post-mortem: what happened and what we are changing\n===================================================\n\npostmortem details\n------------------\n',
    )
  })

  it('the template’s post-mortem, mailed: timeline bullets in the page zone, headings on their own lines', async () => {
    const w = await createMailWorld({ env: { TIME_ZONE: 'Europe/Berlin' } })
    const { t } = w
    t.clock.set('2026-03-10T20:40:00.000Z')
    const pay = await makeComponent(t, { name: 'Payments API' })
    const sub = await addSubscriber(t.deps.db, { email: 'li@shop.example', locale: 'zh-CN' })
    const opened = await t.api('POST', '/api/v1/incidents', {
      name: 'Card payments failing',
      status: 'investigating',
      impact: 'critical',
      body: 'Card charges are failing.',
      components: { [pay.id]: 'major_outage' },
    })
    const id = opened.body.id as string
    t.clock.advance(3 * HOUR + 12 * 60_000)
    await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: 'Charges succeed again.',
      apology: 'We are sorry.',
    })
    const template = (await t.api('GET', `/api/v1/incidents/${id}/postmortem/template`)).body.body
    await t.api('PUT', `/api/v1/incidents/${id}/postmortem`, { body: template })
    await t.api('POST', `/api/v1/incidents/${id}/postmortem/publish`, { notify: true })
    await w.settle()
    // An English post-mortem reaches the zh-CN reader in English, wrapper included.
    const pm = (await mailsTo(w, sub.email)).find((m) => m.subject!.includes('Post-mortem'))!
    const text = pm.text!
    expect(text).not.toMatch(/\p{Script=Han}/u)
    for (const h of ['Summary', 'Impact', 'Timeline', 'Root cause', 'What we are changing'])
      expect(text).toMatch(new RegExp(`\\n\\n${h}\\n-{${h.length}}\\n\\n\\S`))
    expect(text).toContain(
      '\n- 10 Mar 2026, 21:40 CET — Investigating: Card charges are failing.\n',
    )
    expect(text).toContain('\n- 11 Mar 2026, 00:52 CET — Resolved: Charges succeed again.\n')
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/)
    expect(text).not.toContain('**')
    expectHeadingOrder(pm.html as string)
  })
})

describe('"none of your services" is never said to the people an incident hit', () => {
  it('resolution, post-mortem and follow-up name what was affected, even what recovered before the resolution', async () => {
    const w = await createMailWorld()
    const { t } = w
    t.clock.set('2026-03-01T09:00:00.000Z')
    const a = await makeComponent(t, { name: 'Payments API' })
    const b = await makeComponent(t, { name: 'Checkout' })
    const c = await makeComponent(t, { name: 'Dashboard' })
    const d = await makeComponent(t, { name: 'Webhooks' })

    /**
     * Incident shapes: what each component did, and which of them a reader must be told was
     * affected. `recover` components are set operational by a monitoring update before the
     * resolution (the case that used to read "none of your services is affected").
     */
    const shapes = [
      { name: 'recovered early', down: { [a.id]: 'major_outage' }, recover: [a.id] },
      { name: 'down until resolved', down: { [a.id]: 'partial_outage' }, recover: [] },
      {
        name: 'one of two recovered early',
        down: { [a.id]: 'major_outage', [b.id]: 'degraded_performance' },
        recover: [b.id],
      },
    ]
    const readers = [
      { key: 'all', components: undefined },
      { key: 'a-only', components: [a.id] },
      { key: 'a-and-dashboard', components: [a.id, c.id] },
      { key: 'b-only', components: [b.id] },
    ]
    const names: Record<string, string> = { [a.id]: a.name, [b.id]: b.name }
    const subs = await Promise.all(
      readers.map(async (r) => ({
        ...r,
        ...(await addSubscriber(t.deps.db, {
          email: `${r.key}@ex.example`,
          components: r.components,
        })),
      })),
    )
    const ids: string[] = []
    for (const s of shapes) {
      const opened = await t.api('POST', '/api/v1/incidents', {
        name: `Outage: ${s.name}`,
        status: 'investigating',
        impact: 'major',
        body: 'Failing.',
        components: s.down,
      })
      const id = opened.body.id as string
      ids.push(id)
      t.clock.advance(HOUR)
      if (s.recover.length)
        await t.api('POST', `/api/v1/incidents/${id}/updates`, {
          status: 'monitoring',
          body: 'Recovered; watching.',
          components: Object.fromEntries(s.recover.map((x) => [x, 'operational'])),
        })
      t.clock.advance(HOUR)
      await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
        body: 'Resolved.',
        apology: 'Sorry.',
      })
      await t.api('PUT', `/api/v1/incidents/${id}/postmortem`, { body: '## Root cause\n\nX.' })
      await t.api('POST', `/api/v1/incidents/${id}/postmortem/publish`, { notify: true })
    }
    // A control: an incident that names Webhooks but never takes it out of operation.
    const quiet = await t.api('POST', '/api/v1/incidents', {
      name: 'Outage: named only',
      status: 'investigating',
      impact: 'minor',
      body: 'Checking.',
      components: { [d.id]: 'operational' },
    })
    await t.api('POST', `/api/v1/incidents/${quiet.body.id}/resolve`, { body: 'Nothing wrong.' })
    const webhooksReader = await addSubscriber(t.deps.db, {
      email: 'webhooks@ex.example',
      components: [d.id],
    })
    t.clock.advance(3 * DAY)
    await createScheduler(t.deps).tick()
    await w.settle()

    let checked = 0
    for (const [n, s] of shapes.entries()) {
      const hit = Object.keys(s.down)
      for (const r of subs) {
        const follows =
          r.components === undefined ? hit : hit.filter((x) => r.components.includes(x))
        const mails = (await mailsTo(w, r.email)).filter((m) => m.text!.includes(ids[n]!))
        if (follows.length === 0) {
          // Not one of theirs: the fan-out sends them nothing about it.
          expect(mails, `${s.name} → ${r.key}`).toEqual([])
          continue
        }
        const kinds = {
          resolution: mails.find((m) => m.text!.includes('Status: Resolved')),
          postmortem: mails.find((m) => m.text!.includes('Post-mortem published')),
          followUp: mails.find((m) => m.text!.includes('Is everything working again?')),
        }
        const expected = `Was affected: ${follows.map((x) => names[x]).join(' and ')}`
        for (const [kind, m] of Object.entries(kinds)) {
          const label = `${s.name} → ${r.key}: ${kind}`
          expect(m, label).toBeDefined()
          expect(m!.text, label).not.toContain('None of the services you follow')
          expect(m!.text, label).toContain(expected)
          checked++
        }
      }
    }
    // (3 + 3 + 4 readers who follow something a shape hit) × 3 emails: each names what was hit.
    expect(checked).toBe(30)

    // The control reader hears about an incident that never affected them, in the past tense.
    const control = await mailsTo(w, webhooksReader.email)
    const opening = control.find((m) => m.text!.includes('Status: Investigating'))
    const resolution = control.find((m) => m.text!.includes('Status: Resolved'))
    expect(opening?.text).toContain('None of the services you follow is affected.')
    expect(resolution?.text).toContain('None of the services you follow was affected.')
    for (const m of control) expect(m.text).not.toContain('Was affected')
  })
})
