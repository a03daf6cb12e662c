import type { Context, Hono } from 'hono'
import type { IncidentPlaybook } from '../../core/playbooks.ts'
import { withDerivedVars } from '../../core/playbooks.ts'
import { Pagination } from '../../core/schemas/common.ts'
import { IncidentCreate } from '../../core/schemas/incident.ts'
import { listComponents } from '../../db/components.ts'
import { PLAYBOOKS } from '../../templates/playbooks/index.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { incidents, plans } from '../services/incidents.ts'
import { consoleWrite, one, readForm, validate, type FieldErrors, type Form } from './forms.ts'
import { mountIncident } from './incident.ts'
import { openFormLabels, openIncidentForm } from './incident-form-views.ts'
import { componentsOf, consoleWording, createInput } from './incident-input.ts'
import { previewOf } from './incident-preview.ts'
import { incidentsList } from './incidents-views.ts'
import { consolePage, type Html } from './layout.ts'
import { previewFragment, previewProblems } from './preview-views.ts'
import { refusal, type RefusalStatus } from './form-errors.ts'
import { canWrite } from './roles.ts'

const RESOLVED_PER_PAGE = 20

const INCIDENT_PLAYBOOKS = Object.values(PLAYBOOKS).filter(
  (p): p is IncidentPlaybook => p.kind === 'incident',
)
const playbookNamed = (id: string | undefined) =>
  INCIDENT_PLAYBOOKS.find((p) => p.id === id) ?? null

/**
 * GET /admin/incidents (open, then resolved), opening one (/admin/incidents/new), and each
 * incident's own pages (incident.ts), mounted after `/new` so that path is never taken for an id.
 */
export function mountIncidents(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const tz = deps.config.page.timeZone

  app.get('/admin/incidents', requirePerson('viewer'), async (c) => {
    const q = Pagination.safeParse({ page: c.req.query('page') ?? 1, per_page: RESOLVED_PER_PAGE })
    const page = q.success ? q.data.page : 1
    const [open, resolved] = await Promise.all([
      incidents.list(deps, { status: 'unresolved', page: 1, per_page: 100 }),
      incidents.list(deps, { status: 'resolved', page, per_page: RESOLVED_PER_PAGE }),
    ])
    const body = incidentsList({
      open: open.items,
      resolved: resolved.items,
      page,
      pages: Math.max(1, Math.ceil(resolved.total / RESOLVED_PER_PAGE)),
      total: resolved.total,
      timeZone: tz,
      now: deps.clock.now(),
      slo: deps.config.recovery.slo,
      canWrite: canWrite(c),
    })
    return c.html(consolePage(c, siteName, { title: 'Incidents', section: 'incidents', body }))
  })

  /** The open form, fresh or re-rendered with what was typed, its errors or its preview. */
  async function openPage(
    c: Context<AppEnv>,
    o: { values: Form | null; playbookId?: string; errors?: FieldErrors; preview?: Html },
    status: 200 | RefusalStatus = 200,
  ) {
    const components = await listComponents(deps.db)
    const playbook = playbookNamed(o.values ? one(o.values, 'template') : o.playbookId)
    const affected = o.values
      ? components.filter((x) => componentsOf(o.values!)[x.id]).map((x) => x.name)
      : []
    const locale = o.values && one(o.values, 'locale') === 'zh-CN' ? 'zh-CN' : 'en'
    const body = openIncidentForm(c, {
      playbooks: INCIDENT_PLAYBOOKS,
      playbook,
      components,
      values: o.values,
      errors: o.errors,
      preview: o.preview ?? null,
      derivedComponent: playbook
        ? (withDerivedVars(playbook, {}, affected, locale).component ?? null)
        : null,
    })
    const title = 'Open an incident'
    return c.html(consolePage(c, siteName, { title, section: 'incidents', body }), status)
  }

  app.get('/admin/incidents/new', requirePerson('editor'), (c) =>
    openPage(c, { values: null, playbookId: c.req.query('playbook') }),
  )

  app.post('/admin/incidents/new', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const checked = validate(IncidentCreate, createInput(form))
    if (!checked.ok) {
      return openPage(c, { values: form, errors: consoleWording(checked.errors) }, 400)
    }
    const input = checked.data
    try {
      if (one(form, '_action') === 'preview') {
        const planned = await plans.create(deps, input)
        const shown = await previewOf(deps, planned, input.deliver_notifications)
        const preview = previewFragment(shown, tz, 'Publish the incident')
        return await openPage(c, { values: form, preview })
      }
      const { ctx, replay } = await consoleWrite(deps, c, form)
      const id = replay
        ? (replay as { id: string }).id
        : (await incidents.create(deps, ctx, input)).id
      return c.redirect(`/admin/incidents/${id}?notice=opened`, 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return openPage(c, { values: form, errors: consoleWording(refused.errors) }, refused.status)
    }
  })

  // The live preview (api/console/assets/console-js.ts data-preview): the same plan, no write.
  app.post('/admin/incidents/new/preview', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const labels = openFormLabels({
      playbook: playbookNamed(one(form, 'template')),
      components: await listComponents(deps.db),
    })
    const checked = validate(IncidentCreate, createInput(form))
    if (!checked.ok) return c.html(previewProblems(consoleWording(checked.errors), labels))
    try {
      const planned = await plans.create(deps, checked.data)
      const shown = await previewOf(deps, planned, checked.data.deliver_notifications)
      return c.html(previewFragment(shown, tz, 'Publish the incident'))
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return c.html(previewProblems(consoleWording(refused.errors), labels))
    }
  })

  mountIncident(app, deps)
}
