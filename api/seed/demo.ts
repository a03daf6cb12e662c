import { fixedClock } from '../../core/clock.ts'
import { newId } from '../../core/ids.ts'
import type { ComponentStatus } from '../../core/schemas/component.ts'
import type { Impact } from '../../core/schemas/incident.ts'
import type { Transaction } from '@libsql/client'
import type { Db } from '../../db/client.ts'
import { insertFeedback, insertReply, type FeedbackRecord } from '../../db/feedback.ts'
import { finishFirstStart } from '../../db/settings.ts'
import type { Deps } from '../deps.ts'
import { components, groups } from '../services/components.ts'
import { feedback } from '../services/feedback.ts'
import { incidents } from '../services/incidents.ts'
import { maintenances } from '../services/maintenances.ts'
import { recovery } from '../services/recovery.ts'
import { demoDrafts } from './demo-drafts.ts'
import { demoText } from './demo-zh.ts'
import { subscriptions } from '../services/subscriptions.ts'
import { commit, customerSignature, systemActor, type WriteContext } from '../services/write.ts'

const MIN = 60_000
const HOUR = 60 * MIN
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
  // Incident text in every configured language the demo has words for (demo-zh.ts).
  const tr = (en: string) => demoText(en, deps.config.locales)

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
  /**
   * An incident as it really goes: the impact starts at `impactAgo`, the team notices and opens
   * the incident a few minutes later with the start of impact backdated (`after` of the first
   * step; 0 opens it at impact start), posts its updates `after` minutes into the impact, and
   * resolves it. The communication metrics measure exactly these delays.
   */
  const story = async (
    impactAgo: number,
    name: string,
    impact: Impact,
    affected: Record<string, ComponentStatus>,
    steps: {
      after: number
      status: 'investigating' | 'identified' | 'monitoring'
      body: string
      workaround?: string
    }[],
    resolved?: { after: number; body: string; apology?: string },
  ) => {
    const into = (minutes: number) => at(impactAgo - minutes * MIN)
    const [first, ...rest] = steps
    into(first!.after)
    const opened = await incidents.create(d, ctx, {
      name: tr(name),
      status: first!.status,
      impact,
      body: tr(first!.body),
      components: affected,
      workaround: first!.workaround ? tr(first!.workaround) : null,
      ...(first!.after > 0 ? { started_at: new Date(end - impactAgo).toISOString() } : {}),
      deliver_notifications: false,
    })
    for (const s of rest) {
      into(s.after)
      await incidents.postUpdate(d, ctx, opened.id, {
        status: s.status,
        body: tr(s.body),
        workaround: s.workaround ? tr(s.workaround) : undefined,
        deliver_notifications: false,
      })
    }
    if (resolved) {
      into(resolved.after)
      await incidents.resolve(d, ctx, opened.id, {
        body: tr(resolved.body),
        apology: resolved.apology ? tr(resolved.apology) : undefined,
        deliver_notifications: false,
      })
    }
    count++
    return opened.id
  }

  await story(
    81 * DAY,
    'Slow dashboard loading',
    'minor',
    { [dashboard]: 'degraded_performance' },
    [
      {
        after: 12,
        status: 'investigating',
        body: 'Some pages of the dashboard take longer than usual to load. We are looking into it.',
      },
      {
        after: 35,
        status: 'identified',
        body: 'A slow database query on the reports page is the cause. A fix is being deployed.',
      },
    ],
    { after: 50, body: 'The fix is deployed and the dashboard loads at its usual speed again.' },
  )
  // Noticed late: the first message came 25 minutes into the impact.
  await story(
    63 * DAY + 5 * HOUR,
    'Delayed receipt emails',
    'minor',
    { [email]: 'partial_outage' },
    [
      {
        after: 25,
        status: 'investigating',
        body: 'Receipt emails are arriving with delays of up to 30 minutes.',
      },
      {
        after: 70,
        status: 'identified',
        body: 'Our email provider is throttling us after a traffic spike. We are moving traffic to a second provider.',
      },
      {
        after: 115,
        status: 'monitoring',
        body: 'Traffic is on the second provider and the backlog is draining. We are watching it.',
      },
    ],
    {
      after: 150,
      body: 'All delayed emails have been delivered. New receipts go out within seconds again.',
    },
  )
  at(47 * DAY)
  const pastMaint = await maintenances.create(d, ctx, {
    name: tr('Database upgrade'),
    scheduled_for: new Date(end - 44 * DAY).toISOString(),
    scheduled_until: new Date(end - 44 * DAY + 2 * HOUR).toISOString(),
    body: tr(
      'We are upgrading our primary database. The dashboard may be read-only for a few minutes during the window.',
    ),
    components: [dashboard, api],
    auto_transition: true,
    deliver_notifications: false,
  })
  at(44 * DAY)
  await maintenances.runDue(d)
  at(44 * DAY - 95 * MIN)
  await maintenances.postUpdate(d, ctx, pastMaint.id, {
    status: 'completed',
    body: tr('The upgrade finished ahead of schedule. Everything is back to normal.'),
    deliver_notifications: false,
  })
  const ssoStart = 29 * DAY + 7 * HOUR
  const sso = await story(
    ssoStart,
    'Login failures for SSO users',
    'major',
    { [login]: 'partial_outage' },
    [
      {
        after: 6,
        status: 'investigating',
        body: 'Some customers who sign in with SSO see an error page.',
        workaround: 'Sign in with your email and password, or a magic link, while we fix SSO.',
      },
      {
        after: 30,
        status: 'identified',
        body: 'An expired certificate on one SSO endpoint is the cause. We are replacing it.',
      },
    ],
    { after: 62, body: 'The certificate has been replaced and SSO sign-in works again.' },
  )
  // Its post-mortem came three days after the five promised.
  at(ssoStart - 62 * MIN - 3 * DAY)
  await recovery.saveDraft(d, ctx, sso, { body: SSO_POSTMORTEM })
  at(ssoStart - 62 * MIN - 8 * DAY)
  await recovery.publish(d, ctx, sso, { notify: false })
  const outageStart = 9 * DAY + 14 * HOUR
  const outage = await story(
    outageStart,
    'Payments API outage',
    'critical',
    { [payApi]: 'major_outage', [checkout]: 'partial_outage' },
    [
      {
        after: 9,
        status: 'investigating',
        body: 'Card charges are failing. We are investigating with the highest priority.',
      },
      {
        after: 38,
        status: 'identified',
        body: 'A network change at our card processor dropped connections from our region. We are failing over to the second processor.',
        workaround: 'Payments that failed can be retried safely: no card was charged twice.',
      },
      // 95 minutes of silence before this one: the hourly promise broken once.
      {
        after: 133,
        status: 'monitoring',
        body: 'Charges are succeeding through the second processor. We are monitoring closely.',
      },
    ],
    {
      after: 192,
      body: 'Card charges have succeeded normally for an hour. A full account of what happened will follow within five days.',
      apology:
        'We are sorry. For 3 hours 12 minutes many of your customers could not pay you, and some of you lost sales because of it. That is not the service you rely on us for, and we are making the changes below so it does not happen again.',
    },
  )
  await amends(
    d,
    ctx,
    outage,
    () => at(9 * DAY + 9 * HOUR),
    () => at(7 * DAY),
    () => at(5 * DAY + 20 * HOUR),
  )
  // Opened the moment it started (no backdating): its first message is not measured.
  const webhookStart = 2 * DAY + 3 * HOUR
  const webhookDelays = await story(
    webhookStart,
    'Webhook delivery delays',
    'minor',
    { [webhooks]: 'degraded_performance' },
    [
      {
        after: 0,
        status: 'investigating',
        body: 'Webhooks are being delivered with a delay of a few minutes.',
      },
    ],
    { after: 40, body: 'The queue has caught up. Webhooks are delivered in real time again.' },
  )
  const apiStart = 50 * MIN
  const apiErrors = await story(
    apiStart,
    'Elevated error rates on the Public API',
    'major',
    { [api]: 'partial_outage' },
    [
      {
        after: 7,
        status: 'investigating',
        body: 'About 5% of requests to the Public API fail with a 503 error. We are investigating.',
      },
      {
        after: 30,
        status: 'identified',
        body: 'One of our API clusters is overloaded after a failed deploy. We are rolling it back.',
        workaround:
          'Requests that fail with 503 can be retried safely; retrying after a second almost always succeeds. The dashboard and webhooks are not affected.',
      },
    ],
  )
  // Alerts that opened drafts: two published minutes later, two dismissed as no customer impact.
  count += await demoDrafts(d, ctx, at, [
    {
      ago: 20 * DAY + 3 * HOUR,
      component: checkout,
      alertname: 'CheckoutLatencyHigh',
      summary: 'Checkout p99 latency above 4 s for 5 minutes (eu-west-1)',
      status: 'degraded_performance',
      decidedAfter: 6,
      outcome: { resolvedAfter: 41, body: tr('Checkout pages load at their usual speed again.') },
    },
    {
      ago: 12 * DAY + 5 * HOUR,
      component: webhooks,
      alertname: 'WebhookQueueDepth',
      summary: 'Webhook delivery queue above 50,000 events',
      status: 'degraded_performance',
      decidedAfter: 4,
      outcome: {
        dismissed:
          'Planned replay of failed deliveries: the queue grew on purpose, no customer was delayed.',
      },
    },
    {
      ago: 4 * DAY + 2 * HOUR,
      component: email,
      alertname: 'EmailSendLatency',
      summary: 'Receipt emails queued for more than 5 minutes',
      status: 'degraded_performance',
      decidedAfter: 11,
      outcome: { resolvedAfter: 55, body: tr('Receipt emails go out within seconds again.') },
    },
    {
      ago: 1 * DAY + 6 * HOUR,
      component: login,
      alertname: 'LoginErrorRate',
      summary: 'Login error rate above 2 % for 3 minutes',
      status: 'partial_outage',
      decidedAfter: 9,
      outcome: { dismissed: 'Load test by our own team; customers were not affected.' },
    },
  ])
  // What customers reported, and how fast they heard back: most within 2 hours, one after
  // nearly four, one still waiting (the follow-up answer is written with the amends above).
  await reports(d, ctx, end, [
    {
      incident: sso,
      receivedAgo: ssoStart - 20 * MIN,
      email: 'it-admin@globex.example',
      message:
        'None of our people can sign in with Okta since this morning. Password sign-in works.',
      reply: {
        after: 3 * HOUR + 40 * MIN,
        body: 'Thank you for reporting it, and sorry for the wait. An expired certificate on one of our SSO endpoints was the cause; it was replaced and Okta sign-in works again. Please tell us if anyone still cannot sign in.',
      },
    },
    {
      incident: outage,
      receivedAgo: outageStart - 15 * MIN,
      email: 'shop@owner.example',
      message: 'Every checkout on our shop fails with a card error. Is it you?',
      reply: {
        after: 25 * MIN,
        body: 'Yes, it is us, and we are sorry: a network problem at our card processor is failing charges. Failed payments can be retried safely; no card is charged twice. We post updates on the status page.',
      },
    },
    {
      incident: outage,
      receivedAgo: outageStart - 60 * MIN,
      email: 'ops@acme.example',
      message: 'Is there an estimate? We have a sale running this afternoon.',
      reply: {
        after: 70 * MIN,
        body: 'We are failing over to our second card processor now and expect charges to recover within the hour. We will post on the status page as soon as they do.',
      },
    },
    {
      incident: webhookDelays,
      receivedAgo: webhookStart - 10 * MIN,
      email: 'dev@initech.example',
      message: 'Our order webhooks arrive five minutes late.',
      reply: {
        after: 28 * MIN,
        body: 'Thank you: a delivery queue fell behind. It has caught up and webhooks arrive in real time again.',
      },
    },
    {
      incident: apiErrors,
      receivedAgo: 25 * MIN,
      email: 'platform@umbrella.example',
      message: 'About one in twenty of our API calls gets a 503 since half an hour ago.',
    },
  ])
  at(0)
  await maintenances.create(d, ctx, {
    name: tr('Login service upgrade'),
    scheduled_for: new Date(end + 3 * DAY).toISOString(),
    scheduled_until: new Date(end + 3 * DAY + 2 * HOUR).toISOString(),
    body: tr(
      'We are moving the login service to new servers. Sign-in may be unavailable for up to 10 minutes during the window; people already signed in stay signed in.',
    ),
    components: [login, dashboard],
    auto_transition: true,
    deliver_notifications: false,
  })
  // The inbox: a report about no incident at all, waiting past the 2 hours.
  at(3 * HOUR + 10 * MIN)
  await feedback.report(d, {
    email: 'maria.gomez@acme.example',
    component: dashboard,
    message:
      'The dashboard shows yesterday’s numbers for our account, and the export button keeps spinning. We need the March figures for a board meeting this afternoon.',
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

interface DemoReport {
  incident: string
  receivedAgo: number
  email: string
  message: string
  reply?: { after: number; body: string }
}

/**
 * Customers' reports and the team's first replies, written as the feedback service stores them
 * (db/feedback.ts) but without their outbox events: the demo mails nobody.
 */
async function reports(d: Deps, ctx: WriteContext, end: number, items: readonly DemoReport[]) {
  for (const r of items) {
    const received = end - r.receivedAgo
    const answered = r.reply ? new Date(received + r.reply.after).toISOString() : null
    const f: FeedbackRecord = {
      id: newId(),
      incident_id: r.incident,
      component_id: null,
      subscriber_id: null,
      email: r.email,
      message: r.message,
      source: 'form',
      status: answered ? 'answered' : 'open',
      assigned_to: null,
      created_at: new Date(received).toISOString(),
      first_answered_at: answered,
      closed_at: null,
    }
    const reply = r.reply && {
      id: newId(),
      feedback_id: f.id,
      body: r.reply.body,
      author: customerSignature(ctx.actor, d.config.page.name),
      created_at: answered!,
    }
    await commit(d, ctx, {
      statements: [insertFeedback(f), ...(reply ? [insertReply(reply)] : [])],
      action: 'demo.feedback',
      target: { type: 'feedback', id: f.id },
      events: [],
      status: 201,
      body: null,
    })
  }
}

const SSO_POSTMORTEM = `## Summary

For an hour, customers who sign in with SSO saw an error page instead of their dashboard. Password and magic-link sign-in kept working.

## Impact

Sign-ins through one of our two SSO endpoints failed; about a third of SSO sign-in attempts. People already signed in were not affected.

## Timeline

- **Start** — the certificate of one SSO endpoint expires; sign-ins through it fail.
- **+6 min** — the incident is posted here, with password sign-in as the workaround.
- **+30 min** — the expired certificate is found.
- **+62 min** — the certificate is replaced and SSO sign-in works again.

## Root cause

The certificate was renewed by hand, and the reminder for it went to a mailbox nobody reads any more.

## What we are changing

- Every certificate is now renewed automatically, and monitored for expiry 30 days ahead.
- This post-mortem is late: it was promised within five days and took eight. We now book the review when the incident is resolved.
`

const POSTMORTEM = `## Summary

For 3 hours 12 minutes on the afternoon of the outage, most card charges through the Payments API failed, and the hosted Checkout pages showed errors for part of that time.

## Impact

About 70% of charge attempts failed between the start and the failover. No card was charged twice, and no payment data was exposed. Refunds issued during the window were delayed.

## Timeline

- **Start** — charges begin to fail; our alerts fire within two minutes.
- **+9 min** — the incident is posted here.
- **+38 min** — the cause is found: a network change at our card processor dropped our region's connections.
- **+2 h 13 min** — traffic is on the second processor; charges recover.
- **+3 h 12 min** — an hour without errors; the incident is resolved.

## Root cause

Our failover to the second processor was manual and took an hour to approve and carry out, because our health check did not treat dropped connections as a processor outage.

## What we are changing

- Failover to the second processor is now automatic on sustained connection errors.
- The processor's network changes are now announced to us in advance, under a new agreement.
- A quarterly failover drill, with the results published here.
- An update at least every hour while an incident is open: during this one we went 95 minutes without one.
`
