import type { ChatChannel } from '../../../../core/channels.ts'
import { chatMessage, type ChatMessage } from '../../../../templates/chat.ts'
import { mailPage } from '../../../config.ts'
import { subscriberMessage } from '../subscriber-message.ts'
import type { Channel, RenderKit } from './channel.ts'
import { postAndClassify, type HttpCall, type HttpPoster } from './http-post.ts'

/**
 * A chat app's incoming webhook (Slack, Teams, Discord): the subscriber's updates and, when it
 * confirms through the channel itself, its confirmation request, as one JSON POST to the URL it
 * gave. What is said comes from templates/chat.ts; `layout` only puts it in the app's format.
 */
export function createChatChannel(
  kit: RenderKit,
  post: HttpPoster,
  name: ChatChannel,
  layout: (m: ChatMessage) => unknown,
): Channel<HttpCall> {
  const page = mailPage(kit.deps.config)
  return {
    name,
    async render(d, ctx) {
      if (ctx.type !== 'subscriber' && ctx.type !== 'record')
        return { skip: `skipped: ${ctx.event.type} is not posted to chat` }
      const url = d.subscriber?.target
      if (!url) return { skip: `skipped: the subscription has no ${name} URL` }
      const m = await subscriberMessage(kit, d, ctx)
      if ('skip' in m) return m
      const content = m.content
      if (content.kind === 'quarantined') return { skip: 'skipped: quarantine notices go by email' }
      const chat = chatMessage({ ...m, content, page, at: ctx.event.createdAt })
      const id = `${name}.${d.eventId}.${m.subscriber.id}`
      return {
        message: {
          url,
          id,
          // Chat apps have no idempotency key of their own; a proxy or relay in front of one can
          // still drop a repeat by this (the same on every retry).
          headers: { 'idempotency-key': id },
          body: JSON.stringify(layout(chat)),
        },
      }
    },
    send: (call) => postAndClassify(post, call),
  }
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
const ELLIPSIS = '…'

/**
 * `text` escaped by `esc` and, when that is longer than `max` (in the units `measure` counts),
 * cut at a grapheme boundary (never inside an escape, an emoji or a surrogate pair) with "…".
 * Every length limit of every chat format goes through here, so none is ever exceeded.
 */
export function fit(
  text: string,
  max: number,
  esc: (s: string) => string = (s) => s,
  measure: (s: string) => number = (s) => s.length,
): string {
  const whole = esc(text)
  if (measure(whole) <= max) return whole
  const budget = max - measure(ELLIPSIS)
  let out = ''
  let used = 0
  for (const { segment } of graphemes.segment(text)) {
    const piece = esc(segment)
    const n = measure(piece)
    if (used + n > budget) break
    out += piece
    used += n
  }
  return budget < 0 ? '' : out.trimEnd() + ELLIPSIS
}

/** A running total for a whole message's limit: each part takes at most what is left. */
export function budget(total: number) {
  let left = total
  return {
    take(text: string, max: number, esc?: (s: string) => string, measure?: (s: string) => number) {
      const out = fit(text, Math.max(0, Math.min(max, left)), esc, measure)
      left -= (measure ?? ((s: string) => s.length))(out)
      return out
    },
    get left() {
      return left
    },
  }
}
