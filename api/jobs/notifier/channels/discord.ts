import type { ChatMessage, ChatTone } from '../../../../templates/chat.ts'
import type { Channel, RenderKit } from './channel.ts'
import { budget, createChatChannel, fit } from './chat.ts'
import type { HttpCall, HttpPoster } from './http-post.ts'

/** Discord's embed limits (characters): each part, and all of them together. */
const LIMIT = {
  total: 6000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
}

const COLOR: Record<ChatTone, number> = {
  critical: 0xd1242f,
  major: 0xe16f24,
  minor: 0xd4a72c,
  none: 0x0969da,
  maintenance: 0x0969da,
  good: 0x1f883d,
  muted: 0x6e7781,
}

/**
 * The one escape for Discord's Markdown (titles, descriptions, fields): its markers, `<` (a
 * `<@id>`, `<#id>` or `<:emoji:id>`), `@` and `[`/`]` (a masked link) are backslash-escaped, so
 * written text shows as written. Pings are ruled out besides by `allowed_mentions`.
 */
export function discordText(s: string): string {
  return s.replace(/[\\*_~`|<>[\]#@]/g, '\\$&')
}

const link = (l: { label: string; url: string }) => `[${discordText(l.label)}](${l.url})`

/** An execute-webhook body: one embed, and no mention may ping anyone. Pure. */
export function discordPayload(m: ChatMessage) {
  const b = budget(LIMIT.total)
  const esc = discordText
  const title = b.take(m.heading, LIMIT.title, esc)
  // The footer has no Markdown: plain text, never escaped.
  const footer = b.take([...m.context, m.footer.why].join('\n'), 1000)
  // Our own links close the description; reserved first, so no long text crowds them out.
  const { manage, unsubscribe } = m.footer
  const tail = [
    m.actions
      .filter((a) => a.url !== m.url)
      .map(link)
      .join(' · '),
    `${link(manage)} · ${link(unsubscribe)}`,
  ]
    .filter(Boolean)
    .join('\n')
  b.take(tail, LIMIT.description)
  const fields: { name: string; value: string; inline?: boolean }[] = []
  // Discord refuses an empty field: one goes in only with room for its name and some value.
  const field = (name: string, value: string, inline: boolean) => {
    const n = fit(name, LIMIT.fieldName, esc)
    if (fields.length >= LIMIT.fields || !n || !value || b.left - n.length < 40) return
    b.take(name, LIMIT.fieldName, esc)
    fields.push({ name: n, value: b.take(value, LIMIT.fieldValue, esc), inline })
  }
  // What is affected for this subscription and what still works, then the workaround.
  for (const f of m.facts) field(f.label, f.value, true)
  if (m.workaround) field(m.workaround.heading ?? '', m.workaround.text, false)
  const parts = [
    ...m.notes.map(esc),
    ...[m.update, ...m.sections].flatMap((s) =>
      s ? [`${s.heading ? `**${esc(s.heading)}**\n` : ''}${esc(s.text)}`] : [],
    ),
  ]
  const room = Math.min(LIMIT.description - tail.length, b.left) - 2
  const text = parts.length ? fit(parts.join('\n\n'), room) : ''
  return {
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title,
        ...(m.url ? { url: m.url } : {}),
        description: text ? `${text}\n\n${tail}` : tail,
        color: COLOR[m.tone],
        fields,
        timestamp: m.at,
        footer: { text: footer },
      },
    ],
  }
}

/** Discord: a channel webhook (https://discord.com/api/webhooks/…), one embed. */
export function createDiscordChannel(kit: RenderKit, post: HttpPoster): Channel<HttpCall> {
  return createChatChannel(kit, post, 'discord', discordPayload)
}
