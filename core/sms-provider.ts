/**
 * What Amends knows of a Twilio-compatible SMS provider: where it calls us back, how it signs
 * those calls, which replies mean "stop", and what its error codes say. Pure (Web Crypto only).
 */

/** The status callback every text names (`StatusCallback`), relative to SITE_URL. */
export const SMS_STATUS_PATH = '/api/v1/sms/status'
/** Where the provider forwards replies to our number (set on the number at the provider). */
export const SMS_INBOUND_PATH = '/api/v1/sms/inbound'

const enc = new TextEncoder()
const keys = new Map<string, Promise<CryptoKey>>()

function key(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret)
  if (!k) {
    k = crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
      'sign',
    ])
    keys.set(secret, k)
  }
  return k
}

/**
 * Twilio's request signature (`X-Twilio-Signature`): base64 HMAC-SHA1, keyed by the auth token,
 * of the full URL it called followed by every form parameter's name and value, sorted by name.
 */
export async function providerSignature(
  authToken: string,
  url: string,
  params: readonly (readonly [string, string])[],
): Promise<string> {
  const sorted = [...params].sort(([a, x], [b, y]) =>
    a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0,
  )
  const data = url + sorted.map(([k, v]) => k + v).join('')
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', await key(authToken), enc.encode(data)),
  )
  let bin = ''
  for (const b of mac) bin += String.fromCharCode(b)
  return btoa(bin)
}

/**
 * Whether `signature` is the provider's for this call. `url` is the address as the provider was
 * given it (SITE_URL and the path, with any query), not as a proxy passed it on; like Twilio's
 * own libraries, the same URL with or without its scheme's default port is accepted.
 */
export async function verifyProviderSignature(
  authToken: string,
  url: string,
  params: readonly (readonly [string, string])[],
  signature: string | undefined,
): Promise<boolean> {
  if (!signature) return false
  for (const candidate of withAndWithoutPort(url)) {
    if (sameText(await providerSignature(authToken, candidate, params), signature)) return true
  }
  return false
}

function withAndWithoutPort(raw: string): string[] {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return [raw]
  }
  const port = u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : ''
  if (u.port || !port) return [raw]
  const rest = raw.slice(u.protocol.length + 2 + u.host.length)
  return [raw, `${u.protocol}//${u.host}:${port}${rest}`]
}

/** Compares without an early exit, so the time taken says nothing about the expected value. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Replies that end a subscription: the industry-standard opt-out words Twilio acts on itself
 * (it then refuses to text the number, error 21610), and 退订/TD, how people opt out of texts
 * in China. START and UNSTOP resume nothing here: a new subscription needs a new opt-in.
 */
const OPT_OUT = new Set([
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REVOKE',
  '退订',
  'TD',
])

/**
 * Whether a reply is an opt-out: the whole message, in any letter case or width ("ＳＴＯＰ" from
 * a phone's Chinese keyboard), around it only spaces and punctuation ("Stop.", "STOP!").
 * "Don't stop" is not.
 */
export function isOptOut(body: string): boolean {
  const word = body
    .normalize('NFKC')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .toUpperCase()
  return OPT_OUT.has(word)
}

/** Twilio error codes by what they say. */
export const PROVIDER_ERRORS = {
  /** The number opted out at the provider (replied STOP): it will refuse every text. */
  unsubscribed: new Set([21610]),
  /** The number cannot get texts: invalid, unroutable, not SMS-capable, a landline. */
  badNumber: new Set([21211, 21612, 21614, 21635]),
  /**
   * Our account or sender is at fault (credentials, the From number, a country not enabled, a
   * trial account): no subscriber's doing, so retried until the operator fixes it.
   */
  ours: new Set([20003, 20404, 21408, 21603, 21606, 21608, 21659, 21660]),
} as const

export type ProviderErrorClass = 'unsubscribed' | 'bad_number' | 'ours' | 'other'

export function classifyProviderError(code: number | null): ProviderErrorClass {
  if (code === null) return 'other'
  if (PROVIDER_ERRORS.unsubscribed.has(code)) return 'unsubscribed'
  if (PROVIDER_ERRORS.badNumber.has(code)) return 'bad_number'
  if (PROVIDER_ERRORS.ours.has(code)) return 'ours'
  return 'other'
}
