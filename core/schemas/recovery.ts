import { z } from 'zod'
import { ChannelName } from '../channels.ts'
import { Id, MarkdownBody, Timestamp, Warning } from './common.ts'
import { Locale } from './subscription.ts'
import { userText } from './text.ts'
import { localizable } from '../localized.ts'

export const Apology = userText().min(1).max(5_000)

export const PostmortemDraft = z
  .object({ body: localizable(MarkdownBody) })
  .strict()
  .meta({ id: 'PostmortemDraft' })
export type PostmortemDraft = z.infer<typeof PostmortemDraft>

export const PostmortemPublish = z
  .object({ notify: z.boolean().default(true) })
  .strict()
  .meta({ id: 'PostmortemPublish' })
export type PostmortemPublish = z.infer<typeof PostmortemPublish>

export const PostmortemView = z
  .object({
    incident_id: Id,
    status: z.enum(['draft', 'published']),
    body: z.string(),
    created_at: Timestamp,
    updated_at: Timestamp,
    published_at: Timestamp.nullable(),
    due_at: Timestamp.nullable(),
    /** The body in the other languages, when translated: `{ "zh-CN": { "body": "…" } }`. */
    translations: z.partialRecord(Locale, z.record(z.string(), z.string())).optional(),
  })
  .meta({ id: 'Postmortem' })

export const CompensationInput = z
  .discriminatedUnion('decision', [
    z.object({ decision: z.literal('accepted') }).strict(),
    z
      .object({
        decision: z.literal('override'),
        credits: z.record(Id, z.number().min(0).max(100)),
        text: userText().max(2000).optional(),
      })
      .strict(),
    z.object({ decision: z.literal('custom'), text: userText().min(1).max(2000) }).strict(),
  ])
  .meta({ id: 'CompensationInput' })
export type CompensationInput = z.infer<typeof CompensationInput>

export const CreditTierView = z.object({
  below: z.union([z.number(), z.literal('sla')]),
  credit: z.number(),
})

export const ComponentCreditView = z.object({
  component_id: Id,
  component_name: z.string(),
  sla_target: z.number(),
  /** The measured window: the month in the page's zone, from the component's creation if later. */
  window_start: Timestamp,
  window_end: Timestamp,
  /** Set when the component was created during the month (the window starts there). */
  added_at: Timestamp.nullable(),
  availability: z.number().nullable(),
  down_seconds: z.number(),
  /** Rounded to the minute; under one minute earns no credit. */
  down_minutes: z.number().int(),
  /** The policy tier that applies; `below: 'sla'` is the component's own target. */
  tier: CreditTierView.nullable(),
  credit: z.number(),
})

export const CompensationDecisionView = z.object({
  decision: z.enum(['accepted', 'override', 'custom']),
  credits: z.record(z.string(), z.number()),
  text: z.string().nullable(),
  decided_at: Timestamp,
})

export const CompensationView = z
  .object({
    incident_id: Id,
    month: z.string(),
    /** The credit policy (CREDIT_POLICY), tiers in the order configured; the best one applies. */
    policy: z.array(CreditTierView),
    computed: z.array(ComponentCreditView),
    decision: CompensationDecisionView.nullable(),
    /** What customers are told, from the decision (or nothing until the team decides). */
    sentences: z.array(z.string()),
    /** The same in each language subscribers can choose (`sentences` is the English). */
    sentences_by_locale: z.record(Locale, z.array(z.string())),
  })
  .meta({ id: 'Compensation' })
export type CompensationView = z.infer<typeof CompensationView>

export const ImpactView = z
  .object({
    incident_id: Id,
    /** Confirmed subscribers who hear about any of the components, each counted once. */
    affected_subscribers: z.number().int(),
    duration_seconds: z.number(),
    components: z.array(
      z.object({
        id: Id,
        name: z.string(),
        /** Any time not operational (maintenance aside), unweighted. */
        outage_seconds: z.number(),
        major_seconds: z.number(),
        partial_seconds: z.number(),
        degraded_seconds: z.number(),
        /** Weighted by `downtime_weights`: the same downtime uptime and credits count. */
        weighted_outage_seconds: z.number(),
      }),
    ),
    total_outage_seconds: z.number(),
    total_weighted_outage_seconds: z.number(),
    /** The share of each status that counts as downtime (core/uptime.ts DOWNTIME_WEIGHTS). */
    downtime_weights: z.object({
      major_outage: z.number(),
      partial_outage: z.number(),
      degraded_performance: z.number(),
    }),
    /**
     * Confirmed subscribers per component and channel, "all components" subscribers included:
     * one person following two affected components is in both rows, once in the total. Every
     * channel some confirmed subscriber uses has a row per component, zeros included; email always.
     */
    subscribers: z.array(
      z.object({
        component_id: Id,
        component_name: z.string(),
        channel: ChannelName,
        count: z.number().int(),
      }),
    ),
    /** Distinct affected subscribers per channel. */
    channels: z.array(z.object({ channel: ChannelName, count: z.number().int() })),
    /** Customer reports about this incident (form and follow-up answers), newest first. */
    reports: z.object({
      total: z.number().int(),
      items: z.array(
        z.object({
          id: Id,
          source: z.enum(['form', 'follow_up']),
          status: z.enum(['open', 'answered', 'closed']),
          component_id: Id.nullable(),
          message: z.string(),
          created_at: Timestamp,
        }),
      ),
    }),
  })
  .meta({ id: 'Impact' })
export type ImpactView = z.infer<typeof ImpactView>

export const WithWarnings = z.object({ warnings: z.array(Warning) })
