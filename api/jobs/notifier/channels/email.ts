import { shownIn } from '../../../../core/localized.ts'
import { markdownToText, renderMarkdown } from '../../../../core/markdown.ts'
import { knownLocale } from '../../../../core/schemas/subscription.ts'
import type { ClaimedDelivery } from '../../../../db/deliveries.ts'
import type { StoredEvent } from '../../../../db/journal.ts'
import {
  addressTag,
  feedbackMessageIds,
  recordMessageIds,
  singleMessageId,
} from '../../../../templates/message-id.ts'
import {
  renderEmail,
  type DirectContent,
  type EmailEnvelope,
  type RenderedEmail,
} from '../../../../templates/render.ts'
import { mailPage } from '../../../config.ts'
import type { DraftNudgeContext, EventContext } from '../context.ts'
import { digestEmail, inFeedbackThread } from '../feedback-mail.ts'
import { subscriberMessage } from '../subscriber-message.ts'
import type { Channel, RenderKit } from './channel.ts'
import type { MailTransport } from './email-transport.node.ts'
import { classifySmtpError } from './smtp-errors.ts'

type Live = Exclude<EventContext, { type: 'gone' }>
type Built = { email: RenderedEmail } | { skip: string }

/**
 * Email: every kind of event (subscribers' updates and confirmations, thank-yous and answers to
 * reporters, on-call nudges, the staff digest, account links), sent through SMTP (or the dev
 * mailbox) under the shared pacer.
 */
