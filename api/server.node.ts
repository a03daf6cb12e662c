import type { App } from './app.ts'
import { createStaticFiles, notFoundPage } from './static.node.ts'

/**
 * The Node server's request handler: the management API is live; the public site is the
 * published static files; the v2 JSON is live, falling back to its published copy when the
 * database is unavailable, so customers keep getting the last known state (fault isolation).
 */
export function createNodeHandler(app: App, publicDir: string) {
  const files = createStaticFiles(publicDir)
  return async function handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname
    if (path.startsWith('/api/v1/') || path === '/api/v1' || path === '/healthz') return app.fetch(request)
    if (path.startsWith('/api/v2/')) {
      const live = await app.fetch(request)
      if (live.status < 500) return live
      return files(request) ?? live
    }
    return files(request) ?? notFoundPage(publicDir) ?? app.fetch(request)
  }
}
