import { z } from 'zod'
import { Id, Name, Timestamp } from './common.ts'
import { Email } from './subscription.ts'
import type { Scope } from './token.ts'

/** What a person may do: viewer reads, editor runs incidents and maintenance, admin does all. */
export const Role = z.enum(['viewer', 'editor', 'admin'])
export type Role = z.infer<typeof Role>

/** The one mapping of roles onto the API's scopes (read < write < admin). */
export const ROLE_SCOPE: Readonly<Record<Role, Scope>> = {
  viewer: 'read',
  editor: 'write',
  admin: 'admin',
}

export const UserStatus = z.enum(['invited', 'active', 'disabled'])
export type UserStatus = z.infer<typeof UserStatus>

/** An address as stored and compared: trimmed and lower-cased. */
export const UserEmail = Email.transform((e) => e.toLowerCase())

export const User = z
  .object({
    id: Id,
    email: z.string(),
    name: z.string().nullable(),
    role: Role,
    status: UserStatus,
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .meta({ id: 'User' })
export type User = z.infer<typeof User>

export const UserInvite = z
  .object({ email: UserEmail, name: Name.optional(), role: Role })
  .strict()
  .meta({ id: 'UserInvite' })
export type UserInvite = z.infer<typeof UserInvite>

export const InvitedUser = User.extend({
  invite_url: z
    .string()
    .describe(
      'The single-use link that sets the password; shown once (an idempotent replay gets a note instead: the link is never stored)',
    ),
}).meta({ id: 'InvitedUser' })
export type InvitedUser = z.infer<typeof InvitedUser>

export const UserUpdate = z
  .object({
    name: Name.optional(),
    role: Role.optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .strict()
  .meta({ id: 'UserUpdate' })
export type UserUpdate = z.infer<typeof UserUpdate>

/** A person as the People list shows them: when they last signed in, how many sessions are open. */
export const UserActivity = User.extend({
  last_sign_in_at: Timestamp.nullable(),
  open_sessions: z.number().int().min(0),
}).meta({ id: 'UserActivity' })
export type UserActivity = z.infer<typeof UserActivity>

/** Passwords: at least 12 characters and not a common one; no other composition rules. */
export const PASSWORD_MIN = 12
export const Password = z
  .string()
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
  .max(256, 'Use at most 256 characters')

export const SignInForm = z.object({
  email: z.string().trim().max(254),
  password: z.string().max(256),
})
export type SignInForm = z.infer<typeof SignInForm>

/** Setting a password through a setup, invitation or reset link. */
export const SetPasswordForm = z.object({
  name: Name.optional(),
  password: Password,
})
export type SetPasswordForm = z.infer<typeof SetPasswordForm>

/** The first admin, through the setup link printed at start. */
export const SetupForm = z.object({ email: UserEmail, name: Name, password: Password })
export type SetupForm = z.infer<typeof SetupForm>

/** A signed-in person changing their own password. */
export const PasswordChangeForm = z.object({
  current_password: z.string().min(1, 'Enter your current password').max(256),
  password: Password,
})
export type PasswordChangeForm = z.infer<typeof PasswordChangeForm>

/** Asking for a password-reset link. */
export const PasswordResetRequest = z.object({ email: UserEmail })
export type PasswordResetRequest = z.infer<typeof PasswordResetRequest>
