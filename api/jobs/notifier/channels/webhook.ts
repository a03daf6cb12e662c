import { catalogFor } from '../../../../templates/render.ts'
import { mailPage } from '../../../config.ts'
import type { Channel, RenderKit } from './channel.ts'
import { postAndClassify, type HttpCall, type HttpPoster } from './http-post.ts'

/**
 * Webhooks: a JSON POST. Today the on-call nudge to ONCALL_WEBHOOK_URL (a plain address).
 */
export function createWebhookChannel(kit: RenderKit, post: HttpPoster): Channel<HttpCall> {
  const page = mailPage(kit.deps.config)
  return {
    name: 'webhook',
    render(d, ctx) {
      if (ctx.type !== 'oncall' || !d.address)
        return { skip: `skipped: ${ctx.event.type} has no webhook body` }
      const r = ctx.record
      const o = catalogFor('en').oncall
      const id = `oncall.${r.id}.${d.eventId}`
      return {
        message: {
          url: d.address,
          id,
          headers: { 'idempotency-key': id },
          body: JSON.stringify({
            type: 'oncall.nudge',
            id,
            kind: ctx.nudge,
            due_at: ctx.dueAt,
            incident: {
              id: r.id,
              name: r.name,
              status: r.status,
              impact: r.impact,
              url: `${page.url}${ctx.view.path}`,
            },
            text: `${o.subject(ctx.nudge, r.name)}: ${o.body(ctx.nudge, ctx.dueAt)}`,
          }),
        },
      }
    },
    send: (call) => postAndClassify(post, call),
  }
}
