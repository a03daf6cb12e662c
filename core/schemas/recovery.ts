import { z } from 'zod'
import { Id, MarkdownBody, Timestamp, Warning } from './common.ts'
import { userText } from './text.ts'

export const Apology = userText().min(1).max(5_000)

export const PostmortemDraft = z
  .object({ body: MarkdownBody })
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
  tier: z.object({ below: z.union([z.number(), z.literal('sla')]), credit: z.number() }).nullable(),
  credit: z.number(),
})

export const CompensationView = z
  .object({
    incident_id: Id,
    month: z.string(),
    computed: z.array(ComponentCreditView),
    decision: z
      .object({
        decision: z.enum(['accepted', 'override', 'custom']),
        credits: z.record(z.string(), z.number()),
        text: z.string().nullable(),
        decided_at: Timestamp,
      })
      .nullable(),
    /** What customers are told, from the decision (or nothing until the team decides). */
    sentences: z.array(z.string()),
  })
  .meta({ id: 'Compensation' })
export type CompensationView = z.infer<typeof CompensationView>

export const ImpactView = z
  .object({
    incident_id: Id,
    affected_subscribers: z.number().int(),
    duration_seconds: z.number(),
    components: z.array(z.object({ id: Id, name: z.string(), outage_seconds: z.number() })),
    total_outage_seconds: z.number(),
  })
  .meta({ id: 'Impact' })
export type ImpactView = z.infer<typeof ImpactView>

export const WithWarnings = z.object({ warnings: z.array(Warning) })
