import { Hono } from 'hono'
import { cors } from 'hono/cors'
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
export const PUBLIC_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=60, stale-if-error=86400'

/** The Statuspage-compatible public API: no auth, open CORS, cacheable, ETag-validated. */
export function publicV2Routes(deps: Deps) {
  const app = new Hono<AppEnv>()
  const v2Json = createV2Cache(deps)
  app.use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['ETag'] }))
  for (const path of V2_PATHS) {
    app.get(`/${path}`, async (c) => {
      const body = await v2Json(path)
      if (body === undefined) throw new DomainError('not_found', 'not_found', 'No such document')
      const etag = `"${await shortHash(body)}"`
      c.header('cache-control', PUBLIC_CACHE_CONTROL)
      c.header('etag', etag)
      if (c.req.header('if-none-match') === etag) return c.body(null, 304)
      return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' })
    })
  }
  return app
}

const hashes = new Map<string, string>()

/** Content hash for the ETag, remembered per body so a hot document is hashed once. */
async function shortHash(body: string): Promise<string> {
  const known = hashes.get(body)
  if (known) return known
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(body))
  const hex = Array.from(new Uint8Array(digest).slice(0, 10), (b) => b.toString(16).padStart(2, '0')).join('')
  if (hashes.size > 64) hashes.clear()
  hashes.set(body, hex)
  return hex
}
