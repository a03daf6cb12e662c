import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import { crc32, gzipSync } from 'node:zlib'
import { createHash } from 'node:crypto'
import { NOSNIFF, SITE_PAGE_HEADERS } from './http/security-headers.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.rss': 'application/rss+xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.ics': 'text/calendar; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

/** The published file's media type, from its extension. */
export function contentType(file: string): string {
  return TYPES[extname(file)] ?? 'application/octet-stream'
}

/** Worth sending gzipped: text-like and longer than a packet's worth of headers. */
export function isCompressible(file: string, length: number): boolean {
  return length > 512 && /^(text|application\/(json|rss|atom))/.test(contentType(file))
}

/** The level both the publisher's `.gz` siblings and the fallback here use: the same bytes. */
export const GZIP_LEVEL = 6

/**
 * `gz` is a gzip of exactly `body`: its trailer's CRC-32 and length match. Not an mtime rule:
 * a file replaced within the clock's granularity would keep its old sibling's mtime.
 */
export function isGzipOf(gz: Buffer, body: Buffer): boolean {
  return (
    gz.length >= 18 &&
    gz[0] === 0x1f &&
    gz[1] === 0x8b &&
    gz.readUInt32LE(gz.length - 4) === body.length >>> 0 &&
    gz.readUInt32LE(gz.length - 8) === crc32(body)
  )
}

/** The publisher's `<file>.gz` when it is a gzip of this very body, else null. */
function precompressed(file: string, body: Buffer): Buffer | null {
  let gz: Buffer
  try {
    gz = readFileSync(`${file}.gz`)
  } catch {
    return null
  }
  return isGzipOf(gz, body) ? gz : null
}

/** Live status: fresh for seconds; a CDN may serve a stale copy while it revalidates or when we are down. */
export const PAGE_CACHE_CONTROL =
  'public, max-age=10, stale-while-revalidate=60, stale-if-error=86400'
const ASSET_CACHE_CONTROL = 'public, max-age=3600, stale-while-revalidate=86400'

interface Entry {
  checkedAt: number
  mtimeMs: number
  size: number
  body: Buffer
  gzip: Buffer | null
  /** Response headers, built once per version: identity and gzip representations. */
  plain: Record<string, string>
  gzipped: Record<string, string> | null
}

export interface StaticHit {
  status: 200 | 304 | 308
  headers: Record<string, string>
  body: Buffer | null
}

/**
 * Serves the published site from memory, revalidated against the file's mtime:
 * files are replaced by rename, so a changed mtime or size means a new version. Bodies are gzipped
 * (or their fresh `.gz` sibling read) and headers built once per version; every response carries
 * an ETag (one per encoding).
 */
