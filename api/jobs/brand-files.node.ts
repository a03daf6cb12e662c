// The brand's files (BRAND_LOGO, BRAND_FAVICON, BRAND_CSS) copied into the published site at the
// paths the pages link to (brandPaths), so the page never loads them from elsewhere.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type { Config } from '../config.ts'
import { brandPaths } from '../services/site-data.ts'
import { writePublishedFile } from './published-file.node.ts'

const REPO = resolve(import.meta.dirname, '../..')

/** A relative path is read from the working directory, else from the repository (the demo's logo). */
function located(file: string): string | null {
  const tries = isAbsolute(file) ? [file] : [resolve(file), resolve(REPO, file)]
  return tries.find((f) => existsSync(f) && statSync(f).isFile()) ?? null
}

const VARIABLES = { logo: 'BRAND_LOGO', favicon: 'BRAND_FAVICON', css: 'BRAND_CSS' } as const

/** Publishes each configured brand file; a missing one fails naming its variable and path. */
export function publishBrandFiles(brand: Config['brand'], outDir: string): number {
  const files = { logo: brand.logoFile, favicon: brand.faviconFile, css: brand.cssFile }
  const paths = brandPaths(brand)
  let copied = 0
  for (const key of ['logo', 'favicon', 'css'] as const) {
    const from = files[key]
    const to = paths[key]
    if (!from || !to) continue
    const source = located(from)
    if (!source) throw new Error(`${VARIABLES[key]} names a file that does not exist: ${from}`)
    // Swapped in whole (a reader never sees half a stylesheet), with its `.gz`.
    writePublishedFile(join(outDir, to), readFileSync(source))
    copied++
  }
  return copied
}
