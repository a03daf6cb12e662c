import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../api/app.ts'
import type { Deps } from '../../api/deps.ts'
import { createPublisher, readPublishedState } from '../../api/jobs/publisher.node.ts'
import { loadSiteRenderer } from '../../api/jobs/site-renderer.node.ts'
import { latestOutboxId } from '../../db/journal.ts'
import { openDatabase } from '../../db/open.node.ts'
import { getSetting, RESTORED_AT } from '../../db/settings.ts'
import { makeComponent, makeIncident, makeMaintenance } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { ADMIN_TOKEN, createTestApp } from '../fixtures/test-app.ts'

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

function allFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  )
}

describe('publisher', () => {
  it('a full build writes every page, feed and v2 document', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'Payments API' })
    const inc = await makeIncident(t, {
      name: 'Card charges failing',
      components: { [a.id]: 'major_outage' },
    })
    const m = await makeMaintenance(t, { name: 'Database upgrade', components: [a.id] })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const files = allFiles(outDir)
    for (const f of [
      'index.html',
      `incidents/${inc.id}/index.html`,
      `maintenance/${m.id}/index.html`,
      'history/index.html',
      'history/2026-03/index.html',
      'uptime/index.html',
      'report/index.html',
      'subscribe/index.html',
      '404.html',
      'history.rss',
      'history.atom',
      'api/v2/summary.json',
      'api/v2/incidents/unresolved.json',
      'api/v2/scheduled-maintenances/upcoming.json',
    ]) {
      expect(files, f).toContain(f)
    }
    expect(read(outDir, 'index.html')).toContain('Card charges failing')
    expect(read(outDir, `incidents/${inc.id}/index.html`)).toContain(
      'We are looking into failed payments.',
    )
    expect(JSON.parse(read(outDir, 'api/v2/summary.json')).incidents[0].id).toBe(inc.id)
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([])
  })

  it('an update re-renders only what it touched, and the pages show it', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'Payments API' })
    const inc = await makeIncident(t, { components: { [a.id]: 'major_outage' } })
    const other = await makeIncident(t, { name: 'Unrelated' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const otherPage = join(outDir, `incidents/${other.id}/index.html`)
    const before = statSync(otherPage).mtimeMs
    await new Promise((r) => setTimeout(r, 20))
    t.clock.advance(60_000)
    await t.api('POST', `/api/v1/incidents/${inc.id}/updates`, {
      status: 'identified',
      body: 'The card processor dropped our connections.',
      workaround: 'Retry in a minute; no card is charged twice.',
    })
    expect(await publisher.catchUp()).toBe(1)
    for (const f of ['index.html', `incidents/${inc.id}/index.html`]) {
      const html = read(outDir, f)
      expect(html, f).toContain('The card processor dropped our connections.')
      expect(html, f).toContain('Retry in a minute; no card is charged twice.')
    }
    expect(read(outDir, 'history.rss')).toContain('The card processor dropped our connections.')
    expect(read(outDir, 'history.atom')).toContain('The card processor dropped our connections.')
    expect(
      JSON.parse(read(outDir, 'api/v2/incidents.json')).incidents.find((i: any) => i.id === inc.id)
        .status,
    ).toBe('identified')
    expect(statSync(otherPage).mtimeMs).toBe(before)
    // The incident's month in the history shows its new status too.
    expect(read(outDir, 'history/2026-03/index.html')).toMatch(/Identified/)
    expect(JSON.parse(read(outDir, '.published.json')).event_id).toBe(
      Number((await t.deps.db.execute('SELECT MAX(id) AS id FROM outbox')).rows[0]!.id),
    )
    expect(await publisher.catchUp()).toBe(0)
  })

  it('catches up after losing its state (the output is rebuilt, nothing is missed)', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t)
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    rmSync(join(outDir, '.published.json'))
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, { body: 'Back to normal.' })
    await publisher.catchUp()
    expect(read(outDir, `incidents/${inc.id}/index.html`)).toContain('Back to normal.')
    expect(existsSync(join(outDir, '.published.json'))).toBe(true)
  })

  it('user-written text is inert on every page type', async () => {
    const t = await createTestApp()
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))'
    const a = await makeComponent(t, { name: '<b onmouseover=alert(4)>API</b>' })
    const inc = await makeIncident(t, {
      name: `<script>alert(5)</script>`,
      body: evil,
      workaround: evil,
      components: { [a.id]: 'partial_outage' },
    })
    const m = await makeMaintenance(t, {
      name: '<svg onload=alert(6)>',
      body: evil,
      components: [a.id],
    })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    for (const f of [
      'index.html',
      `incidents/${inc.id}/index.html`,
      `maintenance/${m.id}/index.html`,
      'history/index.html',
      'uptime/index.html',
    ]) {
      const html = read(outDir, f)
      // Live markup only: escaped text such as &lt;script&gt; is harmless and expected. The one
      // image is the brand's logo (the demo's, published from BRAND_LOGO).
      expect(html, f).not.toMatch(
        /<script>alert|<img(?! src="\/brand\/logo\.svg" alt="")|<svg onload|<[^>]+\son\w+=|href="javascript:/i,
      )
    }
    const summary = read(outDir, 'api/v2/summary.json')
    expect(JSON.parse(summary).incidents[0].incident_updates[0].body).toBe(evil)
    expect(summary).not.toMatch(/_html/)
  })
})

