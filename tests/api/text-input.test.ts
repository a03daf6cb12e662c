import { describe, expect, it } from 'vitest'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { dumpTables } from '../fixtures/test-db.ts'

const hex = (c: number) => c.toString(16).padStart(4, '0')

/** Every character the text rule refuses, as a person (or a terminal) could paste it. */
const BAD_TEXT: [string, string][] = [
  ...Array.from({ length: 0x20 }, (_, c) => c)
    .filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d)
    .map((c): [string, string] => [`C0 U+${hex(c)}`, `a${String.fromCharCode(c)}b`]),
  ['ANSI escape', 'Checkout \u001b[31mdown\u001b[0m'],
  ['DEL', 'a\u007fb'],
  ...[0x80, 0x85, 0x8d, 0x90, 0x9b, 0x9f].map((c): [string, string] => [
    `C1 U+${hex(c)}`,
    `a${String.fromCharCode(c)}b`,
  ]),
  ['U+FDD0', 'a\ufdd0b'],
  ['U+FDEF', 'a\ufdefb'],
  ['U+FFFE', 'a\ufffeb'],
  ['U+FFFF', 'a\uffffb'],
  ['U+1FFFE', `a${String.fromCodePoint(0x1fffe)}b`],
  ['U+10FFFF', `a${String.fromCodePoint(0x10ffff)}b`],
  // JSON.stringify writes a lone surrogate as the escape "\ud800", as an attacker would.
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', 'a\udfffb'],
  ['lone surrogate at the end', 'ab\udbff'],
  // Text of nothing but zero-width, format or filler characters shows as blank.
  ['zero-width only', '\u200b\u200c\u200d'],
  ['word joiner and BOM only', '\u2060\ufeff\u2060'],
  ['Hangul filler only', '\u3164'],
  ['bidi marks only', '\u202e\u200f'],
]

/** Byte sequences that are not UTF-8, spliced raw into an otherwise valid JSON body. */
const BAD_BYTES: [string, number[]][] = [
  ['0xC3 0x28', [0xc3, 0x28]],
  ['0xFF', [0xff]],
  ['overlong 0xC0 0xAF', [0xc0, 0xaf]],
  ['truncated 0xE2 0x82', [0xe2, 0x82]],
  ['encoded surrogate 0xED 0xA0 0x80', [0xed, 0xa0, 0x80]],
]

interface Target {
  method: string
  path: string
  body: Record<string, unknown>
  /** Text fields, as dotted paths into `body`. */
  fields: string[]
  token?: string | null
}

function withValue(body: Record<string, unknown>, field: string, value: string) {
  const copy = structuredClone(body)
  const keys = field.split('.')
  let at: Record<string, unknown> = copy
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>
  at[keys.at(-1)!] = value
  return copy
}