export function createEmailChannel(
  kit: RenderKit,
  transport: MailTransport,
): Channel<RenderedEmail> {
  const { deps, host } = kit
  const page = mailPage(deps.config)
  const list = { id: `${deps.config.page.id}.${host}`, name: page.name }

  async function build(d: ClaimedDelivery, ctx: Live): Promise<Built> {
    if (ctx.type === 'person') return buildPerson(d, ctx)
    if (ctx.type === 'digest') return digestEmail(deps, ctx, d, host)
    if (ctx.type === 'feedback' || ctx.type === 'oncall') return buildDirect(d, ctx)
    if (ctx.type === 'draft') return buildDraftNudge(d, ctx)
    if (ctx.type === 'component') return { skip: 'skipped: component changes are not mailed' }
    const s = d.subscriber
    if (!s) return { skip: `skipped: ${ctx.event.type} is mailed to subscribers only` }
    // An email subscriber's mailbox, or another channel's contact address (its confirmation
    // request, its quarantine notice).
    const to = s.email
    if (!to) return { skip: 'skipped: the subscription has no email address' }
    const m = await subscriberMessage(kit, d, ctx)
    if ('skip' in m) return m
    const envelope: Omit<EmailEnvelope, 'messageId' | 'inReplyTo'> = {
      ...baseEnvelope(ctx.event, m.locale, to),
      list,
      links: m.links,
      subscribedTo: m.subscribedTo,
    }
    // Follow-ups and notices go in the record's own thread.
    const ids =
      ctx.type === 'subscriber'
        ? singleMessageId('confirm', d.eventId, s.id, host)
        : ctx.type === 'quarantined'
          ? singleMessageId('quarantined', d.eventId, s.id, host)
          : recordMessageIds({
              kind: ctx.record.kind,
              recordId: ctx.record.id,
              eventId: d.eventId,
              rootEventId: ctx.rootEventId,
              subscriberId: s.id,
              host,
            })
    return { email: renderEmail({ ...envelope, ...ids, ...m.content }) }
  }

  function baseEnvelope(event: StoredEvent, locale: string | null, to: string) {
    return {
      locale: knownLocale(locale),
      page,
      subjectPrefix: deps.config.mail.subjectPrefix,
      from: deps.config.mail.from,
      to,
      date: event.createdAt,
    }
  }

  /** A team member's invitation or reset link, to the address it was made for. */
  function buildPerson(d: ClaimedDelivery, ctx: Extract<EventContext, { type: 'person' }>): Built {
    const address = d.address
    if (!address) return { skip: `skipped: ${ctx.event.type} goes to a plain address only` }
    const p = ctx.event.payload
    const envelope = {
      ...baseEnvelope(ctx.event, 'en', address),
      messageId: `<${ctx.route.kind}.${String(p.link_id)}.${addressTag(address)}@${host}>`,
      inReplyTo: null,
      url: ctx.url,
      expiresAt: ctx.expiresAt,
    }
    if (ctx.route.kind === 'password_reset') {
      return { email: renderEmail({ ...envelope, kind: 'password_reset' }) }
    }
    return {
      email: renderEmail({
        ...envelope,
        kind: 'invite',
        invitedBy: typeof p.invited_by === 'string' ? p.invited_by : page.name,
        role: typeof p.role === 'string' ? p.role : 'viewer',
      }),
    }
  }

  /** On-call's nudge about a new draft, threaded per draft. */
  function buildDraftNudge(d: ClaimedDelivery, ctx: DraftNudgeContext): Built {
    const address = d.address
    if (!address) return { skip: `skipped: ${ctx.event.type} goes to a plain address only` }
    return {
      email: renderEmail({
        ...baseEnvelope(ctx.event, 'en', address),
        messageId: `<draft.${ctx.draft.id}.${d.eventId}.${addressTag(address)}@${host}>`,
        inReplyTo: null,
        kind: 'draft_nudge',
        component: ctx.component,
        since: ctx.draft.firstSignalAt,
        signals: ctx.signals.map((s) => ({
          summary: s.summary,
          severity: s.severity,
          status: s.status,
        })),
        publishUrl: ctx.publishUrl,
        consoleUrl: ctx.consoleUrl,
        expiresAt: ctx.expiresAt,
      }),
    }
  }

  /** Mail to a plain address: a feedback reporter, on-call. */
  function buildDirect(
    d: ClaimedDelivery,
    ctx: Extract<EventContext, { type: 'feedback' | 'oncall' }>,
  ): Built {
    const address = d.address
    if (!address) return { skip: `skipped: ${ctx.event.type} goes to a plain address only` }
    if (ctx.type === 'oncall') {
      const r = ctx.record
      return {
        email: renderEmail({
          ...baseEnvelope(ctx.event, 'en', address),
          messageId: `<oncall.${r.id}.${d.eventId}.${addressTag(address)}@${host}>`,
          inReplyTo: null,
          kind: 'oncall_nudge',
          record: ctx.view,
          nudge: ctx.nudge,
          dueAt: ctx.dueAt,
        }),
      }
    }
    const fb = ctx.feedback
    const envelope = baseEnvelope(ctx.event, fb.locale, address)
    const reportUrl = `${page.url}/report`
    // Every mail about a report is one thread: the first thank-you starts it, the rest (answers,
    // "you helped") reply to it and reference what came between.
    const { references, ...ids } = feedbackMessageIds({
      feedbackId: fb.id,
      eventId: ctx.route.kind === 'feedback_received' ? null : d.eventId,
      earlier: ctx.earlier,
      address,
      host,
    })
    const inThread = (content: DirectContent): Built => ({
      email: inFeedbackThread(
        renderEmail({ ...envelope, ...ids, ...content }),
        references,
        deps.config.mail.supportEmail,
      ),
    })
    if (ctx.route.kind === 'feedback_received') {
      const path = ctx.incidentPath
      return inThread({
        kind: 'feedback_received',
        link: { url: `${page.url}${path ?? '/'}`, incident: path !== null },
      })
    }
    if (ctx.route.kind === 'feedback_helped') {
      // Sent once the draft the report was part of became this incident (api/services/drafts.ts).
      if (!ctx.incident || !ctx.incidentPath) return { skip: 'skipped: the incident is gone' }
      const name = shownIn(
        ctx.incident.name,
        ctx.incident.translations,
        'name',
        envelope.locale,
        deps.config.locales,
      ).text
      return inThread({
        kind: 'feedback_helped',
        incident: { name, url: `${page.url}${ctx.incidentPath}` },
      })
    }
    if (!fb.reply) return { skip: 'skipped: the reply is gone' }
    return inThread({
      kind: 'feedback_answered',
      answer: { html: renderMarkdown(fb.reply.body), text: markdownToText(fb.reply.body) },
      author: fb.reply.author,
      reportUrl,
    })
  }

  return {
    name: 'email',
    paced: true,
    async render(d, ctx) {
      const built = await build(d, ctx)
      return 'skip' in built ? built : { message: built.email }
    },
    async send(email) {
      try {
        await transport.send(email)
        return { result: 'delivered' }
      } catch (err) {
        const f = classifySmtpError(err)
        if (f.permanent) return { result: 'permanent', message: f.message }
        return { result: 'retry', message: f.message, pushBack: f.pushBack }
      }
    },
  }
}
