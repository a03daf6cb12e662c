import type { Context, Hono } from 'hono'
import type { IncidentPlaybook } from '../../core/playbooks.ts'
import { withDerivedVars } from '../../core/playbooks.ts'
import { DraftDismiss } from '../../core/schemas/alerts.ts'
import { Id } from '../../core/schemas/common.ts'
import { IncidentCreate } from '../../core/schemas/incident.ts'
import { DomainError } from '../../core/errors.ts'
import { listComponents } from '../../db/components.ts'
import { PLAYBOOKS } from '../../templates/playbooks/index.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { drafts } from '../services/drafts.ts'
import { plans } from '../services/incidents.ts'
import { draftPage, draftSubject } from './drafts-views.ts'
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
import { openIncidentForm } from './incident-form-views.ts'
import { componentsOf, consoleWording, createInput } from './incident-input.ts'
import { previewOf } from './incident-preview.ts'
import { consolePage, noticeFrom, type Html } from './layout.ts'
import { previewFragment, previewProblems } from './preview-views.ts'
import { canWrite } from './roles.ts'

const PUBLISH = 'Publish as is'

const NOTICES: Record<string, string> = {
  saved: 'Proposal saved: not public until it is published',
  dismissed: 'Draft dismissed',
}

/** A localised text as the console's one-language form shows it. */
const textOf = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object'
      ? String(Object.values(v as Record<string, string>)[0] ?? '')
      : ''

/** A stored proposal as the incident form's fields, so the same form edits it. */
export function proposalForm(p: IncidentCreate): Form {
  const form: Form = {
    name: textOf(p.name),
    body: textOf(p.body),
    workaround: textOf(p.workaround),
    status: p.status ?? 'investigating',
    impact: p.impact ?? '',
    notify: p.deliver_notifications ? 'on' : '',
  }
  if (p.template) {
    form.template = p.template
    form.locale = p.locale ?? 'en'
    for (const [k, v] of Object.entries(p.vars ?? {})) form[`vars.${k}`] = String(v)
  }
  for (const [id, s] of Object.entries(p.components)) form[`components.${id}`] = s
  return form
}

const playbookNamed = (id: string) =>
  Object.values(PLAYBOOKS).find(
    (p): p is IncidentPlaybook => p.kind === 'incident' && p.id === id,
  ) ?? null

interface PageState {
  /** The edit form as typed (null: the stored proposal). */
  values?: Form | null
  editErrors?: FieldErrors
  preview?: Html | null
  errors?: FieldErrors
  dismiss?: { values: Form | null; errors?: FieldErrors }
}

/**
 * /admin/drafts/{id}: a draft incident made by the early-warning intake (api/services/signals.ts),
 * reviewed, edited (drafts.edit), published or dismissed with a reason, all through the same
 * services as the API.
 */
