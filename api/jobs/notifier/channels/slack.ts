import type { ChatMessage, ChatTone } from '../../../../templates/chat.ts'
import type { Channel, RenderKit } from './channel.ts'
import { budget, createChatChannel, fit } from './chat.ts'
import type { HttpCall, HttpPoster } from './http-post.ts'

/** Slack's limits (Block Kit reference) and the whole message's, kept well under its own. */
const LIMIT = {
  header: 150,
  text: 3000,
  field: 2000,
  fields: 10,
  button: 75,
  context: 10,
  blocks: 50,
  fallback: 300,
  message: 11_000,
}

const ICON: Record<ChatTone, string> = {
  critical: '🔴',
  major: '🟠',
  minor: '🟡',
  none: '🔵',
  maintenance: '🔧',
  good: '✅',
  muted: '⚪',
}

/**
 * The one escape for everything we send Slack: `&`, `<` and `>` are its control characters
 * (`<!channel>`, `<@U123>`, `<https://…|label>`), so as entities written text can never become a
 * mention or a link. Every mrkdwn text is also `verbatim`, so Slack does not turn bare words
 * (`@here`, `#channel`, a URL) into anything either.
 */
export function slackText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const md = (text: string) => ({ type: 'mrkdwn', text, verbatim: true })
const plain = (text: string) => ({ type: 'plain_text', text, emoji: true })

/** An incoming-webhook body: a notification `text` and Block Kit `blocks`. Pure. */
export function slackPayload(m: ChatMessage) {
  const b = budget(LIMIT.message)
  const esc = slackText
  const blocks: unknown[] = []
  const icon = ICON[m.tone]
  blocks.push({
    type: 'header',
    text: plain(`${icon} ${b.take(m.heading, LIMIT.header - icon.length - 1, esc)}`),
  })
  // What is affected for this subscription and what still works: one field per fact.
  const fields = m.facts.slice(0, LIMIT.fields).map((f) => {
    const head = `*${esc(f.label)}*\n`
    return md(head + b.take(f.value, LIMIT.field - head.length, esc))
  })
  if (m.notes.length || fields.length)
    blocks.push({
      type: 'section',
      ...(m.notes.length ? { text: md(b.take(m.notes.join('\n'), LIMIT.text, esc)) } : {}),
      ...(fields.length ? { fields } : {}),
    })
  for (const s of [m.workaround, m.update, ...m.sections]) {
    if (!s || b.left < 100) continue
    const head = s.heading ? `*${esc(s.heading)}*\n` : ''
    blocks.push({
      type: 'section',
      text: md(head + b.take(s.text, LIMIT.text - head.length, esc)),
    })
  }
  if (m.context.length)
    blocks.push({
      type: 'context',
      elements: m.context.slice(0, LIMIT.context).map((c) => md(fit(c, LIMIT.text, esc))),
    })
  if (m.actions.length)
    blocks.push({
      type: 'actions',
      elements: m.actions.map((a, i) => ({
        type: 'button',
        action_id: `link_${i}`,
        text: plain(fit(a.label, LIMIT.button, esc)),
        url: a.url,
        ...(i === 0 ? { style: 'primary' } : {}),
      })),
    })
  const { why, manage, unsubscribe } = m.footer
  blocks.push({
    type: 'context',
    elements: [
      md(
        `${fit(why, 1000, esc)}\n` +
          `<${esc(manage.url)}|${esc(manage.label)}> · <${esc(unsubscribe.url)}|${esc(unsubscribe.label)}>`,
      ),
    ],
  })
  return {
    text: fit(m.heading, LIMIT.fallback, esc),
    blocks: blocks.slice(0, LIMIT.blocks),
    unfurl_links: false,
    unfurl_media: false,
  }
}

/** Slack: an incoming webhook (https://hooks.slack.com/services/…), Block Kit. */
export function createSlackChannel(kit: RenderKit, post: HttpPoster): Channel<HttpCall> {
  return createChatChannel(kit, post, 'slack', slackPayload)
}
