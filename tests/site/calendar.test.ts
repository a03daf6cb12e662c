import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { calendars } from '../../api/services/calendar.ts'
import { createStaticFiles } from '../../api/static.node.ts'
import { readCalendar, textOf } from '../fixtures/calendar.ts'
import { makeComponent, makeMaintenance } from '../fixtures/factories.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'

const HOST = 'status.example.com'
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

/** Every window the API lists, as the calendar should show it. */
async function apiWindows(t: TestApp) {
  const res = await t.api('GET', '/api/v1/maintenances?per_page=100')
  expect(res.status).toBe(200)
  return res.body as {
    id: string
    name: string
    scheduled_for: string
    scheduled_until: string
    cancelled_at: string | null
    shortlink: string
  }[]
}

/** The published calendar says what the API says, window by window. */
async function expectMatchesApi(t: TestApp, ics: string) {
  const cal = readCalendar(ics)
  expect(cal.problems).toEqual([])
  const windows = await apiWindows(t)
  expect(cal.events.map((e) => e.uid).sort()).toEqual(windows.map((w) => `${w.id}@${HOST}`).sort())
  for (const w of windows) {
    const e = cal.byUid.get(`${w.id}@${HOST}`)!
    expect(textOf(e.summary)).toBe(`Maintenance: ${w.name}`)
    expect(new Date(e.start).toISOString()).toBe(w.scheduled_for)
    expect(new Date(e.end!).toISOString()).toBe(w.scheduled_until)
    expect(e.status).toBe(w.cancelled_at ? 'CANCELLED' : 'CONFIRMED')
    expect(textOf(e.url)).toBe(w.shortlink)
  }
  return cal
}

describe('/maintenance.ics, published with the site', () => {
  it('a full publish writes it, served as text/calendar, and linked from the pages', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'Payments API' })
    const m = await makeMaintenance(t, { name: 'Database upgrade', components: [a.id] })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const ics = read(outDir, 'maintenance.ics')
    expect(ics).toBe(await calendars.site(t.deps))
    await expectMatchesApi(t, ics)

    const res = createStaticFiles(outDir)(new Request(`https://${HOST}/maintenance.ics`))!
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    expect(await res.text()).toBe(ics)

    const home = read(outDir, 'index.html')
    expect(home).toMatch(
      /<link rel="alternate" type="text\/calendar"[^>]*href="\/maintenance\.ics"/,
    )
    expect(home).toContain(`href="webcal://${HOST}/maintenance.ics"`)
    expect(read(outDir, `maintenance/${m.id}/index.html`)).toContain(
      `href="webcal://${HOST}/maintenance.ics"`,
    )
  })

  it('a maintenance event re-publishes it: rescheduled, bumped, cancelled, as the API says', async () => {
    const t = await createTestApp()
    const a = await makeComponent(t, { name: 'Payments API' })
    const m = await makeMaintenance(t, { name: 'Database upgrade', components: [a.id] })
    const other = await makeMaintenance(t, { name: 'Cache flush' })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const before = readCalendar(read(outDir, 'maintenance.ics')).byUid.get(`${m.id}@${HOST}`)!

    t.clock.advance(60_000)
    const patch = await t.api('PATCH', `/api/v1/maintenances/${m.id}`, {
      scheduled_for: '2026-03-20T22:00:00.000Z',
      scheduled_until: '2026-03-21T00:00:00.000Z',
    })
    expect(patch.status).toBe(200)
    expect(await publisher.catchUp()).toBe(1)
    const moved = await expectMatchesApi(t, read(outDir, 'maintenance.ics'))
    const e = moved.byUid.get(`${m.id}@${HOST}`)!
    expect(e.sequence).toBeGreaterThan(before.sequence!)
    expect(new Date(e.start).toISOString()).toBe('2026-03-20T22:00:00.000Z')

    t.clock.advance(60_000)
    expect((await t.api('POST', `/api/v1/maintenances/${other.id}/cancel`, {})).status).toBe(201)
    expect(await publisher.catchUp()).toBe(1)
    const ics = read(outDir, 'maintenance.ics')
    const cal = await expectMatchesApi(t, ics)
    expect(cal.byUid.get(`${other.id}@${HOST}`)!.status).toBe('CANCELLED')
    expect(ics).toBe(await calendars.site(t.deps))

    // A component's new name reaches the descriptions.
    await t.api('PATCH', `/api/v1/components/${a.id}`, { name: 'Payments' })
    expect(await publisher.catchUp()).toBe(1)
    expect(
      readCalendar(read(outDir, 'maintenance.ics')).byUid.get(`${m.id}@${HOST}`)!.description,
    ).toContain('In this maintenance: Payments\n')
  })

  it('keeps the last 90 days of past windows and every upcoming one', async () => {
    const t = await createTestApp()
    const old = await makeMaintenance(t, { name: 'Long ago' })
    const recent = await makeMaintenance(t, { name: 'Recently' })
    // Both are done; then time passes until only one is within the horizon.
    for (const status of ['in_progress', 'completed']) {
      const res = await t.api('POST', `/api/v1/maintenances/${old.id}/updates`, {
        status,
        body: 'Moving on.',
      })
      expect(res.status).toBe(201)
    }
    t.clock.advance(60 * 86_400_000)
    await t.api('PATCH', `/api/v1/maintenances/${recent.id}`, {
      scheduled_for: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
      scheduled_until: new Date(t.clock.now().getTime() + 7_200_000).toISOString(),
    })
    t.clock.advance(40 * 86_400_000)
    const upcoming = await makeMaintenance(t, { name: 'Next week' })
    const uids = readCalendar(await calendars.site(t.deps)).events.map((e) => e.uid)
    expect(uids.sort()).toEqual([`${recent.id}@${HOST}`, `${upcoming.id}@${HOST}`].sort())
  })
})
