/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): the receiver checks
 * `webhook-signature` = `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), where the
 * key is the base64 part of the `whsec_…` secret and `timestamp` the send time in seconds (it
 * refuses old ones, so a retry is signed anew; the id stays). Web Crypto: Node and Workers alike.
 */

const enc = new TextEncoder()

function base64(bytes: Uint8Array): string {
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

/** The three headers of one attempt. */
export async function standardWebhookHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Promise<Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>> {
  const raw = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (c) => c.charCodeAt(0))
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(`${id}.${timestamp}.${body}`))
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${base64(new Uint8Array(mac))}`,
  }
}
