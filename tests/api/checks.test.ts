import { describe, expect, it } from 'vitest'
import { createCheckProbes } from '../../api/http/check-probes.node.ts'
import { runDueChecks } from '../../api/jobs/checks.ts'
import { fixedClock } from '../../core/clock.ts'
import { openDatabase } from '../../db/open.node.ts'
import { checkApp, createCheck, draftsOf, tick } from '../fixtures/checks.ts'
import { makeComponent } from '../fixtures/factories.ts'
import { flakyHttpServer, flakyTcpListener } from '../fixtures/flaky-servers.ts'
import { createTestApp } from '../fixtures/test-app.ts'

const MINUTE = 60_000

describe('HTTP checks', () => {
  it('open one draft only after N consecutive failures of every kind, and clear it on recovery', async () => {
    const t = await checkApp()
    const api = await makeComponent(t, { name: 'Public API' })
    const server = await flakyHttpServer('all systems go')
    const check = await createCheck(t, {
      kind: 'http',
      name: 'API health',
      url: server.url,
      keyword: 'all systems go',
      timeout_ms: 300,
      interval_seconds: 60,
      component_id: api.id,
      component_status: 'partial_outage',
    })
    expect(check).toMatchObject({ state: 'unknown', confirm_after: 3, expected_status: '200-399' })

    await tick(t)
    expect((await t.api('GET', `/api/v1/checks/${check.id}`)).body.state).toBe('up')
    // Three different failures in a row: a 500, the keyword missing, no answer in time.
    for (const mode of ['error', 'no-keyword'] as const) {
      await server.set(mode)
      await tick(t)
      expect(await draftsOf(t)).toEqual([])
    }
    await server.set('hang')
    await tick(t)
    let drafts = await draftsOf(t)
    expect(drafts).toHaveLength(1)
    expect(drafts[0]).toMatchObject({ origin: 'check', component_id: api.id, cleared_at: null })
    expect(drafts[0].signals).toMatchObject([
      { kind: 'check', source: `check:${check.id}`, key: check.id, status: 'firing', fired: 1 },
    ])
    expect(drafts[0].proposal.components).toEqual({ [api.id]: 'partial_outage' })

    // Still down (the port closed): the same draft, the signal not fired again.
    await server.set('closed')
    await tick(t)
    drafts = await draftsOf(t)
    expect(drafts).toHaveLength(1)
    expect(drafts[0].signals[0]).toMatchObject({ status: 'firing', fired: 1 })
    const down = (await t.api('GET', `/api/v1/checks/${check.id}`)).body
    expect(down).toMatchObject({ state: 'down', consecutive_failures: 4 })

    await server.set('ok')
    const recovered = t.clock.now().toISOString()
    await tick(t)
    drafts = await draftsOf(t)
    expect(drafts).toHaveLength(1)
    expect(drafts[0].cleared_at).toBe(recovered)
    expect(drafts[0].signals[0].status).toBe('resolved')

    const results = await t.api(
      'GET',
      `/api/v1/checks/${check.id}/results?since=2026-03-10T00:00:00Z`,
    )
    expect(results.status).toBe(200)
    expect(results.body.map((r: any) => r.up)).toEqual([true, false, false, false, false, true])
    expect(results.body[1].error).toContain('answered 500')
    expect(results.body[2].error).toContain('keyword')
    expect(results.body[0].response_ms).toEqual(expect.any(Number))
    expect(results.body[3].response_ms).toBeNull()
  })

  it('one failure short of N opens nothing', async () => {
    const t = await checkApp()
    const c = await makeComponent(t)
    const server = await flakyHttpServer()
    await createCheck(t, {
      kind: 'http',
      name: 'Site',
      url: server.url,
      confirm_after: 2,
      component_id: c.id,
    })
    await server.set('error')
    await tick(t)
    await server.set('ok')
    await tick(t)
    await server.set('error')
    await tick(t)
    expect(await draftsOf(t)).toEqual([])
    const audit = await t.deps.db.execute('SELECT COUNT(*) AS n FROM drafts')
    expect(Number(audit.rows[0]!.n)).toBe(0)
  })

  it('runs a due check once when two processes on one database tick at the same moment', async () => {
    const t = await checkApp()
    const c = await makeComponent(t)
    let hits = 0
    const server = await flakyHttpServer()
    const counted = new URL(server.url)
    const probes = createCheckProbes({ allowPrivate: true })
    const counting = {
      ...probes,
      http: (call: Parameters<typeof probes.http>[0]) => {
        hits++
        return probes.http(call)
      },
    }
    const checks = []
    for (let i = 0; i < 5; i++) {
      checks.push(
        await createCheck(t, {
          kind: 'http',
          name: `c${i}`,
          url: counted.href,
          component_id: c.id,
        }),
      )
    }
    const other = await openDatabase(t.testDb.url)
    try {
      const one = { ...t.deps, probes: counting }
      const two = { ...t.deps, db: other, clock: fixedClock(t.clock.now()), probes: counting }
      const ran = await Promise.all([runDueChecks(one), runDueChecks(two), runDueChecks(one)])
      expect(ran.reduce((a, b) => a + b, 0)).toBe(5)
      expect(hits).toBe(5)
      const rs = await t.deps.db.execute(
        'SELECT check_id, COUNT(*) AS n FROM check_results GROUP BY check_id',
      )
      expect(rs.rows.map((r) => Number(r.n))).toEqual([1, 1, 1, 1, 1])
      // Nothing is due again until the interval has passed.
      expect(await runDueChecks(two)).toBe(0)
    } finally {
      other.close()
    }
  })

  it('prunes results older than CHECK_RETENTION_DAYS', async () => {
    const t = await checkApp({ CHECK_RETENTION_DAYS: '2' })
    const c = await makeComponent(t)
    const server = await flakyHttpServer()
    const check = await createCheck(t, {
      kind: 'http',
      name: 'Site',
      url: server.url,
      interval_seconds: 86_400,
      component_id: c.id,
    })
    for (let day = 0; day < 4; day++) await tick(t, 86_400_000)
    const since = '2026-01-01T00:00:00Z'
    const kept = await t.api('GET', `/api/v1/checks/${check.id}/results?since=${since}`)
    // Runs on days 0..3, pruned at the tick of day 3: days 0 is older than 2 days.
    expect(kept.body.map((r: any) => r.at.slice(0, 10))).toEqual([
      '2026-03-11',
      '2026-03-12',
      '2026-03-13',
    ])
  })
})

