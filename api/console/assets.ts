import type { Hono } from 'hono'
import type { AppEnv } from '../env.ts'
import { CONSOLE_CSS } from './assets/console-css.ts'
import { CONSOLE_JS } from './assets/console-js.ts'

// A short content hash in each URL: the files are cached for a year, and a new version is a
// new URL, so nobody runs yesterday's script against today's pages.
function version(text: string): string {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return (h >>> 0).toString(36)
}

export const ASSETS = {
  css: `/admin/assets/console.${version(CONSOLE_CSS)}.css`,
  js: `/admin/assets/console.${version(CONSOLE_JS)}.js`,
} as const

const FILES: Record<string, { type: string; body: string }> = {
  [ASSETS.css]: { type: 'text/css; charset=utf-8', body: CONSOLE_CSS },
  [ASSETS.js]: { type: 'text/javascript; charset=utf-8', body: CONSOLE_JS },
}

/** Serves the console's stylesheet and script (no session needed: they hold nothing private). */
export function mountConsoleAssets(app: Hono<AppEnv>): void {
  app.get('/admin/assets/:file', (c) => {
    const file = FILES[c.req.path]
    if (!file) return c.notFound()
    return c.body(file.body, 200, {
      'content-type': file.type,
      'cache-control': 'public, max-age=31536000, immutable',
    })
  })
}