describe('publisher after a restore another writer has already written past (decision 005)', () => {
  const VARIANTS = ['another publisher noticed the restore first', 'a writer that did not notice']
  it(`republishes it all and drops the erased pages (${VARIANTS.length} variants)`, async () => {
    const renderer = await loadSiteRenderer()
    for (const variant of VARIANTS) {
      const t = await createTestApp()
      await makeIncident(t, { name: 'Kept in the backup' })
      const { publisher, outDir } = await publisherFor(t)
      // A second server with its own publish folder.
      const otherDir = tempDir('public')
      const other = createPublisher({ deps: t.deps, renderer, outDir: otherDir })
      await publisher.catchUp()
      const file = join(tempDir('backup'), 'backup.db')
      await t.deps.db.execute({ sql: 'VACUUM INTO ?', args: [file] })
      t.clock.advance(60_000)
      const lost = await makeIncident(t, { name: 'Lost by the restore' })
      await publisher.catchUp()
      await other.catchUp()
      const seen = readPublishedState(outDir)!.event_id
      const lostPage = join(outDir, `incidents/${lost.id}/index.html`)
      expect(existsSync(lostPage), variant).toBe(true)

      // The backup is restored; another server (its own publish folder) or a Worker writes
      // first, past the position this folder saw.
      const restored: Deps = { ...t.deps, db: await openDatabase(`file:${file}`) }
      t.clock.advance(60_000)
      if (variant === VARIANTS[0]) {
        await createPublisher({ deps: restored, renderer, outDir: otherDir }).catchUp()
      }
      const restoredAt = await getSetting(restored.db, RESTORED_AT)
      const app = createApp(restored)
      for (let i = 0; (await latestOutboxId(restored.db)) <= seen; i++) {
        const res = await app.request('/api/v1/incidents', {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            name: `After the restore ${i}`,
            status: 'investigating',
            impact: 'minor',
            body: 'Written on the restored database.',
            components: {},
          }),
        })
        expect(res.status, variant).toBe(201)
      }
      t.clock.advance(60_000)
      await createPublisher({ deps: restored, renderer, outDir }).catchUp()

      const home = read(outDir, 'index.html')
      expect(home, variant).toContain('Kept in the backup')
      expect(home, variant).toContain('After the restore 0')
      expect(home, variant).not.toContain('Lost by the restore')
      expect(existsSync(lostPage), variant).toBe(false)
      // The restore is recorded once: by whoever noticed it first.
      const recorded = await getSetting(restored.db, RESTORED_AT)
      expect(recorded, variant).not.toBeNull()
      if (restoredAt) expect(recorded, variant).toBe(restoredAt)
      else expect(recorded, variant).toBe(t.clock.now().toISOString())
      expect(restoredAt !== null, variant).toBe(variant === VARIANTS[0])
      restored.db.close()
    }
  })
})

