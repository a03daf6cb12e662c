import { subscriptionName } from '../../core/channels.ts'
import { Hono } from 'hono'
import { errorPages, formBody, privatePage } from '../pages/page-middleware.ts'
import { z } from 'zod'
import { DomainError, type ErrorDetail } from '../../core/errors.ts'
import { userText } from '../../core/schemas/text.ts'
import { listComponents } from '../../db/components.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { validationError } from '../errors.ts'
import { feedbackViews as views, type ReportValues } from '../pages/feedback-views.ts'
import { inLocale, siteHref, siteOf } from '../pages/layout.ts'
import { feedback, FeedbackCreate, MESSAGE_MAX } from '../services/feedback.ts'
import type { Admit } from './feedback.ts'

// 5,000 characters of Chinese text, URL-encoded, are 45,000 bytes.
const MAX_FORM_BYTES = 64 * 1024

const FollowUpForm = z.object({
  answer: z.enum(['all_good', 'still_affected']),
  comment: userText().max(MESSAGE_MAX, `At most ${MESSAGE_MAX} characters`),
})

/**
 * The HTML side of feedback, for people without JavaScript and for the links in emails:
 * POST /report (the status page's "report a problem" form), and the follow-up answer pages.
 * GET never changes anything (mail scanners prefetch links); every change is a POST.
 */
export function feedbackPageRoutes(deps: Deps, admit: Admit) {
  const app = new Hono<AppEnv>()
  const site = siteOf(deps.config)

  // Per route, not app.use('*'): this router is mounted at "/" and must not touch other routes.
  const secure = privatePage(deps.config.siteUrl)
  const form = formBody(MAX_FORM_BYTES)

  app.onError(errorPages(deps.log, site, views))

  const componentChoices = async () =>
    (await listComponents(deps.db)).map((c) => ({ id: c.id, name: c.name }))

  app.post('/report', secure, ...form, async (c) => {
    const body = await c.req.parseBody()
    const values: ReportValues = {
      email: text(body, 'email').trim(),
      component: text(body, 'component').trim(),
      incident: text(body, 'incident').trim(),
      message: text(body, 'message'),
    }
    // The site's form in another language says which (a hidden `locale` field).
    const at = inLocale(site, text(body, 'locale'))
    const incidentUrl = (id: string) =>
      /^[0-9a-z]{12}$/.test(id) ? siteHref(at, `/incidents/${id}/`) : null
    const thanks = (email: string) =>
      views.reportThanks(at, { email: email || null, incidentUrl: incidentUrl(values.incident) })
    // The honeypot: people never see the "website" field, form-filling bots do. Answer as if all
    // went well so the bot learns nothing, and write nothing.
    if (text(body, 'website')) return c.html(thanks(values.email), 200)
    const fail = async (details: readonly ErrorDetail[] | undefined) => {
      // Give back what was typed, but not an id that does not exist: sending again must work.
      const bad = new Set((details ?? []).map((d) => d.path.split('.')[0]))
      const kept: ReportValues = {
        ...values,
        component: bad.has('component') ? '' : values.component,
        incident: bad.has('incident') ? '' : values.incident,
      }
      return c.html(
        views.reportError(at, plainProblems(details), kept, await componentChoices()),
        400,
      )
    }
    const input = FeedbackCreate.safeParse({
      email: values.email || undefined,
      component: values.component || undefined,
      incident: values.incident || undefined,
      message: values.message,
    })
    if (!input.success) return fail(validationError(input.error, 'form').details)
    // Counted only once the form is right: a person correcting a typo is not spending the limit.
    admit(c)
    try {
      await feedback.report(deps, input.data)
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'invalid') return fail(err.details)
      throw err
    }
    return c.html(thanks(input.data.email ?? ''), 200)
  })

  app.get('/follow-up/:token', secure, async (c) => {
    const link = await feedback.openFollowUp(deps, c.req.param('token'))
    if (!link) return c.html(views.invalidFollowUp(site), 400)
    const at = inLocale(site, link.subscriber.locale)
    return c.html(
      views.followUp(at, {
        incidentName: link.incident.name,
        incidentUrl: siteHref(at, link.incidentPath),
        answer: link.answer,
        comment: '',
        previous: link.previous?.answer ?? null,
      }),
      200,
    )
  })

  app.post('/follow-up/:token', secure, ...form, async (c) => {
    const token = c.req.param('token')
    const body = await c.req.parseBody()
    const parsed = FollowUpForm.safeParse({
      answer: text(body, 'answer') || undefined,
      comment: text(body, 'comment'),
    })
    if (!parsed.success) {
      const chosen = FollowUpForm.shape.answer.safeParse(text(body, 'answer'))
      const link = await feedback.openFollowUp(deps, token)
      if (!link) return c.html(views.invalidFollowUp(site), 400)
      const at = inLocale(site, link.subscriber.locale)
      return c.html(
        views.followUp(at, {
          incidentName: link.incident.name,
          incidentUrl: siteHref(at, link.incidentPath),
          answer: chosen.success ? chosen.data : link.answer,
          comment: text(body, 'comment'),
          previous: link.previous?.answer ?? null,
          error: plainProblems(validationError(parsed.error, 'form').details).join(' '),
        }),
        400,
      )
    }
    const result = await feedback.answerFollowUp(deps, token, {
      answer: parsed.data.answer,
      comment: parsed.data.comment || null,
    })
    if (!result) return c.html(views.invalidFollowUp(site), 400)
    return c.html(
      views.followUpSaved(inLocale(site, result.link.subscriber.locale), {
        answer: parsed.data.answer,
        incidentName: result.link.incident.name,
        email: subscriptionName(result.link.subscriber),
        opened: result.feedback !== null,
      }),
      200,
    )
  })

  return app
}

type FormBody = Record<string, string | File | (string | File)[]>

function text(body: FormBody, name: string): string {
  const v = body[name]
  const first = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : ''
}

/** Field errors in words a person filling in a form understands. */
function plainProblems(details: readonly ErrorDetail[] | undefined): string[] {
  const words = (details ?? []).map((d) =>
    d.path.startsWith('email')
      ? 'Enter an email address, like name@example.com, or leave it empty.'
      : d.path.startsWith('component')
        ? 'The service you chose no longer exists. Choose another, or leave it empty.'
        : d.path.startsWith('incident')
          ? 'The incident this form was for no longer exists. Send the report without it below.'
          : d.path.startsWith('message') || d.path.startsWith('comment')
            ? /at most/i.test(d.message)
              ? `Please keep it to ${MESSAGE_MAX.toLocaleString('en')} characters; shorten it a little.`
              : /^Contains /.test(d.message)
                ? `Your message c${d.message.slice(1)}. Remove it and send again.`
                : 'Tell us what is not working: the message is empty.'
            : d.path.startsWith('answer')
              ? 'Choose one of the two answers.'
              : `${d.message}.`,
  )
  return words.length
    ? [...new Set(words)]
    : ['Something in the form is not right. Please check it and try again.']
}
