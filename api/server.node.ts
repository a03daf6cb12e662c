import type { App } from './app.ts'
import { createStaticFiles, notFoundPage } from './static.node.ts'

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
    if (res.status === 404 && !path.startsWith('/api/') && (request.method === 'GET' || request.method === 'HEAD')) {
      return notFoundPage(publicDir) ?? res
    }
    return res
  }
}
