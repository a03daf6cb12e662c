import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { migrate } from '../db/migrate.node.ts'
import { openDatabase } from '../db/open.node.ts'

const ROOT = join(import.meta.dirname, '..')
const ENTRY = join(ROOT, 'site/dist/server/entry.mjs')

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated database file that tests copy (tests/fixtures/test-db.ts). */
    migratedDbFile: string
  }
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Tests render the real site: build it first when its sources are newer than the build. */
function buildSiteIfStale() {
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

/** Before a project's tests: the site built, and one migrated database for them to copy. */
export default async function setup({ provide }: TestProject) {
  buildSiteIfStale()
  const dir = mkdtempSync(join(tmpdir(), 'amends-base-'))
  const file = join(dir, 'base.db')
  const db = await openDatabase(`file:${file}`)
  await migrate(db)
  await db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  provide('migratedDbFile', file)
  return () => rmSync(dir, { recursive: true, force: true })
}
