import type { App } from './app.ts'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { createStaticCache, createStaticFiles, notFoundPage } from './static.node.ts'

/**
 * The Node server's request handler. Reads of the public site are the published static files;
 * everything else (the management API, the subscriber pages, form posts) is the live app. The
 * v2 JSON is answered live and falls back to its published copy when the database is
 * unavailable, so customers keep getting the last known state (fault isolation).
 */
export function createNodeHandler(app: App, publicDir: string) {
  const files = createStaticFiles(publicDir)
  return async function handle(request: Request, env?: unknown): Promise<Response> {
    const path = new URL(request.url).pathname
    if (path.startsWith('/api/v2/')) {
      const live = await app.fetch(request, env)
      if (live.status < 500) return live
      return files(request) ?? live
    }
    if (!path.startsWith('/api/')) {
      const file = files(request)
      if (file) return file
    }
    const res = await app.fetch(request, env)
    if (
      res.status === 404 &&
      !path.startsWith('/api/') &&
      (request.method === 'GET' || request.method === 'HEAD')
    ) {
      return notFoundPage(publicDir) ?? res
    }
    return res
  }
}

/**
 * The Node server's listener: published files are answered straight from the cache with
 * node:http (no Request/Response objects: this is the hot path of a status page in an outage);
 * everything else goes through `handle` (Hono, the API, the dynamic pages).
 */
export function createNodeListener(
  publicDir: string,
  handle: (request: Request, env?: unknown) => Promise<Response>,
  files = createStaticCache(publicDir, { revalidateMs: 100 }),
) {
  const { lookup } = files
  const slow = getRequestListener(handle)
  return function listener(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? '/'
    if ((req.method === 'GET' || req.method === 'HEAD') && !url.startsWith('/api/')) {
      const q = url.indexOf('?')
      const path = q === -1 ? url : url.slice(0, q)
      const hit = lookup(
        path,
        q === -1 ? '' : url.slice(q),
        String(req.headers['accept-encoding'] ?? ''),
        req.headers['if-none-match'] ?? null,
      )
      if (hit) {
        res.writeHead(hit.status, hit.headers)
        res.end(req.method === 'GET' && hit.status === 200 ? hit.body : undefined)
        return
      }
    }
    void slow(req, res)
  }
}
