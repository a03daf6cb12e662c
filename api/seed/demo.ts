import { fixedClock } from '../../core/clock.ts'
import type { ComponentStatus } from '../../core/schemas/component.ts'
import type { Impact } from '../../core/schemas/incident.ts'
import type { Transaction } from '@libsql/client'
import type { Db } from '../../db/client.ts'
import { finishFirstStart } from '../../db/settings.ts'
import type { Deps } from '../deps.ts'
import { components, groups } from '../services/components.ts'
import { feedback } from '../services/feedback.ts'
import { incidents } from '../services/incidents.ts'
import { maintenances } from '../services/maintenances.ts'
import { recovery } from '../services/recovery.ts'
import { subscriptions } from '../services/subscriptions.ts'
import { commit, systemActor, type WriteContext } from '../services/write.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * Has anything been recorded yet, now or ever (the outbox and audit log keep what was since
 * deleted)? API tokens do not count: the first start creates one before deciding. The demo only
 * ever goes into an empty database.
 */
export async function isEmpty(deps: Deps): Promise<boolean> {
  const rs = await deps.db.execute(
    `SELECT (SELECT COUNT(*) FROM components) + (SELECT COUNT(*) FROM incidents)
          + (SELECT COUNT(*) FROM outbox WHERE aggregate_type <> 'token')
          + (SELECT COUNT(*) FROM audit_log WHERE target_type <> 'token') AS n`,
  )
  return Number(rs.rows[0]!.n) === 0
}

export interface SeedDecision {
  seed: boolean
  /** Said in the start-up log either way. */
  reason: string
}

/**
 * The demo goes only into a truly new installation: a database that got its identity on this very
 * start, has never recorded anything (no rows, no outbox, no audit), and a publish folder that
 * holds no site from another database. A database deleted or replaced under a running server
 * then comes back empty, but is never filled with demo incidents over the real status page.
 */
export async function demoSeedDecision(
  deps: Deps,
  opts: {
    identityCreated: boolean
    /** The identity in the publish folder; null when no site was published there, '' unknown. */
    publishedDatabaseId: string | null
    databaseId: string
  },
): Promise<SeedDecision> {
  if (!deps.config.demo) return { seed: false, reason: 'AMENDS_DEMO is off' }
  if (!opts.identityCreated) {
    return { seed: false, reason: 'this database has been started before' }
  }
  if (!(await isEmpty(deps))) return { seed: false, reason: 'this database already holds data' }
  if (opts.publishedDatabaseId !== null && opts.publishedDatabaseId !== opts.databaseId) {
    return {
      seed: false,
      reason: `the publish folder holds the site of another database (${opts.publishedDatabaseId || 'unknown'}): was the database deleted or replaced?`,
    }
  }
  return { seed: true, reason: 'first start: new database, nothing published yet' }
}

/**
 * A realistic demo, written through the real services with a clock walked from 90 days ago to
 * now, so its history, timelines, audit log and outbox are exactly what real use produces.
 * All of it is one transaction, which also ends the first start (db/settings.ts
 * FIRST_START_PENDING): a start that fails half-way leaves nothing, and its retry seeds it whole.
 */
export async function seedDemo(deps: Deps): Promise<{ incidents: number; components: number }> {
  const tx = await deps.db.transaction('write')
  try {
    const seeded = await writeDemo({ ...deps, db: inTransaction(tx) })
    await tx.execute(finishFirstStart())
    await tx.commit()
    return seeded
  } finally {
    tx.close() // rolls back unless committed
  }
}

/** The transaction as the services' database handle: they only execute and batch. */
function inTransaction(tx: Transaction): Db {
  const db: Pick<Db, 'execute' | 'batch'> = {
    execute: (stmt: Parameters<Transaction['execute']>[0]) => tx.execute(stmt),
    batch: (stmts: Parameters<Transaction['batch']>[0]) => tx.batch(stmts),
  }
  return db as Db
}

