import { z } from 'zod'
import { Id, Timestamp } from './common.ts'
import { ComponentStatus } from './component.ts'
import { IncidentCreate } from './incident.ts'
import { machineText, userText } from './text.ts'

/** The monitoring systems whose webhooks Amends reads, each at `POST /api/v1/alerts/{source}`. */
export const AlertSource = z.enum(['alertmanager', 'grafana', 'generic'])
export type AlertSource = z.infer<typeof AlertSource>

/** The statuses an alert can put a component in (maintenance is never an alert's to set). */
export const AlertedStatus = ComponentStatus.extract([
  'degraded_performance',
  'partial_outage',
  'major_outage',
])
export type AlertedStatus = z.infer<typeof AlertedStatus>

const Labels = z
  .record(machineText(200), machineText(1_000))
  .refine((l) => Object.keys(l).length <= 100, 'At most 100 labels')

/**
 * One alert of Prometheus Alertmanager's webhook (version 4), which Grafana's alerting sends too.
 * Fields Amends does not read are let through unread: both add fields between releases.
 */
const PrometheusAlert = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels.default({}),
  startsAt: z.string().max(64).optional(),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(2_000).optional(),
  fingerprint: z.string().max(200).optional(),
})

/** Alertmanager's and Grafana's notification: a group of alerts, firing and resolved mixed. */
export const PrometheusNotification = z.looseObject({
  status: z.enum(['firing', 'resolved']).optional(),
  alerts: z.array(PrometheusAlert).min(1).max(1_000),
  groupKey: z.string().max(2_000).optional(),
})
export type PrometheusNotification = z.infer<typeof PrometheusNotification>

/**
 * The generic format, for anything that can POST JSON and needs no mapping: the component by id
 * or by name, the severity as the monitoring system words it. One alert, or a list of them.
 */
export const GenericAlert = z
  .object({
    status: z.enum(['firing', 'resolved']),
    component: machineText(200).pipe(z.string().min(1, 'Name or id of a component')),
    severity: machineText(50).optional(),
    summary: machineText(500).optional(),
    /** The alert's identity in the sender: repeats with the same id update one signal. */
    id: machineText(200).optional(),
    component_status: AlertedStatus.optional(),
  })
  .strict()
  .meta({ id: 'GenericAlert' })
export type GenericAlert = z.infer<typeof GenericAlert>
export const GenericNotification = z.union([GenericAlert, z.array(GenericAlert).min(1).max(1_000)])

/** A mapping from alert labels to a component and the status the alert puts it in. */
export const AlertRuleCreate = z
  .object({
    source: AlertSource.nullable().default(null),
    match: z
      .record(userText({ singleLine: true }).min(1).max(200), userText().max(1_000))
      .refine((m) => Object.keys(m).length >= 1, 'Name at least one label')
      .refine((m) => Object.keys(m).length <= 20, 'At most 20 labels'),
    component_id: Id,
    component_status: AlertedStatus,
    auto_publish: z.boolean().default(false),
    position: z.number().int().min(0).max(100_000).optional(),
  })
  .strict()
  .meta({ id: 'AlertRuleCreate' })
export type AlertRuleCreate = z.infer<typeof AlertRuleCreate>

export const AlertRule = z
  .object({
    id: Id,
    source: AlertSource.nullable(),
    match: z.record(z.string(), z.string()),
    component_id: Id,
    component_status: AlertedStatus,
    auto_publish: z.boolean(),
    position: z.number().int(),
    created_at: Timestamp,
  })
  .meta({ id: 'AlertRule' })
export type AlertRule = z.infer<typeof AlertRule>

export const SignalView = z
  .object({
    kind: z.enum(['alert', 'check', 'reports']),
    source: z.string(),
    key: z.string(),
    status: z.enum(['firing', 'resolved']),
    component_status: AlertedStatus.nullable(),
    severity: z.string().nullable(),
    summary: z.string(),
    labels: z.record(z.string(), z.string()),
    fired: z.number().int(),
    first_at: Timestamp,
    last_at: Timestamp,
    resolved_at: Timestamp.nullable(),
  })
  .meta({ id: 'Signal' })
export type SignalView = z.infer<typeof SignalView>

export const DraftState = z.enum(['open', 'published', 'dismissed'])

export const Draft = z
  .object({
    id: Id,
    state: DraftState,
    origin: z.enum(['alert', 'check', 'reports']),
    component_id: Id.nullable(),
    /** The incident publishing would create: edit it with PATCH, publish it as is. */
    proposal: z.unknown(),
    auto_publish: z.boolean(),
    incident_id: Id.nullable(),
    first_signal_at: Timestamp,
    last_signal_at: Timestamp,
    /** Every signal is resolved: a proposal to resolve the incident, or to dismiss the draft. */
    cleared_at: Timestamp.nullable(),
    dismissed_reason: z.string().nullable(),
    created_at: Timestamp,
    published_at: Timestamp.nullable(),
    dismissed_at: Timestamp.nullable(),
    /** Customer reports attached by a spike: `GET /drafts/{id}/reports` lists them. */
    report_count: z.number().int(),
    signals: z.array(SignalView),
  })
  .meta({ id: 'Draft' })
export type Draft = z.infer<typeof Draft>

/** A customer report attached to a draft (the address stays in the inbox). */
export const DraftReportView = z
  .object({
    id: Id,
    message: z.string(),
    created_at: Timestamp,
    has_email: z.boolean(),
    /** The incident it was about, or the one the draft became once published. */
    incident_id: Id.nullable(),
  })
  .meta({ id: 'DraftReport' })
export type DraftReportView = z.infer<typeof DraftReportView>

/** Editing a draft replaces its proposal: the incident exactly as it will be published. */
export const DraftPatch = z.object({ proposal: IncidentCreate }).strict().meta({ id: 'DraftPatch' })
export type DraftPatch = z.infer<typeof DraftPatch>

export const DraftDismiss = z
  .object({ reason: userText().min(1, 'Say why, for the metrics and the team').max(2_000) })
  .strict()
  .meta({ id: 'DraftDismiss' })
export type DraftDismiss = z.infer<typeof DraftDismiss>

/** What one delivery of alerts did. */
export const AlertsAccepted = z
  .object({
    signals: z.number().int(),
    drafts: z.array(
      z.object({ id: Id, state: DraftState, component_id: Id.nullable(), opened: z.boolean() }),
    ),
  })
  .meta({ id: 'AlertsAccepted' })
export type AlertsAccepted = z.infer<typeof AlertsAccepted>
