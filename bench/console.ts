/**
 * Console benchmark, on a fresh server with the demo seed:
 * - sign-in: password sign-ins one after another (argon2id verification is most of it), median
 *   and p95 milliseconds;
 * - the signed-in front page (`GET /admin/`, session read from the database on every request)
 *   against the public summary (`GET /api/v2/summary.json`, no session) in the same run, with
 *   autocannon: req/s of each and their ratio;
 * - the after-the-incident screens that compute on every view (the inbox with its response
 *   clocks, the 90-day metrics with their charts, a resolved incident's service credit), each as
 *   a ratio to the same summary baseline.
 *
 * The last line printed is the headline, as key=value pairs. Run: npm run bench:console
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { hashPassword } from '../api/http/passwords.ts'
import { newId } from '../core/ids.ts'
import { openDatabase } from '../db/open.node.ts'
import { str } from '../db/rows.ts'
import { insertUser } from '../db/users.ts'
import { numberOption } from './lib/cli.ts'
import { fmt, percentile, runContext, startServer } from './server.ts'

const HELP = `Usage: node bench/console.ts [options]   (each option also reads an env var)
  --sign-ins N      sequential sign-ins measured          BENCH_SIGN_INS    (40)
  --connections N   keep-alive connections for the pages  BENCH_CONNECTIONS (20)
  --duration S      measured seconds per page             BENCH_DURATION    (8)`

const { values: flags } = parseArgs({
  options: {
    'sign-ins': { type: 'string' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (flags.help) {
  console.log(HELP)
  process.exit(0)
}
const num = numberOption(HELP)
const opts = {
  signIns: Math.round(num(flags['sign-ins'], 'BENCH_SIGN_INS', 40)),
  connections: Math.round(num(flags.connections, 'BENCH_CONNECTIONS', 20)),
  duration: num(flags.duration, 'BENCH_DURATION', 8),
}
const PASSWORD = 'bench console passphrase'

async function signIn(base: string, email: string): Promise<{ ms: number; cookie: string }> {
  const t0 = performance.now()
  const res = await fetch(`${base}/admin/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base },
    body: new URLSearchParams({ email, password: PASSWORD }),
  })
  const ms = performance.now() - t0
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`)
  return { ms, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]! }
}

async function rate(url: string, headers: Record<string, string> = {}) {
  const run = (duration: number) =>
    autocannon({ url, headers, connections: opts.connections, pipelining: 1, duration })
  await run(2)
  const r = await run(opts.duration)
  if (r.errors + r.non2xx > 0) throw new Error(`${url}: ${r.errors} errors, ${r.non2xx} non-2xx`)
  return { rps: r.requests.average, p99: r.latency.p99 }
}

async function main() {
  console.log(runContext().text)
  const server = await startServer({ demo: true })
  try {
    const email = 'bench@example.com'
    const at = new Date().toISOString()
    const db = await openDatabase(`file:${join(server.dir, 'amends.db')}`)
    const user = {
      id: newId(),
      email,
      name: 'Bench',
      role: 'editor',
      status: 'active',
      created_at: at,
      updated_at: at,
    } as const
    await db.execute(insertUser(user, await hashPassword(PASSWORD)))
    const resolved = await db.execute(
      "SELECT id FROM incidents WHERE kind = 'incident' AND status = 'resolved' ORDER BY started_at DESC LIMIT 1",
    )
    db.close()
    const row = resolved.rows[0]
    const resolvedId = row ? str(row, 'id') : ''
    if (!resolvedId) throw new Error('the demo has no resolved incident')

    const times: number[] = []
    let cookie = ''
    for (let i = 0; i < opts.signIns; i++) {
      const s = await signIn(server.base, email)
      times.push(s.ms)
      cookie = s.cookie
    }
    times.sort((a, b) => a - b)
    const signInP50 = percentile(times, 50)
    const signInP95 = percentile(times, 95)
    console.log(
      `sign-in: ${opts.signIns} in a row, p50 ${fmt(signInP50)} ms, p95 ${fmt(signInP95)} ms`,
    )

    const page = await rate(`${server.base}/admin/`, { cookie })
    console.log(`GET /admin/ signed in: ${fmt(page.rps)} req/s, p99 ${page.p99} ms`)
    const summary = await rate(`${server.base}/api/v2/summary.json`)
    console.log(`GET /api/v2/summary.json: ${fmt(summary.rps)} req/s, p99 ${summary.p99} ms`)
    const amends: Record<string, number> = {}
    for (const [key, path] of [
      ['inbox', '/admin/inbox'],
      ['metrics', '/admin/metrics'],
      ['credit', `/admin/incidents/${resolvedId}/credit`],
    ] as const) {
      const r = await rate(`${server.base}${path}`, { cookie })
      amends[key] = r.rps
      console.log(
        `GET ${path} signed in: ${fmt(r.rps)} req/s, p99 ${r.p99} ms, ratio ${(r.rps / summary.rps).toFixed(3)}`,
      )
    }
    const extra = Object.entries(amends)
      .map(([k, v]) => `${k}_rps=${fmt(v)} ${k}_ratio=${(v / summary.rps).toFixed(3)}`)
      .join(' ')
    console.log(
      `sign_in_p50_ms=${fmt(signInP50)} sign_in_p95_ms=${fmt(signInP95)} admin_now_rps=${fmt(page.rps)} summary_rps=${fmt(summary.rps)} ratio=${(page.rps / summary.rps).toFixed(2)} ${extra}`,
    )
  } finally {
    await server.stop()
  }
}

await main()
