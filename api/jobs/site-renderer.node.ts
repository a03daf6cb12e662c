import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { RouteData } from '../../core/site-data.ts'
import type { FragmentCache } from './fragment-cache.ts'

export const SITE_DIST = join(import.meta.dirname, '../../site/dist')

interface AstroApp {
  render(
    request: Request,
    options: { locals: { route: RouteData; fragments?: FragmentCache } },
  ): Promise<Response>
}

export interface SiteRenderer {
  /**
   * Renders one route of the Astro site with its data, as the file's bytes; throws unless the
   * page rendered. With `fragments`, parts whose inputs were rendered before are reused from it
   * (Reuse.astro).
   */
  renderFile(path: string, route: RouteData, fragments?: FragmentCache): Promise<Uint8Array>
  /** renderFile as text. */
  render(path: string, route: RouteData, fragments?: FragmentCache): Promise<string>
  /** Identifies this build of the site, so a new build triggers a full re-render. */
  buildId: string
  clientDir: string
}

/**
 * Loads the site's server build once (~100 ms); rendering a page is then a function call. Astro
 * reports a failed render as a 500 with an empty body, so the status is checked here.
 */
export async function loadSiteRenderer(dist = SITE_DIST): Promise<SiteRenderer> {
  const entry = join(dist, 'server/entry.mjs')
  if (!existsSync(entry)) {
    throw new Error(
      `The status site is not built (${entry} is missing): run \`npm run build:site\``,
    )
  }
  const { app } = (await import(pathToFileURL(entry).href)) as { app: AstroApp }
  const renderFile: SiteRenderer['renderFile'] = async (path, route, fragments) => {
    const res = await app.render(new Request(`http://amends.invalid${path}`), {
      locals: { route, fragments },
    })
    const expected = route.kind === 'not-found' ? [200, 404] : [200]
    // The bytes Astro encoded, as they are written: decoding them only to encode them again
    // cost as much as rendering the home page's reused parts.
    const bytes = await res.bytes()
    if (!expected.includes(res.status) || bytes.length === 0) {
      throw new Error(`Rendering ${path} failed with status ${res.status}`)
    }
    return bytes
  }
  return {
    buildId: String(statSync(entry).mtimeMs),
    clientDir: join(dist, 'client'),
    renderFile,
    render: async (path, route, fragments) =>
      new TextDecoder().decode(await renderFile(path, route, fragments)),
  }
}