/** Every write that takes text written by people, with a valid body and its text fields. */
async function targets(t: TestApp): Promise<Target[]> {
  const component = await makeComponent(t)
  const group = (await t.api('POST', '/api/v1/component-groups', { name: 'Group' })).body
  const incident = await makeIncident(t)
  const maintenance = await makeMaintenance(t)
  const report = await t.api(
    'POST',
    '/api/v1/feedback',
    { message: 'The API is slow' },
    { token: null },
  )
  expect(report.status).toBe(202)
  const feedbackId = (await t.api('GET', '/api/v1/feedback')).body[0].id
  const inc = `/api/v1/incidents/${incident.id}`
  const mnt = `/api/v1/maintenances/${maintenance.id}`
  return [
    {
      method: 'POST',
      path: '/api/v1/components',
      body: { name: 'API', description: 'The API' },
      fields: ['name', 'description'],
    },
    {
      method: 'PATCH',
      path: `/api/v1/components/${component.id}`,
      body: { name: 'API', description: 'The API' },
      fields: ['name', 'description'],
    },
    {
      method: 'POST',
      path: '/api/v1/component-groups',
      body: { name: 'Core', description: 'Core services' },
      fields: ['name', 'description'],
    },
    {
      method: 'PATCH',
      path: `/api/v1/component-groups/${group.id}`,
      body: { name: 'Core', description: 'Core services' },
      fields: ['name', 'description'],
    },
    {
      method: 'POST',
      path: '/api/v1/incidents',
      body: {
        name: 'Errors',
        status: 'investigating',
        impact: 'minor',
        body: 'Looking.',
        workaround: 'Retry.',
        components: {},
      },
      fields: ['name', 'body', 'workaround'],
    },
    {
      method: 'POST',
      path: '/api/v1/incidents',
      body: {
        template: 'database-outage',
        vars: { component: 'Checkout' },
        components: {},
      },
      fields: ['template', 'vars.component'],
    },
    {
      method: 'POST',
      path: `${inc}/updates`,
      body: { status: 'identified', body: 'Found it.', workaround: 'Retry.' },
      fields: ['body', 'workaround'],
    },
    {
      method: 'POST',
      path: `${inc}/resolve`,
      body: { body: 'Fixed.', apology: 'Sorry.' },
      fields: ['body', 'apology'],
    },
    {
      method: 'POST',
      path: `${inc}/reopen`,
      body: { body: 'Back again.' },
      fields: ['body'],
    },
    {
      method: 'PATCH',
      path: inc,
      body: { name: 'Errors', workaround: 'Retry.', apology: 'Sorry.' },
      fields: ['name', 'workaround', 'apology'],
    },
    {
      method: 'PUT',
      path: `${inc}/postmortem`,
      body: { body: 'What happened.' },
      fields: ['body'],
    },
    {
      method: 'PUT',
      path: `${inc}/compensation`,
      body: { decision: 'custom', text: 'A month free.' },
      fields: ['text'],
    },
    {
      method: 'POST',
      path: '/api/v1/maintenances',
      body: {
        name: 'Upgrade',
        scheduled_for: '2026-03-11T00:00:00Z',
        scheduled_until: '2026-03-11T01:00:00Z',
        body: 'Upgrading.',
        components: [],
      },
      fields: ['name', 'body'],
    },
    { method: 'PATCH', path: mnt, body: { name: 'Upgrade' }, fields: ['name'] },
    {
      method: 'POST',
      path: `${mnt}/updates`,
      body: { status: 'in_progress', body: 'Started.' },
      fields: ['body'],
    },
    { method: 'POST', path: `${mnt}/cancel`, body: { body: 'Cancelled.' }, fields: ['body'] },
    {
      method: 'POST',
      path: '/api/v1/tokens',
      body: { name: 'CI', scope: 'read' },
      fields: ['name'],
    },
    {
      method: 'POST',
      path: '/api/v1/feedback',
      body: { message: 'Broken.' },
      fields: ['message'],
      token: null,
    },
    {
      method: 'POST',
      path: `/api/v1/feedback/${feedbackId}/replies`,
      body: { body: 'Thanks, looking.' },
      fields: ['body'],
    },
    {
      method: 'POST',
      path: '/api/v1/playbooks/database-outage/fill',
      body: { vars: { component: 'Checkout' } },
      fields: ['vars.component'],
    },
  ]
}

async function send(t: TestApp, target: Target, body: string | Uint8Array<ArrayBuffer>) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const token = target.token === undefined ? ADMIN_TOKEN : target.token
  if (token) headers.authorization = `Bearer ${token}`
  const res = await t.app.request(target.path, { method: target.method, headers, body })
  return { status: res.status, body: await res.json() }
}