describe('TCP checks', () => {
  it('a listener closed and reopened opens a draft after N failures and clears it', async () => {
    const t = await checkApp()
    const db = await makeComponent(t, { name: 'Database' })
    const listener = await flakyTcpListener()
    const check = await createCheck(t, {
      kind: 'tcp',
      name: 'Postgres port',
      host: '127.0.0.1',
      port: listener.port,
      timeout_ms: 500,
      confirm_after: 2,
      component_id: db.id,
      component_status: 'major_outage',
    })
    expect(check).toMatchObject({ host: '127.0.0.1', port: listener.port, url: null })
    await tick(t)
    await listener.close()
    await tick(t)
    expect(await draftsOf(t)).toEqual([])
    await tick(t)
    const [draft] = await draftsOf(t)
    expect(draft).toMatchObject({ origin: 'check', component_id: db.id })
    expect(draft.proposal.template).toBe('service-outage')
    await listener.reopen()
    await tick(t)
    const after = await draftsOf(t)
    expect(after).toHaveLength(1)
    expect(after[0].cleared_at).not.toBeNull()
    expect((await t.api('GET', `/api/v1/checks/${check.id}`)).body.state).toBe('up')
  })
})

describe('heartbeats', () => {
  it('a missed heartbeat opens a draft; the next ping clears it', async () => {
    const t = await checkApp()
    const c = await makeComponent(t, { name: 'Nightly export' })
    const beat = await createCheck(t, {
      kind: 'heartbeat',
      name: 'Export cron',
      interval_seconds: 3_600,
      grace_seconds: 300,
      component_id: c.id,
      component_status: 'degraded_performance',
    })
    expect(beat.token).toMatch(/^amdbeat_[0-9A-Za-z]{40}$/)
    expect(beat.ping_url).toBe(`https://status.example.com/api/v1/heartbeats/${beat.token}`)
    // Shown once: never in a read, and stored only as its hash.
    const read = await t.api('GET', `/api/v1/checks/${beat.id}`)
    expect(read.body.token).toBeUndefined()
    const stored = await t.deps.db.execute('SELECT token_hash FROM checks')
    expect(stored.rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/)

    const path = `/api/v1/heartbeats/${beat.token}`
    const ping = await t.api('GET', path, undefined, { token: null })
    expect(ping.status, JSON.stringify(ping.body)).toBe(200)
    t.clock.advance(3_600_000 + 299_000)
    await tick(t, 0)
    expect(await draftsOf(t)).toEqual([])

    t.clock.advance(2_000)
    await tick(t, 0)
    const [draft] = await draftsOf(t)
    expect(draft).toMatchObject({ origin: 'check', component_id: c.id })
    expect(draft.signals[0].summary).toContain('down')

    t.clock.advance(MINUTE)
    const back = await t.api('POST', path, undefined, { token: null })
    expect(back.status).toBe(200)
    const [cleared] = await draftsOf(t)
    expect(cleared.cleared_at).toBe(t.clock.now().toISOString())
    expect((await t.api('GET', `/api/v1/checks/${beat.id}`)).body.state).toBe('up')
  })

  it('pausing a check that is down resolves its signal; resuming confirms afresh', async () => {
    const t = await checkApp()
    const c = await makeComponent(t, { name: 'Nightly export' })
    const beat = await createCheck(t, {
      kind: 'heartbeat',
      name: 'Export cron',
      interval_seconds: 600,
      grace_seconds: 60,
      component_id: c.id,
    })
    t.clock.advance(661_000)
    await tick(t, 0)
    expect((await draftsOf(t))[0].cleared_at).toBeNull()
    const paused = await t.api('PATCH', `/api/v1/checks/${beat.id}`, { enabled: false })
    expect(paused.status, JSON.stringify(paused.body)).toBe(200)
    expect(paused.body.state).not.toBe('down')
    const [draft] = await draftsOf(t)
    expect(draft.cleared_at).toBe(t.clock.now().toISOString())
    expect(draft.signals[0]).toMatchObject({ status: 'resolved' })
    // Paused, nothing runs and nothing fires again.
    t.clock.advance(3_600_000)
    await tick(t, 0)
    expect((await draftsOf(t))[0].signals[0].status).toBe('resolved')
    // Resumed without a ping: down again after a full period and grace, on the same draft.
    expect((await t.api('PATCH', `/api/v1/checks/${beat.id}`, { enabled: true })).status).toBe(200)
    t.clock.advance(661_000)
    await tick(t, 0)
    const after = await draftsOf(t)
    expect(after).toHaveLength(1)
    expect(after[0].signals[0]).toMatchObject({ status: 'firing', fired: 2 })
  })

  it('a new token for a heartbeat replaces the old one; other checks have none', async () => {
    const t = await checkApp()
    const c = await makeComponent(t)
    const beat = await createCheck(t, {
      kind: 'heartbeat',
      name: 'Backup',
      interval_seconds: 3_600,
      component_id: c.id,
    })
    const renewed = await t.api('POST', `/api/v1/checks/${beat.id}/token`, {})
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200)
    expect(renewed.body.token).toMatch(/^amdbeat_[0-9A-Za-z]{40}$/)
    expect(renewed.body.token).not.toBe(beat.token)
    expect(renewed.body.ping_url).toBe(
      `https://status.example.com/api/v1/heartbeats/${renewed.body.token}`,
    )
    expect(renewed.body.next_run_at).toBe(beat.next_run_at)
    const ping = (token: string) =>
      t.api('POST', `/api/v1/heartbeats/${token}`, undefined, { token: null })
    expect((await ping(beat.token)).status).toBe(404)
    expect((await ping(renewed.body.token)).status).toBe(200)

    const tcp = await createCheck(t, {
      kind: 'tcp',
      name: 'DB',
      host: '127.0.0.1',
      port: 5432,
      component_id: c.id,
    })
    const refused = await t.api('POST', `/api/v1/checks/${tcp.id}/token`, {})
    expect(refused.status).toBe(422)
    expect(refused.body.error.code).toBe('not_a_heartbeat')
    const viewer = await t.api(
      'POST',
      `/api/v1/checks/${beat.id}/token`,
      {},
      {
        token: null,
      },
    )
    expect(viewer.status).toBe(401)
  })

  it('an unknown token is a 404 in the one error shape and writes nothing', async () => {
    const t = await checkApp()
    for (const token of ['nope', 'amdbeat_' + 'x'.repeat(40), '%00', 'a'.repeat(200)]) {
      const res = await t.api('POST', `/api/v1/heartbeats/${token}`, undefined, { token: null })
      expect(res.status).toBe(404)
      expect(res.body.error.code).toBe('not_found')
    }
    const rs = await t.deps.db.execute('SELECT COUNT(*) AS n FROM check_results')
    expect(Number(rs.rows[0]!.n)).toBe(0)
  })
})