async function writeDemo(deps: Deps): Promise<{ incidents: number; components: number }> {
  const end = deps.clock.now().getTime()
  const clock = fixedClock(new Date(end - 90 * DAY - 2 * HOUR))
  const d: Deps = { ...deps, clock }
  const ctx: WriteContext = { actor: systemActor('demo') }
  const at = (msAgo: number) => clock.set(new Date(end - msAgo))

  const core = await groups.create(d, ctx, {
    name: 'Core platform',
    description: 'What every customer uses every day',
  })
  const pay = await groups.create(d, ctx, {
    name: 'Payments',
    description: 'Charging cards and paying out',
  })
  const c = async (name: string, description: string, group_id: string | null, sla_target = 99.9) =>
    (
      await components.create(d, ctx, {
        name,
        description,
        group_id,
        sla_target,
        status: 'operational',
        only_show_if_degraded: false,
      })
    ).id
  const dashboard = await c('Dashboard', 'The web app at app.example.com', core.id)
  const login = await c('Login', 'Sign-in, SSO and two-factor', core.id, 99.95)
  const api = await c('Public API', 'REST API at api.example.com', core.id, 99.95)
  const payApi = await c('Payments API', 'Card charges, refunds and payouts', pay.id, 99.99)
  const checkout = await c('Checkout', 'Hosted checkout pages', pay.id)
  const webhooks = await c('Webhooks', 'Event delivery to your endpoints', null)
  const email = await c('Email delivery', 'Receipts and notifications', null, 99.5)
  // A few subscribers, imported the way a team moving from another status page would.
  await subscriptions.importCsv(
    d,
    ctx,
    `email,components,locale\nops@acme.example,,en\nfinance@acme.example,${payApi};${checkout},en\nli.wei@acme.example,,zh-CN\n`,
  )

  let count = 0
  /** Opens an incident at `startAgo`, walks it through its updates, resolves it at `endAgo`. */
  const story = async (
    startAgo: number,
    endAgo: number | null,
    name: string,
    impact: Impact,
    affected: Record<string, ComponentStatus>,
    steps: {
      status: 'investigating' | 'identified' | 'monitoring'
      body: string
      workaround?: string
    }[],
    resolution?: string,
    apology?: string,
  ) => {
    at(startAgo)
    const [first, ...rest] = steps
    const opened = await incidents.create(d, ctx, {
      name,
      status: first!.status,
      impact,
      body: first!.body,
      components: affected,
      workaround: first!.workaround ?? null,
      deliver_notifications: false,
    })
    const span = (endAgo === null ? startAgo * 0.5 : startAgo - endAgo) / (rest.length + 1)
    for (const [i, s] of rest.entries()) {
      at(startAgo - span * (i + 1))
      await incidents.postUpdate(d, ctx, opened.id, {
        status: s.status,
        body: s.body,
        workaround: s.workaround,
        deliver_notifications: false,
      })
    }
    if (endAgo !== null) {
      at(endAgo)
      await incidents.resolve(d, ctx, opened.id, {
        body: resolution ?? 'This incident has been resolved.',
        apology,
        deliver_notifications: false,
      })
    }
    count++
    return opened.id
  }

  await story(
    81 * DAY,
    81 * DAY - 50 * 60_000,
    'Slow dashboard loading',
    'minor',
    { [dashboard]: 'degraded_performance' },
    [
      {
        status: 'investigating',
        body: 'Some pages of the dashboard take longer than usual to load. We are looking into it.',
      },
      {
        status: 'identified',
        body: 'A slow database query on the reports page is the cause. A fix is being deployed.',
      },
    ],
    'The fix is deployed and the dashboard loads at its usual speed again.',
  )
  await story(
    63 * DAY + 5 * HOUR,
    63 * DAY + 3 * HOUR,
    'Delayed receipt emails',
    'minor',
    { [email]: 'partial_outage' },
    [
      {
        status: 'investigating',
        body: 'Receipt emails are arriving with delays of up to 30 minutes.',
      },
      {
        status: 'identified',
        body: 'Our email provider is throttling us after a traffic spike. We are moving traffic to a second provider.',
      },
      {
        status: 'monitoring',
        body: 'Traffic is on the second provider and the backlog is draining. We are watching it.',
      },
    ],
    'All delayed emails have been delivered. New receipts go out within seconds again.',
  )
  at(47 * DAY)
  const pastMaint = await maintenances.create(d, ctx, {
    name: 'Database upgrade',
    scheduled_for: new Date(end - 44 * DAY).toISOString(),
    scheduled_until: new Date(end - 44 * DAY + 2 * HOUR).toISOString(),
    body: 'We are upgrading our primary database. The dashboard may be read-only for a few minutes during the window.',
    components: [dashboard, api],
    auto_transition: true,
    deliver_notifications: false,
  })
  at(44 * DAY)
  await maintenances.runDue(d)
  at(44 * DAY - 95 * 60_000)
  await maintenances.postUpdate(d, ctx, pastMaint.id, {
    status: 'completed',
    body: 'The upgrade finished ahead of schedule. Everything is back to normal.',
    deliver_notifications: false,
  })
  await story(
    29 * DAY + 7 * HOUR,
    29 * DAY + 6 * HOUR,
    'Login failures for SSO users',
    'major',
    { [login]: 'partial_outage' },
    [
      {
        status: 'investigating',
        body: 'Some customers who sign in with SSO see an error page.',
        workaround: 'Sign in with your email and password, or a magic link, while we fix SSO.',
      },
      {
        status: 'identified',
        body: 'An expired certificate on one SSO endpoint is the cause. We are replacing it.',
      },
    ],
    'The certificate has been replaced and SSO sign-in works again.',
  )
  const outage = await story(
    9 * DAY + 14 * HOUR,
    9 * DAY + 10 * HOUR + 48 * 60_000,
    'Payments API outage',
    'critical',
    { [payApi]: 'major_outage', [checkout]: 'partial_outage' },
    [
      {
        status: 'investigating',
        body: 'Card charges are failing. We are investigating with the highest priority.',
      },
      {
        status: 'identified',
        body: 'A network change at our card processor dropped connections from our region. We are failing over to the second processor.',
        workaround: 'Payments that failed can be retried safely: no card was charged twice.',
      },
      {
        status: 'monitoring',
        body: 'Charges are succeeding through the second processor. We are monitoring closely.',
      },
    ],
    'Card charges have succeeded normally for two hours. A full account of what happened will follow within five days.',
    'We are sorry. For 3 hours 12 minutes many of your customers could not pay you, and some of you lost sales because of it. That is not the service you rely on us for, and we are making the changes below so it does not happen again.',
  )
  await amends(
    d,
    ctx,
    outage,
    () => at(9 * DAY + 9 * HOUR),
    () => at(7 * DAY),
    () => at(5 * DAY + 20 * HOUR),
  )
  await story(
    2 * DAY + 3 * HOUR,
    2 * DAY + 2 * HOUR + 20 * 60_000,
    'Webhook delivery delays',
    'minor',
    { [webhooks]: 'degraded_performance' },
    [
      {
        status: 'investigating',
        body: 'Webhooks are being delivered with a delay of a few minutes.',
      },
    ],
    'The queue has caught up. Webhooks are delivered in real time again.',
  )
  const apiErrors = await story(
    42 * 60_000,
    null,
    'Elevated error rates on the Public API',
    'major',
    { [api]: 'partial_outage' },
    [
      {
        status: 'investigating',
        body: 'About 5% of requests to the Public API fail with a 503 error. We are investigating.',
      },
      {
        status: 'identified',
        body: 'One of our API clusters is overloaded after a failed deploy. We are rolling it back.',
        workaround:
          'Requests that fail with 503 can be retried safely; retrying after a second almost always succeeds. The dashboard and webhooks are not affected.',
      },
    ],
  )
  at(0)
  await maintenances.create(d, ctx, {
    name: 'Login service upgrade',
    scheduled_for: new Date(end + 3 * DAY).toISOString(),
    scheduled_until: new Date(end + 3 * DAY + 2 * HOUR).toISOString(),
    body: 'We are moving the login service to new servers. Sign-in may be unavailable for up to 10 minutes during the window; people already signed in stay signed in.',
    components: [login, dashboard],
    auto_transition: true,
    deliver_notifications: false,
  })
  // The inbox: one report waiting past the 2 hours, one about the open incident.
  at(3 * HOUR + 10 * 60_000)
  await feedback.report(d, {
    email: 'maria.gomez@acme.example',
    component: dashboard,
    message:
      'The dashboard shows yesterday’s numbers for our account, and the export button keeps spinning. We need the March figures for a board meeting this afternoon.',
  })
  at(25 * 60_000)
  await feedback.report(d, {
    email: 'dev@northwind.example',
    incident: apiErrors,
    message:
      'About one call in twenty to /v1/orders fails with a 503. Is this the incident on your page? Our nightly import runs at 2 pm and we need to know whether to postpone it.',
  })
  at(0)
  return { incidents: count, components: 7 }
}

