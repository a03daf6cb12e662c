import { targetKey } from '../../../../core/channels.ts'
import { knownLocale } from '../../../../core/schemas/subscription.ts'
import { SMS_STATUS_PATH } from '../../../../core/sms-provider.ts'
import { laterSmsAbout, takeSmsSlot } from '../../../../db/sms-deliveries.ts'
import type { FittedSms } from '../../../../core/sms-text.ts'
import { yourServices } from '../../../../templates/personal.ts'
import { renderSmsCode, renderSmsRecord } from '../../../../templates/sms.ts'
import { mailPage } from '../../../config.ts'
import { smsOptOut } from '../../../services/sms-opt-out.ts'
import { smsConfirmCode } from '../../../services/sms-code.ts'
import { isOpenStatus } from '../context.ts'
import { EMAIL_ROUTES } from '../routes.ts'
import type { Channel, Outcome, RenderKit } from './channel.ts'
import type { HttpPoster } from './http-post.ts'
import { createSmsProvider, type SmsProviderConfig } from './sms-provider.ts'

/** One text, as rendered for one delivery (the same on every retry). */
export interface SmsMessage {
  deliveryId: number
  /** E.164. */
  to: string
  body: string
  segments: number
}

/** The record events that make a text; the follow-up asks questions only an email can carry. */
const TEXTED = Object.keys(EMAIL_ROUTES).filter(
  (type) => EMAIL_ROUTES[type]!.audience === 'record' && type !== 'incident.follow_up',
)
const HOUR = 3_600_000
const CACHED_TEXTS = 256

/**
 * Text messages through a Twilio-compatible provider: updates about what a subscriber follows,
 * and the code that confirms a new subscription. Three things only texts need:
 * - at most `perNumberPerHour` texts to a number an hour, counted in the database (`send`); over
 *   it, the text waits for room (retry at the time a slot frees) rather than being dropped, and
 *   `render` skips a text once a later one about the same incident exists, so a flood of updates
 *   ends in the latest (the resolution), not in a queue of stale ones;
 * - a text whose earlier send had no recorded outcome (a crash, a lost answer) is first looked
 *   for at the provider, which has no idempotency key: found, it counts as delivered;
 * - a refusal because the number opted out (21610) ends the subscription, not quarantine.
 */
export function createSmsChannel(
  kit: RenderKit,
  post: HttpPoster,
  cfg: SmsProviderConfig,
): Channel<SmsMessage> {
  const { deps } = kit
  const page = mailPage(deps.config)
  const provider = createSmsProvider(cfg, post)
  const statusCallback = `${deps.config.siteUrl}${SMS_STATUS_PATH}`
  const texts = new Map<string, FittedSms>()

  return {
    name: 'sms',

    async render(d, ctx) {
      const s = d.subscriber
      if (!s || s.channel !== 'sms' || !s.target)
        return { skip: 'skipped: texts go to text-message subscribers only' }
      if (ctx.type === 'subscriber') {
        if (ctx.route.kind !== 'confirmation' || s.status !== 'pending')
          return { skip: `skipped: subscriber is ${s.status}` }
        const code = await smsConfirmCode(deps, {
          id: s.id,
          token_version: s.tokenVersion,
          confirmation_sent_at: s.confirmationSentAt,
        })
        const text = renderSmsCode({ locale: s.locale, page: page.name, code })
        return {
          message: { deliveryId: d.id, to: s.target, body: text.text, segments: text.segments },
        }
      }
      if (ctx.type !== 'record' || !TEXTED.includes(ctx.event.type))
        return { skip: `skipped: ${ctx.event.type} is not texted` }
      if (s.status !== 'confirmed') return { skip: `skipped: subscriber is ${s.status}` }
      const later = await laterSmsAbout(deps.db, {
        subscriberId: s.id,
        eventId: d.eventId,
        aggregateType: ctx.event.aggregateType,
        aggregateId: ctx.event.aggregateId,
        types: TEXTED,
      })
      if (later) return { skip: 'skipped: a later text about the same record supersedes it' }
      const yours = yourServices({
        kind: ctx.record.kind,
        open: isOpenStatus(ctx.status),
        held: ctx.record.components,
        updates: ctx.record.updates,
        all: ctx.components,
        subscribed: s.allComponents ? 'all' : s.components,
      })
      // Everyone who follows the same services in the same language gets the same text.
      const said = ctx.inLocale(knownLocale(s.locale))
      const key = `${d.eventId} ${said.locale} ${JSON.stringify(yours)}`
      let text = texts.get(key)
      if (!text) {
        text = renderSmsRecord({
          locale: said.locale,
          page,
          kind: ctx.route.kind === 'maintenance' ? 'maintenance' : 'incident',
          record: said.view,
          status: ctx.status,
          notice: ctx.notice,
          update: said.update?.body_text ?? null,
          yours,
        })
        texts.set(key, text)
        if (texts.size > CACHED_TEXTS) texts.delete(texts.keys().next().value!)
      }
      return {
        message: { deliveryId: d.id, to: s.target, body: text.text, segments: text.segments },
      }
    },

    async send(m): Promise<Outcome> {
      const now = deps.clock.now()
      const slot = await takeSmsSlot(deps.db, {
        id: m.deliveryId,
        key: targetKey('sms', m.to),
        now: now.toISOString(),
        hourAgo: new Date(now.getTime() - HOUR).toISOString(),
        perHour: cfg.perNumberPerHour,
      })
      if (slot.handedOverAt) {
        const earlier = await provider.find(m.to, m.body, slot.handedOverAt)
        if ('retry' in earlier) return { result: 'retry', message: earlier.retry }
        if (earlier.found) return { result: 'delivered' }
      }
      if (!slot.granted) {
        const freeAt = slot.freeAt ? Date.parse(slot.freeAt) + HOUR : now.getTime() + HOUR
        return {
          result: 'retry',
          message: `waiting: ${cfg.perNumberPerHour} texts to this number in the last hour`,
          retryAfterMs: Math.max(1_000, freeAt - now.getTime() + 1_000),
        }
      }
      const answer = await provider.send({ to: m.to, body: m.body, statusCallback })
      if (answer.optedOut) await smsOptOut(deps, m.to, 'send_refused')
      const { optedOut: _, ...outcome } = answer
      return outcome
    },
  }
}
