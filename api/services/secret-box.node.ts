import { createDecipheriv, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto'
import type { Deps } from '../deps.ts'
import { SECRET_BOX_LABEL } from './secret-box.ts'
import { signingSecret } from './secrets.ts'

/**
 * secret-box.ts's openSecret for the notifier's hot path, with node:crypto: the same key (HKDF of
 * the signing secret, its label) and AES-256-GCM, synchronous once the key is derived. WebCrypto
 * costs ~0.1 ms of CPU a call here, a tenth of a webhook delivery's whole budget
 * (tests/core/secret-box.test.ts checks both open the same sealed texts).
 */
export function createSecretOpener(deps: Deps): (sealed: string) => Promise<string> {
  // A KeyObject, made once: handing node:crypto raw bytes costs a type check per call.
  let key: Promise<KeyObject> | null = null
  const keyOf = () =>
    (key ??= signingSecret(deps).then((secret) =>
      createSecretKey(
        Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), SECRET_BOX_LABEL, 32)),
      ),
    ))
  return async function open(sealed) {
    const [v, iv, ct] = sealed.split('.')
    if (v !== 'v1' || !iv || !ct) throw new Error('Not a sealed secret')
    const bytes = Buffer.from(ct, 'base64url')
    if (bytes.length < 16) throw new Error('Not a sealed secret')
    const decipher = createDecipheriv('aes-256-gcm', await keyOf(), Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(bytes.subarray(bytes.length - 16))
    return Buffer.concat([
      decipher.update(bytes.subarray(0, bytes.length - 16)),
      decipher.final(),
    ]).toString('utf8')
  }
}
