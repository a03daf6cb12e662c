import { z } from 'zod'
import { ChannelName, isUrlChannel, type ChatChannel } from '../channels.ts'
import { normalizePhone } from '../phone.ts'
import { Id, Timestamp } from './common.ts'
import { userText } from './text.ts'

export const Locale = z.enum(['en', 'zh-CN'])
export type Locale = z.infer<typeof Locale>

/** A stored or requested locale as one we speak: English for anything else. */
export function knownLocale(locale: string | null | undefined): Locale {
  return Locale.safeParse(locale).data ?? 'en'
}

export const Email = z.string().trim().max(254).pipe(z.email('Must be an email address'))

/** What every subscription chooses, whatever the channel. */
interface Choices {
  /** Omitted or empty: every component, including ones added later. */
  components?: string[] | undefined
  locale: Locale
}

/**
 * A subscription request, by channel: a mailbox; an https URL (a webhook, or a Slack, Teams or
 * Discord webhook) with the contact address that confirms it; or a mobile number in E.164.
 */
export type SubscriptionInput = Choices &
  (
    | { channel: 'email'; email: string }
    | { channel: 'webhook' | ChatChannel; url: string; email: string | null }
    | { channel: 'sms'; phone: string; email: string | null }
  )

const Fields = z
  .object({
    channel: ChannelName.optional().meta({
      description: 'How updates reach the subscriber; `email` when left out',
    }),
    email: Email.optional().meta({
      description:
        'The mailbox (email); the contact address that confirms a webhook (required) or a chat subscription (optional: the confirmation then goes there, not to the channel)',
    }),
    url: userText({ singleLine: true }).min(1, 'Must not be empty').max(2048).optional().meta({
      description:
        'webhook, slack, teams, discord: the https URL updates are POSTed to (a Slack incoming webhook, a Teams Workflows webhook, a Discord webhook)',
    }),
    phone: userText({ singleLine: true })
      .min(1, 'Must not be empty')
      .max(40)
      .optional()
      .meta({ description: 'sms: a mobile number with its country code (+44 7911 123456)' }),
    components: z.array(Id).max(500).optional(),
    locale: Locale.default('en'),
  })
  .strict()

type Fields = z.output<typeof Fields>

/** A channel as a sentence names it ("Not used for Slack subscriptions"). */
const NOUN: Record<ChannelName, string> = {
  email: 'email',
  webhook: 'webhook',
  slack: 'Slack',
  teams: 'Microsoft Teams',
  discord: 'Discord',
  sms: 'text message',
}

/** Why a field is needed for a channel, said where it is missing. */
const NEEDS: Record<ChannelName, string> = {
  email: 'Required: the address updates are emailed to',
  webhook: 'Required: the https URL we POST updates to',
  slack: 'Required: the Slack incoming webhook URL (https://hooks.slack.com/…)',
  teams: 'Required: the Teams Workflows webhook URL',
  discord: 'Required: the Discord webhook URL (https://discord.com/api/webhooks/…)',
  sms: 'Required: the mobile number texts go to, with its country code',
}

/**
 * The channel's rules on top of the fields: the address it needs (url, phone or email), nothing
 * it does not use, and the phone number in E.164. `contact` says whether a webhook must name the
 * address that confirms it (the public form: double opt-in) or may leave it out (staff vouch).
 */
function channelInput(contact: 'required for webhooks' | 'optional') {
  return Fields.transform((v: Fields, ctx): SubscriptionInput => {
    const channel = v.channel ?? 'email'
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message })
    const unused = (path: 'url' | 'phone' | 'email') => {
      if (v[path] !== undefined) problem(path, `Not used for ${NOUN[channel]} subscriptions`)
    }
    const choices: Choices = { components: v.components, locale: v.locale }
    if (channel === 'email') {
      unused('url')
      unused('phone')
      if (v.email === undefined) problem('email', NEEDS.email)
      return { ...choices, channel, email: v.email ?? '' }
    }
    if (isUrlChannel(channel)) {
      unused('phone')
      if (v.url === undefined) problem('url', NEEDS[channel])
      if (channel === 'webhook' && contact === 'required for webhooks' && v.email === undefined)
        problem('email', 'Required: the address that confirms the webhook and hears if it fails')
      return { ...choices, channel, url: v.url ?? '', email: v.email ?? null }
    }
    unused('url')
    // A public SMS subscription is confirmed by the code texted to it; a contact address nobody
    // confirmed would be a way to have us mail strangers.
    if (contact === 'required for webhooks') unused('email')
    if (v.phone === undefined) {
      problem('phone', NEEDS.sms)
      return { ...choices, channel, phone: '', email: null }
    }
    const phone = normalizePhone(v.phone)
    if (!phone.ok) problem('phone', phone.reason)
    return { ...choices, channel, phone: phone.ok ? phone.e164 : '', email: v.email ?? null }
  })
}

/**
 * `POST /api/v1/subscriptions` (public, double opt-in): `{email}` as always, or `{channel, url,
 * email}` (webhook: the contact address is required; chat: optional), or `{channel: "sms", phone}`.
 */
export const SubscriptionCreate = channelInput('required for webhooks').meta({
  id: 'SubscriptionCreate',
})
export type SubscriptionCreate = z.output<typeof SubscriptionCreate>

/** `POST /api/v1/subscribers` (admin): a confirmed subscriber of any channel; contact optional. */
export const SubscriberCreate = channelInput('optional').meta({ id: 'SubscriberCreate' })
export type SubscriberCreate = z.output<typeof SubscriberCreate>

/** `POST /api/v1/subscriptions/confirm-code`: the code texted to a new SMS subscriber. */
export const ConfirmCode = z
  .object({
    token: z.string().min(1).max(2048).meta({
      description: 'The `code_token` the subscription request answered with',
    }),
    code: z
      .string()
      .max(20)
      .transform((s) => s.replace(/\s+/g, ''))
      .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from the text message')),
  })
  .strict()
  .meta({ id: 'ConfirmCode' })
export type ConfirmCode = z.output<typeof ConfirmCode>

export const SubscriberStatus = z.enum(['pending', 'confirmed', 'unsubscribed', 'quarantined'])
export type SubscriberStatus = z.infer<typeof SubscriberStatus>

export const Subscriber = z
  .object({
    id: Id,
    channel: ChannelName,
    /** The mailbox (email), or the contact address of any other channel (may be absent). */
    email: z.string().nullable(),
    /** The endpoint of a webhook, Slack, Teams or Discord subscription. */
    url: z.string().nullable().meta({
      description:
        'The endpoint of a webhook, Slack, Teams or Discord subscription. In lists a chat URL is masked to its host and last 4 characters (its path is a secret); one subscriber (GET /subscribers/{id}) shows it whole',
    }),
    /** The E.164 number of an SMS subscription. */
    phone: z.string().nullable(),
    locale: Locale,
    status: SubscriberStatus,
    all_components: z.boolean(),
    components: z.array(Id),
    created_at: Timestamp,
    confirmed_at: Timestamp.nullable(),
    unsubscribed_at: Timestamp.nullable(),
    quarantined_at: Timestamp.nullable(),
    permanent_failures: z.number().int(),
  })
  .meta({ id: 'Subscriber' })
export type Subscriber = z.infer<typeof Subscriber>
