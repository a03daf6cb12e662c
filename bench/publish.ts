/**
 * Publish benchmark (decision 003: the site is static files re-rendered by the publisher).
 *
 * 1. seeds a long history (default 10,000 incidents over 3 years, 2–4 updates each, 1–2 of 10
 *    components, 5 still open) straight into a temp database in the app's schema;
 * 2. full build: `node scripts/build.ts` on it (every page, feed and v2 file), wall seconds;
 * 3. starts `node api/node.ts` on that database and published folder (NOTIFIER=off, no demo),
 *    then N times (default 50): POST /api/v1/incidents/{id}/updates to an open incident with a
 *    unique marker in the body, t0 when the 201's status line arrives, then polls (every ~2 ms)
 *    GET /, GET /incidents/{id}/ and GET /history.rss until each contains the marker: the
 *    latency is when the last of the three first did;
 * 4. the home page's gzipped size with the demo data (a second server, AMENDS_DEMO=true).
 *
 * The last line printed is the headline, as key=value pairs. Run: npm run bench:publish
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { numberOption } from './lib/cli.ts'
import { gunzipSync } from 'node:zlib'
import { createClient } from './lib/http.ts'
import { seedHistory } from './lib/seed-history.ts'
import {
  ADMIN_TOKEN,
  fmt,
  percentile,
  processCpuSeconds,
  ROOT,
  runContext,
  sleep,
  startServer,
  tempDir,
  type BenchServer,
} from './server.ts'

const HELP = `Usage: node bench/publish.ts [options]   (each option also reads an env var)
  --incidents N     incidents in the seeded history          BENCH_INCIDENTS   (10000)
  --open N          of which still open (updates go to them) BENCH_OPEN        (5)
  --components N    components                               BENCH_COMPONENTS  (10)
  --years N         years the history spans                  BENCH_YEARS       (3)
  --updates N       timed updates                            BENCH_UPDATES     (50)
  --poll-ms N       pause between polls                      BENCH_POLL_MS     (2)
  --build-timeout S give up on the full build after S s      BENCH_BUILD_TIMEOUT (300)
  --cpu-prof DIR    run the build and the server with --cpu-prof, profiles written to DIR`

const TARGET_P95_MS = 300
const TARGET_BUILD_S = 60
const TARGET_HOME_GZIP = 14_336
/** Per update: how long to wait for the marker before counting it as a timeout. */
const UPDATE_TIMEOUT_MS = 10_000

const { values: flags } = parseArgs({
  options: {
    incidents: { type: 'string' },
    open: { type: 'string' },
    components: { type: 'string' },
    years: { type: 'string' },
    updates: { type: 'string' },
    'poll-ms': { type: 'string' },
    'build-timeout': { type: 'string' },
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
  updates: Math.round(num(flags.updates, 'BENCH_UPDATES', 50)),
  pollMs: num(flags['poll-ms'], 'BENCH_POLL_MS', 2),
  buildTimeout: num(flags['build-timeout'], 'BENCH_BUILD_TIMEOUT', 300),
}
const profDir = flags['cpu-prof']
const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []

// The seeded database and the published folder (≈16 KB a page) live here; removed on any exit.
const work = tempDir('amends-bench-publish-')
process.once('exit', () => work.remove())

// A hard bound on the whole run: SIGTERM stops the servers (bench/server.ts) and the exit
// handler above removes the files.
const WATCHDOG_S = 900
setTimeout(() => {
  console.error(`bench/publish.ts: still running after ${WATCHDOG_S} s, giving up`)
  process.kill(process.pid, 'SIGTERM')
}, WATCHDOG_S * 1000).unref()

const client = createClient(8)
const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }

/** Runs `node scripts/build.ts`, bounded in time; its wall time and (sampled) CPU time. */
async function fullBuild(
  env: Record<string, string>,
): Promise<{ seconds: number; cpu: number; output: string }> {
  const t = performance.now()
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'scripts/build.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)))
  child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)))
  let cpu = 0
  const sampler = setInterval(() => {
    const s = processCpuSeconds(child.pid ?? -1)
    if (Number.isFinite(s)) cpu = s
  }, 100)
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.buildTimeout * 1000)
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  clearInterval(sampler)
  clearTimeout(killer)
  if (code !== 0) throw new Error(`scripts/build.ts exited with ${code}:\n${output}`)
  return { seconds: (performance.now() - t) / 1000, cpu, output: output.trim() }
}

interface Sample {
  /** POST sent → 201 status line received. */
  post: number
  /** The longest single GET while polling for this update (the server was busy publishing). */
  longestGet: number
  total: number
  home: number
  page: number
  rss: number
}

