import type { Context, Hono } from 'hono'
import { DomainError } from '../../core/errors.ts'
import { AlertRuleCreate, AlertSource } from '../../core/schemas/alerts.ts'
import { Id } from '../../core/schemas/common.ts'
import { listComponents } from '../../db/components.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { alertRules } from '../services/alert-rules.ts'
import { rulesPage, type RotatedToken } from './alert-rules-views.ts'
import { byField, refusal, type RefusalStatus } from './form-errors.ts'
import {
  consoleWrite,
  one,
  readForm,
  runOnce,
  validate,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { consolePage, noticeFrom } from './layout.ts'

const NOTICES: Record<string, string> = {
  added: 'Rule added',
  deleted: 'Rule deleted',
}

/**
 * The labels field (`name=value`, one a line) as the rule's `match`; a line without `=` is
 * reported rather than guessed at. The schema then checks names and values as the API does.
 */
export function matchOf(text: string): { match: Record<string, string> } | { error: string } {
  const match: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue
    const at = line.indexOf('=')
    if (at < 1) return { error: `Write each label as name=value: “${line.trim()}”` }
    match[line.slice(0, at).trim()] = line.slice(at + 1).trim()
  }
  return { match }
}

function ruleInput(form: Form): { input: unknown } | { errors: FieldErrors } {
  const m = matchOf(one(form, 'match'))
  if ('error' in m) return { errors: { match: m.error } }
  return {
    input: {
      source: one(form, 'source') || null,
      match: m.match,
      component_id: one(form, 'component_id'),
      component_status: one(form, 'component_status'),
      auto_publish: one(form, 'auto_publish') === 'on',
    },
  }
}

/** /admin/alert-rules (admin): map alert labels to components; rotate each source's token. */
export function mountAlertRules(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const admin = requirePerson('admin')

  async function page(
    c: Context<AppEnv>,
    s: { values?: Form; errors?: FieldErrors; rotated?: RotatedToken } = {},
    status: 200 | RefusalStatus = 200,
  ) {
    const [rules, components] = await Promise.all([alertRules.list(deps), listComponents(deps.db)])
    const body = rulesPage(c, {
      rules,
      components,
      values: s.values ?? null,
      errors: s.errors,
      rotated: s.rotated ?? null,
      timeZone: deps.config.page.timeZone,
    })
    const notice = noticeFrom(c, NOTICES)
    return c.html(
      consolePage(c, siteName, { title: 'Alert rules', section: 'alerts', body, notice }),
      status,
    )
  }

  app.get('/admin/alert-rules', admin, (c) => page(c))

  app.post('/admin/alert-rules', admin, async (c) => {
    const form = await readForm(deps, c)
    const read = ruleInput(form)
    if ('errors' in read) return page(c, { values: form, errors: read.errors }, 400)
    const checked = validate(AlertRuleCreate, read.input)
    if (!checked.ok) return page(c, { values: form, errors: byField(checked.errors) }, 400)
    try {
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (!replay) await runOnce(deps, c, form, () => alertRules.create(deps, ctx, checked.data))
      return c.redirect('/admin/alert-rules?notice=added', 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return page(c, { values: form, errors: refused.errors }, refused.status)
    }
  })

  app.post('/admin/alert-rules/:id/delete', admin, async (c) => {
    const form = await readForm(deps, c)
    const id = c.req.param('id')
    if (!Id.safeParse(id).success) throw new DomainError('not_found', 'not_found', 'No such rule')
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay === null) {
      try {
        await runOnce(deps, c, form, () => alertRules.remove(deps, ctx, id))
      } catch (err) {
        const refused = refusal(err)
        if (!refused) throw err
        // Already gone (a resent form, or someone else): what was asked for holds.
        if (refused.status !== 404) return page(c, { errors: refused.errors }, refused.status)
      }
    }
    return c.redirect('/admin/alert-rules?notice=deleted', 303)
  })

  app.post('/admin/alert-sources/:source/token', admin, async (c) => {
    await readForm(deps, c)
    const source = AlertSource.safeParse(c.req.param('source'))
    if (!source.success) throw new DomainError('not_found', 'not_found', 'No such alert source')
    // No idempotency key: the token exists only in this response, so a resent form must make
    // (and show) a new one; a replay could only show a token that was never seen.
    const made = await alertRules.rotateToken(deps, { actor: c.get('actor') }, source.data)
    const url = made.url.split('?')[0]!
    // Not a redirect: the secret is shown this once and must not travel in a URL.
    return page(c, { rotated: { source: made.source, token: made.token, url } })
  })
}
