// Every page type the publisher writes is valid HTML (html-validate), and is served to browsers
// with the headers a CDN and a browser cache need.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate'
import { describe, expect, it } from 'vitest'
import { seedDemo } from '../../api/seed/demo.ts'
import { serveSite } from '../fixtures/browser.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const ROOT = join(import.meta.dirname, '../..')

/** The project's html-validate config when it has one; otherwise the recommended preset as is. */
function validator(): HtmlValidate {
  const own = [
    '.htmlvalidate.json',
    '.htmlvalidate.js',
    '.htmlvalidate.mjs',
    '.htmlvalidate.cjs',
  ].some((f) => existsSync(join(ROOT, f)))
  return own
    ? new HtmlValidate(new FileSystemConfigLoader())
    : new HtmlValidate({
        extends: ['html-validate:recommended'],
        // A group of checkboxes sharing one name is how HTML sends a list ("components" on the
        // subscribe form); the preset only allows radios to share.
        rules: {
          'form-dup-name': [
            'error',
            { shared: ['radio', 'checkbox', 'button', 'reset', 'submit'] },
          ],
        },
      })
}

const MARKDOWN = [
  'Card charges fail for **some** customers. What we know:',
  '',
  '- EU cards are affected',
  '- US cards work',
  '  1. nested ordered item',
  '',
  'Details on [our processor status](https://processor.example.com/status) and in `error 503`.',
  '',
  '```',
  'curl -i https://api.example.com/v1/charges',
  '```',
  '',
  '| Region | Failure rate |',
  '| --- | ---: |',
  '| EU | 12% |',
  '| US | 0% |',
  '',
  '> Quoted note from the processor.',
].join('\n')

/** The demo data, plus an incident whose body and workaround use lists, links, code and a table. */
async function publishedSite(t: TestApp) {
  await seedDemo(t.deps)
  const comp = await makeComponent(t, { name: 'Card processing' })
  const inc = await makeIncident(t, {
    name: 'Card charges failing in the EU',
    body: MARKDOWN,
    workaround:
      'Use `retry=1`, or see [the guide](https://docs.example.com/retry):\n\n1. wait\n2. retry',
    components: { [comp.id]: 'partial_outage' },
  })
  const { body: maints } = await t.api('GET', '/api/v1/maintenances')
  const { publisher, outDir } = await publisherFor(t)
  await publisher.publishAll()
  const month = t.clock.now().toISOString().slice(0, 7)
  const pages: Record<string, string> = {
    home: '/',
    incident: `/incidents/${inc.id}/`,
    maintenance: `/maintenance/${(maints as { id: string }[])[0]!.id}/`,
    history: '/history/',
    month: `/history/${month}/`,
    uptime: '/uptime/',
    report: '/report/',
    subscribe: '/subscribe/',
  }
  return { outDir, pages, incidentId: inc.id as string }
}

const fileOf = (path: string) => `${path.slice(1)}index.html`

describe('published HTML', () => {
  it('every page type is valid HTML (html-validate, recommended rules)', async () => {
    const t = await createTestApp()
    const { outDir, pages } = await publishedSite(t)
    const html = validator()
    const files = [...Object.values(pages).map(fileOf), '404.html']
    const problems: string[] = []
    for (const file of files) {
      const source = readFileSync(join(outDir, file), 'utf8')
      const report = await html.validateString(source, file)
      for (const r of report.results) {
        for (const m of r.messages) {
          problems.push(
            `${file}:${m.line}:${m.column} ${m.ruleId} ${m.message}\n    ${m.selector ?? ''}`,
          )
        }
      }
    }
    // The markdown incident really has the constructs this test is about.
    const incident = readFileSync(join(outDir, fileOf(pages.incident!)), 'utf8')
    for (const tag of [
      '<ul>',
      '<ol>',
      '<table>',
      '<pre>',
      '<code>',
      '<blockquote>',
      '<a href="https://processor.example.com/status"',
    ]) {
      expect(incident, tag).toContain(tag)
    }
    expect(problems, `html-validate:\n${problems.join('\n')}`).toEqual([])
  })

  it('pages are served with type, ETag and CDN cache headers; a conditional GET answers 304', async () => {
    const t = await createTestApp()
    const { outDir, pages } = await publishedSite(t)
    const base = await serveSite(t, outDir)
    for (const path of Object.values(pages)) {
      const res = await fetch(base + path, { headers: { 'accept-encoding': 'gzip' } })
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8')
      const etag = res.headers.get('etag')
      expect(etag, path).toMatch(/^(W\/)?"[^"]+"$/)
      const cache = res.headers.get('cache-control') ?? ''
      expect(cache, path).toMatch(/\bmax-age=\d+/)
      expect(cache, path).toMatch(/\bstale-while-revalidate=\d+/)
      expect(cache, path).toMatch(/\bstale-if-error=\d+/)
      expect((await res.text()).length, path).toBeGreaterThan(0)

      const again = await fetch(base + path, {
        headers: { 'if-none-match': etag!, 'accept-encoding': 'gzip' },
      })
      expect(again.status, `${path} conditional GET`).toBe(304)
      expect(await again.text(), path).toBe('')
      expect(again.headers.get('etag'), path).toBe(etag)
    }
    // The not-found page is HTML too, with its status.
    const missing = await fetch(`${base}/no-such-page/`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await missing.text()).toContain('<html')
  })
})
