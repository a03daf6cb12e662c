import { z } from 'zod'
import { ChannelName } from '../channels.ts'
import { Id, Timestamp } from './common.ts'

export const Locale = z.enum(['en', 'zh-CN'])
export type Locale = z.infer<typeof Locale>

export const Email = z.string().trim().max(254).pipe(z.email('Must be an email address'))

export const SubscriptionCreate = z
  .object({
    email: Email,
    /** Omitted or empty: every component, including ones added later. */
    components: z.array(Id).max(500).optional(),
    locale: Locale.default('en'),
  })
  .strict()
  .meta({ id: 'SubscriptionCreate' })
export type SubscriptionCreate = z.infer<typeof SubscriptionCreate>

export const SubscriberStatus = z.enum(['pending', 'confirmed', 'unsubscribed', 'quarantined'])
export type SubscriberStatus = z.infer<typeof SubscriberStatus>

export const Subscriber = z
  .object({
    id: Id,
    channel: ChannelName,
    /** The mailbox (email), or the contact address of any other channel (may be absent). */
    email: z.string().nullable(),
    /** The endpoint of a webhook, Slack, Teams or Discord subscription. */
    url: z.string().nullable(),
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
