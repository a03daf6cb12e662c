import { subscriptionName } from '../../core/channels.ts'
import type { Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import { listComponents } from '../../db/components.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { csvAttachment, SubscriberListQuery } from '../routes/subscriptions.ts'
import { subscriptions } from '../services/subscriptions.ts'
import { byField, refusal } from './form-errors.ts'
import { consoleWrite, one, readForm, runOnce, validate, type FieldErrors } from './forms.ts'
import { consolePage, noticeFrom } from './layout.ts'
import { mountSubscriberImport } from './subscribers-import.ts'
import { subscriberList, subscriberPage } from './subscribers-views.ts'

const PER_PAGE = 50

const NOTICES: Record<string, string> = {
  removed: 'Subscriber erased: the address and its delivery records are gone',
  imported: 'Import done: the subscribers are as the preview showed',
}

/** Component names by id, to say what subscribers follow. */
async function componentNames(deps: Deps): Promise<Map<string, string>> {
  return new Map((await listComponents(deps.db)).map((c) => [c.id, c.name]))
}

/**
 * /admin/subscribers (admin): search by address, filter by status and channel, counts per
 * component and channel (an endpoint URL is only ever shown masked here), one
 * subscriber's page with erasure, CSV export, and the import with its preview
 * (subscribers-import.ts). The same services as the API's /api/v1/subscribers.
 */
export function mountSubscribers(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const zone = deps.config.page.timeZone
  const admin = requirePerson('admin')

  app.get('/admin/subscribers', admin, async (c) => {
    const filter = {
      q: (c.req.query('q') ?? '').trim().slice(0, 300),
      status: c.req.query('status') ?? '',
      channel: c.req.query('channel') ?? '',
    }
    const page = Math.min(100_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1') || 1))
    const v = validate(SubscriberListQuery, {
      q: filter.q || undefined,
      status: filter.status || undefined,
      channel: filter.channel || undefined,
      page,
      per_page: PER_PAGE,
    })
    const errors: FieldErrors | undefined = v.ok ? undefined : byField(v.errors)
    const [result, counts, names] = await Promise.all([
      v.ok ? subscriptions.list(deps, v.data) : { items: [], total: 0 },
      subscriptions.counts(deps),
      componentNames(deps),
    ])
    const body = subscriberList({
      ...result,
      page,
      perPage: PER_PAGE,
      filter,
      errors,
      counts,
      names,
      timeZone: zone,
    })
    return c.html(
      consolePage(c, siteName, {
        title: 'Subscribers',
        section: 'subscribers',
        body,
        notice: noticeFrom(c, NOTICES),
      }),
      v.ok ? 200 : 400,
    )
  })

  // Before /admin/subscribers/:id, so "export.csv" and "import" are not taken for ids.
  app.get('/admin/subscribers/export.csv', admin, async (c) => {
    const { csv } = await subscriptions.exportCsv(deps, { actor: c.get('actor') })
    return c.body(csv, 200, csvAttachment(deps.clock.now()))
  })
  mountSubscriberImport(app, deps)

  async function page(
    c: Context<AppEnv>,
    id: string,
    errors?: FieldErrors,
    status: ContentfulStatusCode = 200,
  ) {
    if (!Id.safeParse(id).success) throw notFound()
    const [subscriber, names] = await Promise.all([
      subscriptions.get(deps, id),
      componentNames(deps),
    ])
    const body = subscriberPage(c, { subscriber, names, timeZone: zone, errors })
    return c.html(
      consolePage(c, siteName, {
        title: subscriptionName(subscriber),
        section: 'subscribers',
        body,
      }),
      status,
    )
  }

  app.get('/admin/subscribers/:id', admin, (c) => page(c, c.req.param('id')))

  app.post('/admin/subscribers/:id/remove', admin, async (c) => {
    const form = await readForm(deps, c)
    const id = c.req.param('id')
    if (!Id.safeParse(id).success) throw notFound()
    // The no-JavaScript confirmation: nothing is erased unless the box was ticked.
    if (one(form, 'confirm') !== 'yes') {
      return page(c, id, { confirm: 'Tick the box to confirm: erasing cannot be undone' }, 400)
    }
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect('/admin/subscribers?notice=removed', 303)
    try {
      await runOnce(deps, c, form, () => subscriptions.remove(deps, ctx, id))
    } catch (err) {
      const r = refusal(err)
      if (!r || r.status === 404) throw err
      return page(c, id, r.errors, r.status)
    }
    return c.redirect('/admin/subscribers?notice=removed', 303)
  })
}

const notFound = () => new DomainError('not_found', 'not_found', 'There is no such subscriber')
