import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const ENTRY = join(ROOT, 'site/dist/server/entry.mjs')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Tests render the real site: build it first when its sources are newer than the build. */
export default function setup() {
  const sources = Math.max(
    newestMtime(join(ROOT, 'site/src')),
    newestMtime(join(ROOT, 'core')),
    newestMtime(join(ROOT, 'site/adapter')),
  )
  if (existsSync(ENTRY) && statSync(ENTRY).mtimeMs >= sources) return
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/astro/bin/astro.mjs'), 'build', '--root', 'site', '--silent'],
    {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    },
  )
}
