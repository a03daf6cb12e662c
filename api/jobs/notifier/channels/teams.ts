import type { ChatMessage, ChatTone } from '../../../../templates/chat.ts'
import type { Channel, RenderKit } from './channel.ts'
import { budget, createChatChannel } from './chat.ts'
import type { HttpCall, HttpPoster } from './http-post.ts'

/**
 * Teams takes a message of up to about 28 KB; the card's text is held to less, counted as the
 * bytes it takes in the JSON body (a Chinese character is three, a quote two).
 */
const LIMIT = { message: 20_000, part: 6_000, heading: 600, fact: 2_000 }

const encoder = new TextEncoder()
const jsonBytes = (s: string) => encoder.encode(JSON.stringify(s)).length - 2

const COLOR: Record<ChatTone, string> = {
  critical: 'Attention',
  major: 'Attention',
  minor: 'Warning',
  none: 'Accent',
  maintenance: 'Accent',
  good: 'Good',
  muted: 'Default',
}

/**
 * The one escape for text in an Adaptive Card: TextBlock and Fact read a subset of Markdown, so
 * its markers (`*`, `_`, `[`, `]`, `` ` ``, `~`), the backslash itself and `<`, `>`, `&` (an
 * `<at>` mention, an entity) are backslash-escaped. Written text shows as written and can never
 * become a link, a mention or formatting.
 */
export function teamsText(s: string): string {
  return s.replace(/[\\*_[\]`~<>&]/g, '\\$&')
}

const text = (t: string, more: Record<string, unknown> = {}) => ({
  type: 'TextBlock',
  text: t,
  wrap: true,
  ...more,
})

/** A Workflows ("Post to a channel when a webhook request is received") body: an Adaptive Card. */
export function teamsPayload(m: ChatMessage) {
  const b = budget(LIMIT.message)
  const take = (s: string, max: number) => b.take(s, max, teamsText, jsonBytes)
  const body: unknown[] = [
    text(take(m.heading, LIMIT.heading), {
      size: 'Large',
      weight: 'Bolder',
      style: 'heading',
      color: COLOR[m.tone],
    }),
  ]
  if (m.context.length)
    body.push(
      text(m.context.map((c) => take(c, LIMIT.heading)).join('\n\n'), {
        isSubtle: true,
        spacing: 'None',
      }),
    )
  for (const n of m.notes) body.push(text(take(n, LIMIT.part)))
  if (m.facts.length)
    body.push({
      type: 'FactSet',
      facts: m.facts.map((f) => ({
        title: take(f.label, LIMIT.heading),
        value: take(f.value, LIMIT.fact),
      })),
    })
  for (const s of [m.workaround, m.update, ...m.sections]) {
    if (!s || b.left < 200) continue
    if (s.heading) body.push(text(take(s.heading, LIMIT.heading), { weight: 'Bolder' }))
    body.push(text(take(s.text, LIMIT.part), { spacing: 'Small' }))
  }
  const { why, manage, unsubscribe } = m.footer
  body.push(
    text(
      `${take(why, LIMIT.heading)}\n\n` +
        `[${teamsText(manage.label)}](${manage.url}) · [${teamsText(unsubscribe.label)}](${unsubscribe.url})`,
      { isSubtle: true, size: 'Small', separator: true },
    ),
  )
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body,
          // Button titles are plain text (no Markdown), shown as given.
          actions: m.actions.map((a) => ({ type: 'Action.OpenUrl', title: a.label, url: a.url })),
        },
      },
    ],
  }
}

/** Microsoft Teams: a Workflows webhook (the successor of Office 365 connectors), one card. */
export function createTeamsChannel(kit: RenderKit, post: HttpPoster): Channel<HttpCall> {
  return createChatChannel(kit, post, 'teams', teamsPayload)
}
