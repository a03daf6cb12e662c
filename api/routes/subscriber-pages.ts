import { Hono } from 'hono'
import { z } from 'zod'
import { ChannelName, subscriptionName } from '../../core/channels.ts'
import { DomainError, type ErrorDetail } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import { checkOutboundUrl } from '../../core/outbound.ts'
import { Id } from '../../core/schemas/common.ts'
import { ConfirmCode, Locale, SubscriptionCreate } from '../../core/schemas/subscription.ts'
import type { SubscriberRecord } from '../../db/subscribers.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { validationError } from '../errors.ts'
import { errorPages, formBody, limitBody, privatePage } from '../pages/page-middleware.ts'
import { subscribeViews, type FormErrors, type SubscribeForm } from '../pages/subscribe-views.ts'
import { inLocale, siteOf, type Site } from '../pages/layout.ts'
import { views, type ManageNotice } from '../pages/subscriber-views.ts'
import { calendarLink } from '../services/links.ts'
import { codeToken, codeTokenValid } from '../services/sms-confirmation.ts'
import {
  enabledChannels,
  SELF_SERVICE,
  subscriptions,
  type SubscribeAccepted,
} from '../services/subscriptions.ts'
import type { PublicLimits } from './subscriptions.ts'

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
export function subscriberPageRoutes(deps: Deps, limits: PublicLimits) {
  const app = new Hono<AppEnv>()
  const site = siteOf(deps.config)
  /** The site in a subscriber's language (its locale where known). */
  const siteFor = (s: { locale: string }) => inLocale(site, s.locale)

  // Per route, not app.use('*'): this router is mounted at "/" and must not touch other routes.
  const secure = privatePage(deps.config.siteUrl)
  const form = formBody(MAX_FORM_BYTES)
  // A one-click unsubscribe body is tiny; the limit only stops someone streaming junk at us.
  const small = limitBody(MAX_FORM_BYTES)

  app.onError(errorPages(deps.log, site, views))
  const notOffered = () =>
    new DomainError('not_found', 'not_found', 'There is no such way to subscribe here')

  const offered = enabledChannels(deps.config)

  /** The form of a channel, as typed and with its problems (a GET shows it empty). */
  const formPage = async (
    at: Site,
    channel: ChannelName,
    values: SubscribeForm['values'],
    chosen: readonly string[],
    errors?: FormErrors,
  ) =>
    subscribeViews.form(at, {
      channel,
      channels: offered,
      sections: await subscriptions.choices(deps, {
        all_components: chosen.length === 0,
        components: chosen,
      }),
      values,
      errors,
    })

  // The code form first, so "code" is not taken for a channel.
  app.get('/subscribe/code', secure, async (c) => {
    const token = c.req.query('token') ?? ''
    if (!(await codeTokenValid(deps, token))) return c.html(subscribeViews.codeExpired(site), 400)
    return c.html(subscribeViews.code(site, { token, phone: null }), 200)
  })

  app.post('/subscribe/code', secure, limits.code, ...form, async (c) => {
    const body = await c.req.parseBody({ all: true })
    const token = field(body, 'token') ?? ''
    const input = ConfirmCode.safeParse({ token, code: field(body, 'code') ?? '' })
    if (!input.success) {
      const error = 'Enter the 6-digit code from the text message.'
      return c.html(subscribeViews.code(site, { token, phone: null, error }), 400)
    }
    try {
      const r = await subscriptions.confirmCode(deps, SELF_SERVICE, input.data)
      const manage =
        r.status === 'confirmed' ? (await subscriptions.links(deps, r.subscriber)).manage : null
      return c.html(subscribeViews.codeConfirmed(site, subscriptionName(r.subscriber), manage), 200)
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      if (err.code === 'wrong_code')
        return c.html(
          subscribeViews.code(site, { token, phone: null, error: `${err.message}.` }),
          400,
        )
      if (err.code === 'too_many_attempts')
        return c.html(subscribeViews.codeLocked(site, err.message), 409)
      if (err.code === 'code_token_invalid') return c.html(subscribeViews.codeExpired(site), 400)
      throw err
    }
  })

  app.get('/subscribe/:channel', secure, async (c) => {
    const channel = ChannelName.safeParse(c.req.param('channel'))
    if (!channel.success || !offered.includes(channel.data)) throw notOffered()
    // The status site's form in another language links here with ?locale=.
    const at = inLocale(site, c.req.query('locale'))
    const empty = { email: '', url: '', phone: '', locale: at.locale }
    return c.html(await formPage(at, channel.data, empty, []), 200)
  })

  app.post('/subscribe', secure, limits.subscribe, ...form, async (c) => {
    const body = await c.req.parseBody({ all: true })
    // The status page's own form (email only) sends no channel.
    const channel = ChannelName.safeParse(field(body, 'channel') || 'email')
    const typed = (name: string) => (field(body, name) ?? '').trim()
    const values = {
      email: typed('email'),
      url: typed('url'),
      phone: typed('phone'),
      locale: Locale.safeParse(field(body, 'locale')).data ?? site.locale,
    }
    const at = siteFor(values)
    const chosen = list(body, 'components')
    const shownAs =
      channel.success && offered.includes(channel.data) ? channel.data : (offered[0] ?? 'email')
    const refuse = async (details: readonly ErrorDetail[] | undefined, status: 400 | 422) =>
      c.html(await formPage(at, shownAs, values, chosen, plainProblems(details)), status)
    if (!channel.success) return refuse([{ path: 'channel', message: 'Not a way we offer' }], 400)
    const input = SubscriptionCreate.safeParse({
      channel: channel.data,
      email: values.email || undefined,
      url: values.url || undefined,
      phone: values.phone || undefined,
      components: chosen,
      locale: field(body, 'locale') || undefined,
    })
    // The honeypot: people never see the "website" field, form-filling bots do. Answer as if all
    // went well so the bot learns nothing, and write nothing.
    const bot = !!field(body, 'website')
    if (!input.success && !bot) {
      // Every problem at once: a URL's shape is checked here too, not only once the rest is right.
      const details = [...(validationError(input.error, 'form').details ?? [])]
      const shape = values.url
        ? checkOutboundUrl(values.url, deps.config.outbound.allowPrivate)
        : null
      if (shape && !shape.ok && !details.some((d) => d.path === 'url'))
        details.push({ path: 'url', message: shape.reason })
      return refuse(details, 400)
    }
    const data = input.success ? input.data : null
    let answer: SubscribeAccepted | null = null
    if (!bot && data) {
      try {
        answer = await subscriptions.request(deps, SELF_SERVICE, data)
      } catch (err) {
        if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'unprocessable'))
          return refuse(err.details, err.kind === 'invalid' ? 400 : 422)
        throw err
      }
    }
    return c.html(await acceptedPage(at, channel.data, values, data, answer), 200)
  })

  /** What happens next; for a bot (no answer) the page a person would get, with a dead token. */
  const acceptedPage = async (
    site: Site,
    channel: ChannelName,
    values: SubscribeForm['values'],
    data: SubscriptionCreate | null,
    answer: SubscribeAccepted | null,
  ) => {
    if (channel === 'email') return views.subscribeAccepted(site, values.email)
    if (channel === 'sms') {
      const token =
        answer?.code_token ??
        (await codeToken(deps, { id: newId(), token_version: 1, confirmation_sent_at: null }))
      const phone = data?.channel === 'sms' ? data.phone : values.phone
      return subscribeViews.code(site, { token, phone })
    }
    const contact = values.email || null
    return subscribeViews.accepted(site, {
      channel,
      via: channel === 'webhook' || contact ? 'email' : channel,
      name: subscriptionName({ channel, email: contact, url: values.url }),
      contact,
    })
  }

  app.get('/confirm/:token', secure, async (c) => {
    const s = await subscriptions.inspect(deps, 'confirm', c.req.param('token'))
    if (!s || s.confirm_via === 'sms' || (s.status !== 'pending' && s.status !== 'confirmed'))
      return c.html(views.invalidLink(site, 'confirm'), 400)
    if (s.status === 'confirmed')
      return c.html(
        views.confirmed(
          siteFor(s),
          subscriptionName(s),
          (await subscriptions.links(deps, s)).manage,
          s.channel,
        ),
        200,
      )
    return c.html(views.confirmPrompt(siteFor(s), subscriptionName(s)), 200)
  })

  app.post('/confirm/:token', secure, small, async (c) => {
    const r = await subscriptions.confirm(deps, SELF_SERVICE, c.req.param('token'))
    if (!r) return c.html(views.invalidLink(site, 'confirm'), 400)
    const s = r.subscriber
    const manage = (await subscriptions.links(deps, s)).manage
    // The one time a webhook's secret is shown: the request that confirmed it.
    if (r.signingSecret)
      return c.html(
        subscribeViews.webhookConfirmed(siteFor(s), subscriptionName(s), r.signingSecret, manage),
        200,
      )
    return c.html(views.confirmed(siteFor(s), subscriptionName(s), manage, s.channel), 200)
  })

  const managePage = async (s: SubscriberRecord, notice?: ManageNotice) =>
    views.manage(siteFor(s), {
      email: subscriptionName(s),
      channel: s.channel,
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
      return fail(
        Object.values(plainProblems(validationError(parsed.error, 'form').details)).join(' '),
      )
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
        return fail(Object.values(plainProblems(err.details)).join(' '))
      throw err
    }
    if (!s) return c.html(views.invalidLink(site, 'manage'), 400)
    return c.html(await managePage(s, { kind: 'saved' }), 200)
  })

  app.get('/unsubscribe/:token', secure, async (c) => {
    const s = await subscriptions.inspect(deps, 'unsubscribe', c.req.param('token'))
    if (!s) return c.html(views.invalidLink(site, 'unsubscribe'), 400)
    if (s.status === 'unsubscribed')
      return c.html(views.unsubscribed(siteFor(s), subscriptionName(s), s.channel), 200)
    return c.html(views.unsubscribePrompt(siteFor(s), subscriptionName(s), s.channel), 200)
  })

  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" with no cookie or login.
  // The body is not required: the signed link alone says who and what.
  app.post('/unsubscribe/:token', secure, small, async (c) => {
    const result = await subscriptions.unsubscribe(deps, SELF_SERVICE, c.req.param('token'))
    if (!result) return c.html(views.invalidLink(site, 'unsubscribe'), 400)
    const gone = result.subscriber
    return c.html(views.unsubscribed(siteFor(gone), subscriptionName(gone), gone.channel), 200)
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

/**
 * Problems in words a person filling in the form understands, keyed by the field they belong to
 * (shown beside it); `_form` for the rest.
 */
function plainProblems(details: readonly ErrorDetail[] | undefined): FormErrors {
  const out: FormErrors = {}
  for (const d of details ?? []) {
    const key = d.path.split('.')[0] ?? ''
    const words =
      key === 'email'
        ? /^(Required|Not used)/.test(d.message)
          ? `${d.message}.`
          : 'Enter an email address, like name@example.com.'
        : key === 'components'
          ? 'One of the chosen components no longer exists. Reload the page and choose again.'
          : key === 'locale'
            ? 'Choose English or 简体中文 as the language.'
            : `${d.message}.`
    const at = ['email', 'url', 'phone', 'components', 'locale'].includes(key) ? key : '_form'
    out[at] ??= words
  }
  if (Object.keys(out).length === 0)
    out._form = 'Something in the form is not right. Please check it and try again.'
  return out
}
