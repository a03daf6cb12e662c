/**
 * Signed, expiring tokens for links in emails (confirm, manage, unsubscribe): the link itself
 * proves who it is for, so no login or cookie is needed, and nothing is stored per link.
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256). Web Crypto only (Node and Workers).
 */
export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe' | 'feedback'

export interface TokenPayload {
  /** purpose */
  p: TokenPurpose
  /** subject: a subscriber id, or another id the purpose names */
  s: string
  /** the subscriber's token_version when issued: bumping it revokes every earlier link */
  v: number
  /** expiry, seconds since the epoch; 0 = never */
  e: number
  /** optional extra value (an incident id, an answer) */
  x?: string
}

const enc = new TextEncoder()

function b64url(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromB64url(s: string): Uint8Array {
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

export async function signToken(secret: string, payload: TokenPayload): Promise<string> {
  const body = b64url(enc.encode(JSON.stringify(payload)))
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await key(secret), enc.encode(body)))
  return `${body}.${b64url(sig)}`
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
    ok = await crypto.subtle.verify(
      'HMAC',
      await key(secret),
      fromB64url(sig) as Uint8Array<ArrayBuffer>,
      enc.encode(body),
    )
  } catch {
    return null
  }
  if (!ok) return null
  let payload: TokenPayload
  try {
    payload = JSON.parse(new TextDecoder().decode(fromB64url(body))) as TokenPayload
  } catch {
    return null
  }
  if (payload.p !== purpose) return null
  if (payload.e !== 0 && payload.e * 1000 < now.getTime()) return null
  return payload
}
