import type { Context, Hono, MiddlewareHandler } from 'hono'
import { cannedReply } from '../../core/canned-replies.ts'
import { notFound } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import { ROLE_SCOPE } from '../../core/schemas/user.ts'
import { getComponentsByIds } from '../../db/components.ts'
import { incidentsWithFeedback } from '../../db/feedback.ts'
import { getIncidentsByIds } from '../../db/incidents.ts'
import { listUsers } from '../../db/users.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import {
  feedback,
  FeedbackAssign,
  feedbackFor,
  FeedbackReplyCreate,
  type FeedbackFilterQuery,
  type FeedbackView,
} from '../services/feedback.ts'
import { customerSignature, type WriteContext } from '../services/write.ts'
import { refusal, type RefusalStatus } from './form-errors.ts'
import { consoleWrite, one, readForm, runOnce, validate, type Form } from './forms.ts'
import {
  inboxList,
  inboxThread,
  SHOWS,
  threadTitle,
  type InboxNames,
  type Show,
  type ThreadState,
} from './inbox-views.ts'
import { consolePage, noticeFrom } from './layout.ts'
import { canWrite } from './roles.ts'

const PER_PAGE = 25

/** What just happened, by code: the URL never carries text a person wrote. */
const NOTICES: Record<string, string> = {
  replied: 'Reply sent: it is on its way to the reporter.',
  kept: 'Reply saved. The reporter left no address, so it is not mailed.',
  assigned: 'Assigned.',
  unassigned: 'Nobody is assigned to it now.',
  closed: 'Closed.',
  reopened: 'Open again: it takes replies.',
}

/**
 * The count of reports waiting for a first answer, for the console's menu (layout.ts): a lazy
 * read, so only a page that is rendered asks the database (an index count).
 */
export function inboxWaiting(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('signedIn')) c.set('inboxWaiting', () => feedback.waitingCount(deps))
    await next()
  }
}