describe('outbound safety', () => {
  const PRIVATE_HOSTS = [
    '127.0.0.1',
    '127.1.2.3',
    '10.0.0.8',
    '172.16.4.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    'localhost',
    'db.internal',
    'printer.local',
    'intranet',
  ]

  it('refuses private and loopback targets for HTTP and TCP checks unless allowed', async () => {
    const t = await createTestApp()
    t.deps.resolveHost = () => Promise.resolve(['10.1.2.3'])
    const c = await makeComponent(t)
    let refused = 0
    const hosts = [...PRIVATE_HOSTS, 'rebinding.example.com']
    for (const host of hosts) {
      const bracketed = host.includes(':') ? `[${host}]` : host
      for (const body of [
        { kind: 'http', url: `https://${bracketed}/health` },
        { kind: 'http', url: `http://${bracketed}:8080/` },
        { kind: 'tcp', host, port: 5432 },
      ]) {
        const res = await t.api('POST', '/api/v1/checks', {
          ...body,
          name: 'x',
          component_id: c.id,
        })
        expect(res.status, `${JSON.stringify(body)}: ${JSON.stringify(res.body)}`).toBe(422)
        expect(res.body.error.code).toBe('refused_url')
        expect(res.body.error.details[0].path).toBe(body.kind === 'http' ? 'url' : 'host')
        refused++
      }
    }
    expect(refused).toBe(hosts.length * 3)
    expect((await t.api('GET', '/api/v1/checks')).body).toEqual([])
    const audit = await t.deps.db.execute(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'check.%'",
    )
    expect(Number(audit.rows[0]!.n)).toBe(0)
  })

  it('refuses at run time too: a name that now resolves to a private address is a failed run', async () => {
    const probes = createCheckProbes({
      allowPrivate: false,
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    })
    const server = await flakyHttpServer()
    const listener = await flakyTcpListener()
    const port = new URL(server.url).port
    const outcomes = [
      await probes.http({
        url: `https://rebinding.example.com:${port}/`,
        expectedStatus: '200-399',
        keyword: null,
        timeoutMs: 1_000,
      }),
      await probes.http({
        url: server.url,
        expectedStatus: '200-399',
        keyword: null,
        timeoutMs: 1_000,
      }),
      await probes.tcp({ host: 'rebinding.example.com', port: listener.port, timeoutMs: 1_000 }),
      await probes.tcp({ host: '127.0.0.1', port: listener.port, timeoutMs: 1_000 }),
    ]
    for (const o of outcomes) {
      expect(o.up).toBe(false)
      expect(o.error).toMatch(/refused|https/)
    }
  })
})