export function mountDrafts(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const tz = deps.config.page.timeZone

  const idOf = (c: Context<AppEnv>) => {
    const id = c.req.param('id') ?? ''
    if (!Id.safeParse(id).success) throw new DomainError('not_found', 'not_found', 'No such draft')
    return id
  }

  /** The proposal's preview, or what keeps it from being previewed (a component deleted). */
  async function previewFor(input: IncidentCreate): Promise<Html> {
    try {
      const planned = await plans.create(deps, input)
      return previewFragment(
        await previewOf(deps, planned, input.deliver_notifications),
        tz,
        PUBLISH,
      )
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return previewProblems(consoleWording(refused.errors), {})
    }
  }

  async function page(
    c: Context<AppEnv>,
    id: string,
    s: PageState = {},
    status: 200 | RefusalStatus = 200,
  ) {
    const [draft, components, reports] = await Promise.all([
      drafts.get(deps, id),
      listComponents(deps.db),
      drafts.reports(deps, id),
    ])
    const stored = IncidentCreate.safeParse(draft.proposal)
    const writer = canWrite(c)
    let editForm: Html | null = null
    let preview: Html | null = null
    if (draft.state === 'open') {
      const values = s.values ?? (stored.success ? proposalForm(stored.data) : null)
      const playbook = playbookNamed(values ? one(values, 'template') : '')
      // A playbook's proposal leaves impact to the playbook: the select shows what it will be.
      if (values && !s.values && playbook && !one(values, 'impact')) values.impact = playbook.impact
      // The stored proposal is shown as it would read; a form sent back shows its own preview.
      const shown =
        s.preview ?? (s.values || !stored.success ? null : await previewFor(stored.data))
      if (writer) {
        const affected = values
          ? components.filter((x) => componentsOf(values)[x.id]).map((x) => x.name)
          : []
        editForm = openIncidentForm(c, {
          playbooks: [],
          playbook,
          components,
          values,
          errors: s.editErrors,
          preview: shown,
          derivedComponent: playbook
            ? (withDerivedVars(playbook, {}, affected, 'en').component ?? null)
            : null,
          action: `/admin/drafts/${id}`,
          submitLabel: 'Save the proposal',
          starts: false,
        })
      } else {
        preview = shown
      }
    }
    const subject = draftSubject(draft, components)
    const body = draftPage(c, {
      draft,
      subject,
      canWrite: writer,
      editForm,
      preview,
      errors: s.errors,
      dismiss: s.dismiss ?? { values: null },
      reports,
      timeZone: tz,
      now: deps.clock.now(),
    })
    return c.html(
      consolePage(c, siteName, {
        title: `Draft: ${subject}`,
        section: 'now',
        body,
        notice: noticeFrom(c, NOTICES),
      }),
      status,
    )
  }

  app.get('/admin/drafts/:id', requirePerson('viewer'), (c) => page(c, idOf(c)))

  // Saves (or previews) the edited proposal, checked as publishing would check it.
  app.post('/admin/drafts/:id', requirePerson('editor'), async (c) => {
    const id = idOf(c)
    const form = await readForm(deps, c)
    const checked = validate(IncidentCreate, createInput(form))
    if (!checked.ok) {
      return page(c, id, { values: form, editErrors: consoleWording(checked.errors) }, 400)
    }
    try {
      if (one(form, '_action') === 'preview') {
        const planned = await plans.create(deps, checked.data)
        const shown = await previewOf(deps, planned, checked.data.deliver_notifications)
        return await page(c, id, { values: form, preview: previewFragment(shown, tz, PUBLISH) })
      }
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (!replay) {
        await runOnce(deps, c, form, () => drafts.edit(deps, ctx, id, { proposal: checked.data }))
      }
      return c.redirect(`/admin/drafts/${id}?notice=saved`, 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return page(
        c,
        id,
        { values: form, editErrors: consoleWording(refused.errors) },
        refused.status,
      )
    }
  })

  // One click from the Now page or the draft page: the stored proposal becomes the incident.
  app.post('/admin/drafts/:id/publish', requirePerson('editor'), async (c) => {
    const id = idOf(c)
    const form = await readForm(deps, c)
    try {
      const { ctx, replay } = await consoleWrite(deps, c, form)
      const incident = replay
        ? (replay as { id: string })
        : await runOnce(deps, c, form, () => drafts.publish(deps, ctx, id))
      return c.redirect(`/admin/incidents/${incident.id}?notice=opened`, 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused || refused.status === 404) throw err
      return page(c, id, { errors: refused.errors }, refused.status)
    }
  })

  app.post('/admin/drafts/:id/dismiss', requirePerson('editor'), async (c) => {
    const id = idOf(c)
    const form = await readForm(deps, c)
    const checked = validate(DraftDismiss, { reason: one(form, 'reason') })
    if (!checked.ok) return page(c, id, { dismiss: { values: form, errors: checked.errors } }, 400)
    try {
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (!replay) await runOnce(deps, c, form, () => drafts.dismiss(deps, ctx, id, checked.data))
      return c.redirect(`/admin/drafts/${id}?notice=dismissed`, 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused || refused.status === 404) throw err
      return page(c, id, { dismiss: { values: form, errors: refused.errors } }, refused.status)
    }
  })
}
