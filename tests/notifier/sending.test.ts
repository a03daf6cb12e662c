import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../api/config.ts'
import { classifySmtpError } from '../../api/jobs/notifier/channels/smtp-errors.ts'
import { smtpTransport } from '../../api/jobs/notifier/channels/email-transport.node.ts'
import { emailRouteOf } from '../../api/jobs/notifier/routes.ts'
import { signTokenSync } from '../../api/jobs/notifier/links.node.ts'
import { parseNotifierTiming } from '../../api/jobs/notifier/timing.ts'
import { backoffDelay, createPacer } from '../../api/jobs/notifier/pacing.ts'
import { ConfigError } from '../../api/config.ts'
import { signToken, verifyToken } from '../../core/signed-token.ts'
import { renderEmail } from '../../templates/render.ts'
import { startSmtpSink } from '../fixtures/smtp-sink.ts'
import { rawHeader } from './world.ts'

describe('retry backoff', () => {
  const o = { baseMs: 30_000, capMs: 3_600_000 }
  it('is exponential with full jitter, capped', () => {
    expect(backoffDelay(1, o, () => 0)).toBe(0)
    expect(backoffDelay(1, o, () => 0.5)).toBe(15_000)
    expect(backoffDelay(3, o, () => 0.5)).toBe(60_000)
    expect(backoffDelay(30, o, () => 0.999999)).toBeLessThan(3_600_000)
    expect(backoffDelay(30, o, () => 0.999999)).toBeGreaterThan(3_599_000)
    expect(backoffDelay(5000, o, () => 0.5)).toBe(1_800_000)
    for (let i = 0; i < 100; i++) expect(backoffDelay(4, o, Math.random)).toBeLessThan(240_000)
  })
})

describe('adaptive pacing', () => {
  it('halves concurrency on push-back, then spaces sends out, and recovers on success', () => {
    let now = 0
    const p = createPacer({ max: 8, slowMs: 1000, maxSpacingMs: 10_000 }, () => now)
    expect(p.limit).toBe(8)
    p.pushBack()
    expect(p.limit).toBe(4)
    p.pushBack() // same burst: ignored
    expect(p.limit).toBe(4)
    for (const expected of [2, 1]) {
      now += 1000
      p.pushBack()
      expect(p.limit).toBe(expected)
    }
    now += 1000
    p.pushBack()
    expect(p.spacing).toBe(100)
    expect(p.wait()).toBe(100)
    now += 1000
    p.pushBack()
    expect(p.spacing).toBe(200)
    expect(p.pushBacks).toBe(5)
    p.started()
    expect(p.wait()).toBeGreaterThan(0)
    for (let i = 0; i < 4; i++) p.success(10)
    expect(p.spacing).toBe(0)
    for (let i = 0; i < 40; i++) p.success(10)
    expect(p.limit).toBe(8)
  })

  it('takes a reply much slower than usual as a push-back', () => {
    let now = 0
    const p = createPacer({ max: 8, slowMs: 200, maxSpacingMs: 10_000 }, () => now)
    for (let i = 0; i < 20; i++) p.success(20)
    expect(p.limit).toBe(8)
    now += 1000
    p.success(150) // slower, but under slowMs
    expect(p.limit).toBe(8)
    p.success(900)
    expect(p.limit).toBe(4)
  })
})

describe('SMTP failures', () => {
  const err = (o: Record<string, unknown>) => Object.assign(new Error('x'), o)
  it('5xx about the recipient or message is permanent; 4xx, 5xx about our session and network errors are not', () => {
    expect(
      classifySmtpError(err({ responseCode: 550, command: 'RCPT TO', code: 'EENVELOPE' })),
    ).toMatchObject({ permanent: true, pushBack: false })
    expect(
      classifySmtpError(err({ responseCode: 554, command: 'DATA', code: 'EMESSAGE' })),
    ).toMatchObject({ permanent: true })
    expect(
      classifySmtpError(err({ responseCode: 550, command: 'MAIL FROM', code: 'EENVELOPE' })),
    ).toMatchObject({ permanent: false })
    expect(
      classifySmtpError(err({ responseCode: 535, command: 'AUTH PLAIN', code: 'EAUTH' })),
    ).toMatchObject({ permanent: false })
    expect(classifySmtpError(err({ responseCode: 503, command: 'DATA' }))).toMatchObject({
      permanent: false,
    })
    expect(classifySmtpError(err({ responseCode: 421, command: 'CONN' }))).toMatchObject({
      permanent: false,
      pushBack: true,
    })
    expect(
      classifySmtpError(err({ responseCode: 451, command: 'DATA', code: 'EMESSAGE' })),
    ).toMatchObject({ permanent: false, pushBack: true })
    expect(classifySmtpError(err({ responseCode: 450, command: 'RCPT TO' }))).toMatchObject({
      permanent: false,
      pushBack: false,
    })
    expect(classifySmtpError(err({ code: 'ECONNECTION' }))).toMatchObject({
      permanent: false,
      pushBack: true,
    })
    expect(classifySmtpError(err({ code: 'ETIMEDOUT' }))).toMatchObject({
      permanent: false,
      pushBack: true,
    })
    expect(classifySmtpError('weird')).toMatchObject({
      permanent: false,
      pushBack: false,
      message: 'weird',
    })
  })
})

