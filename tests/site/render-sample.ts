// Renders every sample route (tests/fixtures/site-sample.ts) with the built site, the way the
// publisher does, and writes the pages to test-artifacts/site-sample/ for screenshots, axe and
// html-validate. Build first: `npx astro build --root site`. Run: `node tests/site/render-sample.ts`.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { RouteData } from '../../core/site-data.ts'
import { sampleRoutes } from '../fixtures/site-sample.ts'

interface AstroApp {
  render(request: Request, options: { locals: { route: RouteData } }): Promise<Response>
}

const root = join(import.meta.dirname, '../..')
const entry = pathToFileURL(join(root, 'site/dist/server/entry.mjs')).href
const outDir = join(root, 'test-artifacts/site-sample')
const { app } = (await import(entry)) as { app: AstroApp }

let failed = 0
for (const [path, route] of Object.entries(sampleRoutes())) {
  const res = await app.render(new Request(`http://amends.invalid${path}`), { locals: { route } })
  const html = await res.text()
  // The not-found page answers 404, as a web server would; every other page 200.
  const expected = route.kind === 'not-found' ? 404 : 200
  const ok = res.status === expected && html.length > 0
  if (!ok) failed++
  const file = path === '/404/' ? join(outDir, '404.html') : join(outDir, path, 'index.html')
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, html)
  const gz = gzipSync(html, { level: 9 }).length
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${res.status} ${path.padEnd(28)} ${(html.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped`,
  )
}

// A page given data of the wrong kind must fail loudly (the publisher checks the status).
const wrong = sampleRoutes()['/404/']!
const misfit = await app.render(new Request('http://amends.invalid/'), { locals: { route: wrong } })
console.log(
  `${misfit.status === 500 ? 'ok  ' : 'FAIL'} ${misfit.status} / with a '${wrong.kind}' route (expects 500)`,
)
if (misfit.status !== 500) failed++

const home = gzipSync(
  await (
    await app.render(new Request('http://amends.invalid/'), {
      locals: { route: sampleRoutes()['/']! },
    })
  ).text(),
  { level: 9 },
)
console.log(`home page (HTML + inlined CSS): ${home.length} bytes gzipped (budget 14336)`)
if (failed) {
  console.error(`${failed} route(s) failed`)
  process.exit(1)
}
