import { classifyProviderError } from '../../../../core/sms-provider.ts'
import type { Config } from '../../../config.ts'
import type { Outcome } from './channel.ts'
import { retryAfterMs, type HttpAnswer, type HttpPoster } from './http-post.ts'

export type SmsProviderConfig = NonNullable<Config['sms']>

/** A text as the provider's Messages API takes it. */
export interface SmsSend {
  to: string
  body: string
  /** Where the provider reports what became of it (and refusals such as 21610). */
  statusCallback: string
}

/** What the answer to a send means; `optedOut` when the number had opted out (21610). */
export type SendAnswer = Outcome & { optedOut?: boolean }

/** What the provider's list of messages says about a text handed over before. */
export type Lookup = { found: true } | { found: false } | { retry: string }

/** Enough for the provider's answer to a send (a message resource or an error). */
const ANSWER_BYTES = 8 * 1024
/** Enough for a page of 50 messages of one or two segments. */
const LIST_BYTES = 128 * 1024
/** How long to wait before trying again when the provider refuses our own account or sender. */
const OUR_SETUP_RETRY_MS = 15 * 60_000
/** Clocks differ: a message the provider dates up to this much before our hand-over is ours. */
const CLOCK_SKEW_MS = 5 * 60_000

/**
 * A Twilio-compatible SMS provider, over the notifier's HTTP path (`post`): sends a text
 * (`POST …/Messages.json`, form-encoded, HTTP Basic with the account SID and auth token) and
 * looks for one sent before (`GET …/Messages.json?To=…&From=…`). Errors and logs name the
 * provider's host and Twilio's error code, never the number, the text or the credentials.
 */
export function createSmsProvider(cfg: SmsProviderConfig, post: HttpPoster) {
  const url = `${cfg.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(cfg.accountSid)}/Messages.json`
  const host = new URL(url).host
  const headers = {
    authorization: `Basic ${btoa(`${cfg.accountSid}:${cfg.authToken}`)}`,
    accept: 'application/json',
  }

  async function call(
    method: 'POST' | 'GET',
    target: string,
    body: string,
    readBody: number,
  ): Promise<HttpAnswer | { error: string }> {
    try {
      return await post({
        url: target,
        id: '',
        method,
        headers:
          method === 'POST'
            ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
            : headers,
        body,
        readBody,
      })
    } catch (err) {
      return { error: `${host}: ${(err as Error).message}` }
    }
  }

  return {
    host,

    /**
     * Sends one text and sorts the answer: 2xx delivered (the provider took it); 408, 429 and
     * 5xx, or no answer, retried (after Retry-After when given); a refusal naming the number
     * (invalid, not SMS-capable, opted out) permanent; a refusal of our own account or sender
     * retried later, as no subscriber's fault; any other 4xx permanent.
     */
    async send(m: SmsSend): Promise<SendAnswer> {
      const form = new URLSearchParams({
        To: m.to,
        From: cfg.from,
        Body: m.body,
        StatusCallback: m.statusCallback,
      })
      const answer = await call('POST', url, form.toString(), ANSWER_BYTES)
      if ('error' in answer) return { result: 'retry', message: answer.error }
      const { status } = answer
      if (status >= 200 && status < 300) return { result: 'delivered' }
      const code = errorCode(answer.body)
      const message = `${host} answered ${status}${code === null ? '' : ` (error ${code})`}`
      if (status === 408 || status === 429 || status >= 500) {
        const after = retryAfterMs(answer.retryAfter, Date.now())
        return { result: 'retry', message, ...(after !== null ? { retryAfterMs: after } : {}) }
      }
      const kind = classifyProviderError(code)
      if (kind === 'unsubscribed') return { result: 'permanent', message, optedOut: true }
      if (kind === 'ours' || status === 401 || status === 403 || status === 404)
        return {
          result: 'retry',
          message: `${message}: the provider refused our account or sender; check the SMS_* settings`,
          retryAfterMs: OUR_SETUP_RETRY_MS,
        }
      return { result: 'permanent', message }
    },

    /**
     * Whether the provider already has this text (same number, same body, created after our
     * hand-over at `since`), for a text whose earlier send had no recorded outcome. A provider
     * without the list (404, 405, 501) or with an answer we cannot read says "not found": the
     * text is then sent again, at least once rather than never.
     */
    async find(to: string, body: string, since: string): Promise<Lookup> {
      const query = new URLSearchParams({ To: to, From: cfg.from, PageSize: '50' })
      const answer = await call('GET', `${url}?${query}`, '', LIST_BYTES)
      if ('error' in answer) return { retry: `looking for an earlier send: ${answer.error}` }
      const { status } = answer
      if (status === 404 || status === 405 || status === 501) return { found: false }
      if (status < 200 || status >= 300)
        return { retry: `looking for an earlier send: ${host} answered ${status}` }
      const after = Date.parse(since) - CLOCK_SKEW_MS
      const found = messagesOf(answer.body).some(
        (x) => x.body === body && x.to === to && Date.parse(x.date_created) >= after,
      )
      return { found }
    },
  }
}

export type SmsProvider = ReturnType<typeof createSmsProvider>

/** Twilio's error code in an error answer (`{"code": 21211, "message": …, "status": 400}`). */
function errorCode(body: string | undefined): number | null {
  try {
    const code = (JSON.parse(body ?? '') as { code?: unknown }).code
    return typeof code === 'number' && Number.isInteger(code) ? code : null
  } catch {
    return null
  }
}

function messagesOf(
  body: string | undefined,
): { body: string; to: string; date_created: string }[] {
  try {
    const list = (JSON.parse(body ?? '') as { messages?: unknown }).messages
    if (!Array.isArray(list)) return []
    return list.filter(
      (m): m is { body: string; to: string; date_created: string } =>
        typeof m === 'object' &&
        m !== null &&
        typeof (m as Record<string, unknown>).body === 'string' &&
        typeof (m as Record<string, unknown>).to === 'string' &&
        typeof (m as Record<string, unknown>).date_created === 'string',
    )
  } catch {
    return []
  }
}
