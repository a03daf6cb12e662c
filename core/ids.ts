const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

/** A random 12-character base-36 id (about 62 bits), the shape Statuspage uses. */
export function newId(): string {
  return randomString(12, ALPHABET)
}

/** A random string over `alphabet`, unbiased (rejection sampling), from the Web Crypto RNG. */
export function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const b of bytes) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length]
    }
  }
  return out
}

/** The alphabet of secrets shown once (alert source and heartbeat tokens). */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