/**
 * The rest of the story after the big outage: the credit accepted, the post-mortem published two
 * days later, and the answers customers gave to the follow-up (one still affected, answered).
 */
async function amends(
  d: Deps,
  ctx: WriteContext,
  incidentId: string,
  decided: () => void,
  published: () => void,
  answered: () => void,
) {
  decided()
  await recovery.decideCompensation(d, ctx, incidentId, { decision: 'accepted' })
  await recovery.saveDraft(d, ctx, incidentId, { body: POSTMORTEM })
  published()
  await recovery.publish(d, ctx, incidentId, { notify: false })
  answered()
  const at = d.clock.now().toISOString()
  const subs = (
    await d.db.execute(
      "SELECT id, email FROM subscribers WHERE status = 'confirmed' ORDER BY email",
    )
  ).rows
  const [first, second] = subs
  if (!first || !second) return
  await commit(d, ctx, {
    statements: [
      {
        sql: "INSERT INTO follow_up_answers (incident_id, subscriber_id, answer, comment, answered_at) VALUES (?, ?, 'all_good', NULL, ?), (?, ?, 'still_affected', ?, ?)",
        args: [
          incidentId,
          first.id as string,
          at,
          incidentId,
          second.id as string,
          'Two refunds from that afternoon are still pending.',
          at,
        ],
      },
      {
        sql: "INSERT INTO feedback (id, incident_id, subscriber_id, email, message, source, status, created_at, first_answered_at) VALUES ('demofeedbk01', ?, ?, ?, 'Two refunds from that afternoon are still pending.', 'follow_up', 'answered', ?, ?)",
        args: [
          incidentId,
          second.id as string,
          second.email as string,
          at,
          new Date(Date.parse(at) + 47 * 60_000).toISOString(),
        ],
      },
      {
        sql: "INSERT INTO feedback_replies (id, feedback_id, body, author, created_at) VALUES ('demoreply001', 'demofeedbk01', 'Thank you for telling us. Both refunds were stuck behind the failed charges; we released them and they will reach your customers within two working days.', ?, ?)",
        args: [
          `The ${d.config.page.name} team`,
          new Date(Date.parse(at) + 47 * 60_000).toISOString(),
        ],
      },
    ],
    action: 'demo.follow_up_answers',
    target: { type: 'incident', id: incidentId },
    events: [],
    status: 200,
    body: null,
  })
}

const POSTMORTEM = `## Summary

For 3 hours 12 minutes on the afternoon of the outage, most card charges through the Payments API failed, and the hosted Checkout pages showed errors for part of that time.

## Impact

About 70% of charge attempts failed between the start and the failover. No card was charged twice, and no payment data was exposed. Refunds issued during the window were delayed.

## Timeline

- **Start** — charges begin to fail; our alerts fire within two minutes and the incident is opened.
- **+1 h 20 min** — the cause is found: a network change at our card processor dropped our region's connections.
- **+2 h 05 min** — traffic fails over to the second processor; charges recover.
- **+3 h 12 min** — two hours without errors; the incident is resolved.

## Root cause

Our failover to the second processor was manual and took an hour to approve and carry out, because our health check did not treat dropped connections as a processor outage.

## What we are changing

- Failover to the second processor is now automatic on sustained connection errors.
- The processor's network changes are now announced to us in advance, under a new agreement.
- A quarterly failover drill, with the results published here.
`
