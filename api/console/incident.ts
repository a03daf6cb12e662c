import type { Context, Hono } from 'hono'
import { apologyExpected } from '../../core/incident-rules.ts'
import {
  IncidentPatch,
  IncidentReopen,
  IncidentResolve,
  IncidentStatus,
  IncidentUpdateCreate,
  IncidentUpdateEdit,
  type Incident,
} from '../../core/schemas/incident.ts'
import { listComponents } from '../../db/components.ts'
import type { Deps } from '../deps.ts'
import { incidentOfPath } from './incident-path.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { incidents, plans, playbookWording, type Planned } from '../services/incidents.ts'
import type { WriteContext } from '../services/write.ts'
import { consoleWrite, one, readForm, validate, type FieldErrors, type Form } from './forms.ts'
import {
  consoleWording,
  editInput,
  reopenInput,
  resolveInput,
  updateInput,
  updateTextInput,
} from './incident-input.ts'
import { previewOf } from './incident-preview.ts'
import { incidentPage, type IncidentForm, type IncidentPageState } from './incident-views.ts'
import { consolePage, noticeFrom } from './layout.ts'
import { previewFragment, previewProblems } from './preview-views.ts'
import { canWrite } from './roles.ts'
import { refusal, type RefusalStatus } from './form-errors.ts'

/** What just happened, by code: the URL never carries text a person wrote. */
const NOTICES: Record<string, string> = {
  opened: 'The incident is open and published.',
  updated: 'Update posted.',
  resolved: 'The incident is resolved.',
  reopened: 'The incident is open again.',
  edited: 'Saved.',
  corrected: 'The correction is published.',
}

export const RESOLVED_BODY = 'This incident has been resolved.'

type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors }

/** One of the forms that add to the timeline: how to read it, plan it and write it. */
interface TimelineForm<T> {
  parse(form: Form, i: Incident): Parsed<T>
  plan(deps: Deps, id: string, data: T): Promise<Planned<unknown>>
  write(deps: Deps, ctx: WriteContext, id: string, data: T): Promise<unknown>
  notify(data: T): boolean
  notice: string
  action: string
}

const checked = <T>(r: Parsed<T>): Parsed<T> =>
  r.ok ? r : { ok: false, errors: consoleWording(r.errors) }

const TIMELINE: {
  update: TimelineForm<IncidentUpdateCreate>
  resolve: TimelineForm<IncidentResolve>
  reopen: TimelineForm<IncidentReopen>
} = {
  update: {
    parse: (form, i) => checked(validate(IncidentUpdateCreate, updateInput(form, i))),
    plan: (deps, id, data) => plans.postUpdate(deps, id, data),
    write: (deps, ctx, id, data) => incidents.postUpdate(deps, ctx, id, data),
    notify: (d) => d.deliver_notifications,
    notice: 'updated',
    action: 'Post the update',
  },
  resolve: {
    parse(form, i) {
      const r = checked(validate(IncidentResolve, resolveInput(form)))
      // The console asks for the apology the API only warns about (core/incident-rules.ts).
      if (apologyExpected(i.impact) && !one(form, 'apology').trim()) {
        const errors = r.ok ? {} : r.errors
        errors.apology = `Required for a ${i.impact} incident: say sorry and name the impact`
        return { ok: false, errors }
      }
      return r
    },
    plan: (deps, id, data) => plans.resolve(deps, id, data),
    write: (deps, ctx, id, data) => incidents.resolve(deps, ctx, id, data),
    notify: (d) => d.deliver_notifications,
    notice: 'resolved',
    action: 'Resolve the incident',
  },
  reopen: {
    parse: (form) => checked(validate(IncidentReopen, reopenInput(form))),
    plan: (deps, id, data) => plans.reopen(deps, id, data),
    write: (deps, ctx, id, data) => incidents.reopen(deps, ctx, id, data),
    notify: (d) => d.deliver_notifications,
    notice: 'reopened',
    action: 'Reopen the incident',
  },
}

