import { simpleParser } from 'mailparser'
import { describe, expect, it } from 'vitest'
import { buildMessage } from '../../api/jobs/notifier/channels/email-mime.node.ts'
import type { IncidentView } from '../../core/site-data.ts'
import { recordMessageIds, singleMessageId } from '../../templates/message-id.ts'
import { yourServices } from '../../templates/personal.ts'
import { renderEmail, type EmailInput } from '../../templates/render.ts'
import { rawHeader } from './world.ts'

const view: IncidentView = {
  id: 'inc1',
  kind: 'incident',
  name: 'Payments <b>down</b> & "slow"',
  status: 'investigating',
  impact: 'major',
  path: '/incidents/inc1/',
  started_at: '2026-03-10T12:00:00.000Z',
  resolved_at: null,
  scheduled_for: null,
  scheduled_until: null,
  cancelled_at: null,
  updated_at: '2026-03-10T12:00:00.000Z',
  workaround_html: null,
  components: [{ id: 'pay', name: 'Payments API', status: 'major_outage' }],
  affected_sentence: null,
  updates: [],
} as unknown as IncidentView

const envelope = {
  locale: 'en' as const,
  page: { name: 'Example <Status>', url: 'https://status.example.com', timeZone: 'Europe/Berlin' },
  subjectPrefix: '[Example]',
  from: 'Example Status <status@status.example.com>',
  to: 'ada@example.org',
  list: { id: 'amends.status.example.com', name: 'Example Status' },
  date: '2026-03-10T12:00:00.000Z',
  links: {
    manage: 'https://status.example.com/manage/tok?a=1&b=2',
    unsubscribe: 'https://status.example.com/unsubscribe/tok',
  },
  subscribedTo: { all: false, names: ['Payments API', 'Dashboard'] },
}

function incidentEmail(overrides: Partial<EmailInput> = {}): EmailInput {
  return {
    ...envelope,
    ...recordMessageIds({
      kind: 'incident',
      recordId: 'inc1',
      eventId: 7,
      rootEventId: 5,
      subscriberId: 'sub1',
      host: 'status.example.com',
    }),
    kind: 'incident',
    record: view,
    status: 'identified',
    update: {
      created_at: '2026-03-10T12:30:00.000Z',
      body_html: '<p>Found <strong>it</strong>.</p>',
      body_text: 'Found it.',
    },
    workaround: { html: '<p>Use <em>cash</em>.</p>', text: 'Use cash.' },
    yours: { all: false, affected: ['Payments API'], working: ['Dashboard'], recovered: [] },
    ...overrides,
  } as EmailInput
}

