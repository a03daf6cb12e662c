import { Name } from './schemas/common.ts'
import { UserEmail, type Role, type User } from './schemas/user.ts'

/** What the identity provider says about the person (ID token claims, or its userinfo). */
export interface IdentityClaims {
  email?: unknown
  email_verified?: unknown
  name?: unknown
}

export type SsoRefusal = 'no_email' | 'unverified' | 'disabled' | 'no_account'

export type SsoDecision =
  | { kind: 'sign_in'; user: User }
  /** An invited person: the provider has just proved they own the address. */
  | { kind: 'activate'; user: User }
  | { kind: 'provision'; email: string; name: string | null; role: Role }
  | { kind: 'refuse'; reason: SsoRefusal; email: string | null }

export interface SsoPolicy {
  /** Domains whose verified addresses get an account on first sign-in (exact match). */
  allowedDomains: readonly string[]
  defaultRole: Role
}

/**
 * The address the provider vouches for, stored form (trimmed, lower-cased), or why there is
 * none. `email_verified` must be the JSON value true: a missing claim, "true" as a string or
 * anything else is not a verification.
 */
export function verifiedEmail(
  claims: IdentityClaims,
):
  | { ok: true; email: string }
  | { ok: false; reason: 'no_email' | 'unverified'; email: string | null } {
  const parsed = UserEmail.safeParse(claims.email)
  if (!parsed.success) return { ok: false, reason: 'no_email', email: null }
  if (claims.email_verified !== true) return { ok: false, reason: 'unverified', email: parsed.data }
  return { ok: true, email: parsed.data }
}

/**
 * Whether a (stored-form) address belongs to one of `domains`: the whole part after the last
 * `@`, compared exactly. A subdomain is not its parent (`eng.example.com` is not `example.com`),
 * and a look-alike (`example.com.evil.io`, `notexample.com`) is nothing.
 */
export function inAllowedDomain(email: string, domains: readonly string[]): boolean {
  const at = email.lastIndexOf('@')
  if (at < 1) return false
  const domain = email.slice(at + 1)
  return domains.includes(domain)
}

/**
 * Who gets in, for a verified address and the person stored under it (if any): an active person
 * signs in, an invited one becomes active, a disabled one is refused; an unknown address gets an
 * account only in an allowed domain, with the default role and the provider's name for them.
 */
export function ssoAccess(
  email: string,
  existing: User | null,
  claims: IdentityClaims,
  policy: SsoPolicy,
): SsoDecision {
  if (existing) {
    if (existing.status === 'active') return { kind: 'sign_in', user: existing }
    if (existing.status === 'invited') return { kind: 'activate', user: existing }
    return { kind: 'refuse', reason: 'disabled', email }
  }
  if (!inAllowedDomain(email, policy.allowedDomains)) {
    return { kind: 'refuse', reason: 'no_account', email }
  }
  const name = Name.safeParse(claims.name)
  return {
    kind: 'provision',
    email,
    name: name.success ? name.data : null,
    role: policy.defaultRole,
  }
}
