import { simpleParser, type ParsedMail } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { addSubscriber, createMailWorld, type MailWorld } from './world.ts'

const MIN = 60_000
const HOUR = 60 * MIN
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

/**
 * The five steps of service recovery on one major incident, as a customer and the team live
 * them: open → updates → resolve with an apology → credit → post-mortem → feedback answered →
 * follow-up answered; the SMTP sink sees every promise kept, and the metrics count them.
 */
describe('making amends, end to end', () => {
  it('from a major outage to the post-mortem, the follow-up and an answered report', async () => {
    const w = await createMailWorld()
    const { t } = w
    t.clock.set('2026-03-01T00:00:00.000Z')
    const pay = await makeComponent(t, { name: 'Payments API', sla_target: 99.9 })
    await makeComponent(t, { name: 'Dashboard' })
    const customer = await addSubscriber(t.deps.db, {
      email: 'cfo@shop.example',
      components: [pay.id],
    })

    // 1. Assess and tell, early.
    t.clock.set('2026-03-10T10:00:00.000Z')
    const opened = await t.api('POST', '/api/v1/incidents', {
      name: 'Card payments failing',
      status: 'investigating',
      impact: 'major',
      body: 'Card charges are failing. We are investigating.',
      components: { [pay.id]: 'major_outage' },
    })
    const id = opened.body.id as string
    const impact = await t.api('GET', `/api/v1/incidents/${id}/impact`)
    expect(impact.body.affected_subscribers).toBe(1)
    t.clock.advance(40 * MIN)
    await t.api('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'identified',
      body: 'A network change at our processor dropped our connections.',
      workaround: 'Retry failed payments; no card is charged twice.',
    })

    // 2–4. Fix, apologise, compensate.
    t.clock.set('2026-03-10T13:12:00.000Z')
    const resolved = await t.api('POST', `/api/v1/incidents/${id}/resolve`, {
      body: 'Charges succeed again.',
      apology: 'We are sorry: for over three hours your customers could not pay you.',
    })
    expect(resolved.body.warnings).toEqual([])
    const credit = await t.api('PUT', `/api/v1/incidents/${id}/compensation`, {
      decision: 'accepted',
    })
    const sentence = credit.body.sentences[0] as string
    expect(sentence).toMatch(
      /^Because Payments API was unavailable for 3 h 12 min this month, your account receives a \d+% service credit\.$/,
    )

    // Explain: the post-mortem, emailed to the affected subscribers.
    t.clock.advance(2 * DAY)
    await t.api('PUT', `/api/v1/incidents/${id}/postmortem`, {
      body: '## Root cause\n\nFailover was manual.',
    })
    await t.api('POST', `/api/v1/incidents/${id}/postmortem/publish`, { notify: true })

    // A customer reports a problem through the status page; support answers.
    const report = await t.app.request(
      '/report',
      form({
        email: 'shop@owner.example',
        message: 'Two refunds are still pending.',
        incident: id,
        website: '',
      }),
    )
    expect(report.status).toBe(200)
    const items = await t.api('GET', `/api/v1/feedback?incident=${id}`)
    expect(items.body).toHaveLength(1)
    t.clock.advance(30 * MIN)
    const replied = await t.api('POST', `/api/v1/feedback/${items.body[0].id}/replies`, {
      body: 'We released both refunds; they arrive within two working days.',
    })
    expect(replied.status).toBe(201)

    // 5. Follow up, three days after resolution.
    t.clock.set('2026-03-13T13:12:00.000Z')
    await createScheduler(t.deps).tick()
    await w.settle()

    const mails = await mailsTo(w, customer.email)
    const texts = mails.map((m) => m.text ?? '')
    const resolution = texts.find((x) => x.includes('Charges succeed again.'))!
    expect(resolution).toContain(
      'We are sorry: for over three hours your customers could not pay you.',
    )
    expect(resolution).toContain(sentence)
    const postmortem = texts.find((x) => x.includes('Failover was manual.'))!
    expect(postmortem).toContain('We are sorry')
    expect(postmortem).toContain(sentence)
    const followUp = mails.find((m) => (m.text ?? '').includes('Is everything working again?'))!
    expect(followUp).toBeDefined()
    // One thread: every email about the incident names it after its status, and all but the
    // first reply to the first.
    const byDate = [...mails].sort((a, b) => a.date!.getTime() - b.date!.getTime())
    const root = byDate[0]!.messageId
    for (const m of byDate)
      expect(m.subject).toMatch(/^\[Example Status\] .+: Card payments failing$/)
    for (const m of byDate.slice(1)) expect(m.inReplyTo).toBe(root)
    expect(new Set(mails.map((m) => m.subject))).toContain(
      '[Example Status] Resolved: Card payments failing',
    )

    const reporter = (await mailsTo(w, 'shop@owner.example')).map((m) => m.text ?? '')
    expect(reporter.some((x) => /thank/i.test(x))).toBe(true)
    expect(reporter.some((x) => x.includes('We released both refunds'))).toBe(true)
    // The answer quotes nothing the reporter wrote.
    expect(reporter.filter((x) => x.includes('Two refunds are still pending'))).toEqual([])

    // The customer answers the follow-up with one click (and a comment): recorded, and a
    // "still affected" opens a feedback item for support.
    const links = [
      ...followUp.text!.matchAll(/https:\/\/status\.example\.com(\/follow-up\/\S+)/g),
    ].map((m) => m[1]!)
    expect(links).toHaveLength(2)
    // The second link is "still affected"; the page's form posts the answer and a comment.
    const answered = await t.app.request(
      links[1]!,
      form({ answer: 'still_affected', comment: 'One refund is still missing.' }),
    )
    expect(answered.status).toBe(200)
    const answers = await t.deps.db.execute(
      'SELECT answer, comment FROM follow_up_answers WHERE incident_id = ?',
      [id],
    )
    expect(answers.rows.map((r) => [r.answer, r.comment])).toEqual([
      ['still_affected', 'One refund is still missing.'],
    ])

    // The team sees whether it kept its promises.
    const metrics = (await t.api('GET', '/api/v1/metrics/communication')).body
    const row = metrics.incidents.find((i: { id: string }) => i.id === id)
    expect(row).toMatchObject({
      // Opened the moment it started: nothing to measure, not an on-time 0.
      first_message: { state: 'opened_at_impact_start', seconds: null },
      time_to_first_update_s: null,
      first_update_met: null,
      longest_gap_s: 152 * 60,
      cadence_met: false,
      time_to_resolve_s: 192 * 60,
      postmortem_required: true,
      postmortem_met: true,
      apology: true,
    })
    expect(metrics.rolling['30d']).toMatchObject({
      apologies_given: 1,
      resolved_without_apology: 0,
      postmortems_on_time: 1,
      follow_up: { all_good: 0, still_affected: 1 },
      feedback: { received: 2, answered: 1, median_first_response_s: 1800, within_2h: 1 },
    })
  })
})
