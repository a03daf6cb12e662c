import { subscriptionName } from '../../core/channels.ts'
import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { errorPages, formBody, limitBody, privatePage } from '../pages/page-middleware.ts'
import { z } from 'zod'
import { DomainError, type ErrorDetail } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import { Locale, SubscriptionCreate } from '../../core/schemas/subscription.ts'
import type { SubscriberRecord } from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { validationError } from '../errors.ts'
import { views, type ManageNotice, type Site } from '../pages/subscriber-views.ts'
import { calendarLink } from '../services/links.ts'
import { SELF_SERVICE, subscriptions } from '../services/subscriptions.ts'

const MAX_FORM_BYTES = 16 * 1024

/** The manage form: `scope` all|some, repeated `components`, `locale`. */
const ManageForm = z.object({
  scope: z.enum(['all', 'some']).optional(),
  components: z.array(Id).max(500),
  locale: Locale,
})

/**
 * The HTML side of subscriptions, for people without JavaScript and for the links in emails:
 * POST /subscribe (the status page's form), and confirm / manage / unsubscribe by signed link.
 * GET never changes anything (mail scanners prefetch links); every change is a POST.
 */
export function subscriberPageRoutes(deps: Deps, limit: MiddlewareHandler) {
  const app = new Hono<AppEnv>()
  const site: Site = { name: deps.config.page.name, url: deps.config.siteUrl }

  // Per route, not app.use('*'): this router is mounted at "/" and must not touch other routes.
  const secure = privatePage(deps.config.siteUrl)
  const form = formBody(MAX_FORM_BYTES)
  // A one-click unsubscribe body is tiny; the limit only stops someone streaming junk at us.
  const small = limitBody(MAX_FORM_BYTES)

  app.onError(errorPages(deps.log, site, views))

  app.post('/subscribe', secure, limit, ...form, async (c) => {
    const body = await c.req.parseBody({ all: true })
    const email = (field(body, 'email') ?? '').trim()
    // The honeypot: people never see the "website" field, form-filling bots do. Answer as if all
    // went well so the bot learns nothing, and write nothing.
    if (field(body, 'website')) return c.html(views.subscribeAccepted(site, email), 200)
    const back = backLink(c, site)
    const input = SubscriptionCreate.safeParse({
      email,
      components: list(body, 'components'),
      locale: field(body, 'locale') || undefined,
    })
    if (!input.success) {
      return c.html(
        views.subscribeError(
          site,
          plainProblems(validationError(input.error, 'form').details),
          back,
        ),
        400,
      )
    }
    try {
      await subscriptions.request(deps, SELF_SERVICE, input.data)
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'invalid') {
        return c.html(views.subscribeError(site, plainProblems(err.details), back), 400)
      }
      throw err
    }
    return c.html(views.subscribeAccepted(site, input.data.email), 200)
  })

  app.get('/confirm/:token', secure, async (c) => {
    const s = await subscriptions.inspect(deps, 'confirm', c.req.param('token'))
    if (!s || (s.status !== 'pending' && s.status !== 'confirmed'))
      return c.html(views.invalidLink(site, 'confirm'), 400)
    if (s.status === 'confirmed')
      return c.html(
        views.confirmed(site, subscriptionName(s), (await subscriptions.links(deps, s)).manage),
        200,
      )
    return c.html(views.confirmPrompt(site, subscriptionName(s)), 200)
  })

  app.post('/confirm/:token', secure, small, async (c) => {
    const s = await subscriptions.confirm(deps, SELF_SERVICE, c.req.param('token'))
    if (!s) return c.html(views.invalidLink(site, 'confirm'), 400)
    return c.html(
      views.confirmed(site, subscriptionName(s), (await subscriptions.links(deps, s)).manage),
      200,
    )
  })

  const managePage = async (s: SubscriberRecord, notice?: ManageNotice) =>
    views.manage(site, {
      email: subscriptionName(s),
      allComponents: s.all_components,
      locale: s.locale,
      sections: await subscriptions.choices(deps, s),
      unsubscribeUrl: (await subscriptions.links(deps, s)).unsubscribe,
      notice,
      calendarUrl: await calendarLink(deps, s),
    })

  app.get('/manage/:token', secure, async (c) => {
    const s = await subscriptions.inspect(deps, 'manage', c.req.param('token'))
    if (!s || s.status === 'unsubscribed') return c.html(views.invalidLink(site, 'manage'), 400)
    return c.html(await managePage(s), 200)
  })

  app.post('/manage/:token', secure, ...form, async (c) => {
    const token = c.req.param('token')
    const body = await c.req.parseBody({ all: true })
    const parsed = ManageForm.safeParse({
      scope: field(body, 'scope') || undefined,
      components: list(body, 'components'),
      locale: field(body, 'locale') || 'en',
    })
    const fail = async (message: string) => {
      const s = await subscriptions.inspect(deps, 'manage', token)
      if (!s || s.status === 'unsubscribed') return c.html(views.invalidLink(site, 'manage'), 400)
      return c.html(await managePage(s, { kind: 'error', message }), 400)
    }
    if (!parsed.success)
      return fail(plainProblems(validationError(parsed.error, 'form').details).join(' '))
    const { scope, components, locale } = parsed.data
    if (scope === 'some' && components.length === 0) {
      return fail(
        'Tick at least one component, or choose all components. To stop every email, unsubscribe below.',
      )
    }
    let s: SubscriberRecord | null
    try {
      s = await subscriptions.updatePreferences(deps, SELF_SERVICE, token, {
        components: scope === 'all' ? [] : components,
        locale,
      })
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'invalid')
        return fail(plainProblems(err.details).join(' '))
      throw err
    }
    if (!s) return c.html(views.invalidLink(site, 'manage'), 400)
    return c.html(await managePage(s, { kind: 'saved' }), 200)
  })

  app.get('/unsubscribe/:token', secure, async (c) => {
    const s = await subscriptions.inspect(deps, 'unsubscribe', c.req.param('token'))
    if (!s) return c.html(views.invalidLink(site, 'unsubscribe'), 400)
    if (s.status === 'unsubscribed')
      return c.html(views.unsubscribed(site, subscriptionName(s)), 200)
    return c.html(views.unsubscribePrompt(site, subscriptionName(s)), 200)
  })

  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" with no cookie or login.
  // The body is not required: the signed link alone says who and what.
  app.post('/unsubscribe/:token', secure, small, async (c) => {
    const result = await subscriptions.unsubscribe(deps, SELF_SERVICE, c.req.param('token'))
    if (!result) return c.html(views.invalidLink(site, 'unsubscribe'), 400)
    return c.html(views.unsubscribed(site, subscriptionName(result.subscriber)), 200)
  })

  return app
}

type FormBody = Record<string, string | File | (string | File)[]>

function field(body: FormBody, name: string): string | undefined {
  const v = body[name]
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : undefined
}

function list(body: FormBody, name: string): string[] {
  const v = body[name]
  const all = Array.isArray(v) ? v : v === undefined ? [] : [v]
  return all
    .filter((x): x is string => typeof x === 'string' && x.trim() !== '')
    .map((x) => x.trim())
}

/** Field errors in words a person filling in a form understands. */
function plainProblems(details: readonly ErrorDetail[] | undefined): string[] {
  const words = (details ?? []).map((d) =>
    d.path.startsWith('email')
      ? 'Enter an email address, like name@example.com.'
      : d.path.startsWith('components')
        ? 'One of the chosen components no longer exists. Reload the page and choose again.'
        : d.path.startsWith('locale')
          ? 'Choose English or 简体中文 as the email language.'
          : `${d.message}.`,
  )
  return words.length
    ? [...new Set(words)]
    : ['Something in the form is not right. Please check it and try again.']
}

/** Back to the page that held the form when it is ours, else the status page. */
function backLink(c: Context, site: Site): string {
  const referer = c.req.header('referer')
  return referer && referer.startsWith(`${site.url}/`) ? referer : `${site.url}/`
}
