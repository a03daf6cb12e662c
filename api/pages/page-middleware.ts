import type { ErrorHandler, MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { bodyLimit } from 'hono/body-limit'
import { DomainError } from '../../core/errors.ts'
import { ErrorBody } from '../../core/schemas/common.ts'
import { handleError } from '../errors.ts'
import { strictBody } from '../http/request-body.ts'
import { apiPageHeaders, NOSNIFF } from '../http/security-headers.ts'
import type { Logger } from '../log.ts'
import type { Html } from './layout.ts'

// Our forms send urlencoded only. Multipart is refused: its parts can carry a base64 or
// quoted-printable Content-Transfer-Encoding that the parser decodes (with U+FFFD for bad bytes)
// after strictBody has checked the raw, ASCII-only bytes.
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i

/** Headers for the pages the API renders itself, whatever they answer (api/http/security-headers.ts). */
export function privatePage(siteUrl: string): MiddlewareHandler {
  const headers = Object.entries({ ...apiPageHeaders(siteUrl), ...NOSNIFF })
  return async (c, next) => {
    await next()
    for (const [name, value] of headers) c.header(name, value)
  }
}

/** A body no larger than `maxBytes`; the limit only stops someone streaming junk at us. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new DomainError(
        'too_large',
        'payload_too_large',
        'The form sent more data than it can hold',
      )
    },
  })
}

/** A form post (urlencoded only) of at most `maxBytes`, in valid UTF-8. */
export function formBody(
  maxBytes: number,
): [MiddlewareHandler, MiddlewareHandler, MiddlewareHandler] {
  return [
    async (c, next) => {
      if (!FORM_TYPE.test(c.req.header('content-type') ?? '')) {
        throw new DomainError(
          'unsupported_media_type',
          'unsupported_media_type',
          'Send the form as application/x-www-form-urlencoded',
        )
      }
      await next()
    },
    limitBody(maxBytes),
    strictBody(),
  ]
}

interface ErrorViews<S> {
  rateLimited(site: S, message: string): Html
  failure(site: S, title: string, message: string): Html
}

const TITLES: [number, string][] = [
  [429, 'Too many requests'],
  [413, 'Too much data'],
  [415, 'Please use the form'],
  [503, 'Please try again shortly'],
]

/**
 * Errors on a page become a page: the one error mapping (and its logging) decides the status and
 * the message, and the page says it in plain words.
 */
export function errorPages<S>(log: Logger, site: S, views: ErrorViews<S>): ErrorHandler {
  return async (err, c) => {
    const res = handleError(err, c, log)
    const parsed = ErrorBody.safeParse(await res.json())
    const message = parsed.success ? parsed.data.error.message : 'Something went wrong on our side'
    const title =
      TITLES.find(([status]) => status === res.status)?.[1] ??
      (res.status >= 500 ? 'Something went wrong' : 'We could not do that')
    const page =
      res.status === 429
        ? views.rateLimited(site, message)
        : views.failure(site, title, `${message}.`)
    return c.html(page, res.status as ContentfulStatusCode)
  }
}
