import { parsePhoneNumber } from 'awesome-phonenumber'

export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: string }

/**
 * A phone number as typed ("+44 20 7946 0958", "(415) 555-2671" with region "US") to E.164, the
 * one form stored and sent to the SMS provider; refused unless it is a valid number that can
 * receive texts (a mobile, or a number whose type the numbering plan cannot tell).
 */
export function normalizePhone(input: string, region?: string): PhoneCheck {
  const text = input.trim()
  if (!text || text.length > 40) return { ok: false, reason: 'Must be a phone number' }
  const parsed = parsePhoneNumber(text, region ? { regionCode: region } : undefined)
  if (!parsed.valid || !parsed.number)
    return {
      ok: false,
      reason: 'Must be a valid phone number, with its country code (for example +44 7911 123456)',
    }
  const type = parsed.type
  if (type && !['mobile', 'fixed-line-or-mobile', 'unknown', 'pager'].includes(type))
    return { ok: false, reason: 'Must be a mobile number that can receive text messages' }
  return { ok: true, e164: parsed.number.e164 }
}
