/**
 * What one publish costs, in process and phase by phase (no HTTP, no polling): the CPU the
 * publisher spends turning one incident update into files, per page and per phase (reads, data
 * shaping, input hash, render, write), at a long history.
 *
 * 1. seeds the history (bench/lib/seed-history.ts, default 10,000 incidents) into a temp database;
 * 2. a full publish (`publishAll`, the code path of `npm run build`): wall and CPU seconds;
 * 3. N updates (default 40) to the open incidents through the incidents service, each followed
 *    by `catchUp()`: the CPU of each catch-up (this process does nothing else meanwhile), and
 *    the time of every phase of every page it wrote or skipped (api/jobs/publisher.node.ts timer).
 *
 * The last line printed is the headline, as key=value pairs. Run: npm run bench:publish-cost
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { parseConfig } from '../api/config.ts'
import type { Deps } from '../api/deps.ts'
import { createPublisher, type Phase } from '../api/jobs/publisher.node.ts'
import { loadSiteRenderer } from '../api/jobs/site-renderer.node.ts'
import { incidents } from '../api/services/incidents.ts'
import { systemActor } from '../api/services/write.ts'
import { systemClock } from '../core/clock.ts'
import { openDatabase } from '../db/open.node.ts'
import { numberOption } from './lib/cli.ts'
import { seedHistory } from './lib/seed-history.ts'
import { fmt, percentile, runContext, tempDir } from './server.ts'

const HELP = `Usage: node bench/publish-cost.ts [options]   (each option also reads an env var)
  --incidents N     incidents in the seeded history   BENCH_INCIDENTS   (10000)
  --open N          of which still open               BENCH_OPEN        (5)
  --components N    components                        BENCH_COMPONENTS  (10)
  --years N         years the history spans           BENCH_YEARS       (3)
  --updates N       measured updates                  BENCH_UPDATES     (40)
  --locales LIST    LOCALES for the site              (en)
  --cpu-prof FILE   a V8 CPU profile of the measured catch-ups only (bench/cpuprofile-top.ts)`

const { values: flags } = parseArgs({
  options: {
    incidents: { type: 'string' },
    open: { type: 'string' },
    components: { type: 'string' },
    years: { type: 'string' },
    updates: { type: 'string' },
    locales: { type: 'string' },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (flags.help) {
  console.log(HELP)
  process.exit(0)
}
const num = numberOption(HELP)
const opts = {
  incidents: Math.round(num(flags.incidents, 'BENCH_INCIDENTS', 10_000)),
  open: Math.round(num(flags.open, 'BENCH_OPEN', 5)),
  components: Math.round(num(flags.components, 'BENCH_COMPONENTS', 10)),
  years: num(flags.years, 'BENCH_YEARS', 3),
  updates: Math.round(num(flags.updates, 'BENCH_UPDATES', 40)),
}

const work = tempDir('amends-bench-publish-cost-')
process.once('exit', () => work.remove())
const context = runContext()
console.log(context.text)

const dbUrl = `file:${join(work.dir, 'amends.db')}`
const seeded = await seedHistory(dbUrl, opts)
console.log(
  `seeded ${seeded.incidents} incidents (${seeded.openIds.length} open), ${seeded.updates} updates in ${fmt(seeded.seconds)} s`,
)
const config = parseConfig({
  DATABASE_URL: dbUrl,
  PUBLIC_DIR: join(work.dir, 'public'),
  AMENDS_DEMO: 'false',
  NOTIFIER: 'off',
  ...(flags.locales ? { LOCALES: flags.locales } : {}),
})
const db = await openDatabase(config.databaseUrl)
const quiet = { info() {}, warn() {}, error: (m: string, f?: object) => console.error(m, f) }
const deps: Deps = { db, clock: systemClock, config, log: quiet }

/** Per publish: ms per "page kind / phase" (ids and months folded into one kind). */
let current = new Map<string, number>()
const kindOf = (page: string) =>
  page
    .replace(/^\/[a-z]{2}(-[A-Z]{2})?(?=\/)/, '')
    .replace(/\/(incidents|maintenance)\/[^/]+\//, '/$1/{id}/')
    .replace(/\/history\/\d{4}-\d{2}\//, '/history/{month}/')
    .replace(/^\/api\/v2\/.*/, '/api/v2/*')
    .replace(/^\/components\/.*|^\/badge\.svg$/, 'badges')
let timing = false
const publisher = createPublisher({
  deps,
  renderer: await loadSiteRenderer(),
  outDir: config.publicDir,
  timer(page: string, phase: Phase, ms: number) {
    if (!timing) return
    const key = `${kindOf(page)}\t${phase}`
    current.set(key, (current.get(key) ?? 0) + ms)
  },
})

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000
let c0 = process.cpuUsage()
let w0 = performance.now()
const full = await publisher.publishAll()
const fullWall = (performance.now() - w0) / 1000
const fullCpu = cpuMs(process.cpuUsage(c0)) / 1000
console.log(`full publish: ${full.files} files in ${fmt(fullWall)} s (CPU ${fmt(fullCpu)} s)`)

// The profile covers the measured catch-ups only, not the seeding or the full publish.
const profiler = flags['cpu-prof'] ? new Session() : null
if (profiler) {
  profiler.connect()
  await profiler.post('Profiler.enable')
}
const ctx = { actor: systemActor('bench') }
const statuses = ['identified', 'monitoring', 'investigating'] as const
const perPublish: Map<string, number>[] = []
const cpu: number[] = []
const wall: number[] = []
// Two untimed updates first: the first publishes also load code paths (JIT) once.
for (let i = -2; i < opts.updates; i++) {
  const id = seeded.openIds[(i + 2) % seeded.openIds.length]!
  const r = await incidents.get(deps, id)
  await incidents.postUpdate(deps, ctx, id, {
    status: statuses[(i + 2) % statuses.length]!,
    body: `Update ${i}: we are working on it. Payments are **still slow** in some regions.`,
    components: Object.fromEntries(r.components.map((c) => [c.id, 'partial_outage' as const])),
    deliver_notifications: false,
  })
  current = new Map()
  timing = i >= 0
  if (i === 0) await profiler?.post('Profiler.start')
  c0 = process.cpuUsage()
  w0 = performance.now()
  await publisher.catchUp()
  if (i < 0) continue
  cpu.push(cpuMs(process.cpuUsage(c0)))
  wall.push(performance.now() - w0)
  perPublish.push(current)
}
db.close()
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop')
  writeFileSync(flags['cpu-prof']!, JSON.stringify(profile))
  console.log(
    `profile of the measured catch-ups (and the updates between them): ${flags['cpu-prof']}`,
  )
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  )
const keys = [...new Set(perPublish.flatMap((m) => [...m.keys()]))]
const rows = keys
  .map((k) => ({ k, ms: median(perPublish.map((m) => m.get(k) ?? 0)) }))
  .sort((a, b) => b.ms - a.ms)
console.log('\nmedian ms per publish, by page and phase:')
for (const r of rows) {
  if (r.ms >= 0.05) console.log(`  ${r.ms.toFixed(2).padStart(8)}  ${r.k.replace('\t', '  ')}`)
}
const byPhase = new Map<string, number[]>()
for (const m of perPublish) {
  const sums = new Map<string, number>()
  for (const [k, ms] of m) {
    const phase = k.split('\t')[1]!
    sums.set(phase, (sums.get(phase) ?? 0) + ms)
  }
  for (const [p, ms] of sums) byPhase.set(p, [...(byPhase.get(p) ?? []), ms])
}
console.log('\nmedian ms per publish, by phase:')
for (const [p, xs] of byPhase) console.log(`  ${median(xs).toFixed(2).padStart(8)}  ${p}`)

const sorted = [...cpu].sort((a, b) => a - b)
console.log(
  `publish-cost cpu_ms_per_update_p50=${fmt(median(cpu))} cpu_ms_per_update_p95=${fmt(percentile(sorted, 95))} ` +
    `wall_ms_p50=${fmt(median(wall))} full_publish_s=${fmt(fullWall)} full_publish_cpu_s=${fmt(fullCpu)} ` +
    `incidents=${opts.incidents} updates=${opts.updates} load1=${context.load1}`,
)