/** One timed update: POST, then poll the three files until each shows the marker. */
async function timedUpdate(
  base: string,
  incidentId: string,
  marker: string,
  status: string,
): Promise<Sample> {
  const sent = performance.now()
  const res = await client.send(`${base}/api/v1/incidents/${incidentId}/updates`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      status,
      body: `Still working on it: the second cluster is back. Reference ${marker}.`,
      deliver_notifications: false,
    }),
  })
  if (res.status !== 201)
    throw new Error(`POST update: ${res.status} ${res.body.toString().slice(0, 300)}`)
  const t0 = res.headersAt
  const targets = { home: '/', page: `/incidents/${incidentId}/`, rss: '/history.rss' } as const
  const seen: Partial<Record<keyof typeof targets, number>> = {}
  const deadline = t0 + UPDATE_TIMEOUT_MS
  let longestGet = 0
  for (;;) {
    const pending = (Object.keys(targets) as (keyof typeof targets)[]).filter(
      (k) => seen[k] === undefined,
    )
    if (pending.length === 0) break
    if (performance.now() > deadline) {
      for (const k of pending) seen[k] = Infinity
      break
    }
    await Promise.all(
      pending.map(async (k) => {
        // Identity encoding: the client does not spend the shared CPU on gunzip.
        const asked = performance.now()
        const r = await client.send(`${base}${targets[k]}`)
        longestGet = Math.max(longestGet, r.endAt - asked)
        if (r.status === 200 && r.body.includes(marker)) seen[k] = r.endAt - t0
      }),
    )
    if (opts.pollMs > 0) await sleep(opts.pollMs)
  }
  const home = seen.home!
  const page = seen.page!
  const rss = seen.rss!
  return {
    post: res.headersAt - sent,
    longestGet,
    total: Math.max(home, page, rss),
    home,
    page,
    rss,
  }
}

/** GET / as a browser asks for it: gzip on the wire, and the decompressed size. */
async function homeSize(base: string): Promise<{ gzip: number; raw: number; encoding: string }> {
  const r = await client.send(`${base}/`, { headers: { 'accept-encoding': 'gzip, deflate, br' } })
  if (r.status !== 200) throw new Error(`GET /: ${r.status}`)
  const encoding = String(r.headers['content-encoding'] ?? 'identity')
  const raw = encoding === 'gzip' ? gunzipSync(r.body).length : r.body.length
  return { gzip: r.body.length, raw, encoding }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s.at(-1) ?? NaN }
}