export function createStaticCache(root: string, opts: { revalidateMs?: number } = {}) {
  // How long a file's version is trusted before it is checked again (a stat per request costs);
  // the Node server also calls invalidate() whenever the publisher has swapped files in.
  const revalidateMs = opts.revalidateMs ?? 0
  const cache = new Map<string, Entry>()

  function resolve(urlPath: string): string | null {
    let p: string
    try {
      p = decodeURIComponent(urlPath)
    } catch {
      return null
    }
    // `.gz` files are the publisher's encodings of their siblings, never pages of their own.
    if (p.includes('\0') || p.endsWith('.gz')) return null
    if (p.endsWith('/')) p += 'index.html'
    else if (!extname(p)) p += '/index.html'
    const file = normalize(join(root, p))
    return file.startsWith(normalize(root + '/')) ? file : null
  }

  function headersFor(urlPath: string, type: string, etag: string, length: number, gzip: boolean) {
    const h: Record<string, string> = {
      'content-type': type,
      etag,
      'cache-control': urlPath.startsWith('/_astro/') ? ASSET_CACHE_CONTROL : PAGE_CACHE_CONTROL,
      vary: 'Accept-Encoding',
      ...NOSNIFF,
      'content-length': String(length),
    }
    if (gzip) h['content-encoding'] = 'gzip'
    if (urlPath.startsWith('/api/v2/')) h['access-control-allow-origin'] = '*'
    if (type.startsWith('text/html')) Object.assign(h, SITE_PAGE_HEADERS)
    return h
  }

  function load(file: string, urlPath: string): Entry | null {
    const now = performance.now()
    const known = cache.get(file)
    if (known && now - known.checkedAt < revalidateMs) return known
    let st
    try {
      st = statSync(file)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return null
      // The file system cannot answer now (no handles left, I/O error): the last known version
      // is still the best answer a status page has; without one the caller answers 503.
      if (known) return known
      throw err
    }
    if (!st.isFile()) return null
    if (known && known.mtimeMs === st.mtimeMs && known.size === st.size) {
      known.checkedAt = now
      return known
    }
    let body: Buffer
    try {
      body = readFileSync(file)
    } catch (err) {
      if (known) return known
      throw err
    }
    const type = contentType(file)
    // Compressed once by the publisher, off this thread; only files it did not write (or one
    // caught between its two renames) are compressed here.
    const gzip = isCompressible(file, body.length)
      ? (precompressed(file, body) ?? gzipSync(body, { level: GZIP_LEVEL }))
      : null
    const tag = createHash('sha1').update(body).digest('base64url').slice(0, 20)
    const entry: Entry = {
      checkedAt: now,
      mtimeMs: st.mtimeMs,
      size: st.size,
      body,
      gzip,
      plain: headersFor(urlPath, type, `"${tag}"`, body.length, false),
      gzipped: gzip ? headersFor(urlPath, type, `"${tag}-gz"`, gzip.length, true) : null,
    }
    cache.set(file, entry)
    return entry
  }

  /** The response for a GET/HEAD of `urlPath`, or null when no such file is published. */
  function lookup(
    urlPath: string,
    search: string,
    acceptEncoding: string,
    ifNoneMatch: string | null,
  ): StaticHit | null {
    const file = resolve(urlPath)
    if (!file) return null
    const entry = load(file, urlPath)
    if (!entry) {
      // "/incidents/x" (no slash) → "/incidents/x/": links must have one canonical form.
      if (
        !urlPath.endsWith('/') &&
        !extname(urlPath) &&
        load(join(root, urlPath, 'index.html'), `${urlPath}/`)
      ) {
        return {
          status: 308,
          headers: { location: `${urlPath}/${search}`, ...NOSNIFF },
          body: null,
        }
      }
      return null
    }
    const gzip = entry.gzipped !== null && /\bgzip\b/.test(acceptEncoding)
    const headers = gzip ? entry.gzipped! : entry.plain
    if (
      ifNoneMatch !== null &&
      (ifNoneMatch === headers.etag || ifNoneMatch === entry.plain.etag)
    ) {
      return { status: 304, headers, body: null }
    }
    return { status: 200, headers, body: gzip ? entry.gzip : entry.body }
  }

  return {
    lookup,
    /** Files may have changed: check each one again on its next request. */
    invalidate() {
      for (const e of cache.values()) e.checkedAt = -Infinity
    },
  }
}

export type StaticCache = ReturnType<typeof createStaticCache>

/** The same cache as a fetch-style handler (tests, and the Hono side of the server). */
export function createStaticFiles(root: string) {
  const { lookup } = createStaticCache(root)
  return function serve(request: Request): Response | null {
    if (request.method !== 'GET' && request.method !== 'HEAD') return null
    const url = new URL(request.url)
    const hit = lookup(
      url.pathname,
      url.search,
      request.headers.get('accept-encoding') ?? '',
      request.headers.get('if-none-match'),
    )
    if (!hit) return null
    const headers = { ...hit.headers }
    if (hit.status === 304) delete headers['content-length']
    const body =
      hit.status === 200 && request.method === 'GET' && hit.body ? new Uint8Array(hit.body) : null
    return new Response(body, { status: hit.status, headers })
  }
}

/** A path's locale folder ("/zh-CN/x" → "zh-CN"), when it looks like one: its 404 page speaks it. */
const LOCALE_DIR = /^\/([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?)\//

/** The site's 404 page, once one has been published: the locale's own under `/{locale}/`. */
export function notFoundPage(root: string, path = '/'): Response | null {
  const dir = LOCALE_DIR.exec(path)?.[1]
  const own = dir ? join(root, dir, '404.html') : null
  try {
    const body = readFileSync(own && existsSync(own) ? own : join(root, '404.html'))
    return new Response(body, {
      status: 404,
      headers: {
        'content-type': TYPES['.html']!,
        'cache-control': PAGE_CACHE_CONTROL,
        ...SITE_PAGE_HEADERS,
      },
    })
  } catch {
    return null
  }
}
