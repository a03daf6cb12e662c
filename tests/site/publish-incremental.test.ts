import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createScheduler } from '../../api/jobs/scheduler.ts'
import { prng } from '../fixtures/prng.ts'
import { randomOperator } from '../fixtures/random-operator.ts'
import { publisherFor } from '../fixtures/site-publish.ts'
import { tempDir } from '../fixtures/temp-dir.ts'
import { createTestApp, type TestApp } from '../fixtures/test-app.ts'
import { diffTrees, formatDifferences } from '../fixtures/tree-diff.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * A full build into a fresh folder, at the clock's time: what the incremental folder must equal.
 * It reuses no rendered part (not even within itself), so a part reused under a key that misses
 * one of its inputs shows up as a difference.
 */
async function fullBuild(t: TestApp) {
  const { publisher, outDir } = await publisherFor(t, { reuse: false })
  await publisher.publishAll()
  return outDir
}

/** Minutes mostly, hours often, days sometimes: the gaps between an operator's actions. */
function gap(rnd: ReturnType<typeof prng>): number {
  const r = rnd.next()
  if (r < 0.55) return rnd.int(1, 59) * MINUTE
  if (r < 0.85) return rnd.int(1, 12) * HOUR + rnd.int(0, 59) * MINUTE
  return rnd.int(1, 3) * DAY + rnd.int(0, 23 * 60) * MINUTE
}

/**
 * Each run starts near a month's end, so the events cross days and a month; the Berlin and New
 * York runs also cross a daylight-saving change (29 March and 1 November 2026).
 */
const RUNS = [
  { seed: 1, zone: 'Europe/Berlin', start: '2026-03-26T21:30:00.000Z' },
  { seed: 2, zone: 'America/New_York', start: '2026-10-28T15:00:00.000Z' },
  { seed: 3, zone: 'Etc/UTC', start: '2026-01-29T08:00:00.000Z' },
]
const EVENTS = 40
const CHECKPOINTS = [14, 27, EVENTS]
/** Actions at one clock time before each checkpoint, after the refresher ran at that time. */
const BURST = 4

/**
 * The contract (issue 14): after refreshOpen() at a time T and catchUp() of every event written
 * at T, the incremental folder holds exactly the bytes a full build at T writes, dot-files aside.
 */
