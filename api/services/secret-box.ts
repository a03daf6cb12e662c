import { b64url, fromB64url } from '../../core/signed-token.ts'
import type { Deps } from '../deps.ts'
import { signingSecret } from './secrets.ts'

/**
 * Secrets Amends must be able to use again (a webhook's signing secret signs every call), so they
 * cannot be stored as a hash: they are sealed with AES-256-GCM under a key derived from the
 * signing secret (HKDF, its own label), so a copy of the database alone does not give them away.
 * WebCrypto: the same code runs on Node and in a Worker.
 */

/** The HKDF label of the sealing key (secret-box.node.ts derives the same key). */
export const SECRET_BOX_LABEL = 'amends/secret-box/v1'
const LABEL = new TextEncoder().encode(SECRET_BOX_LABEL)
const keys = new WeakMap<Deps['db'], Promise<CryptoKey>>()

function keyOf(deps: Deps): Promise<CryptoKey> {
  let key = keys.get(deps.db)
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(await signingSecret(deps)),
        'HKDF',
        false,
        ['deriveKey'],
      )
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: LABEL },
        base,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      )
    })()
    key.catch(() => keys.delete(deps.db))
    keys.set(deps.db, key)
  }
  return key
}

/** `v1.<iv>.<ciphertext>`: what is stored. */
export async function sealSecret(deps: Deps, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    await keyOf(deps),
    new TextEncoder().encode(plain),
  )
  return `v1.${b64url(iv)}.${b64url(new Uint8Array(ct))}`
}

/** The secret again; throws when the sealed text was altered or sealed under another key. */
export async function openSecret(deps: Deps, sealed: string): Promise<string> {
  const [v, iv, ct] = sealed.split('.')
  if (v !== 'v1' || !iv || !ct) throw new Error('Not a sealed secret')
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromB64url(iv) },
    await keyOf(deps),
    fromB64url(ct),
  )
  return new TextDecoder().decode(plain)
}

/**
 * A new webhook signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in
 * base64 (the receiver's library takes it as is).
 */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return `whsec_${btoa(String.fromCharCode(...bytes))}`
}
