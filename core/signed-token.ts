/**
 * Signed, expiring tokens for links in emails (confirm, manage, unsubscribe) and for a
 * subscriber's calendar (which never expires, like manage links): the link itself
 * proves who it is for, so no login or cookie is needed, and nothing is stored per link.
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256). Web Crypto only (Node and Workers).
 */
import { z } from 'zod'

const TokenPurpose = z.enum([
  'confirm',
  'manage',
  'unsubscribe',
  'feedback',
  'calendar',
  'sms_code',
  'draft_publish',
])
export type TokenPurpose = z.infer<typeof TokenPurpose>

/**
 * What a link carries. A valid signature only proves we wrote the payload with this secret once
 * (perhaps in an older format, or a secret shared with a test): its shape is checked as strictly
 * as any other input, so a malformed one is "link invalid", never a crash.
 */
const TokenPayload = z
  .object({
    /** purpose */
    p: TokenPurpose,
    /** subject: a subscriber id, or another id the purpose names */
    s: z.string().regex(/^[0-9a-z]{1,64}$/),
    /** the subscriber's token_version when issued: bumping it revokes every earlier link */
    v: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** expiry, seconds since the epoch; 0 = never */
    e: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** optional extra value (an incident id, an answer) */
    x: z.string().max(200).optional(),
  })
  .strict()
export type TokenPayload = z.infer<typeof TokenPayload>

const enc = new TextEncoder()

/** Bytes as base64url without padding (btoa: Node and Workers alike). */
export function b64url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(bin, (c) => c.charCodeAt(0))
}

const keys = new Map<string, Promise<CryptoKey>>()
function key(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret)
  if (!k) {
    k = crypto.subtle.importKey(
      'raw',
      enc.encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )
    keys.set(secret, k)
  }
  return k
}

/** HMAC-SHA256 of `message` under `secret`, base64url (43 characters). */
export async function hmacBase64url(secret: string, message: string): Promise<string> {
  return b64url(
    new Uint8Array(await crypto.subtle.sign('HMAC', await key(secret), enc.encode(message))),
  )
}

export async function signToken(secret: string, payload: TokenPayload): Promise<string> {
  const body = b64url(enc.encode(JSON.stringify(payload)))
  return `${body}.${await hmacBase64url(secret, body)}`
}

/** The payload if the signature is valid, the purpose matches and it has not expired; else null. */
export async function verifyToken(
  secret: string,
  token: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<TokenPayload | null> {
  const [body, sig, extra] = token.split('.')
  if (!body || !sig || extra !== undefined || token.length > 2048) return null
  let ok: boolean
  try {
    ok = await crypto.subtle.verify('HMAC', await key(secret), fromB64url(sig), enc.encode(body))
  } catch {
    return null
  }
  if (!ok) return null
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromB64url(body)))
  } catch {
    return null
  }
  const parsed = TokenPayload.safeParse(json)
  if (!parsed.success) return null
  const payload = parsed.data
  if (payload.p !== purpose) return null
  if (payload.e !== 0 && payload.e * 1000 < now.getTime()) return null
  return payload
}
