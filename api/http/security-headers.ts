import type { MiddlewareHandler } from 'hono'

/**
 * The one home of the security headers, for the app (API, dynamic pages, errors) and the static
 * files the Node server publishes. Every response says `nosniff`: a JSON error echoing what a
 * person typed must never be sniffed as HTML.
 */
export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const

/**
 * The published status pages: their own scripts, styles and images only (no inline scripts), no
 * frames, and other sites learn only our origin from links.
 */
export const SITE_PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'strict-origin-when-cross-origin',
} as const

/**
 * Pages the API renders itself (subscriber, feedback, staff and error pages). Their URLs can
 * carry a signed token (a key to someone's subscription or answer) or echo what a person wrote:
 * keep them out of caches, Referer headers, search engines and other sites' frames. They stand
 * alone with inline styles and inline SVG, so nothing else at all may load (stricter than the
 * site's `default-src 'self'`); forms post to us or the public site.
 */
export function apiPageHeaders(siteUrl: string): Record<string, string> {
  const siteOrigin = new URL(siteUrl).origin
  return {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
    // Images: the favicon (the site's brand file, or a data: dot).
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; img-src ${siteOrigin} data:; form-action 'self' ${siteOrigin}; base-uri 'none'; frame-ancestors 'none'`,
  }
}

/**
 * Outermost middleware of the app: `nosniff` on every response (routes, errors, 404s), and the
 * page headers on every HTML response that did not set its own.
 */
export function securityHeaders(siteUrl: string): MiddlewareHandler {
  const page = apiPageHeaders(siteUrl)
  return async (c, next) => {
    await next()
    c.header('x-content-type-options', NOSNIFF['x-content-type-options'])
    if (!/^text\/html\b/i.test(c.res.headers.get('content-type') ?? '')) return
    for (const [name, value] of Object.entries(page)) {
      if (!c.res.headers.has(name)) c.header(name, value)
    }
  }
}

/**
 * The staff console (/admin): its own script and stylesheet only (no inline script or style),
 * fetches to itself (live previews), forms to itself, never framed, never cached (pages show
 * private data and carry the session's CSRF token), and the Referer stays on our origin.
 */
export const CONSOLE_PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex',
} as const
