import { hmacBase64url } from '../../core/signed-token.ts'
import type { Deps } from '../deps.ts'
import { signingSecret } from './secrets.ts'

/** Wrong codes allowed per confirmation request; then only a new request (a new code) helps. */
export const MAX_CODE_ATTEMPTS = 5

/**
 * The 6-digit code that confirms an SMS subscription. Derived from the signing key, the
 * subscriber and the time the request was made, never stored: the text renders it again on a
 * retry (the same code), a new request makes a new one, and no table holds a working code.
 */
export async function smsConfirmCode(
  deps: Deps,
  s: { id: string; token_version: number; confirmation_sent_at: string | null },
): Promise<string> {
  const mac = await hmacBase64url(
    await signingSecret(deps),
    `sms-code.${s.id}.${s.token_version}.${s.confirmation_sent_at ?? ''}`,
  )
  let n = 0
  for (const ch of mac.slice(0, 8)) n = (n * 64 + B64.indexOf(ch)) % 1_000_000_007
  return String(n % 1_000_000).padStart(6, '0')
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Compares a typed code with the expected one without an early exit (timing says nothing). */
export function sameCode(typed: string, expected: string): boolean {
  const a = typed.replace(/\s+/g, '')
  if (a.length !== expected.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ expected.charCodeAt(i)
  return diff === 0
}