describe('incremental publishing equals a full build, byte for byte', () => {
  for (const run of RUNS) {
    const name = `after ${EVENTS} random operator actions (seed ${run.seed}, ${run.zone})`
    // About 15 s of CPU per run; generous for a 2-core machine shared with other test runs.
    it(name, { timeout: 180_000 }, async () => {
      const t = await createTestApp({
        now: run.start,
        env: { AMENDS_DEMO: 'true', LOCALES: 'en,zh-CN', TIME_ZONE: run.zone },
      })
      const rnd = prng(run.seed)
      const operator = randomOperator(t, rnd)
      const scheduler = createScheduler(t.deps)
      const log: string[] = []
      for (const name of ['component.create', 'component.create', 'group.create'] as const) {
        log.push(await operator.do(name))
      }
      const a = await publisherFor(t)
      await a.publisher.publishAll()
      const startMonth = t.clock.now().toLocaleDateString('en-CA', { timeZone: run.zone })
      let checked = 0
      for (let i = 1; i <= EVENTS; i++) {
        const checkpoint = CHECKPOINTS.find((c) => c >= i)!
        const inBurst = checkpoint - i < BURST
        // The clock moves between actions, except during the burst before a checkpoint: those
        // actions all happen at the time the full build runs, just after the refresher ran.
        if (!inBurst || checkpoint - i === BURST - 1) {
          t.clock.advance(gap(rnd))
          // The server's scheduler starts and completes maintenance windows when they are due.
          for (const m of await scheduler.tick()) log.push(`scheduler ${JSON.stringify(m)}`)
        }
        if (checkpoint - i === BURST - 1) {
          // What the server's refresher does every few minutes: pages that age with the
          // clock ("ongoing for 42 min", today's uptime) are brought up to this time.
          await a.publisher.catchUp()
          await a.publisher.refreshOpen()
        }
        log.push(`${i} ${t.clock.now().toISOString()} ${await operator.act()}`)
        // A publisher that keeps up, or one that finds several events at once.
        if (rnd.chance(0.7) || i === checkpoint) await a.publisher.catchUp()
        if (!inBurst && rnd.chance(0.15)) await a.publisher.refreshOpen()
        if (i !== checkpoint) continue
        const b = await fullBuild(t)
        const diffs = diffTrees(a.outDir, b)
        expect(
          diffs,
          `seed ${run.seed}, after event ${i} at ${t.clock.now().toISOString()}; ` +
            `events since the last equal check:\n${log.slice(checked).join('\n')}\n` +
            formatDifferences(diffs),
        ).toEqual([])
        checked = log.length
      }
      // The run crossed a month in the page's zone, so the history's months were exercised.
      const endMonth = t.clock.now().toLocaleDateString('en-CA', { timeZone: run.zone })
      expect(endMonth.slice(0, 7)).not.toBe(startMonth.slice(0, 7))
    })
  }

  it('within one minute, what the reused uptime bars and incident lines show still follows every change', async () => {
    // The clock stands still: nothing ages, so only the changes themselves can make a page differ,
    // and a summary or a view reused from the previous publish must still be right.
    const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await t.api(method, path, body)
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
      return res.body as { id: string }
    }
    const a = await api('POST', '/api/v1/components', { name: 'Checkout' })
    const b = await api('POST', '/api/v1/components', { name: 'Search' })
    const old = await api('POST', '/api/v1/incidents', {
      name: 'Slow checkout',
      status: 'investigating',
      impact: 'minor',
      body: 'Looking.',
      components: { [a.id]: 'degraded_performance' },
    })
    await api('POST', `/api/v1/incidents/${old.id}/updates`, { status: 'resolved', body: 'Fixed.' })
    const open = await api('POST', '/api/v1/incidents', {
      name: 'Search errors',
      status: 'investigating',
      impact: 'major',
      body: 'Looking.',
      components: { [b.id]: 'partial_outage' },
    })
    // Open throughout: an update that changes only its text moves nothing the bars show.
    const quiet = await api('POST', '/api/v1/incidents', {
      name: 'Delayed emails',
      status: 'monitoring',
      impact: 'minor',
      body: 'Watching.',
      components: {},
    })
    const { publisher, outDir } = await publisherFor(t)
    await publisher.publishAll()
    const steps: [string, () => Promise<unknown>][] = [
      [
        'rename a resolved incident the bars name',
        () => api('PATCH', `/api/v1/incidents/${old.id}`, { name: 'Checkout timeouts' }),
      ],
      [
        'move it two days back',
        () =>
          api('PATCH', `/api/v1/incidents/${old.id}`, {
            started_at: new Date(t.clock.now().getTime() - 2 * DAY).toISOString(),
          }),
      ],
      ['rename a component', () => api('PATCH', `/api/v1/components/${b.id}`, { name: 'Find' })],
      [
        'group two components',
        () => api('POST', '/api/v1/component-groups', { name: 'Shop', components: [a.id, b.id] }),
      ],
      [
        'an update that also takes another component down',
        () =>
          api('POST', `/api/v1/incidents/${open.id}/updates`, {
            status: 'identified',
            body: 'Found it.',
            components: { [b.id]: 'partial_outage', [a.id]: 'major_outage' },
          }),
      ],
      [
        'resolve it',
        () =>
          api('POST', `/api/v1/incidents/${open.id}/updates`, {
            status: 'resolved',
            body: 'Done.',
          }),
      ],
    ]
    for (const [n, [what, step]] of steps.entries()) {
      // The full build below made its own summary; this publish makes the incremental one again,
      // so the step's publish may reuse it (and must not when the step changed what it shows).
      await api('POST', `/api/v1/incidents/${quiet.id}/updates`, {
        status: 'monitoring',
        body: `Still watching (${n}).`,
      })
      await publisher.catchUp()
      await step()
      await publisher.catchUp()
      const full = await fullBuild(t)
      const diffs = diffTrees(outDir, full)
      expect(diffs, `${what}\n${formatDifferences(diffs)}`).toEqual([])
    }
  })

  it('a full build depends only on the database and the clock', async () => {
    const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
    const operator = randomOperator(t, prng(7))
    for (const name of ['component.create', 'incident.create'] as const) await operator.do(name)
    const a = await fullBuild(t)
    // A second apart on the wall clock, at the same time on the app's clock.
    await new Promise((r) => setTimeout(r, 1_000))
    const b = await fullBuild(t)
    expect(diffTrees(a, b), formatDifferences(diffTrees(a, b))).toEqual([])
  })

  it('the comparison catches a changed, a missing and an extra file', async () => {
    const t = await createTestApp({ env: { LOCALES: 'en,zh-CN' } })
    const operator = randomOperator(t, prng(7))
    for (const name of ['component.create', 'incident.create'] as const) await operator.do(name)
    const a = await fullBuild(t)
    const b = tempDir('copy')
    cpSync(a, b, { recursive: true })
    expect(diffTrees(a, b)).toEqual([])
    writeFileSync(join(a, 'index.html'), 'stale page')
    writeFileSync(join(a, 'zh-CN/extra.html'), 'x')
    writeFileSync(join(b, 'only-b.json'), '{}')
    // Dot-files are the publisher's own state: never compared.
    writeFileSync(join(a, '.cache'), 'a')
    const diffs = diffTrees(a, b)
    expect(diffs.map((d) => [d.kind, d.path])).toEqual([
      ['bytes differ', 'index.html'],
      ['only in b', 'only-b.json'],
      ['only in a', 'zh-CN/extra.html'],
    ])
    expect(diffs[0]!.detail).toContain('first difference at byte 0')
    expect(formatDifferences(diffs)).toContain('stale')
  })
})
