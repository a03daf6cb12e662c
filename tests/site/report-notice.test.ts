import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeComponent } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const home = (dir: string) => readFileSync(join(dir, 'index.html'), 'utf8')
const NOTICE = 'We’re looking into reports of problems with'

async function spike(t: TestApp, component?: string) {
  for (let n = 1; n <= 5; n++) {
    const res = await t.api(
      'POST',
      '/api/v1/feedback',
      { message: `Broken (${n})`, ...(component ? { component } : {}) },
      { token: null, headers: { 'x-forwarded-for': `203.0.113.${n}` } },
    )
    expect(res.status).toBe(202)
  }
  const [draft] = (await t.api('GET', '/api/v1/drafts?state=open')).body as any[]
  return draft
}

describe('REPORT_BANNER: the page says reports are being looked into', () => {
  it('shows while the reports draft is open, names the component (escaped), and goes on dismissal', async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: 'true', REPORT_BANNER: 'true' } })
    const c = await makeComponent(t, { name: 'Checkout & <Pay>' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    expect(home(outDir)).not.toContain(NOTICE)

    const draft = await spike(t, c.id)
    await publisher.catchUp()
    expect(home(outDir)).toContain(`${NOTICE} Checkout &amp; &lt;Pay&gt;.`)
    // Nothing else says there is an incident: the banner is still the components' roll-up.
    expect(home(outDir)).toContain('All Systems Operational')

    const dismissed = await t.api('POST', `/api/v1/drafts/${draft.id}/dismiss`, {
      reason: 'A customer-side network problem',
    })
    expect(dismissed.status).toBe(200)
    await publisher.catchUp()
    expect(home(outDir)).not.toContain(NOTICE)
  })

  it('goes when the draft is published: the incident speaks from then on', async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: 'true', REPORT_BANNER: 'true' } })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const draft = await spike(t)
    await publisher.catchUp()
    expect(home(outDir)).toContain(
      'We’re looking into reports of problems and will post an update here.',
    )
    expect((await t.api('POST', `/api/v1/drafts/${draft.id}/publish`, {})).status).toBe(201)
    await publisher.catchUp()
    expect(home(outDir)).not.toContain('looking into reports')
    expect(home(outDir)).toContain('Service disruption')
  })

  it('is off unless REPORT_BANNER is set', async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: 'true' } })
    const c = await makeComponent(t, { name: 'Checkout' })
    const { publisher, outDir } = await publisherFor(t)
    await spike(t, c.id)
    await publisher.publishAll()
    expect(home(outDir)).not.toContain('looking into reports')
  })
})
