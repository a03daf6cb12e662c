import { createHmac, createSecretKey } from 'node:crypto'

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): the receiver checks
 * `webhook-signature` = `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), where the
 * key is the base64 part of the `whsec_…` secret and `timestamp` the send time in seconds (it
 * refuses old ones, so each attempt is signed anew; the id stays). node:crypto, synchronous: it
 * runs once per call on the sending path.
 */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  // As a KeyObject: node:crypto's type check of a raw key costs more than this one HMAC.
  const key = createSecretKey(Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${mac}`,
  }
}
