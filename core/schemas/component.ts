import { z } from 'zod'
import { Id, Name, Timestamp } from './common.ts'
import { userText } from './text.ts'

/** The five component statuses of Statuspage; clients crash on unknown values, so never add one. */
export const ComponentStatus = z.enum([
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
])
export type ComponentStatus = z.infer<typeof ComponentStatus>

const Description = userText().max(1000).nullable()
const SlaTarget = z.number().gt(0).max(100)
const Position = z.number().int().min(0).max(100_000)

export const ComponentCreate = z
  .object({
    name: Name,
    description: Description.optional(),
    group_id: Id.nullable().optional(),
    position: Position.optional(),
    sla_target: SlaTarget.default(99.9),
    status: ComponentStatus.default('operational'),
    only_show_if_degraded: z.boolean().default(false),
  })
  .strict()
  .meta({ id: 'ComponentCreate' })
export type ComponentCreate = z.infer<typeof ComponentCreate>

export const ComponentPatch = z
  .object({
    name: Name,
    description: Description,
    group_id: Id.nullable(),
    position: Position,
    sla_target: SlaTarget,
    status: ComponentStatus,
    only_show_if_degraded: z.boolean(),
  })
  .partial()
  .strict()
  .meta({ id: 'ComponentPatch' })
export type ComponentPatch = z.infer<typeof ComponentPatch>

export const Component = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    group_id: Id.nullable(),
    position: z.number().int(),
    sla_target: z.number(),
    status: ComponentStatus,
    only_show_if_degraded: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Component' })
export type Component = z.infer<typeof Component>

export const GroupCreate = z
  .object({
    name: Name,
    description: Description.optional(),
    position: Position.optional(),
    components: z.array(Id).max(500).optional(),
  })
  .strict()
  .meta({ id: 'ComponentGroupCreate' })
export type GroupCreate = z.infer<typeof GroupCreate>

export const GroupPatch = GroupCreate.partial().strict().meta({ id: 'ComponentGroupPatch' })
export type GroupPatch = z.infer<typeof GroupPatch>

export const ComponentGroup = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    position: z.number().int(),
    components: z.array(Id),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'ComponentGroup' })
export type ComponentGroup = z.infer<typeof ComponentGroup>
