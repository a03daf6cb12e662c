import { Hono } from 'hono'
import { DomainError } from '../../core/errors.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { createV2Cache } from '../services/status.ts'

export const V2_PATHS = [
  'summary.json',
  'status.json',
  'components.json',
  'incidents.json',
  'incidents/unresolved.json',
  'scheduled-maintenances.json',
  'scheduled-maintenances/upcoming.json',
  'scheduled-maintenances/active.json',
] as const

/** Short freshness for live status; stale copies may be served while revalidating or on error. */
export const PUBLIC_CACHE_CONTROL =
  'public, max-age=10, stale-while-revalidate=60, stale-if-error=86400'

/** The Statuspage-compatible public API: no auth, open CORS, cacheable, ETag-validated. */
export function publicV2Routes(deps: Deps) {
  const app = new Hono<AppEnv>()
  const v2Json = createV2Cache(deps)
  for (const path of V2_PATHS) {
    app.on(['GET', 'HEAD'], `/${path}`, async (c) => {
      const doc = await v2Json(path)
      if (doc === undefined) throw new DomainError('not_found', 'not_found', 'No such document')
      // Headers set directly (not through middleware) so the response stays a plain body,
      // which the Node adapter can write without a stream.
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': PUBLIC_CACHE_CONTROL,
        etag: doc.etag,
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'ETag',
      }
      if (c.req.header('if-none-match') === doc.etag) return c.body(null, 304, headers)
      return c.body(doc.body, 200, headers)
    })
    app.options(`/${path}`, (c) =>
      c.body(null, 204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, HEAD, OPTIONS',
        'access-control-max-age': '86400',
      }),
    )
  }
  return app
}
