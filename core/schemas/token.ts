import { z } from 'zod'
import { Id, Name, Timestamp } from './common.ts'

/** read < write < admin: each scope includes the ones before it. */
export const Scope = z.enum(['read', 'write', 'admin'])
export type Scope = z.infer<typeof Scope>

export const TokenCreate = z
  .object({ name: Name, scope: Scope })
  .strict()
  .meta({ id: 'TokenCreate' })
export type TokenCreate = z.infer<typeof TokenCreate>

export const Token = z
  .object({
    id: Id,
    name: z.string(),
    scope: Scope,
    prefix: z.string(),
    created_at: Timestamp,
    last_used_at: Timestamp.nullable(),
    revoked_at: Timestamp.nullable(),
    user_id: Id.nullable().describe(
      'The person a personal token belongs to; null for a service token',
    ),
  })
  .meta({ id: 'Token' })
export type Token = z.infer<typeof Token>

export const CreatedToken = Token.extend({
  token: z.string().describe('The secret; shown once, stored only as a hash'),
}).meta({ id: 'CreatedToken' })
export type CreatedToken = z.infer<typeof CreatedToken>
