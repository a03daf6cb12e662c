import { simpleParser, type ParsedMail } from 'mailparser'
import { afterAll, describe, expect, it } from 'vitest'
import { smtpTransport } from '../../api/jobs/notifier/channels/email-transport.node.ts'
import { parseConfig } from '../../api/config.ts'
import type { RenderedEmail } from '../../templates/render.ts'
import { makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { startSmtpSink } from '../fixtures/smtp-sink.ts'
import { addSubscriber, createMailWorld, rawHeader } from './world.ts'

/**
 * Ways to break a header line, and look-alikes that must stay the literal text they are. The
 * literal ones (percent, HTML entity, RFC 2047 encoded word) must reach the reader unchanged,
 * not decoded into a line break by their mail program.
 */
const BREAKS: [string, string][] = [
  ['CR', '\r'],
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['LFCR', '\n\r'],
  ['CRLF+space (a fold)', '\r\n '],
  ['CRLF+tab (a fold)', '\r\n\t'],
  ['CRLFCRLF (end of header)', '\r\n\r\n'],
  ['NEL U+0085', '\u0085'],
  ['LS U+2028', '\u2028'],
  ['PS U+2029', '\u2029'],
  ['VT', '\v'],
  ['FF', '\f'],
  ['NUL', '\0'],
]
const LITERALS: [string, string][] = [
  ['percent-encoded', '%0d%0a'],
  ['HTML entities', '&#13;&#10;'],
  ['HTML hex entities', '&#x0d;&#x0a;'],
]

interface Variant {
  name: string
  /** `text` with the break (or look-alike) between its parts. */
  make(...parts: string[]): string
  /** What the reader's mail program must show for it. */
  expected(...parts: string[]): string
}

const VARIANTS: Variant[] = [
  ...BREAKS.map(([name, b]) => ({
    name,
    make: (...p: string[]) => p.join(b),
    expected: (...p: string[]) => p.join(' '),
  })),
  ...LITERALS.map(([name, b]) => ({
    name,
    make: (...p: string[]) => p.join(b),
    expected: (...p: string[]) => p.join(b),
  })),
  {
    name: 'RFC 2047 encoded word',
    make: (...p: string[]) => p.map((x) => `=?utf-8?q?${x.replace(/ /g, '_')}=0d=0a?=`).join(''),
    expected: (...p: string[]) =>
      p.map((x) => `=?utf-8?q?${x.replace(/ /g, '_')}=0d=0a?=`).join(''),
  },
  {
    name: 'RFC 2047 encoded word (base64)',
    make: (...p: string[]) => `=?UTF-8?B?${Buffer.from(p.join('\r\n')).toString('base64')}?=`,
    expected: (...p: string[]) => `=?UTF-8?B?${Buffer.from(p.join('\r\n')).toString('base64')}?=`,
  },
]

const EVIL = 'e@x.example'

/** The header fields our mail may carry; anything else in the sent bytes was injected. */
const ALLOWED = new Set(
  [
    'From',
    'To',
    'Subject',
    'Date',
    'Message-ID',
    'In-Reply-To',
    'References',
    'List-Id',
    'List-Unsubscribe',
    'List-Unsubscribe-Post',
    'Auto-Submitted',
    'X-Auto-Response-Suppress',
    'MIME-Version',
    'Content-Type',
  ].map((h) => h.toLowerCase()),
)

/**
 * Checks the bytes as the SMTP server received them: every header line well-formed, each field
 * once and one we send, the body's Content-Type ours, and nothing but ASCII in the header.
 */
function expectNoInjection(raw: Buffer, what: string): void {
  const text = raw.toString('latin1')
  const head = text.slice(0, text.indexOf('\r\n\r\n'))
  expect(head, what).toMatch(/^[\x20-\x7e\r\n\t]*$/)
  expect(head.replace(/\r\n/g, ''), `${what}: a lone CR or LF`).not.toMatch(/[\r\n]/)
  const lines = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')
  const names = lines.map((l) => {
    expect(l, what).toMatch(/^[!-9;-~]+: /)
    return l.slice(0, l.indexOf(':')).toLowerCase()
  })
  for (const n of names) expect(ALLOWED.has(n), `${what}: injected header ${n}`).toBe(true)
  expect(new Set(names).size, `${what}: a repeated header`).toBe(names.length)
  const ct = lines.find((l) => /^content-type:/i.test(l))!
  expect(ct, what).toMatch(/^Content-Type: multipart\/alternative;\s*boundary="[^"]+"$/)
}

function expectParsedClean(m: ParsedMail, what: string): void {
  for (const h of ['reply-to', 'bcc', 'cc', 'sender']) expect(m.headers.has(h), what).toBe(false)
  expect(m.html || '', what).toContain('<!doctype html>')
  expect(m.text || '', what).not.toBe('')
  expect(m.attachments, what).toHaveLength(0)
}

const checked = { variants: new Set<string>(), fields: new Set<string>(), messages: 0 }
afterAll(() => {
  if (checked.messages === 0) return
  console.log(
    `${checked.variants.size} header-break variants × ${checked.fields.size} fields: 0 injected (${checked.messages} messages parsed from the SMTP sink)`,
  )
})

describe('mail header injection, end to end', () => {
  // SQLite text ends at NUL, so that one is tried on the rendered email below only.
  it.each(
    VARIANTS.filter((v) => !v.make('a', 'b').includes('\0')).map((v) => [v.name, v] as const),
  )(
    '%s in incident, maintenance and page names and the subject prefix reaches no header',
    async (_, v) => {
      const pageName = v.make('Example', `Reply-To: ${EVIL}`)
      const prefix = v.make('[Pfx', `Bcc: ${EVIL}]`)
      const w = await createMailWorld({
        env: { PAGE_NAME: pageName, MAIL_SUBJECT_PREFIX: prefix },
      })
      const { t } = w
      const ada = await addSubscriber(t.deps.db, { email: 'ada@example.org' })
      const incidentName = v.make('Checkout', `Reply-To: ${EVIL}`, 'Content-Type: text/plain')
      const maintenanceName = v.make('Upgrade', `Cc: ${EVIL}`, '', 'Content-Type: text/html')
      const inc = await makeIncident(t)
      const mnt = await makeMaintenance(t)
      // Straight into the row: whatever the API accepts today, the mail must be safe for any
      // text the database holds (an older version's, another writer's).
      const renames: [string, string][] = [
        [inc.id as string, incidentName],
        [mnt.id as string, maintenanceName],
      ]
      for (const [id, name] of renames) {
        await t.deps.db.execute({
          sql: 'UPDATE incidents SET name = ? WHERE id = ?',
          args: [name, id],
        })
      }
      const report = await t.api(
        'POST',
        '/api/v1/feedback',
        { email: 'reporter@example.net', message: 'It is broken.' },
        { token: null },
      )
      expect(report.status).toBe(202)
      await w.settle()

      const squash = (s: string) => s.replace(/ {2,}/g, ' ').trim()
      const expPage = squash(v.expected('Example', `Reply-To: ${EVIL}`))
      const expPrefix = squash(v.expected('[Pfx', `Bcc: ${EVIL}]`))
      const expIncident = squash(
        v.expected('Checkout', `Reply-To: ${EVIL}`, 'Content-Type: text/plain'),
      )
      const expMaintenance = squash(
        v.expected('Upgrade', `Cc: ${EVIL}`, '', 'Content-Type: text/html'),
      )

      const toAda = w.sink.to(ada.email)
      const toReporter = w.sink.to('reporter@example.net')
      expect(toAda).toHaveLength(2)
      expect(toReporter).toHaveLength(1)
      const subjects: string[] = []
      for (const msg of [...toAda, ...toReporter]) {
        const what = `${v.name}: ${msg.messageId}`
        expectNoInjection(msg.raw, what)
        const m = await simpleParser(msg.raw)
        expectParsedClean(m, what)
        expect(m.from?.value, what).toEqual([
          { address: 'status@status.example.com', name: expPage },
        ])
        expect(m.to && !Array.isArray(m.to) ? m.to.value.map((a) => a.address) : [], what).toEqual(
          msg.to,
        )
        expect(m.subject!.startsWith(`${expPrefix} `), what).toBe(true)
        subjects.push(m.subject!)
        checked.messages++
      }
      // The two emails to Ada arrive in either order.
      expect(subjects.sort()).toEqual(
        [
          `${expPrefix} Investigating: ${expIncident}`,
          `${expPrefix} Maintenance scheduled: ${expMaintenance}`,
          `${expPrefix} Your message to ${expPage}`,
        ].sort(),
      )
      // mailparser leaves List-Id's phrase encoded: decode it the way it decodes a Subject.
      const listId = /^(.*) <([^<>]+)>$/.exec(rawHeader(toAda[0]!.raw, 'List-Id')!)!
      expect(listId[2]).toBe('amends.status.example.com')
      const phrase = listId[1]!.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1')
      expect((await simpleParser(`Subject: ${phrase}\r\n\r\n`)).subject).toBe(expPage)
      checked.variants.add(v.name)
      for (const f of ['incident name', 'maintenance name', 'page name', 'subject prefix'])
        checked.fields.add(f)
    },
  )
})

describe('mail header injection, every header value of a rendered email', () => {
  const base: RenderedEmail = {
    from: 'Example Status <status@status.example.com>',
    to: 'ada@example.org',
    subject: '[Example Status] Checkout',
    text: 'Plain body.',
    html: '<!doctype html><p>HTML body.</p>',
    messageId: '<incident.abc.1.sub@status.example.com>',
    inReplyTo: '<incident.abc.sub@status.example.com>',
    references: ['<incident.abc.sub@status.example.com>'],
    date: new Date('2026-03-10T12:00:00.000Z'),
    list: {
      id: 'amends.status.example.com',
      name: 'Example Status',
      unsubscribe: 'https://status.example.com/unsubscribe/u',
    },
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  }
  const inject = (v: Variant, s: string) => v.make(s, `Reply-To: ${EVIL}`)
  const FIELDS: [string, (v: Variant) => Partial<RenderedEmail>][] = [
    ['Subject', (v) => ({ subject: inject(v, 'Checkout') })],
    ['From display name', (v) => ({ from: `${inject(v, 'Example')} <status@status.example.com>` })],
    ['Message-ID', (v) => ({ messageId: inject(v, '<a.1@status.example.com>') })],
    ['In-Reply-To', (v) => ({ inReplyTo: inject(v, '<a@status.example.com>') })],
    ['References', (v) => ({ references: [inject(v, '<a@status.example.com>')] })],
    ['List-Id name', (v) => ({ list: { ...base.list!, name: inject(v, 'Example') } })],
    ['List-Id id', (v) => ({ list: { ...base.list!, id: inject(v, 'amends.example') } })],
    [
      'List-Unsubscribe',
      (v) => ({ list: { ...base.list!, unsubscribe: inject(v, 'https://s.example/u') } }),
    ],
    [
      'custom X- header',
      (v) => ({ headers: { ...base.headers, 'X-Auto-Response-Suppress': inject(v, 'All') } }),
    ],
  ]

  it('no variant in any field, through either message builder, adds a header', async () => {
    const sink = await startSmtpSink()
    const mail = parseConfig({ SITE_URL: 'https://status.example.com' }).mail
    const transport = smtpTransport({ ...mail, smtpUrl: sink.url })
    try {
      let n = 0
      // The direct builder, and nodemailer's composer (taken for a non-ASCII address).
      for (const to of ['ada@example.org', 'adä@example.org']) {
        for (const v of VARIANTS) {
          for (const [field, poison] of FIELDS) {
            await transport.send({ ...base, to, ...poison(v) })
            n++
            const msg = sink.messages.at(-1)!
            const what = `${v.name} in ${field} (to ${to})`
            const text = msg.raw.toString('utf8')
            const head = text.slice(0, text.indexOf('\r\n\r\n'))
            // The UTF-8 address is the one non-ASCII thing allowed in the header.
            expectNoInjection(Buffer.from(head.replace(to, 'ada@example.org') + '\r\n\r\n'), what)
            const m = await simpleParser(msg.raw)
            expectParsedClean(m, what)
            expect(m.text, what).toBe('Plain body.')
            if (field === 'Subject') {
              expect(m.subject, what).toBe(
                v.expected('Checkout', `Reply-To: ${EVIL}`).replace(/ {2,}/g, ' '),
              )
            }
            if (field === 'From display name') {
              expect(m.from?.value[0]?.address, what).toBe('status@status.example.com')
              expect(m.from?.value[0]?.name, what).not.toMatch(/[\r\n\u0085\u2028\u2029\v\f]/)
            }
            checked.fields.add(field)
            checked.variants.add(v.name)
            checked.messages++
          }
        }
      }
      expect(sink.messages).toHaveLength(n)
    } finally {
      await transport.close()
      await sink.close()
    }
  })

  it('encodes long and non-ASCII subjects as RFC 2047 words folded within 78 columns', async () => {
    const sink = await startSmtpSink()
    const mail = parseConfig({ SITE_URL: 'https://status.example.com' }).mail
    const transport = smtpTransport({ ...mail, smtpUrl: sink.url })
    try {
      const subjects = [
        `[Example Status] ${'Zahlungen schlagen fehl für Kunden in Österreich '.repeat(6).trim()}`,
        `[状态] 支付失败\u2028Reply-To: ${EVIL} ${'很长的主题'.repeat(30)}`,
        `[Example Status] ${'a-very-long-ascii-word-'.repeat(12)}`,
      ]
      for (const subject of subjects) await transport.send({ ...base, subject })
      for (const [i, msg] of sink.messages.entries()) {
        const text = msg.raw.toString('latin1')
        const head = text.slice(0, text.indexOf('\r\n\r\n'))
        expectNoInjection(msg.raw, subjects[i]!)
        for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998)
        const subjectLines = /^Subject:.*(?:\r\n[ \t].*)*/m.exec(head)![0].split('\r\n')
        if (i < 2) {
          expect(subjectLines.length).toBeGreaterThan(1)
          for (const l of subjectLines) expect(l.length).toBeLessThanOrEqual(78)
          expect(subjectLines.join('')).toMatch(/=\?UTF-8\?Q\?/)
        }
        const m = await simpleParser(msg.raw)
        expect(m.subject).toBe(subjects[i]!.replace('\u2028', ' '))
      }
    } finally {
      await transport.close()
      await sink.close()
    }
  })
})
