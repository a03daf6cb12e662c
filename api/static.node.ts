import { readFileSync, statSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { gzipSync } from 'node:zlib'
import { createHash } from 'node:crypto'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

/** Live status: fresh for seconds; a CDN may serve a stale copy while it revalidates or when we are down. */
export const PAGE_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=60, stale-if-error=86400'
const ASSET_CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400'

interface Entry {
  mtimeMs: number
  size: number
  body: Buffer
  gzip: Buffer | null
  etag: string
  type: string
}

/**
 * Serves the published site from memory, revalidated against the file's mtime on each request:
 * files are replaced by rename, so a changed mtime or size means a new version. Bodies are gzipped
 * once per version, and every response carries an ETag.
 */
export function createStaticFiles(root: string) {
  const cache = new Map<string, Entry>()

  function resolve(urlPath: string): string | null {
    let p: string
    try {
      p = decodeURIComponent(urlPath)
    } catch {
      return null
    }
    if (p.includes('\0')) return null
    if (p.endsWith('/')) p += 'index.html'
    else if (!extname(p)) p += '/index.html'
    const file = normalize(join(root, p))
    return file.startsWith(normalize(root + '/')) ? file : null
  }

  function load(file: string): Entry | null {
    let st
    try {
      st = statSync(file)
    } catch {
      return null
    }
    if (!st.isFile()) return null
    const known = cache.get(file)
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) return known
    const body = readFileSync(file)
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    const compressible = /^(text|application\/(json|rss|atom))/.test(type)
    const entry: Entry = {
      mtimeMs: st.mtimeMs,
      size: st.size,
      body,
      gzip: compressible && body.length > 512 ? gzipSync(body, { level: 6 }) : null,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
      type,
    }
    cache.set(file, entry)
    return entry
  }

  /** A Response for `request`, or null when there is no such file. */
  return function serve(request: Request): Response | null {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null
    const url = new URL(request.url)
    const file = resolve(url.pathname)
    if (!file) return null
    const entry = load(file)
    // "/incidents/x" (no slash) → "/incidents/x/": links must have one canonical form.
    if (!entry && !url.pathname.endsWith('/') && !extname(url.pathname) && load(join(root, url.pathname, 'index.html'))) {
      return new Response(null, { status: 308, headers: { location: `${url.pathname}/${url.search}` } })
    }
    if (!entry) return null
    const gzip = entry.gzip !== null && /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')
    // Each encoding is its own representation, so it gets its own validator (RFC 9110 §8.8.3).
    const etag = gzip ? `${entry.etag.slice(0, -1)}-gz"` : entry.etag
    const headers = new Headers({
      'content-type': entry.type,
      etag,
      'cache-control': url.pathname.startsWith('/_astro/') ? ASSET_CACHE_CONTROL : PAGE_CACHE_CONTROL,
      vary: 'Accept-Encoding',
      'x-content-type-options': 'nosniff',
    })
    if (url.pathname.startsWith('/api/v2/')) headers.set('access-control-allow-origin', '*')
    if (entry.type.startsWith('text/html')) {
      headers.set('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    }
    const match = request.headers.get('if-none-match')
    if (match === etag || match === entry.etag) return new Response(null, { status: 304, headers })
    if (gzip) headers.set('content-encoding', 'gzip')
    const body = gzip ? entry.gzip! : entry.body
    headers.set('content-length', String(body.length))
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers })
  }
}

/** The site's 404 page, once one has been published. */
export function notFoundPage(root: string): Response | null {
  try {
    return new Response(readFileSync(join(root, '404.html')), {
      status: 404,
      headers: { 'content-type': TYPES['.html']!, 'cache-control': PAGE_CACHE_CONTROL },
    })
  } catch {
    return null
  }
}
