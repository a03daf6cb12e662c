import { z, type ZodType } from 'zod'
import { Id, Timestamp } from './common.ts'
import { UserEmail } from './user.ts'

/** Which audit entries to list: by person, by target, by time (from inclusive, to exclusive). */
export const AuditFilter = z.object({
  actor_email: UserEmail.optional(),
  actor_user_id: Id.optional(),
  target_type: z
    .string()
    .regex(/^[a-z][a-z_]{0,39}$/, 'Expected a target type such as maintenance or component')
    .optional(),
  target_id: z
    .string()
    .regex(/^[\w.:@-]{1,100}$/, 'Expected the id of the target')
    .optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
})
export type AuditFilter = z.infer<typeof AuditFilter>

export const AUDIT_RANGE_MESSAGE = 'Must be after from'

/** `to` after `from`, when both are given (the API's query and the console's filter form). */
export function auditRangeOrdered<T extends ZodType<{ from?: string; to?: string }>>(schema: T) {
  return schema.refine((f) => !f.from || !f.to || Date.parse(f.to) > Date.parse(f.from), {
    message: AUDIT_RANGE_MESSAGE,
    path: ['to'],
  })
}

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor_name: z.string(),
    /** The person behind the write (console session or personal token); null for a service token or the server. */
    actor_email: z.string().nullable(),
    actor_user_id: z.string().nullable(),
    action: z.string(),
    target_type: z.string(),
    target_id: z.string(),
    details: z.unknown(),
  })
  .meta({ id: 'AuditEntry' })
export type AuditEntry = z.infer<typeof AuditEntry>