describe('renderEmail', () => {
  it('renders a personal incident email as text and HTML, escaping all but the sanitised bodies', () => {
    const e = renderEmail(incidentEmail())
    expect(e.subject).toBe('[Example] Identified: Payments <b>down</b> & "slow"')
    expect(e.messageId).toBe('<incident.inc1.7.sub1@status.example.com>')
    expect(e.inReplyTo).toBe('<incident.inc1.sub1@status.example.com>')
    expect(e.references).toEqual(['<incident.inc1.sub1@status.example.com>'])
    expect(e.headers).toMatchObject({
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    })
    expect(e.list).toEqual({
      id: 'amends.status.example.com',
      name: 'Example Status',
      unsubscribe: envelope.links.unsubscribe,
    })
    expect(e.text).toBe(
      [
        'Payments <b>down</b> & "slow"',
        'Status: Identified · Major impact',
        'Posted 10 Mar 2026, 13:30 CET',
        '',
        'Found it.',
        '',
        'Affected for you: Payments API',
        'Working normally: Dashboard',
        '',
        'What you can do meanwhile:',
        'Use cash.',
        '',
        'Follow this incident on the status page:',
        'https://status.example.com/incidents/inc1/',
        '',
        '--',
        'You receive this because you subscribed to Example <Status> updates about Payments API and Dashboard.',
        'Change what you receive: https://status.example.com/manage/tok?a=1&b=2',
        'Unsubscribe: https://status.example.com/unsubscribe/tok',
      ].join('\n'),
    )
    expect(e.html).toContain(
      '<h1 style="font-size:20px;line-height:1.3;margin:0 0 8px">Payments &lt;b&gt;down&lt;/b&gt; &amp; &quot;slow&quot;</h1>',
    )
    expect(e.html).toContain('<p>Found <strong>it</strong>.</p>')
    expect(e.html).toContain('<p>Use <em>cash</em>.</p>')
    expect(e.html).toContain('href="https://status.example.com/manage/tok?a=1&amp;b=2"')
    expect(e.html).toContain('Example &lt;Status&gt;')
    expect(e.html).not.toContain('<Status>')
    expect(e.html).toContain('<title>Identified: Payments &lt;b&gt;')
  })

  it('threads: the root email has no In-Reply-To', () => {
    const ids = recordMessageIds({
      kind: 'incident',
      recordId: 'inc1',
      eventId: 5,
      rootEventId: 5,
      subscriberId: 'sub1',
      host: 'h',
    })
    expect(ids).toEqual({ messageId: '<incident.inc1.sub1@h>', inReplyTo: null })
    const e = renderEmail(incidentEmail(ids))
    expect(e.inReplyTo).toBeUndefined()
    expect(e.references).toBeUndefined()
    expect(singleMessageId('confirm', 9, 'sub1', 'h').messageId).toBe('<confirm.9.sub1@h>')
  })

  it('speaks Chinese to a zh-CN subscriber', () => {
    const e = renderEmail(incidentEmail({ locale: 'zh-CN' }))
    expect(e.subject).toBe('[Example] 已查明原因：Payments <b>down</b> & "slow"')
    expect(e.text).toContain('状态：已查明原因 · 严重影响')
    expect(e.text).toContain('发布于 2026年3月10日 13:30')
    expect(e.text).toContain('您关注的服务中受影响的：Payments API')
    expect(e.text).toContain('临时解决办法')
    expect(e.text).toContain('退订：https://status.example.com/unsubscribe/tok')
    expect(e.html).toContain('<html lang="zh-CN">')
  })

  it('names a cancelled maintenance window and its time', () => {
    const m = {
      ...view,
      kind: 'maintenance',
      name: 'DB upgrade',
      scheduled_for: '2026-03-11T01:00:00.000Z',
      scheduled_until: '2026-03-11T02:00:00.000Z',
      cancelled_at: '2026-03-10T13:00:00.000Z',
      path: '/maintenance/m1/',
    } as IncidentView
    const e = renderEmail(
      incidentEmail({
        kind: 'maintenance',
        record: m,
        status: 'cancelled',
        workaround: null,
        yours: { all: true, affected: ['Payments API'], working: [], recovered: [] },
      }),
    )
    expect(e.subject).toBe('[Example] Maintenance cancelled: DB upgrade')
    expect(e.text).toContain(
      'Status: Cancelled\nScheduled from 11 Mar 2026, 02:00 CET to 11 Mar 2026, 03:00 CET',
    )
    expect(e.text).toContain(
      'See this maintenance on the status page:\nhttps://status.example.com/maintenance/m1/',
    )
    const zh = renderEmail(
      incidentEmail({
        locale: 'zh-CN',
        kind: 'maintenance',
        record: m,
        status: 'cancelled',
        workaround: null,
      }),
    )
    expect(zh.subject).toBe('[Example] 维护已取消：DB upgrade')
  })

  it('renders the confirmation request', () => {
    const e = renderEmail({
      ...envelope,
      ...singleMessageId('confirm', 3, 'sub1', 'status.example.com'),
      kind: 'confirmation',
      confirmUrl: 'https://status.example.com/confirm/tok',
      expiresAt: '2026-03-17T12:00:00.000Z',
    })
    expect(e.subject).toBe('[Example] Confirm your subscription')
    expect(e.text).toBe(
      [
        'Please confirm that you want email updates from Example <Status> about Payments API and Dashboard.',
        '',
        'Confirm subscription:',
        'https://status.example.com/confirm/tok',
        '',
        'This link expires on 17 Mar 2026, 13:00 CET.',
        '',
        'If you did not ask for this, ignore this email: you will not receive anything else from us.',
      ].join('\n'),
    )
    expect(e.html).toContain('href="https://status.example.com/confirm/tok"')
  })
})

