import type { Context } from 'hono'
import { DomainError } from '../../core/errors.ts'
import type { User } from '../../core/schemas/user.ts'
import { clearFailures, countFailures, insertFailures } from '../../db/sign-in-failures.ts'
import { findUserByEmail } from '../../db/users.ts'
import type { Deps } from '../deps.ts'
import { verifyPassword } from '../http/passwords.ts'
import { clientIp, ipKey } from './rate-limit.ts'

/**
 * Failed sign-ins allowed in any 15 minutes: per account (whether or not it exists, so the limit
 * itself tells nothing) and per client address (IPv6: per /64). Counted in the database: several
 * processes share it, and a restart must not reset it.
 */
export const SIGN_IN_LIMITS = { perAccount: 10, perAddress: 50, windowMs: 15 * 60_000 } as const

/** The one answer to a wrong address, a wrong password, a disabled or not yet active account. */
export const SIGN_IN_FAILED = 'That email address and password do not match an account'

/**
 * Checks an address and password. Every failure gives the same message and costs the same
 * argon2 verification (api/http/passwords.ts), so neither words nor timing say which addresses
 * have accounts. Over the limit: 429 before any password is checked.
 */
export async function signInWithPassword(
  deps: Deps,
  c: Context,
  email: string,
  password: string,
): Promise<User> {
  const now = deps.clock.now()
  const account = `account:${email.trim().toLowerCase()}`
  const address = `ip:${ipKey(clientIp(c, deps.config.trustProxy))}`
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMs).toISOString()
  const counts = await countFailures(deps.db, [account, address], since)
  for (const [key, limit] of [
    [account, SIGN_IN_LIMITS.perAccount],
    [address, SIGN_IN_LIMITS.perAddress],
  ] as const) {
    const seen = counts.get(key)
    if (seen && seen.count >= limit) {
      const retryMs = Date.parse(seen.oldest) + SIGN_IN_LIMITS.windowMs - now.getTime()
      const minutes = Math.max(1, Math.ceil(retryMs / 60_000))
      throw new DomainError(
        'rate_limited',
        'rate_limited',
        `Too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or reset your password`,
      )
    }
  }
  const found = await findUserByEmail(deps.db, email.trim())
  const ok = await verifyPassword(password, found?.passwordHash ?? null)
  if (!ok || !found || found.user.status !== 'active') {
    await deps.db.batch(insertFailures([account, address], now.toISOString()), 'write')
    throw new DomainError('unauthorized', 'sign_in_failed', SIGN_IN_FAILED)
  }
  await deps.db.batch(clearFailures(account, since), 'write')
  return found.user
}
