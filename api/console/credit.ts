import type { Context, Hono } from 'hono'
import type { Incident } from '../../core/schemas/incident.ts'
import { CompensationInput, type CompensationView } from '../../core/schemas/recovery.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { recovery } from '../services/recovery.ts'
import {
  creditPage,
  creditPreviewFragment,
  DECISIONS,
  type CreditPageState,
  type Decision,
} from './credit-views.ts'
import { refusal, type RefusalStatus } from './form-errors.ts'
import {
  consoleWrite,
  one,
  readForm,
  runOnce,
  validate,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { incidentOfPath } from './incident-path.ts'
import { consolePage, noticeFrom } from './layout.ts'
import { previewProblems } from './preview-views.ts'
import { canWrite } from './roles.ts'

const NOTICES: Record<Decision, string> = {
  accepted: 'Accepted: customers are told the computed credit.',
  override: 'Saved: customers are told the credit you set.',
  custom: 'Saved: customers read your wording.',
}

const PERCENT = 'A percentage from 0 to 100 (0: no credit)'
const NOT_OURS = 'Not a component of this incident'

/** "25", "25 %", "12.5%" as a number; anything else stays text for the schema to refuse. */
function percent(v: string): number | string {
  const t = v.trim().replace(/\s*%$/, '')
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : v
}

const isDecision = (d: string): d is Decision => (DECISIONS as readonly string[]).includes(d)

/**
 * The form as the API's PUT body (CompensationInput): each form's fields are named after it
 * (`override.credits.<id>`, `override.text`, `custom.text`) so the three forms share a page.
 */
function compensationInput(decision: Decision, form: Form): Record<string, unknown> {
  if (decision === 'override') {
    const credits: Record<string, number | string> = {}
    for (const key of Object.keys(form))
      if (key.startsWith('override.credits.'))
        credits[key.slice('override.credits.'.length)] = percent(one(form, key))
    const text = one(form, 'override.text')
    return { decision, credits, ...(text.trim() ? { text } : {}) }
  }
  if (decision === 'custom') return { decision, text: one(form, 'custom.text') }
  return { decision }
}

/** The schema's or the service's errors, beside this page's fields and in its words. */
function pageErrors(decision: Decision, errors: FieldErrors, view: CompensationView): FieldErrors {
  const ours = new Set(view.computed.map((c) => c.component_id))
  const out: FieldErrors = {}
  for (const [k, m] of Object.entries(errors)) {
    if (k.startsWith('credits.'))
      out[`override.${k}`] = ours.has(k.slice('credits.'.length)) ? PERCENT : NOT_OURS
    else if (k === 'text')
      out[`${decision}.text`] = /too small/i.test(m)
        ? 'Write the words customers will read'
        : /too big/i.test(m)
          ? 'At most 2,000 characters'
          : m
    else out[k] = m
  }
  return out
}

/** /admin/incidents/:id/credit: how the credit was computed (viewer), and the decision (editor). */
export function mountCredit(app: Hono<AppEnv>, deps: Deps): void {
  const tz = deps.config.page.timeZone

  async function page(
    c: Context<AppEnv>,
    i: Incident,
    state: CreditPageState = {},
    status: 200 | RefusalStatus = 200,
  ) {
    const body = creditPage(c, {
      incident: i,
      view: await recovery.compensation(deps, i.id),
      canWrite: canWrite(c),
      timeZone: tz,
      now: deps.clock.now(),
      state,
    })
    const notice = noticeFrom(c, NOTICES)
    const title = `Service credit: ${i.name}`
    return c.html(
      consolePage(c, deps.config.page.name, { title, section: 'incidents', body, notice }),
      status,
    )
  }

  /** The posted form checked with the API's schema: its input, or the errors to show. */
  function parse(form: Form, view: CompensationView) {
    const decision = one(form, 'decision')
    if (!isDecision(decision))
      return {
        ok: false as const,
        errors: { _form: 'Choose to accept, override or write your own' },
      }
    const r = validate(CompensationInput, compensationInput(decision, form))
    if (r.ok) return { ok: true as const, decision, input: r.data }
    return { ok: false as const, decision, errors: pageErrors(decision, r.errors, view) }
  }

  app.get('/admin/incidents/:id/credit', requirePerson('viewer'), async (c) =>
    page(c, await incidentOfPath(deps, c)),
  )

  app.post('/admin/incidents/:id/credit', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const i = await incidentOfPath(deps, c)
    const view = await recovery.compensation(deps, i.id)
    const p = parse(form, view)
    if (!p.ok) return page(c, i, { form: p.decision, values: form, errors: p.errors }, 400)
    const again = async (err: unknown) => {
      const refused = refusal(err)
      if (!refused) throw err
      const errors = pageErrors(p.decision, refused.errors, view)
      return page(c, i, { form: p.decision, values: form, errors }, refused.status)
    }
    if (one(form, '_action') === 'preview') {
      try {
        const shown = await recovery.previewCompensation(deps, i.id, p.input)
        const preview = creditPreviewFragment(shown, p.decision)
        return await page(c, i, { form: p.decision, values: form, preview })
      } catch (err) {
        return again(err)
      }
    }
    const done = `/admin/incidents/${i.id}/credit?notice=${p.decision}`
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect(done, 303)
    try {
      // The API's PUT /api/v1/incidents/{id}/compensation: same service, same audit row.
      await runOnce(deps, c, form, () => recovery.decideCompensation(deps, ctx, i.id, p.input))
      return c.redirect(done, 303)
    } catch (err) {
      return again(err)
    }
  })

  // The live preview as a decision is typed (console-js `data-preview`): never writes.
  app.post('/admin/incidents/:id/credit/preview', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const i = await incidentOfPath(deps, c)
    const view = await recovery.compensation(deps, i.id)
    const labels: Record<string, string> = {
      'override.text': 'Note',
      'custom.text': 'Wording',
      ...Object.fromEntries(
        view.computed.map((x) => [`override.credits.${x.component_id}`, x.component_name]),
      ),
    }
    const p = parse(form, view)
    if (!p.ok) return c.html(previewProblems(p.errors, labels))
    try {
      const shown = await recovery.previewCompensation(deps, i.id, p.input)
      return c.html(creditPreviewFragment(shown, p.decision))
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return c.html(previewProblems(pageErrors(p.decision, refused.errors, view), labels))
    }
  })
}