describe('yourServices', () => {
  const all = [
    { id: 'pay', name: 'Payments', status: 'major_outage' as const },
    { id: 'dash', name: 'Dashboard', status: 'operational' as const },
    { id: 'login', name: 'Login', status: 'degraded_performance' as const },
  ]
  const held = [{ id: 'pay', status: 'major_outage' as const }]

  it('narrows to the subscriber’s components; all-components subscribers see all', () => {
    expect(
      yourServices({
        kind: 'incident',
        open: true,
        held,
        updates: [],
        all,
        subscribed: ['pay', 'dash'],
      }),
    ).toEqual({
      all: false,
      affected: ['Payments'],
      working: ['Dashboard'],
      recovered: [],
    })
    expect(
      yourServices({ kind: 'incident', open: true, held, updates: [], all, subscribed: 'all' }),
    ).toEqual({
      all: true,
      affected: ['Payments'],
      working: ['Dashboard'],
      recovered: [],
    })
    expect(
      yourServices({ kind: 'incident', open: true, held, updates: [], all, subscribed: ['dash'] })
        .affected,
    ).toEqual([])
  })

  it('a component held at operational is not affected; a closed incident lists all working again', () => {
    const now = all.map((c) => (c.id === 'pay' ? { ...c, status: 'operational' as const } : c))
    expect(
      yourServices({
        kind: 'incident',
        open: true,
        held: [{ id: 'pay', status: 'operational' }],
        updates: [],
        all: now,
        subscribed: 'all',
      }).affected,
    ).toEqual([])
    expect(
      yourServices({
        kind: 'incident',
        open: false,
        held,
        updates: [],
        all: now,
        subscribed: 'all',
      }),
    ).toEqual({
      all: true,
      affected: ['Payments'],
      working: ['Dashboard'],
      recovered: ['Payments'],
    })
    expect(
      yourServices({
        kind: 'maintenance',
        open: true,
        held: [{ id: 'dash', status: 'operational' }],
        updates: [],
        all,
        subscribed: 'all',
      }).affected,
    ).toEqual(['Dashboard'])
  })

  it('once closed, a component the incident ever took out of operation was affected', () => {
    const recovered = [{ id: 'pay', status: 'operational' as const }]
    const updates = [
      { affected_components: [change('pay', 'operational')] },
      { affected_components: null },
      { affected_components: [change('pay', 'major_outage'), change('dash', 'partial_outage')] },
    ]
    const closed = {
      kind: 'incident' as const,
      held: recovered,
      updates,
      all,
      subscribed: 'all' as const,
    }
    // 'dash' is not the incident's (another incident set it): never claimed here.
    expect(yourServices({ ...closed, open: false }).affected).toEqual(['Payments'])
    // While open it is present tense: recovered means not affected now.
    expect(yourServices({ ...closed, open: true }).affected).toEqual([])
    expect(yourServices({ ...closed, open: false, subscribed: ['dash'] }).affected).toEqual([])
  })
})

function change(code: string, status: 'operational' | 'major_outage' | 'partial_outage') {
  return { code, name: code, old_status: 'operational' as const, new_status: status }
}

describe('the MIME message', () => {
  it('is multipart text + HTML, decodes back to the same content, and is the same bytes every time', async () => {
    const e = renderEmail(
      incidentEmail({
        locale: 'zh-CN',
        record: { ...view, name: '支付服务中断 ' + 'x'.repeat(80) },
      }),
    )
    const a = await buildMessage(e)
    const b = await buildMessage(e)
    expect(a.raw.equals(b.raw)).toBe(true)
    expect(a.envelope).toEqual({ from: 'status@status.example.com', to: ['ada@example.org'] })
    const text = a.raw.toString()
    expect(text.split('\r\n').every((l) => l.length <= 998)).toBe(true)
    expect(rawHeader(a.raw, 'Content-Type')).toMatch(/^multipart\/alternative; boundary="/)
    expect(rawHeader(a.raw, 'List-Unsubscribe')).toBe(
      '<https://status.example.com/unsubscribe/tok>',
    )
    expect(rawHeader(a.raw, 'List-Id')).toBe('Example Status <amends.status.example.com>')
    const m = await simpleParser(a.raw)
    expect(m.subject).toBe(e.subject)
    expect(m.text).toBe(e.text)
    expect(m.html).toBe(e.html)
    expect(m.messageId).toBe(e.messageId)
    expect(m.inReplyTo).toBe(e.inReplyTo)
    expect(m.date?.toISOString()).toBe('2026-03-10T12:00:00.000Z')
    expect(m.from?.value).toEqual([
      { name: 'Example Status', address: 'status@status.example.com' },
    ])
    expect(rawHeader(a.raw, 'From')).toBe('Example Status <status@status.example.com>')
  })

  it('encodes a list name that is not ASCII', async () => {
    const e = renderEmail(incidentEmail({ list: { id: 'amends.example.cn', name: '状态页' } }))
    expect(rawHeader((await buildMessage(e)).raw, 'List-Id')).toBe(
      '=?UTF-8?Q?=E7=8A=B6=E6=80=81=E9=A1=B5?= <amends.example.cn>',
    )
  })
})
