import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { DomainError } from '../../core/errors.ts'

const FORM_TYPE = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/**
 * Headers for the pages the API renders itself. Their URLs can carry a signed token (a key to
 * someone's subscription or answer) or echo what a person wrote: keep them out of caches, Referer
 * headers, search engines and other sites' frames.
 */
export function privatePage(siteUrl: string): MiddlewareHandler {
  const siteOrigin = new URL(siteUrl).origin
  return async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Robots-Tag', 'noindex')
    c.header('X-Content-Type-Options', 'nosniff')
    c.header(
      'Content-Security-Policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${siteOrigin}; base-uri 'none'; frame-ancestors 'none'`,
    )
  }
}

/** A body no larger than `maxBytes`; the limit only stops someone streaming junk at us. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new DomainError('too_large', 'payload_too_large', 'The form sent more data than it can hold')
    },
  })
}

/** A form post (urlencoded or multipart) of at most `maxBytes`. */
export function formBody(maxBytes: number): MiddlewareHandler[] {
  return [
    async (c, next) => {
      if (!FORM_TYPE.test(c.req.header('content-type') ?? '')) {
        throw new DomainError('unsupported_media_type', 'unsupported_media_type', 'Send the form as application/x-www-form-urlencoded')
      }
      await next()
    },
    limitBody(maxBytes),
  ]
}