describe('which events are mailed', () => {
  it('maps event types to kinds and honours deliver_notifications', () => {
    expect(emailRouteOf({ type: 'incident.updated', payload: {} })).toMatchObject({
      kind: 'incident',
      audience: 'record',
    })
    expect(
      emailRouteOf({ type: 'incident.updated', payload: { deliver_notifications: false } }),
    ).toBeNull()
    expect(emailRouteOf({ type: 'maintenance.cancelled', payload: {} })).toMatchObject({
      kind: 'maintenance',
      status: 'cancelled',
    })
    expect(emailRouteOf({ type: 'subscriber.confirmation_requested', payload: {} })).toMatchObject({
      kind: 'confirmation',
      audience: 'subscriber',
    })
    expect(emailRouteOf({ type: 'incident.edited', payload: {} })).toBeNull()
    expect(emailRouteOf({ type: 'component.updated', payload: {} })).toBeNull()
  })
})

describe('notifier timing from the environment', () => {
  it('has production defaults and lists every bad variable', () => {
    expect(parseNotifierTiming({})).toMatchObject({
      leaseMs: 120_000,
      backoff: { baseMs: 30_000, capMs: 3_600_000 },
      quarantineAfter: 3,
    })
    expect(
      parseNotifierTiming({ NOTIFIER_LEASE_MS: '1000', NOTIFIER_RETRY_BASE_MS: '20' }),
    ).toMatchObject({ leaseMs: 1000, backoff: { baseMs: 20 } })
    expect(() =>
      parseNotifierTiming({ NOTIFIER_LEASE_MS: 'soon', NOTIFIER_QUARANTINE_AFTER: '0' }),
    ).toThrow(ConfigError)
    try {
      parseNotifierTiming({ NOTIFIER_LEASE_MS: 'soon', NOTIFIER_QUARANTINE_AFTER: '0' })
    } catch (e) {
      expect((e as Error).message).toMatch(/NOTIFIER_LEASE_MS[\s\S]*NOTIFIER_QUARANTINE_AFTER/)
    }
  })
})

describe('signed links', () => {
  it('the notifier’s synchronous signer makes exactly core’s tokens', async () => {
    const secret = 'a-signing-secret-of-at-least-32-characters'
    const payload = { p: 'unsubscribe' as const, s: 'sub1', v: 3, e: 0 }
    const sync = signTokenSync(secret, payload)
    expect(sync).toBe(await signToken(secret, payload))
    expect(await verifyToken(secret, sync, 'unsubscribe', new Date())).toEqual(payload)
  })
})

describe('DKIM', () => {
  it('signs the message including List-Unsubscribe and List-Unsubscribe-Post', async () => {
    const sink = await startSmtpSink()
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const config = parseConfig({
      SMTP_URL: sink.url,
      DKIM_DOMAIN: 'status.example.com',
      DKIM_SELECTOR: 'amends',
      DKIM_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    })
    const transport = smtpTransport({ ...config.mail, smtpUrl: sink.url })
    try {
      await transport.send(
        renderEmail({
          locale: 'en',
          page: { name: 'Example', url: 'https://status.example.com', timeZone: 'UTC' },
          subjectPrefix: '[Example]',
          from: 'Example <status@status.example.com>',
          to: 'ada@example.org',
          list: { id: 'amends.status.example.com', name: 'Example' },
          messageId: '<confirm.1.sub1@status.example.com>',
          inReplyTo: null,
          date: '2026-03-10T12:00:00.000Z',
          links: {
            manage: 'https://status.example.com/manage/m',
            unsubscribe: 'https://status.example.com/unsubscribe/u',
          },
          subscribedTo: { all: true, names: [] },
          kind: 'confirmation',
          confirmUrl: 'https://status.example.com/confirm/c',
          expiresAt: '2026-03-17T12:00:00.000Z',
        }),
      )
    } finally {
      await transport.close()
      await sink.close()
    }
    const dkim = rawHeader(sink.messages[0]!.raw, 'DKIM-Signature')
    expect(dkim).toMatch(/d=status\.example\.com/)
    expect(dkim).toMatch(/s=amends/)
    const signed = /(?:^|;)h=([^;]+)/.exec(dkim!.replace(/\s+/g, ''))![1]!.toLowerCase().split(':')
    expect(signed).toEqual(
      expect.arrayContaining([
        'from',
        'subject',
        'message-id',
        'list-unsubscribe',
        'list-unsubscribe-post',
        'list-id',
      ]),
    )
  })
})
