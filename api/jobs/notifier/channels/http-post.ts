import type { Outcome } from './channel.ts'

/** A JSON POST to an endpoint a subscriber or the configuration named. */
export interface HttpCall {
  url: string
  /** Stable per delivery (the same on every retry), so the receiver can drop a repeat. */
  id: string
  headers: Record<string, string>
  body: string
  /** POST unless told; GET for a read from an API (an SMS provider's list of messages). */
  method?: 'POST' | 'GET'
  /** Read at most this many bytes of the answer (an API's reply); otherwise none is read. */
  readBody?: number
}

export interface HttpAnswer {
  status: number
  retryAfter: string | null
  /** The first `readBody` bytes of the answer, when asked for. */
  body?: string
}

/** Makes the call and returns the status and the `Retry-After` header, or throws (network). */
export type HttpPoster = (call: HttpCall) => Promise<HttpAnswer>

/**
 * The target may not be called at all (a refused address or URL: api/http/outbound.node.ts): the
 * same request would be refused again, so the delivery fails for good. Its message never holds the
 * URL, only why.
 */
export class RefusedTarget extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RefusedTarget'
  }
}

/**
 * Sorts an HTTP answer like SMTP's: 2xx delivered; 408, 429 and 5xx retried (429/503 after the
 * `Retry-After` the receiver asked for, capped at an hour); any other status (a 4xx: a wrong or
 * revoked URL; a 3xx: redirects are not followed) is the request refused for good. A network
 * failure or timeout is retried; a target we refuse to call (RefusedTarget) fails for good.
 */
export async function postAndClassify(post: HttpPoster, call: HttpCall): Promise<Outcome> {
  let answer: HttpAnswer
  try {
    answer = await post(call)
  } catch (err) {
    const message = `${hostOf(call.url)}: ${(err as Error).message}`
    if (err instanceof RefusedTarget) return { result: 'permanent', message }
    return { result: 'retry', message }
  }
  const { status } = answer
  if (status >= 200 && status < 300) return { result: 'delivered' }
  const message = `${hostOf(call.url)} answered ${status}`
  if (status === 408 || status === 429 || status >= 500) {
    const after = retryAfterMs(answer.retryAfter, Date.now())
    return {
      result: 'retry',
      message,
      pushBack: status === 429 || status === 503,
      ...(after !== null ? { retryAfterMs: after } : {}),
    }
  }
  return { result: 'permanent', message }
}

const HOUR = 3_600_000

/** `Retry-After` as seconds or an HTTP date, in ms from `now`, at most an hour; null if absent. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null
  const v = header.trim()
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, HOUR)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return null
  return Math.min(Math.max(0, at - now), HOUR)
}

// Errors and logs name the host only: a chat webhook's path is its secret.
function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'webhook'
  }
}