async function main() {
  const t0 = performance.now()
  const context = runContext()
  console.log(context.text)
  if (!existsSync(join(ROOT, 'site/dist/server/entry.mjs'))) {
    throw new Error('The status site is not built: run `npm run build:site` first')
  }
  if (profDir) mkdirSync(profDir, { recursive: true })
  const dbUrl = `file:${join(work.dir, 'amends.db')}`
  const publicDir = join(work.dir, 'public')
  const env = {
    DATABASE_URL: dbUrl,
    PUBLIC_DIR: publicDir,
    AMENDS_DEMO: 'false',
    NOTIFIER: 'off',
    AMENDS_ADMIN_TOKEN: ADMIN_TOKEN,
  }

  // 1. History.
  const seeded = await seedHistory(dbUrl, {
    incidents: opts.incidents,
    open: opts.open,
    components: opts.components,
    years: opts.years,
  })
  console.log(
    `seeded ${seeded.incidents} incidents (${seeded.openIds.length} open), ${seeded.updates} updates, ` +
      `${seeded.components} components, ${seeded.statusChanges} status changes over ${opts.years} years in ${fmt(seeded.seconds)} s`,
  )

  // 2. Full build.
  console.log('full build: node scripts/build.ts …')
  const build = await fullBuild(env)
  console.log(`  ${build.output.split('\n').at(-1)}`)
  console.log(
    `  wall ${fmt(build.seconds)} s, CPU ${fmt(build.cpu)} s (${fmt((build.cpu / build.seconds) * 100)}% of one core: ` +
      `below ~95% means it waited for a core or the disk)`,
  )

  // 3. Update → published latency.
  let server: BenchServer | null = null
  let demo: BenchServer | null = null
  const samples: Sample[] = []
  let serverCpu: number
  let cpuPerUpdate: number
  let historyHome: { gzip: number; raw: number; encoding: string }
  let demoHome: { gzip: number; raw: number; encoding: string }
  try {
    const s0 = performance.now()
    // `npm run build` leaves the database without its identity (the server's first start makes
    // it), so this start publishes everything once more: as long as the full build, or longer.
    server = await startServer({
      demo: false,
      nodeArgs,
      env,
      readyTimeoutS: Math.max(60, opts.buildTimeout),
    })
    console.log(
      `server pid ${server.pid} on ${server.base} ready in ${fmt((performance.now() - s0) / 1000)} s (catch-up on start)`,
    )
    historyHome = await homeSize(server.base)
    console.log(
      `home page with ${opts.incidents} incidents: ${historyHome.raw} bytes, ${historyHome.gzip} gzipped`,
    )
    const statuses = ['identified', 'monitoring', 'investigating']
    const tag = Date.now().toString(36)
    // One untimed update first: the first publish also loads code paths (JIT) once.
    await timedUpdate(server.base, seeded.openIds[0]!, `warmup${tag}`, 'identified')
    console.log(
      `${opts.updates} timed updates over ${seeded.openIds.length} open incidents, polling every ${opts.pollMs} ms`,
    )
    const c0 = server.cpuSeconds()
    const w0 = performance.now()
    for (let i = 0; i < opts.updates; i++) {
      const id = seeded.openIds[i % seeded.openIds.length]!
      samples.push(
        await timedUpdate(server.base, id, `mk${tag}x${i}`, statuses[i % statuses.length]!),
      )
      await sleep(100)
    }
    const used = server.cpuSeconds() - c0
    serverCpu = (used / ((performance.now() - w0) / 1000)) * 100
    cpuPerUpdate = (used / opts.updates) * 1000
    await server.stop()
    server = null

    // 4. Home page size with the demo data.
    demo = await startServer({ demo: true, env: { NOTIFIER: 'off' } })
    demoHome = await homeSize(demo.base)
  } finally {
    await server?.stop()
    await demo?.stop()
    client.close()
  }

  const total = stats(samples.map((s) => s.total))
  const home = stats(samples.map((s) => s.home))
  const page = stats(samples.map((s) => s.page))
  const rss = stats(samples.map((s) => s.rss))
  const timeouts = samples.filter((s) => s.total === Infinity).length
  const longest = stats(samples.map((s) => s.longestGet))
  const post = stats(samples.map((s) => s.post))
  console.log(
    `  all three updated: p50 ${fmt(total.p50)} ms, p95 ${fmt(total.p95)} ms, max ${fmt(total.max)} ms (timeouts ${timeouts})`,
  )
  console.log(
    `  GET /                 p50 ${fmt(home.p50)} ms, p95 ${fmt(home.p95)} ms, max ${fmt(home.max)} ms`,
  )
  console.log(
    `  GET /incidents/{id}/  p50 ${fmt(page.p50)} ms, p95 ${fmt(page.p95)} ms, max ${fmt(page.max)} ms`,
  )
  console.log(
    `  GET /history.rss      p50 ${fmt(rss.p50)} ms, p95 ${fmt(rss.p95)} ms, max ${fmt(rss.max)} ms`,
  )
  console.log(
    `  POST → 201 (not part of the latency): p50 ${fmt(post.p50)} ms, p95 ${fmt(post.p95)} ms, max ${fmt(post.max)} ms`,
  )
  console.log(
    `  longest single GET while polling, per update: p50 ${fmt(longest.p50)} ms, max ${fmt(longest.max)} ms ` +
      `(long when a publish holds up the thread that serves the files)`,
  )
  console.log(
    `  server CPU during the updates (100% = one core of 2): ${fmt(serverCpu)}%; ` +
      `${fmt(cpuPerUpdate)} ms of server CPU per update (the publish, plus the API call and the polls; ` +
      `unlike the latency, this does not grow when other processes take the cores)`,
  )
  console.log(
    `home page with the demo data: ${demoHome.raw} bytes, ${demoHome.gzip} bytes ${demoHome.encoding}`,
  )

  const pass = {
    latency: total.p95 <= TARGET_P95_MS && timeouts === 0,
    build: build.seconds <= TARGET_BUILD_S,
    home: demoHome.encoding === 'gzip' && demoHome.gzip <= TARGET_HOME_GZIP,
  }
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL')
  console.log(`target p95 <= ${TARGET_P95_MS} ms: ${verdict(pass.latency)} (${fmt(total.p95)} ms)`)
  console.log(
    `target full build <= ${TARGET_BUILD_S} s: ${verdict(pass.build)} (${fmt(build.seconds)} s)`,
  )
  console.log(
    `target home <= ${TARGET_HOME_GZIP} bytes gzipped: ${verdict(pass.home)} (${demoHome.gzip} bytes)`,
  )
  console.log(`total ${fmt((performance.now() - t0) / 1000)} s`)
  console.log(
    [
      'publish',
      `p50_ms=${fmt(total.p50)}`,
      `p95_ms=${fmt(total.p95)}`,
      `max_ms=${fmt(total.max)}`,
      `full_build_s=${fmt(build.seconds)}`,
      `incidents=${opts.incidents}`,
      `home_gzip_bytes=${demoHome.gzip}`,
      `updates=${samples.length}`,
      `timeouts=${timeouts}`,
      `build_cpu_s=${fmt(build.cpu)}`,
      `history_home_gzip_bytes=${historyHome.gzip}`,
      `longest_get_ms=${fmt(longest.max)}`,
      `server_cpu=${Math.round(serverCpu)}%`,
      `server_cpu_per_update_ms=${Math.round(cpuPerUpdate)}`,
      `load1=${context.load1.toFixed(2)}`,
      `target=${pass.latency && pass.build && pass.home ? 'pass' : 'fail'}`,
    ].join(' '),
  )
}

try {
  await main()
} catch (err) {
  console.error((err as Error).stack ?? String(err))
  process.exitCode = 1
}
