import type { Context, Hono } from 'hono'
import { apologyExpected } from '../../core/incident-rules.ts'
import { IncidentPatch, type Incident } from '../../core/schemas/incident.ts'
import { getIncident } from '../../db/incidents.ts'
import { getPlaybook } from '../../templates/playbooks/index.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { incidents, plans, playbookWording } from '../services/incidents.ts'
import { apologyPage, apologyPreviewFragment, type ApologyPreview } from './apology-views.ts'
import { refusal, type RefusalStatus } from './form-errors.ts'
import { consoleWrite, one, readForm, runOnce, validate, type FieldErrors } from './forms.ts'
import { incidentOfPath } from './incident-path.ts'
import { RESOLVED_BODY } from './incident.ts'
import { previewOf } from './incident-preview.ts'
import { consolePage, noticeFrom, type Html } from './layout.ts'
import { previewProblems } from './preview-views.ts'
import { canWrite } from './roles.ts'

const NOTICES = { saved: 'The apology is saved and shown on the status page.' }

/**
 * The apology as the API's PATCH takes it (IncidentPatch): an empty field is a clear "write it",
 * not zod's "too small".
 */
function parseApology(
  value: string,
): { ok: true; apology: string } | { ok: false; errors: FieldErrors } {
  if (value.trim() === '')
    return { ok: false, errors: { apology: 'Write the apology before saving' } }
  const r = validate(IncidentPatch, { apology: value })
  return r.ok && typeof r.data.apology === 'string'
    ? { ok: true, apology: r.data.apology }
    : { ok: false, errors: r.ok ? {} : r.errors }
}

/** Where the playbook's `duration` ends: the resolution, or now while it is still open. */
const endOf = (i: Incident, now: Date) => (i.resolved_at ? new Date(i.resolved_at) : now)

/**
 * The page and every language's email with `apology`, built by the code that publishes them
 * (incident-preview.ts). Resolved: the record as it stands with this apology, its resolution
 * email; open: what resolving it now would publish. Writes nothing.
 */
async function apologyPreview(deps: Deps, i: Incident, apology: string): Promise<ApologyPreview> {
  const resolved = i.status === 'resolved'
  const record = resolved ? await getIncident(deps.db, i.id, 'incident') : null
  const planned = record
    ? { record: { ...record, apology }, components: new Map() }
    : await plans.resolve(deps, i.id, {
        body: playbookWording(i, 'resolved', endOf(i, deps.clock.now()))?.body ?? RESOLVED_BODY,
        apology,
        deliver_notifications: true,
      })
  // One email per language of the page (LOCALES): each as its readers get it.
  const locales = deps.config.locales.all
  const shown = await Promise.all(locales.map((l) => previewOf(deps, planned, true, l)))
  return {
    page: shown[0]!.page,
    emails: shown.map((s, n) => ({ locale: locales[n]!, email: s.email })),
    resolved,
  }
}

/** The title of the playbook the incident was opened from, when it still exists. */
function playbookTitle(i: Incident): string | null {
  try {
    return i.playbook ? getPlaybook(i.playbook.id).title.en : null
  } catch {
    return null
  }
}

/** /admin/incidents/:id/apology: read it (viewer), write and preview it (editor). */
export function mountApology(app: Hono<AppEnv>, deps: Deps): void {
  const tz = deps.config.page.timeZone

  function page(
    c: Context<AppEnv>,
    i: Incident,
    state: { value?: string; errors?: FieldErrors; preview?: Html } = {},
    status: 200 | RefusalStatus = 200,
  ) {
    const fromPlaybook = playbookWording(i, 'resolved', endOf(i, deps.clock.now()))?.apology ?? null
    const body = apologyPage(c, {
      incident: i,
      canWrite: canWrite(c),
      timeZone: tz,
      expected: apologyExpected(i.impact),
      prefill: {
        text: i.apology ?? fromPlaybook ?? '',
        playbook: i.apology || !fromPlaybook ? null : playbookTitle(i),
      },
      state,
    })
    const notice = noticeFrom(c, NOTICES)
    const title = `Apology: ${i.name}`
    return c.html(
      consolePage(c, deps.config.page.name, { title, section: 'incidents', body, notice }),
      status,
    )
  }

  app.get('/admin/incidents/:id/apology', requirePerson('viewer'), async (c) =>
    page(c, await incidentOfPath(deps, c)),
  )

  app.post('/admin/incidents/:id/apology', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const i = await incidentOfPath(deps, c)
    const value = one(form, 'apology')
    const parsed = parseApology(value)
    if (!parsed.ok) return page(c, i, { value, errors: parsed.errors }, 400)
    if (one(form, '_action') === 'preview') {
      try {
        const preview = apologyPreviewFragment(await apologyPreview(deps, i, parsed.apology), tz)
        return page(c, i, { value, preview })
      } catch (err) {
        const refused = refusal(err)
        if (!refused) throw err
        return page(
          c,
          await incidents.get(deps, i.id),
          { value, errors: refused.errors },
          refused.status,
        )
      }
    }
    const done = `/admin/incidents/${i.id}/apology?notice=saved`
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect(done, 303)
    try {
      // The API's PATCH /api/v1/incidents/{id} {"apology"}: same service, same audit row.
      await runOnce(deps, c, form, () =>
        incidents.edit(deps, ctx, i.id, { apology: parsed.apology }),
      )
      return c.redirect(done, 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return page(
        c,
        await incidents.get(deps, i.id),
        { value, errors: refused.errors },
        refused.status,
      )
    }
  })

  // The live preview as the apology is typed (console-js `data-preview`): never writes.
  app.post('/admin/incidents/:id/apology/preview', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const i = await incidentOfPath(deps, c)
    const parsed = parseApology(one(form, 'apology'))
    if (!parsed.ok) return c.html(previewProblems(parsed.errors, { apology: 'Apology' }))
    try {
      return c.html(apologyPreviewFragment(await apologyPreview(deps, i, parsed.apology), tz))
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return c.html(previewProblems(refused.errors, { apology: 'Apology' }))
    }
  })
}