describe('the checks API', () => {
  it('needs admin to write and read to read; edits keep to the fields of their kind', async () => {
    const t = await checkApp()
    const c = await makeComponent(t)
    const listener = await flakyTcpListener()
    const check = await createCheck(t, {
      kind: 'tcp',
      name: 'Port',
      host: '127.0.0.1',
      port: listener.port,
      component_id: c.id,
    })
    const reader = await t.token('read')
    const writer = await t.token('write')
    expect((await t.api('GET', '/api/v1/checks', undefined, { token: reader })).body).toHaveLength(
      1,
    )
    const patch = { name: 'Renamed' }
    for (const token of [reader, writer]) {
      const res = await t.api('PATCH', `/api/v1/checks/${check.id}`, patch, { token })
      expect(res.status).toBe(403)
    }
    const wrong = [
      { url: 'https://example.com/' },
      { keyword: 'ok' },
      { expected_status: '200' },
      { grace_seconds: 10 },
    ]
    for (const body of wrong) {
      const res = await t.api('PATCH', `/api/v1/checks/${check.id}`, body)
      expect(res.status, JSON.stringify(body)).toBe(422)
      expect(res.body.error.code).toBe('invalid_check')
    }
    for (const body of [
      { kind: 'tcp', name: 'x', host: '127.0.0.1', component_id: c.id },
      { kind: 'http', name: 'x', component_id: c.id },
      { kind: 'heartbeat', name: 'x', url: 'https://example.com/', component_id: c.id },
      {
        kind: 'http',
        name: 'x',
        url: 'https://e.com/',
        expected_status: '399-200',
        component_id: c.id,
      },
    ]) {
      const res = await t.api('POST', '/api/v1/checks', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error.code).toBe('invalid_input')
    }
    const edited = await t.api('PATCH', `/api/v1/checks/${check.id}`, { name: 'Renamed', port: 1 })
    expect(edited.status, JSON.stringify(edited.body)).toBe(200)
    expect(edited.body).toMatchObject({ name: 'Renamed', port: 1, host: '127.0.0.1' })
    expect((await t.api('GET', '/api/v1/checks')).body).toHaveLength(1)
    expect((await t.api('DELETE', `/api/v1/checks/${check.id}`)).status).toBe(204)
    expect((await t.api('GET', `/api/v1/checks/${check.id}`)).status).toBe(404)
  })
})
