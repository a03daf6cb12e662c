import { Marked, type Token } from 'marked'
import { afterEach, describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { startReceiver, type HttpReceiver } from '../fixtures/http-receiver.ts'
import {
  addChatSubscriber,
  CHATS,
  posts,
  PRIVATE_OK,
  requestConfirmation,
} from './chat-fixtures.ts'
import { createMailWorld } from './world.ts'

/**
 * What staff write reaches a chat channel read by a whole team: no text may become a mention
 * (`<!channel>`, `@everyone`, `<@id>`, `<at>`), a link whose label hides where it goes, an image,
 * or a message an app refuses for its length. Each variant goes in every field people write,
 * through the API and the notifier, to real receivers; then every post is checked.
 */
const VARIANTS = [
  '<!channel> everyone look',
  '<!here|here>',
  '<!everyone>',
  '<!subteam^S0123ABC|@oncall> paging',
  '<@U0123ABCD> and <#C0123ABCD|general>',
  '<https://evil.example|Open your invoice>',
  '<https://evil.example>',
  '<mailto:ceo@evil.example|Mail the CEO>',
  '@channel @here @everyone',
  '<@123456789012345678> <@!123456789012345678> <@&987654321098765432>',
  '<#123456789012345678> <:pwned:123456789012345678> <a:spin:1234567890> <t:1700000000:R>',
  '[Reset your password](https://evil.example/login)',
  '[https://status.example.com/manage](https://evil.example/steal)',
  '![tracking pixel](https://evil.example/p.png)',
  '[ref link][1]\n\n[1]: https://evil.example/ref',
  '<a href="https://evil.example">click</a> <img src=x onerror=alert(1)>',
  '<at>Everyone</at> <at id="0">All</at>',
  '**bold** _italic_ ~~strike~~ `code` ||spoiler|| > quote',
  '# Heading\n-# subtext\n- list item\n1. numbered',
  '&lt;!channel&gt; &amp;lt; &#60;!here&#62;',
  '\\<!channel\\> \\@everyone \\[x\\](https://evil.example)',
  '<<!channel>> <<https://evil.example|x>>',
  '[x](javascript:alert(1)) [y](data:text/html,hi)',
  'admin\u202E@everyone\u202C <!\u200Bchannel> @\u200Beveryone [x]\u200B(https://evil.example)',
  '\u202Eoverride\u202C \u2066isolate\u2069 עברית العربية mixed',
  '🔥 Payments 👩‍👩‍👧‍👦 down 🇺🇦 ❤️‍🔥 🏳️‍🌈',
  'A'.repeat(9_000),
  '💥'.repeat(4_500),
  '支付失败，请稍后再试。'.repeat(800),
  '<!channel>'.repeat(900),
  '[a](https://evil.example)'.repeat(300),
  '&<>'.repeat(3_000),
]

/** The page's name is written by staff too (PAGE_NAME): it is in every post's footer. */
const PAGE_NAME = '<!channel> Status @everyone [x](https://evil.example)'
const FIELDS = [
  'PAGE_NAME',
  'component name',
  'incident name',
  'update body',
  'workaround',
  'apology',
]

/** At most `max` UTF-16 units, never splitting a character; one line when `line`. */
function clamp(s: string, max: number, line = false): string {
  const v = line ? s.replace(/\s+/g, ' ').trim() : s
  let out = ''
  for (const ch of v) {
    if (out.length + ch.length > max) break
    out += ch
  }
  return out
}

const OURS = /^https:\/\/status\.example\.com\//
const marked = new Marked({ gfm: true })

/** Links, images and raw HTML a Markdown reader (CommonMark + GFM) finds in `s`. */
function markdownFindings(s: string): string[] {
  const out: string[] = []
  const walk = (tokens: Token[]) => {
    for (const t of tokens) {
      if (t.type === 'link') {
        const l = t as Token & { href: string; text: string }
        // A bare URL shows where it goes; a label (ours aside) may hide it.
        const shown = [l.text, `http://${l.text}`, `mailto:${l.text}`].includes(l.href)
        if (!shown && !OURS.test(l.href)) out.push(`link ${l.href} "${l.text}"`)
      }
      if (t.type === 'image') out.push(`image ${(t as Token & { href: string }).href}`)
      if (t.type === 'html') out.push(`html ${t.raw.slice(0, 40)}`)
      const children = (t as { tokens?: Token[] }).tokens
      if (children) walk(children)
      const items = (t as { items?: { tokens: Token[] }[] }).items
      if (items) for (const i of items) walk(i.tokens)
    }
  }
  walk(marked.lexer(s))
  return out
}

/** The text with every backslash-escaped character taken out: what is left is live markup. */
const live = (s: string) => s.replace(/\\[\s\S]/g, '')

function slackFindings(p: any): string[] {
  const out: string[] = []
  const texts: { type: string; text: string; verbatim?: boolean; where: string }[] = [
    { type: 'mrkdwn', text: p.text, verbatim: true, where: 'text' },
  ]
  if (p.blocks.length > 50) out.push(`${p.blocks.length} blocks`)
  for (const b of p.blocks) {
    if (b.text) texts.push({ ...b.text, where: b.type })
    for (const f of b.fields ?? []) texts.push({ ...f, where: 'field' })
    if ((b.fields ?? []).length > 10) out.push('more than 10 fields')
    if ((b.elements ?? []).length > 10) out.push('more than 10 elements')
    for (const e of b.elements ?? [])
      texts.push(e.type === 'button' ? { ...e.text, where: 'button' } : { ...e, where: b.type })
  }
  const max: Record<string, number> = { header: 150, field: 2000, button: 75 }
  let total = 0
  for (const x of texts) {
    total += x.text.length
    if (x.text.length === 0) out.push(`empty ${x.where}`)
    if (x.text.length > (max[x.where] ?? 3000)) out.push(`${x.where} of ${x.text.length}`)
    if (x.type === 'mrkdwn' && x.verbatim !== true) out.push(`${x.where} not verbatim`)
    // Our own links are the only <…> allowed; any other < or > is Slack markup.
    const rest = x.text.replace(/<https:\/\/status\.example\.com\/[^|<>\s]+\|[^<>]+>/g, '')
    if (/[<>]/.test(rest)) out.push(`markup in ${x.where}: ${rest.slice(0, 60)}`)
  }
  if (total > 12_000) out.push(`${total} characters in all`)
  return out
}

function teamsFindings(p: any, raw: string): string[] {
  const out: string[] = []
  if (Buffer.byteLength(raw) > 28_000) out.push(`${Buffer.byteLength(raw)} bytes`)
  const card = p.attachments[0].content
  if (card.msteams?.entities) out.push('mention entities')
  const texts: string[] = []
  for (const b of card.body) {
    if (b.type === 'TextBlock') texts.push(b.text)
    if (b.type === 'FactSet') for (const f of b.facts) texts.push(f.title, f.value)
  }
  for (const s of texts) {
    if (/[<>]/.test(live(s))) out.push(`markup: ${live(s).slice(0, 60)}`)
    out.push(...markdownFindings(s))
  }
  for (const a of card.actions) if (!OURS.test(a.url)) out.push(`action ${a.url}`)
  return out
}

function discordFindings(p: any): string[] {
  const out: string[] = []
  if (JSON.stringify(p.allowed_mentions) !== '{"parse":[]}') out.push('allowed_mentions')
  const e = p.embeds[0]
  const md = [e.title, e.description, ...e.fields.flatMap((f: any) => [f.name, f.value])]
  for (const s of md) {
    if (/<[@#:at]|@everyone|@here/.test(live(s))) out.push(`mention: ${live(s).slice(0, 60)}`)
    out.push(...markdownFindings(s))
  }
  const sizes = [
    ['title', e.title.length, 256],
    ['description', e.description.length, 4096],
    ['footer', e.footer.text.length, 2048],
    ['fields', e.fields.length, 25],
  ] as const
  for (const [what, n, max] of sizes) if (n > max) out.push(`${what} of ${n}`)
  for (const f of e.fields) {
    if (!f.name || f.name.length > 256) out.push(`field name of ${f.name.length}`)
    if (!f.value || f.value.length > 1024) out.push(`field value of ${f.value.length}`)
  }
  const total =
    e.title.length +
    e.description.length +
    e.footer.text.length +
    e.fields.reduce((n: number, f: any) => n + f.name.length + f.value.length, 0)
  if (total > 6000) out.push(`${total} characters in all`)
  if (e.url && !OURS.test(e.url)) out.push(`url ${e.url}`)
  return out
}

const receivers: HttpReceiver[] = []
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close()
})

describe('chat channels: the checks below', () => {
  it('catch each kind of leak and overflow they look for', () => {
    const slack = slackFindings({
      text: '<!channel>',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: '<https://evil.example|x>' } },
      ],
    })
    expect(slack).toEqual([
      'markup in text: <!channel>',
      'header of 151',
      'section not verbatim',
      'markup in section: <https://evil.example|x>',
    ])
    const card = {
      attachments: [
        {
          content: {
            body: [
              { type: 'TextBlock', text: '[x](https://evil.example) <at>All</at>' },
              { type: 'FactSet', facts: [{ title: 'a', value: '![p](https://evil.example/p)' }] },
            ],
            actions: [],
          },
        },
      ],
    }
    expect(teamsFindings(card, JSON.stringify(card))).toEqual([
      'markup: [x](https://evil.example) <at>All</at>',
      'link https://evil.example "x"',
      'html <at>',
      'html </at>',
      'image https://evil.example/p',
    ])
    const discord = discordFindings({
      allowed_mentions: { parse: ['everyone'] },
      embeds: [
        {
          title: '@everyone',
          description: '[x](https://evil.example) \\[ok\\](https://evil.example)',
          fields: [{ name: 'a', value: '' }],
          footer: { text: '' },
        },
      ],
    })
    expect(discord).toEqual([
      'allowed_mentions',
      'mention: @everyone',
      'link https://evil.example "x"',
      'field value of 0',
    ])
  })
})

