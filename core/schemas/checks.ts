import { z } from 'zod'
import { checkFieldProblems } from '../checks.ts'
import { Id, Name, Timestamp } from './common.ts'
import { AlertedStatus } from './alerts.ts'
import { userText } from './text.ts'

export const CheckKind = z.enum(['http', 'tcp', 'heartbeat'])

// Every field a check may have; which ones a kind takes is core/checks.ts checkFieldProblems.
const fields = {
  name: Name,
  url: z.string().min(1).max(2_000),
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[0-9A-Za-z.:-]+$/, 'A host name or IP address'),
  port: z.number().int().min(1).max(65_535),
  expected_status: z
    .string()
    .regex(/^[1-5]\d\d(-[1-5]\d\d)?$/, 'A status (200) or an inclusive range (200-399)')
    .refine((s) => {
      const [a, b = a] = s.split('-')
      return Number(a) <= Number(b)
    }, 'The range must run from low to high'),
  keyword: userText({ singleLine: true }).min(1).max(200).nullable(),
  timeout_ms: z.number().int().min(100).max(60_000),
  /** How often it runs; for a heartbeat, the period its pings are expected in. */
  interval_seconds: z
    .number()
    .int()
    .min(10)
    .max(31 * 86_400),
  /** A heartbeat's slack: a ping later than period + grace means down. */
  grace_seconds: z.number().int().min(0).max(86_400),
  /** Consecutive failures that confirm an outage (default 3; 1 for a heartbeat). */
  confirm_after: z.number().int().min(1).max(20),
  component_id: Id,
  component_status: AlertedStatus,
  enabled: z.boolean(),
}

export const CheckCreate = z
  .object({
    ...z.object(fields).partial().shape,
    kind: CheckKind,
    name: fields.name,
    component_id: fields.component_id,
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const p of checkFieldProblems(c.kind, c))
      ctx.addIssue({ code: 'custom', path: [p.path], message: p.message })
  })
  .meta({ id: 'CheckCreate' })
export type CheckCreate = z.infer<typeof CheckCreate>

export const CheckPatch = z.object(fields).partial().strict().meta({ id: 'CheckPatch' })
export type CheckPatch = z.infer<typeof CheckPatch>

export const Check = z
  .object({
    id: Id,
    name: z.string(),
    kind: CheckKind,
    url: z.string().nullable(),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    expected_status: z.string().nullable(),
    keyword: z.string().nullable(),
    timeout_ms: z.number().int(),
    interval_seconds: z.number().int(),
    grace_seconds: z.number().int(),
    confirm_after: z.number().int(),
    component_id: Id,
    component_status: AlertedStatus,
    enabled: z.boolean(),
    /** `down`: confirmed (its signal fires); `unknown`: never run yet. */
    state: z.enum(['up', 'down', 'unknown']),
    consecutive_failures: z.number().int(),
    last_run_at: Timestamp.nullable(),
    last_ping_at: Timestamp.nullable(),
    next_run_at: Timestamp,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'Check' })
export type Check = z.infer<typeof Check>

export const CheckCreated = Check.extend({
  /** A heartbeat's secret and the URL to ping: shown once, stored only as a hash. */
  token: z.string().optional(),
  ping_url: z.string().optional(),
}).meta({ id: 'CheckCreated' })
export type CheckCreated = z.infer<typeof CheckCreated>

export const CheckResult = z
  .object({
    at: Timestamp,
    up: z.boolean(),
    response_ms: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'CheckResult' })
export type CheckResult = z.infer<typeof CheckResult>
