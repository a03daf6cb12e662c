import { describe, expect, it } from 'vitest'
import {
  classifyProviderError,
  isOptOut,
  providerSignature,
  verifyProviderSignature,
} from '../../core/sms-provider.ts'
import { twilioSignature } from '../fixtures/sms-provider.ts'

// Twilio's published example (docs: "Validating requests"): this URL, these parameters and the
// auth token 12345 sign as 0/KCTR6DLpKmkAf8muzZqo1nDgQ=.
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2'
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
}

describe('the provider signature', () => {
  it("matches Twilio's published example, in any parameter order", async () => {
    const entries = Object.entries(PARAMS)
    expect(await providerSignature('12345', URL_, entries)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=')
    expect(await providerSignature('12345', URL_, entries.reverse())).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    )
    expect(twilioSignature('12345', URL_, PARAMS)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=')
  })

  it('accepts only the exact URL, parameters and token (or the URL with its default port)', async () => {
    const sig = twilioSignature('12345', URL_, PARAMS)
    const ok = (url: string, params: Record<string, string>, s: string | undefined, t = '12345') =>
      verifyProviderSignature(t, url, Object.entries(params), s)
    expect(await ok(URL_, PARAMS, sig)).toBe(true)
    const portSig = twilioSignature(
      '12345',
      'https://mycompany.com:443/myapp.php?foo=1&bar=2',
      PARAMS,
    )
    expect(await ok(URL_, PARAMS, portSig)).toBe(true)
    const refused = [
      ok(URL_, PARAMS, undefined),
      ok(URL_, PARAMS, ''),
      ok(URL_, PARAMS, sig, '12346'),
      ok(URL_, PARAMS, sig.toLowerCase()),
      ok(URL_, PARAMS, sig.slice(0, -2)),
      ok(URL_.replace('https', 'http'), PARAMS, sig),
      ok(URL_.replace('foo=1', 'foo=2'), PARAMS, sig),
      ok('https://mycompany.com/myapp.php', PARAMS, sig),
      ok(URL_, { ...PARAMS, Digits: '1235' }, sig),
      ok(URL_, { ...PARAMS, Extra: '' }, sig),
      ok(URL_, { ...PARAMS, From: '+12349013031' }, sig),
    ]
    expect(await Promise.all(refused)).toEqual(refused.map(() => false))
  })
})

describe('opt-out replies', () => {
  const yes = [
    'STOP',
    'stop',
    'Stop',
    ' STOP ',
    'Stop.',
    'STOP!',
    '"stop"',
    'ＳＴＯＰ',
    'stopall',
    'Unsubscribe',
    'cancel',
    'END',
    'quit',
    'OPTOUT',
    'revoke',
    '退订',
    'td',
    '\nSTOP\n',
  ]
  const no = [
    '',
    'START',
    'UNSTOP',
    'HELP',
    "Don't stop",
    'STOP please',
    'stopp',
    'S T O P',
    'the end',
    '退订了吗',
    'STOP STOP',
    'YES',
  ]
  it(`treats ${yes.length} spellings as opt-outs and ${no.length} other replies as nothing`, () => {
    expect(yes.filter((b) => !isOptOut(b))).toEqual([])
    expect(no.filter((b) => isOptOut(b))).toEqual([])
  })
})

describe('provider error codes', () => {
  it('sorts the codes that name the number, our account, and the rest', () => {
    expect(classifyProviderError(21610)).toBe('unsubscribed')
    for (const c of [21211, 21612, 21614, 21635])
      expect(classifyProviderError(c)).toBe('bad_number')
    for (const c of [20003, 21606, 21608, 21408]) expect(classifyProviderError(c)).toBe('ours')
    expect(classifyProviderError(21617)).toBe('other')
    expect(classifyProviderError(null)).toBe('other')
  })
})