/** /admin/inbox: customer reports and follow-up answers, and each one's thread. */
export function mountInbox(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const tz = deps.config.page.timeZone

  /** Incidents, components and people named by these items. */
  async function namesFor(items: readonly FeedbackView[]): Promise<InboxNames> {
    const ids = (pick: (f: FeedbackView) => string | null) => [
      ...new Set(items.flatMap((f) => pick(f) ?? [])),
    ]
    const [incidents, components, people] = await Promise.all([
      getIncidentsByIds(
        deps.db,
        ids((f) => f.incident_id),
      ),
      getComponentsByIds(
        deps.db,
        ids((f) => f.component_id),
      ),
      listUsers(deps.db),
    ])
    return {
      incidents: new Map(incidents.map((i) => [i.id, i.name])),
      components: new Map(components.map((x) => [x.id, x.name])),
      people: new Map(people.map((u) => [u.id, u.name ?? u.email])),
    }
  }

  /** An item with the reporter's address as the signed-in person's role may see it. */
  const shown = (c: Context<AppEnv>, f: FeedbackView) =>
    feedbackFor(f, ROLE_SCOPE[c.get('signedIn')!.user.role])

  app.get('/admin/inbox', requirePerson('viewer'), async (c) => {
    const asked = c.req.query('show')
    const show: Show = SHOWS.find((s) => s === asked) ?? 'all'
    const incidentQuery = c.req.query('incident')
    const incident = Id.safeParse(incidentQuery).success ? incidentQuery! : null
    const page = Math.min(100_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1') || 1))
    const me = c.get('signedIn')!.user
    const about = incident ? { incident } : {}
    const queries: Record<Show, FeedbackFilterQuery> = {
      open: { ...about, status: 'open' },
      late: { ...about, late: true },
      mine: { ...about, assigned_to: me.id },
      all: about,
    }
    const [list, counts, withReports] = await Promise.all([
      feedback.list(deps, { ...queries[show], page, per_page: PER_PAGE }),
      feedback.count(
        deps,
        SHOWS.map((s) => queries[s]),
      ),
      incidentsWithFeedback(deps.db),
    ])
    const [names, incidents] = await Promise.all([
      namesFor(list.items),
      getIncidentsByIds(deps.db, withReports),
    ])
    const body = inboxList({
      items: list.items.map((f) => shown(c, f)),
      names,
      show,
      incident,
      incidents: incidents
        .sort((a, b) => b.started_at.localeCompare(a.started_at))
        .map((i) => ({ id: i.id, name: i.name })),
      counts: Object.fromEntries(SHOWS.map((s, n) => [s, counts[n]!])) as Record<Show, number>,
      page,
      pages: Math.max(1, Math.ceil(list.total / PER_PAGE)),
      total: list.total,
      timeZone: tz,
      now: deps.clock.now(),
    })
    return c.html(consolePage(c, siteName, { title: 'Inbox', section: 'inbox', body }))
  })

  async function load(c: Context<AppEnv>): Promise<FeedbackView> {
    const id = c.req.param('id') ?? ''
    if (!Id.safeParse(id).success) throw notFound('feedback', id)
    return feedback.get(deps, id)
  }

  async function page(
    c: Context<AppEnv>,
    f: FeedbackView,
    state: ThreadState = {},
    status: 200 | RefusalStatus = 200,
  ) {
    const [names, people] = await Promise.all([namesFor([f]), listUsers(deps.db)])
    const item = shown(c, f)
    const body = inboxThread(c, {
      item,
      names,
      people: people.filter((u) => u.status === 'active'),
      canWrite: canWrite(c),
      signature: customerSignature(c.get('actor'), siteName),
      mail: { from: deps.config.mail.from, replyTo: deps.config.mail.supportEmail ?? null },
      canned: cannedReply(c.req.query('canned')),
      timeZone: tz,
      now: deps.clock.now(),
      state,
    })
    const notice = noticeFrom(c, NOTICES)
    return c.html(
      consolePage(c, siteName, { title: threadTitle(item), section: 'inbox', body, notice }),
      status,
    )
  }

  app.get('/admin/inbox/:id', requirePerson('viewer'), async (c) => page(c, await load(c)))

  /**
   * One of the thread's forms: checked like the API (`check`), written once per form key through
   * the same service as the API, then back to the thread with a fixed notice.
   */
  function post<T>(
    path: string,
    form: NonNullable<ThreadState['form']>,
    check: (fields: Form) => { ok: true; data: T } | { ok: false; state: ThreadState },
    run: (ctx: WriteContext, f: FeedbackView, data: T) => Promise<unknown>,
    notice: (f: FeedbackView, data: T) => string,
  ) {
    app.post(`/admin/inbox/:id/${path}`, requirePerson('editor'), async (c) => {
      const fields = await readForm(deps, c)
      const f = await load(c)
      const checked = check(fields)
      if (!checked.ok) return page(c, f, { form, ...checked.state }, 400)
      const back = `/admin/inbox/${f.id}?notice=${notice(f, checked.data)}`
      const { ctx, replay } = await consoleWrite(deps, c, fields)
      if (replay) return c.redirect(back, 303)
      try {
        await runOnce(deps, c, fields, () => run(ctx, f, checked.data))
      } catch (err) {
        const r = refusal(err)
        if (!r) throw err
        const now = await feedback.get(deps, f.id)
        return page(c, now, { form, ...valuesOf(form, fields), errors: r.errors }, r.status)
      }
      return c.redirect(back, 303)
    })
  }

  const valuesOf = (form: ThreadState['form'], fields: Form): ThreadState =>
    form === 'reply'
      ? { body: one(fields, 'body') }
      : form === 'assign'
        ? { assigned_to: one(fields, 'assigned_to') }
        : {}

  post(
    'replies',
    'reply',
    (fields) => {
      const v = validate(FeedbackReplyCreate, { body: one(fields, 'body') })
      return v.ok
        ? { ok: true, data: v.data }
        : { ok: false, state: { body: one(fields, 'body'), errors: v.errors } }
    },
    (ctx, f, data) => feedback.reply(deps, ctx, f.id, data.body),
    (f) => (f.email ? 'replied' : 'kept'),
  )

  post(
    'assign',
    'assign',
    (fields) => {
      const raw = one(fields, 'assigned_to')
      const v = validate(FeedbackAssign, { assigned_to: raw || null })
      return v.ok
        ? { ok: true, data: v.data }
        : { ok: false, state: { assigned_to: raw, errors: v.errors } }
    },
    (ctx, f, data) => feedback.assign(deps, ctx, f.id, data),
    (_f, data) => (data.assigned_to ? 'assigned' : 'unassigned'),
  )

  const nothing = () => ({ ok: true as const, data: null })
  post(
    'close',
    'status',
    nothing,
    (ctx, f) => feedback.close(deps, ctx, f.id),
    () => 'closed',
  )
  post(
    'reopen',
    'status',
    nothing,
    (ctx, f) => feedback.reopen(deps, ctx, f.id),
    () => 'reopened',
  )
}
