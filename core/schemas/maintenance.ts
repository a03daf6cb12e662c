import { z } from 'zod'
import { Id, MarkdownBody, Name, Timestamp, Warning } from './common.ts'
import { AffectedComponentState, IncidentUpdate, TranslationsView } from './incident.ts'
import { localizable } from '../localized.ts'

const LName = localizable(Name)
const LBody = localizable(MarkdownBody)

export const MaintenanceStatus = z.enum(['scheduled', 'in_progress', 'verifying', 'completed'])
export type MaintenanceStatus = z.infer<typeof MaintenanceStatus>

const windowOrdered = (w: { scheduled_for?: string; scheduled_until?: string }) =>
  !w.scheduled_for ||
  !w.scheduled_until ||
  Date.parse(w.scheduled_until) > Date.parse(w.scheduled_for)
const windowIssue = { message: 'Must be after scheduled_for', path: ['scheduled_until'] }

export const MaintenanceCreate = z
  .object({
    name: LName,
    scheduled_for: Timestamp,
    scheduled_until: Timestamp,
    body: LBody,
    components: z.array(Id).max(200),
    auto_transition: z.boolean().default(true),
    deliver_notifications: z.boolean().default(true),
  })
  .strict()
  .refine(windowOrdered, windowIssue)
  .meta({ id: 'MaintenanceCreate' })
export type MaintenanceCreate = z.infer<typeof MaintenanceCreate>

export const MaintenanceUpdateCreate = z
  .object({
    status: MaintenanceStatus,
    body: LBody,
    deliver_notifications: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'MaintenanceUpdateCreate' })
export type MaintenanceUpdateCreate = z.infer<typeof MaintenanceUpdateCreate>

export const MaintenancePatch = z
  .object({
    name: LName,
    scheduled_for: Timestamp,
    scheduled_until: Timestamp,
    components: z.array(Id).max(200),
    auto_transition: z.boolean(),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Give at least one field to change')
  .refine(windowOrdered, windowIssue)
  .meta({ id: 'MaintenancePatch' })
export type MaintenancePatch = z.infer<typeof MaintenancePatch>

export const MaintenanceCancel = z
  .object({
    body: LBody.default('This scheduled maintenance has been cancelled.'),
    deliver_notifications: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'MaintenanceCancel' })
export type MaintenanceCancel = z.infer<typeof MaintenanceCancel>

export const Maintenance = z
  .object({
    id: Id,
    name: z.string(),
    status: MaintenanceStatus,
    impact: z.literal('maintenance'),
    scheduled_for: Timestamp,
    scheduled_until: Timestamp,
    auto_transition: z.boolean(),
    /** Announced with less than the configured notice (customers tolerate it less). */
    short_notice: z.boolean(),
    started_at: Timestamp.nullable(),
    resolved_at: Timestamp.nullable(),
    cancelled_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
    shortlink: z.string(),
    components: z.array(AffectedComponentState),
    incident_updates: z.array(IncidentUpdate),
    /** The name in the other languages, when translated. */
    translations: TranslationsView.optional(),
  })
  .meta({ id: 'Maintenance' })
export type Maintenance = z.infer<typeof Maintenance>

export const MaintenanceListQuery = z.object({
  status: z
    .enum(['upcoming', 'active', 'scheduled', 'in_progress', 'verifying', 'completed'])
    .optional(),
  component: Id.optional(),
})

export const MaintenanceCreated = Maintenance.extend({ warnings: z.array(Warning) }).meta({
  id: 'MaintenanceCreated',
})
export type MaintenanceCreated = z.infer<typeof MaintenanceCreated>
