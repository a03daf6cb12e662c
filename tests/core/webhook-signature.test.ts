import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { newWebhookSecret } from '../../api/services/secret-box.ts'
import { standardWebhookHeaders } from '../../api/jobs/notifier/channels/webhook-signature.node.ts'

const BODIES = [
  '{}',
  '{"a":1}',
  JSON.stringify({ text: 'Zahlungen schlagen fehl — 支付失败 🚨', nested: { q: '"quoted"\\n' } }),
  JSON.stringify({ long: 'x'.repeat(100_000) }),
  '{"meta":{"unsubscribe":"https://status.example.com/unsubscribe/a.b"}}',
  ' {"leading space":true} ',
  '{"line":"a\\r\\nb"}',
  '{"surrogates":"\uD83D\uDE00"}',
]

describe('Standard Webhooks signatures', () => {
  it('verify with the published library for every body and fresh secrets', () => {
    const now = Math.floor(Date.now() / 1000)
    let verified = 0
    for (const body of BODIES) {
      for (let i = 0; i < 4; i++) {
        const secret = newWebhookSecret()
        const headers = standardWebhookHeaders(secret, `msg_${i}_abc`, now, body)
        expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
        verified++
      }
    }
    expect(verified).toBe(BODIES.length * 4)
  })

  it('do not verify with another secret, another body, another id or an old timestamp', () => {
    const secret = newWebhookSecret()
    const now = Math.floor(Date.now() / 1000)
    const body = '{"a":1}'
    const headers = standardWebhookHeaders(secret, 'msg_1', now, body)
    const wh = new Webhook(secret)
    const variants: [string, () => unknown][] = [
      ['other secret', () => new Webhook(newWebhookSecret()).verify(body, headers)],
      ['other body', () => wh.verify('{"a":2}', headers)],
      ['other id', () => wh.verify(body, { ...headers, 'webhook-id': 'msg_2' })],
      ['later timestamp', () => wh.verify(body, { ...headers, 'webhook-timestamp': `${now + 1}` })],
    ]
    for (const [name, verify] of variants) expect(verify, name).toThrow()
    const old = standardWebhookHeaders(secret, 'msg_1', now - 3600, body)
    expect(() => wh.verify(body, old)).toThrow(/timestamp/i)
  })

  it('keep the id and the body, and sign each attempt at its own time', () => {
    const secret = newWebhookSecret()
    const a = standardWebhookHeaders(secret, 'msg_7_s', 1_800_000_000, '{}')
    const b = standardWebhookHeaders(secret, 'msg_7_s', 1_800_000_060, '{}')
    expect(a['webhook-id']).toBe(b['webhook-id'])
    expect(a['webhook-timestamp']).toBe('1800000000')
    expect(a['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(a['webhook-signature']).not.toBe(b['webhook-signature'])
    // The same attempt signs the same way (no randomness in the signature).
    expect(standardWebhookHeaders(secret, 'msg_7_s', 1_800_000_000, '{}')).toEqual(a)
  })
})