describe('text written by people is checked at the edge', () => {
  it('refuses control characters, non-characters, lone surrogates and invisible-only text in every text field, naming the field, writing nothing', async () => {
    // The public report form allows 5 reports per hour per address; this test sends hundreds.
    const t = await createTestApp()
    const all = await targets(t)
    const before = await dumpTables(t.deps.db)
    let tried = 0
    const through: string[] = []
    for (const target of all) {
      for (const field of target.fields) {
        for (const [label, value] of BAD_TEXT) {
          tried++
          const res = await send(t, target, JSON.stringify(withValue(target.body, field, value)))
          const named = res.body?.error?.details?.some(
            (d: any) =>
              d.path === field && /control|non-character|surrogate|invisible/.test(d.message),
          )
          if (res.status !== 400 || res.body.error.code !== 'invalid_input' || !named)
            through.push(`${target.method} ${target.path} ${field} ${label}: ${res.status}`)
        }
      }
    }
    expect(through).toEqual([])
    expect(await dumpTables(t.deps.db)).toEqual(before)
    const fields = all.reduce((n, target) => n + target.fields.length, 0)
    expect(tried).toBe(BAD_TEXT.length * fields)
    console.info(`text rule: ${BAD_TEXT.length} variants x ${fields} fields = ${tried}, 0 through`)
  })

  it('refuses invalid UTF-8 in a JSON body with 400 invalid_encoding, writing nothing', async () => {
    const t = await createTestApp()
    const all = await targets(t)
    const before = await dumpTables(t.deps.db)
    const enc = new TextEncoder()
    let tried = 0
    const through: string[] = []
    for (const target of all) {
      for (const field of target.fields) {
        const [head, tail] = JSON.stringify(withValue(target.body, field, 'a@@b')).split('@@')
        for (const [label, bytes] of BAD_BYTES) {
          tried++
          const body = new Uint8Array([...enc.encode(head), ...bytes, ...enc.encode(tail)])
          const res = await send(t, target, body)
          if (res.status !== 400 || res.body.error.code !== 'invalid_encoding')
            through.push(`${target.method} ${target.path} ${field} ${label}: ${res.status}`)
        }
      }
    }
    expect(through).toEqual([])
    expect(await dumpTables(t.deps.db)).toEqual(before)
    console.info(`invalid UTF-8: ${tried} bodies, 0 through`)
  })

  it('refuses invalid UTF-8 in the CSV subscriber import too', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const enc = new TextEncoder()
    for (const [label, bytes] of BAD_BYTES) {
      const body = new Uint8Array([
        ...enc.encode('email\na'),
        ...bytes,
        ...enc.encode('@example.com\n'),
      ])
      const res = await t.app.request('/api/v1/subscribers/import', {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' },
        body,
      })
      expect(res.status, label).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'invalid_encoding',
      )
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('keeps tab, line feed and any real character; CR and CRLF become LF', async () => {
    const t = await createTestApp()
    const body = 'Line one\r\nline two\rline three\n\tindented — 日本語 😀 \u00a0é'
    const incident = await makeIncident(t, { body, workaround: 'Retry\r\nlater' })
    const update = incident.incident_updates[0]
    expect(update.body).toBe('Line one\nline two\nline three\n\tindented — 日本語 😀 \u00a0é')
    expect(incident.workaround).toBe('Retry\nlater')
  })

  it('a name is one line: every kind of line break and tab is refused in every single-line field', async () => {
    const t = await createTestApp()
    const all = await targets(t)
    const before = await dumpTables(t.deps.db)
    const breaks: [string, string][] = [
      ['LF', 'Two\nlines'],
      ['CR', 'CR\rhere'],
      ['CRLF', 'CRLF\r\nhere'],
      ['tab', 'Tab\there'],
      ['U+2028 line separator', 'Two\u2028lines'],
      ['U+2029 paragraph separator', 'Two\u2029lines'],
      ['U+0085 next line', 'Two\u0085lines'],
    ]
    let tried = 0
    const through: string[] = []
    for (const target of all) {
      for (const field of target.fields.filter((f) => /^(name|template)$/.test(f))) {
        for (const [label, value] of breaks) {
          tried++
          const res = await send(t, target, JSON.stringify(withValue(target.body, field, value)))
          const named = res.body?.error?.details?.some(
            (d: any) => d.path === field && /single line|control character/.test(d.message),
          )
          if (res.status !== 400 || !named)
            through.push(`${target.method} ${target.path} ${field} ${label}: ${res.status}`)
        }
      }
    }
    expect(through).toEqual([])
    expect(await dumpTables(t.deps.db)).toEqual(before)
    expect(tried).toBeGreaterThanOrEqual(breaks.length * 10)
    console.info(`single-line rule: ${tried} tries (${breaks.length} variants), 0 through`)
    const res = await t.api('POST', '/api/v1/components', { name: 'Two\u2028lines' })
    expect(res.body.error.details).toEqual([
      { path: 'name', message: 'Must be a single line (no tab or line break)' },
    ])
    expect((await makeComponent(t, { name: '  Padded  \n' })).name).toBe('Padded')
  })
})

describe('HTML forms are checked the same way', () => {
  const envFor = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } })
  let ip = 1
  async function postForm(
    t: TestApp,
    path: string,
    body: string | Uint8Array<ArrayBuffer>,
    type: string,
  ) {
    const res = await t.app.request(
      path,
      { method: 'POST', headers: { 'content-type': type }, body },
      envFor(`198.51.100.${ip++}`),
    )
    return { status: res.status, html: await res.text() }
  }
  const URLENCODED = 'application/x-www-form-urlencoded'

  it('a control character in the report form is a 400 page that says what is wrong', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    // A form cannot carry a lone surrogate (the browser sends U+FFFD); the bytes are tested below.
    // Invisible characters are refused only as the whole text: here they follow words.
    const pasted = BAD_TEXT.filter(([label]) => !/surrogate| only$/.test(label))
    for (const [, value] of pasted) {
      const res = await postForm(
        t,
        '/report',
        new URLSearchParams({ message: `It is down ${value}` }).toString(),
        URLENCODED,
      )
      expect(res.status).toBe(400)
      expect(res.html).toMatch(
        /Your message contains a (control character|Unicode non-character|lone surrogate)/,
      )
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('percent-escapes that are not UTF-8 are a 400 page, writing nothing', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const pct = (bytes: number[]) => bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('')
    for (const [, bytes] of BAD_BYTES) {
      for (const path of ['/report', '/subscribe']) {
        const field = path === '/report' ? 'message' : 'email'
        const res = await postForm(t, path, `${field}=a${pct(bytes)}b`, URLENCODED)
        expect(res.status, `${path} ${pct(bytes)}`).toBe(400)
        expect(res.html).toMatch(/not valid UTF-8/)
      }
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
  })

  it('multipart is refused with 415 on every form, whatever its parts carry, writing nothing', async () => {
    const t = await createTestApp()
    const before = await dumpTables(t.deps.db)
    const boundary = 'xyz'
    const enc = new TextEncoder()
    const part = (name: string, headers: string, bytes: number[]) => [
      ...enc.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n${headers}\r\n`,
      ),
      ...bytes,
      ...enc.encode(`\r\n--${boundary}--\r\n`),
    ]
    const b64 = (bytes: number[]) => [...enc.encode(btoa(String.fromCharCode(...bytes)))]
    const bodies: [string, (field: string) => number[]][] = [
      ['plain text', (f) => part(f, '', [...enc.encode('It is down')])],
      ...BAD_BYTES.map(([label, bytes]): [string, (field: string) => number[]] => [
        `raw ${label}`,
        (f) => part(f, '', [0x61, ...bytes, 0x62]),
      ]),
      ...BAD_BYTES.map(([label, bytes]): [string, (field: string) => number[]] => [
        `base64 ${label}`,
        (f) => part(f, 'Content-Transfer-Encoding: base64\r\n', b64([0x61, ...bytes, 0x62])),
      ]),
      [
        'quoted-printable',
        (f) => part(f, 'Content-Transfer-Encoding: quoted-printable\r\n', [...enc.encode('a=FFb')]),
      ],
    ]
    const forms: [string, string][] = [
      ['/report', 'message'],
      ['/subscribe', 'email'],
      ['/manage/anything', 'scope'],
      ['/follow-up/anything', 'message'],
    ]
    let tried = 0
    for (const [path, field] of forms) {
      for (const [label, body] of bodies) {
        tried++
        const res = await postForm(
          t,
          path,
          new Uint8Array(body(field)),
          `multipart/form-data; boundary=${boundary}`,
        )
        expect(res.status, `${path} ${label}`).toBe(415)
        expect(res.html).toMatch(/application\/x-www-form-urlencoded/)
      }
    }
    expect(await dumpTables(t.deps.db)).toEqual(before)
    console.info(
      `multipart: ${bodies.length} variants x ${forms.length} forms = ${tried}, 0 accepted`,
    )
  })
})