describe('publisher refresh', () => {
  it('re-renders open incidents so "ongoing for" stays true without JavaScript', async () => {
    const t = await createTestApp()
    const inc = await makeIncident(t, { name: 'Still broken' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    expect(read(outDir, `incidents/${inc.id}/index.html`)).toMatch(/ongoing for 0 min/)
    t.clock.advance(42 * 60_000)
    expect(await publisher.refreshOpen()).toBeGreaterThan(0)
    expect(read(outDir, `incidents/${inc.id}/index.html`)).toMatch(/ongoing for 42 min/)
    expect(read(outDir, 'index.html')).toMatch(/ongoing for 42 min/)
  })
})

describe('making amends on the site', () => {
  it('the incident page, history and feeds carry the apology, the credit and the published post-mortem', async () => {
    const t = await createTestApp({ now: '2026-03-01T00:00:00.000Z' })
    const pay = await makeComponent(t, { name: 'Payments API' })
    t.clock.set('2026-03-10T10:00:00.000Z')
    const inc = await makeIncident(t, {
      name: 'Payments down',
      impact: 'critical',
      components: { [pay.id]: 'major_outage' },
    })
    t.clock.set('2026-03-10T13:12:00.000Z')
    await t.api('POST', `/api/v1/incidents/${inc.id}/resolve`, {
      apology: 'We are **sorry**: for over three hours your customers could not pay you.',
    })
    await t.api('PUT', `/api/v1/incidents/${inc.id}/compensation`, { decision: 'accepted' })
    await t.api('PUT', `/api/v1/incidents/${inc.id}/postmortem`, {
      body: '## Root cause\n\nA certificate expired unnoticed.',
    })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const draftPage = read(outDir, `incidents/${inc.id}/index.html`)
    expect(draftPage).toContain('<strong>sorry</strong>')
    expect(draftPage).toMatch(
      /Because Payments API was unavailable for 3 h 12 min this month, your account receives a \d+% service credit\./,
    )
    expect(draftPage).not.toContain('A certificate expired unnoticed.')

    await t.api('POST', `/api/v1/incidents/${inc.id}/postmortem/publish`, { notify: false })
    await publisher.catchUp()
    const page = read(outDir, `incidents/${inc.id}/index.html`)
    expect(page).toContain('Post-mortem')
    expect(page).toContain('A certificate expired unnoticed.')
    expect(read(outDir, 'history/index.html')).toContain(`/incidents/${inc.id}/#pm-h`)
    expect(read(outDir, 'history.rss')).toContain('A certificate expired unnoticed.')
    expect(read(outDir, 'history.atom')).toContain('A certificate expired unnoticed.')
  })
})

describe('subscribe page', () => {
  it('its form, posted as a browser without JavaScript would, requests a confirmation', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'Payments API' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const html = read(outDir, 'subscribe/index.html')
    expect(html).toContain('action="/subscribe"')
    expect(html).toContain(`value="${a.id}"`)
    const res = await t.app.request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        email: 'ada@example.org',
        components: a.id,
        locale: 'en',
        website: '',
      }).toString(),
    })
    expect(res.status).toBe(200)
    const events = await t.deps.db.execute(
      "SELECT type FROM outbox WHERE type = 'subscriber.confirmation_requested'",
    )
    expect(events.rows).toHaveLength(1)
  })

  it('links the other ways to subscribe that are offered, each to its own form', async () => {
    const t = await createTestApp({ env: { SUBSCRIBE_CHANNELS: 'email,slack,webhook,sms' } })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const html = read(outDir, 'subscribe/index.html')
    // SMS is left out: no provider is configured.
    const nav = html.slice(html.indexOf('aria-label="Ways to get updates"'))
    const tabs = [
      ...nav
        .slice(0, nav.indexOf('</nav>'))
        .matchAll(/<a href="(\/subscribe\/[a-z]*)"[^>]*>([^<]+)<\/a>/g),
    ].map((m) => [m[1], m[2]!.trim()])
    expect(tabs).toEqual([
      ['/subscribe/', 'Email'],
      ['/subscribe/webhook', 'Webhook'],
      ['/subscribe/slack', 'Slack'],
    ])
    expect(html).toMatch(/<a href="\/subscribe\/"[^>]*aria-current="page"/)
    for (const [path] of tabs.slice(1)) expect((await t.app.request(path!)).status, path).toBe(200)
    const only = await createTestApp({ env: { SUBSCRIBE_CHANNELS: 'email' } })
    const single = await publisherFor(only)
    await single.publisher.publishAll()
    expect(read(single.outDir, 'subscribe/index.html')).not.toContain('Ways to get updates')
  })
})
