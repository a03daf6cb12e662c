import { z } from 'zod'
import { Id, MarkdownBody, Name, Timestamp, Warning } from './common.ts'
import { ComponentStatus } from './component.ts'
import { Apology } from './recovery.ts'
import { Locale } from './subscription.ts'
import { userText } from './text.ts'
import { localizable } from '../localized.ts'

export const IncidentStatus = z.enum(['investigating', 'identified', 'monitoring', 'resolved'])
export type IncidentStatus = z.infer<typeof IncidentStatus>

export const Impact = z.enum(['none', 'minor', 'major', 'critical'])
export type Impact = z.infer<typeof Impact>

/** `{ "<component id>": "<status during the incident>" }`, Statuspage's shape. */
export const ComponentStatusMap = z
  .record(Id, ComponentStatus)
  .refine((m) => Object.keys(m).length <= 200, 'At most 200 components')
export type ComponentStatusMap = z.infer<typeof ComponentStatusMap>

/** A playbook's variables: `{ "service": "Checkout" }`, written by people like any other text. */
export const PlaybookVars = z.record(
  userText({ singleLine: true }).min(1).max(100),
  userText().max(5_000),
)

const Workaround = localizable(userText().max(5_000)).nullable()
/** A text people write: a string (the page's default language) or `{ "en": "…", "zh-CN": "…" }`. */
const LName = localizable(Name)
const LBody = localizable(MarkdownBody)

/**
 * The other languages' text of a record, beside the default one kept in each field:
 * `{ "zh-CN": { "name": "…" } }`. Absent when nothing is translated.
 */
export const TranslationsView = z
  .partialRecord(Locale, z.record(z.string(), z.string()))
  .meta({ id: 'Translations' })

/**
 * Statuspage's shape, or a playbook (`template` + `vars`) that fills name, body and workaround
 * in every configured locale; any field given explicitly wins, so the text stays editable.
 * `locale` is still accepted (it chose the playbook's language before every locale was filled).
 */
export const IncidentCreate = z
  .object({
    name: LName.optional(),
    status: IncidentStatus.optional(),
    impact: Impact.optional(),
    body: LBody.optional(),
    components: ComponentStatusMap,
    workaround: Workaround.optional(),
    started_at: Timestamp.optional(),
    deliver_notifications: z.boolean().default(true),
    template: userText({ singleLine: true }).min(1).max(100).optional(),
    vars: PlaybookVars.optional(),
    locale: z.enum(['en', 'zh-CN']).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.template) return
    for (const field of ['name', 'status', 'impact', 'body'] as const) {
      if (v[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: 'Required (or give a template)' })
    }
    if (v.vars || v.locale)
      ctx.addIssue({
        code: 'custom',
        path: ['template'],
        message: 'vars and locale need a template',
      })
  })
  .meta({ id: 'IncidentCreate' })
export type IncidentCreate = z.infer<typeof IncidentCreate>

export const IncidentUpdateCreate = z
  .object({
    status: IncidentStatus,
    body: LBody,
    components: ComponentStatusMap.optional(),
    workaround: Workaround.optional(),
    deliver_notifications: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'IncidentUpdateCreate' })
export type IncidentUpdateCreate = z.infer<typeof IncidentUpdateCreate>

export const IncidentResolve = z
  .object({
    body: LBody.default('This incident has been resolved.'),
    apology: localizable(Apology).optional(),
    components: ComponentStatusMap.optional(),
    deliver_notifications: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'IncidentResolve' })
export type IncidentResolve = z.infer<typeof IncidentResolve>

export const IncidentReopen = z
  .object({
    status: IncidentStatus.exclude(['resolved']).default('investigating'),
    body: LBody,
    components: ComponentStatusMap.optional(),
    deliver_notifications: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'IncidentReopen' })
export type IncidentReopen = z.infer<typeof IncidentReopen>

export const IncidentPatch = z
  .object({
    name: LName,
    impact: Impact,
    started_at: Timestamp,
    workaround: Workaround,
    apology: localizable(Apology).nullable(),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Give at least one field to change')
  .meta({ id: 'IncidentPatch' })
export type IncidentPatch = z.infer<typeof IncidentPatch>

/** A correction to the text of an update already posted (typos): no new timeline entry, no email. */
export const IncidentUpdateEdit = z
  .object({ body: LBody })
  .strict()
  .meta({ id: 'IncidentUpdateEdit' })
export type IncidentUpdateEdit = z.infer<typeof IncidentUpdateEdit>

/** One component's change as Statuspage reports it inside an update. */
export const AffectedComponent = z.object({
  code: Id,
  name: z.string(),
  old_status: ComponentStatus,
  new_status: ComponentStatus,
})
export type AffectedComponent = z.infer<typeof AffectedComponent>

export const IncidentUpdate = z
  .object({
    id: Id,
    incident_id: Id,
    status: z.string(),
    body: z.string(),
    workaround: z.string().nullable(),
    affected_components: z.array(AffectedComponent).nullable(),
    deliver_notifications: z.boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
    display_at: Timestamp,
    /** body and workaround in the other languages, when translated. */
    translations: TranslationsView.optional(),
  })
  .meta({ id: 'IncidentUpdate' })
export type IncidentUpdate = z.infer<typeof IncidentUpdate>

export const AffectedComponentState = z.object({
  id: Id,
  name: z.string(),
  status: ComponentStatus,
})

export const Incident = z
  .object({
    id: Id,
    name: z.string(),
    status: IncidentStatus,
    impact: Impact,
    workaround: z.string().nullable(),
    apology: z.string().nullable(),
    postmortem: z
      .object({ status: z.enum(['draft', 'published']), published_at: Timestamp.nullable() })
      .nullable(),
    started_at: Timestamp,
    identified_at: Timestamp.nullable(),
    monitoring_at: Timestamp.nullable(),
    resolved_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
    shortlink: z.string(),
    components: z.array(AffectedComponentState),
    incident_updates: z.array(IncidentUpdate),
    /** The playbook it was opened from, with the vars it was filled with (component derived). */
    playbook: z
      .object({ id: z.string(), locale: Locale, vars: z.record(z.string(), z.string()) })
      .nullable(),
    /** name, workaround and apology in the other languages, when translated. */
    translations: TranslationsView.optional(),
  })
  .meta({ id: 'Incident' })
export type Incident = z.infer<typeof Incident>

export const IncidentListQuery = z.object({
  status: z
    .enum(['unresolved', 'resolved', 'investigating', 'identified', 'monitoring'])
    .optional(),
  impact: Impact.optional(),
  component: Id.optional(),
  q: userText({ singleLine: true }).min(1).max(200).optional(),
})

export const IncidentUpdateResult = z
  .object({ incident: Incident, update: IncidentUpdate, warnings: z.array(Warning) })
  .meta({ id: 'IncidentUpdateResult' })
export type IncidentUpdateResult = z.infer<typeof IncidentUpdateResult>