describe('chat channels: written text never becomes a mention, a link or too long a post', () => {
  it(
    `${VARIANTS.length} variants × ${FIELDS.length} fields × 3 apps: none gets through`,
    { timeout: 200_000 },
    async () => {
      // Long texts take a while to render on a busy machine: a lease no render outlasts.
      const w = await createMailWorld({
        env: { ...PRIVATE_OK, PAGE_NAME },
        timing: { leaseMs: 60_000 },
      })
      const { t } = w
      const rx = await startReceiver()
      receivers.push(rx)
      const components: string[] = []
      for (const [i, v] of VARIANTS.entries()) {
        const c = await makeComponent(t, { name: clamp(`${i} ${v}`, 200, true) })
        components.push(c.id)
      }
      for (const c of CHATS) {
        await addChatSubscriber(t.deps.db, c, `${rx.url}/${c}`)
        // A confirmation request names the components followed: every variant.
        const pending = await addChatSubscriber(t.deps.db, c, `${rx.url}/${c}?pending`, {
          status: 'pending',
          components,
        })
        await requestConfirmation(t.deps.db, pending)
      }
      for (const [i, v] of VARIANTS.entries()) {
        const inc = await t.api('POST', '/api/v1/incidents', {
          name: clamp(v, 200, true) || 'x',
          status: 'investigating',
          impact: 'critical',
          body: clamp(v, 14_000),
          workaround: clamp(v, 5_000),
          components: { [components[i]!]: 'major_outage' },
        })
        expect(inc.status, JSON.stringify(inc.body).slice(0, 300)).toBe(201)
        const done = await t.api('POST', `/api/v1/incidents/${inc.body.id}/resolve`, {
          body: clamp(v, 14_000),
          apology: clamp(v, 5_000),
        })
        expect(done.status).toBe(201)
      }
      await w.settle(120_000)

      const findings: string[] = []
      // A post is the same bytes however often it is sent (a retry after a slow answer): one
      // of each is checked.
      const distinct = (path: string) =>
        new Set(rx.received.filter((r) => r.path === path).map((r) => r.raw))
      for (const c of CHATS) {
        expect(distinct(`/${c}?pending`).size).toBe(1)
        expect(distinct(`/${c}`).size).toBe(VARIANTS.length * 2)
        const got = rx.received.filter((r) => r.path.startsWith(`/${c}`))
        for (const r of got) {
          const p = r.json as any
          const found =
            c === 'slack'
              ? slackFindings(p)
              : c === 'teams'
                ? teamsFindings(p, r.raw)
                : discordFindings(p)
          if (/[\u202A-\u202E\u2066-\u2069]/.test(r.raw)) found.push('bidi control')
          findings.push(...found.map((f) => `${c}: ${f}`))
        }
      }
      expect(findings).toEqual([])
      // The text itself arrived, shown as written (escaped), and long text was cut, not refused.
      const raw = (c: string) =>
        posts(rx, `/${c}`)
          .map((p) => JSON.stringify(p))
          .join('\n')
      expect(raw('slack')).toContain('&lt;!channel&gt; everyone look')
      expect(raw('teams')).toContain('\\\\<at\\\\>Everyone\\\\</at\\\\>')
      expect(raw('discord')).toContain('\\\\@everyone')
      expect(raw('discord')).toContain('💥💥💥…')
      expect(raw('slack')).toContain('支付失败，请稍后再试。…')
    },
  )
})
