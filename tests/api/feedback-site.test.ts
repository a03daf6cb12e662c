import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { HtmlValidate } from 'html-validate'
import { describe, expect, it } from 'vitest'
import { loadSiteRenderer } from '../../api/jobs/site-renderer.node.ts'
import { loadSnapshot } from '../../api/services/status.ts'
import { commonFrom } from '../../api/services/site-data.ts'
import type { RouteData } from '../../core/site-data.ts'
import { makeComponent, makeIncident } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp } from '../fixtures/test-app.ts'

// The "are you affected?" form on the static site: a plain POST to /report, no JavaScript.

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] })
async function expectValidHtml(html: string) {
  const report = await validator.validateString(html)
  expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual(
    [],
  )
}

/** The markup without Astro's scoping attributes, whitespace squeezed, for structural assertions. */
const squash = (html: string) =>
  html
    .replace(/ data-astro-cid-\w+(="true")?/g, '')
    .replace(/\s+/g, ' ')
    .replace(/> </g, '><')

describe('feedback form on the site', () => {
  it('each incident page carries the form with its incident id and a bot trap people never meet', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'Payments API' })
    const inc = await makeIncident(t, { components: { [a.id]: 'major_outage' } })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const raw = readFileSync(join(outDir, `incidents/${inc.id}/index.html`), 'utf8')
    const page = squash(raw)
    expect(page).toMatch(/<h2 id="fb-h"[^>]*>Are you affected\? Tell us<\/h2>/)
    expect(page).toMatch(/<form method="post" action="\/report"/)
    expect(page).toMatch(/<label for="fb-message"[^>]*>What is not working for you\?<\/label>/)
    expect(page).toMatch(/<textarea id="fb-message" name="message"[^>]*required/)
    expect(page).toMatch(/<label for="fb-email"/)
    expect(page).toContain(`<input type="hidden" name="incident" value="${inc.id}"`)
    expect(page).toMatch(
      /<div class="hp[^"]*" aria-hidden="true">.*?<input id="fb-website" name="website" type="text" tabindex="-1" autocomplete="off"/,
    )
    expect(page).toContain('href="/report/"')
    await expectValidHtml(raw)

    // Resolved: the question becomes "still affected?".
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, { body: 'Fixed.' })
    await publisher.catchUp()
    const resolved = readFileSync(join(outDir, `incidents/${inc.id}/index.html`), 'utf8')
    expect(resolved).toMatch(/Still affected\? Tell us/)

    // The home page links to the report page but does not carry the form (its 14 KB budget).
    const home = readFileSync(join(outDir, 'index.html'), 'utf8')
    expect(home).toContain('href="/report/"')
    expect(home).not.toContain('action="/report"')
  })

  it('/report/ has the form with a component select from the site data', async () => {
    const t = await createTestApp()
    await makeComponent(t, { name: 'Payments & <Cards>' })
    await makeComponent(t, { name: 'Login' })
    const renderer = await loadSiteRenderer()
    const common = commonFrom(await loadSnapshot(t.deps), t.deps.config)
    // Until the publisher renders the 'report' route kind, render it the way it will.
    const route: RouteData = { kind: 'report', common }
    const raw = await renderer.render('/report/', route)
    const page = squash(raw)
    expect(page).toMatch(/<h1 id="fb-h"[^>]*>Report a problem<\/h1>/)
    expect(page).toMatch(/<a href="\/report\/" aria-current="page"/)
    expect(page).toMatch(/<select id="fb-component" name="component"/)
    expect(page).toContain('<option value="">Not sure / several</option>')
    for (const c of common.components) {
      expect(page).toContain(`<option value="${c.id}"`)
    }
    expect(page).toContain('Payments &amp; &lt;Cards&gt;')
    expect(page).not.toContain('name="incident"')
    await expectValidHtml(raw)
  })
})