/** GET /admin/incidents/:id and the forms on it: update, resolve, reopen, edit, correct a text. */
export function mountIncident(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const tz = deps.config.page.timeZone

  async function page(
    c: Context<AppEnv>,
    i: Incident,
    state: IncidentPageState,
    status: 200 | RefusalStatus = 200,
  ) {
    const now = deps.clock.now()
    const asked = IncidentStatus.safeParse(c.req.query('wording'))
    const wording = asked.success && asked.data !== 'resolved' ? asked.data : null
    const filled = wording ? playbookWording(i, wording, now) : null
    const resolved = playbookWording(i, 'resolved', now)
    const body = incidentPage(c, {
      incident: i,
      components: await listComponents(deps.db),
      canWrite: canWrite(c),
      timeZone: tz,
      now,
      slo: deps.config.recovery.slo,
      apologyExpected: apologyExpected(i.impact),
      prefill: {
        update: wording && filled ? { status: wording, body: filled.body } : null,
        resolve: {
          body: resolved?.body ?? RESOLVED_BODY,
          apology: i.apology ?? resolved?.apology ?? '',
        },
        wordings: i.playbook ? IncidentStatus.options.filter((s) => s !== 'resolved') : [],
      },
      state,
    })
    const notice = noticeFrom(c, NOTICES)
    return c.html(
      consolePage(c, siteName, { title: i.name, section: 'incidents', body, notice }),
      status,
    )
  }

  const back = (id: string, notice: string) => `/admin/incidents/${id}?notice=${notice}`

  app.get('/admin/incidents/:id', requirePerson('viewer'), async (c) =>
    page(c, await incidentOfPath(deps, c), {}),
  )

  for (const kind of ['update', 'resolve', 'reopen'] as const) {
    const path = kind === 'update' ? 'updates' : kind
    const f = TIMELINE[kind] as TimelineForm<unknown>
    app.post(`/admin/incidents/:id/${path}`, requirePerson('editor'), async (c) => {
      const form = await readForm(deps, c)
      const i = await incidentOfPath(deps, c)
      const parsed = f.parse(form, i)
      if (!parsed.ok) return page(c, i, { form: kind, values: form, errors: parsed.errors }, 400)
      try {
        if (one(form, '_action') === 'preview') {
          const shown = await previewOf(
            deps,
            await f.plan(deps, i.id, parsed.data),
            f.notify(parsed.data),
          )
          const preview = previewFragment(shown, tz, f.action)
          return await page(c, i, { form: kind, values: form, preview })
        }
        const { ctx, replay } = await consoleWrite(deps, c, form)
        if (!replay) await f.write(deps, ctx, i.id, parsed.data)
        return c.redirect(back(i.id, f.notice), 303)
      } catch (err) {
        const refused = refusal(err)
        if (!refused) throw err
        const fresh = await incidents.get(deps, i.id)
        return page(c, fresh, { form: kind, values: form, errors: refused.errors }, refused.status)
      }
    })
  }

  // The live preview of whichever timeline form is being typed in (`_form`): plans, never writes.
  app.post('/admin/incidents/:id/preview', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const i = await incidentOfPath(deps, c)
    const kind = one(form, '_form')
    if (kind !== 'update' && kind !== 'resolve' && kind !== 'reopen') return c.html('', 400)
    const f = TIMELINE[kind] as TimelineForm<unknown>
    const labels = {
      status: 'Status',
      body: 'Message',
      apology: 'Apology',
      workaround: 'Workaround',
    }
    const parsed = f.parse(form, i)
    if (!parsed.ok) return c.html(previewProblems(parsed.errors, labels))
    try {
      const shown = await previewOf(
        deps,
        await f.plan(deps, i.id, parsed.data),
        f.notify(parsed.data),
      )
      return c.html(previewFragment(shown, tz, f.action))
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return c.html(previewProblems(refused.errors, labels))
    }
  })

  /** A write that is not a timeline entry: re-render the form on refusal, else back with a notice. */
  async function simpleWrite(
    c: Context<AppEnv>,
    formName: IncidentForm,
    parse: (form: Form, i: Incident) => Parsed<unknown>,
    write: (ctx: WriteContext, i: Incident, data: unknown) => Promise<unknown>,
    notice: string,
  ) {
    const form = await readForm(deps, c)
    const i = await incidentOfPath(deps, c)
    const parsed = checked(parse(form, i))
    if (!parsed.ok) return page(c, i, { form: formName, values: form, errors: parsed.errors }, 400)
    try {
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (!replay) await write(ctx, i, parsed.data)
      return c.redirect(back(i.id, notice), 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      const fresh = await incidents.get(deps, i.id)
      return page(
        c,
        fresh,
        { form: formName, values: form, errors: refused.errors },
        refused.status,
      )
    }
  }

  app.post('/admin/incidents/:id/edit', requirePerson('editor'), (c) =>
    simpleWrite(
      c,
      'edit',
      (form, i) => validate(IncidentPatch, editInput(form, i, deps.config.locales.default)),
      (ctx, i, data) => incidents.edit(deps, ctx, i.id, data as IncidentPatch),
      'edited',
    ),
  )

  app.post('/admin/incidents/:id/updates/:update/text', requirePerson('editor'), (c) => {
    const updateId = c.req.param('update')
    return simpleWrite(
      c,
      `text:${updateId}`,
      (form, i) =>
        validate(
          IncidentUpdateEdit,
          updateTextInput(form, i, updateId, deps.config.locales.default),
        ),
      (ctx, i, data) => incidents.editUpdate(deps, ctx, i.id, updateId, data as IncidentUpdateEdit),
      'corrected',
    )
  })
}
