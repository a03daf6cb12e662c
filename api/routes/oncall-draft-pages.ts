import type { Context } from 'hono'
import { Hono } from 'hono'
import { DomainError } from '../../core/errors.ts'
import { listComponents } from '../../db/components.ts'
import { getDraft, signalsOf, type DraftRecord } from '../../db/drafts.ts'
import { getIncident } from '../../db/incidents.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { oncallDraftViews as views } from '../pages/oncall-draft-views.ts'
import { siteHref, siteOf } from '../pages/layout.ts'
import { errorPages, formBody, privatePage } from '../pages/page-middleware.ts'
import { DRAFT_LINK_PATH, draftConsoleUrl, openDraftLink } from '../services/draft-links.ts'
import { drafts, proposalOf } from '../services/drafts.ts'
import { plans } from '../services/incidents.ts'
import { sitePath } from '../services/site-data.ts'
import { systemActor } from '../services/write.ts'

// The form has no fields: anything more than a few bytes is not ours.
const MAX_FORM_BYTES = 1024

/**
 * On-call's one-click "publish as is" page, opened from the nudge mail (api/services/draft-links.ts).
 * GET only shows the proposal (mail scanners prefetch links); the form's POST publishes it through
 * drafts.publish, so a draft still becomes at most one incident however often it is sent.
 */
export function oncallDraftPageRoutes(deps: Deps) {
  const app = new Hono<AppEnv>()
  const site = siteOf(deps.config)
  const secure = privatePage(deps.config.siteUrl)
  const path = `${DRAFT_LINK_PATH}:token`
  app.onError(errorPages(deps.log, site, views))

  /** The draft a link opens, or the page that says why it opens none. */
  async function open(c: Context<AppEnv>) {
    const id = await openDraftLink(deps, c.req.param('token') ?? '')
    if (!id) return { page: c.html(views.invalid(site), 400) }
    const found = await getDraft(deps.db, id)
    if (!found) return { page: c.html(views.missing(site), 404) }
    return { draft: found.draft }
  }

  async function decided(c: Context<AppEnv>, d: DraftRecord) {
    const incident = d.incidentId ? await getIncident(deps.db, d.incidentId) : null
    const state = d.state === 'dismissed' ? 'dismissed' : 'published'
    return c.html(
      views.alreadyDone(site, {
        state,
        reason: d.dismissedReason,
        incidentUrl: incident ? siteHref(site, sitePath(incident)) : null,
        consoleUrl: draftConsoleUrl(deps, d.id),
      }),
      409,
    )
  }

  app.get(path, secure, async (c) => {
    const o = await open(c)
    if (o.page) return o.page
    const d = o.draft
    if (d.state !== 'open') return decided(c, d)
    const consoleUrl = draftConsoleUrl(deps, d.id)
    let planned
    try {
      // The incident publishing would create, computed and not written.
      planned = (await plans.create(deps, proposalOf(d))).record
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      return c.html(views.unusable(site, { consoleUrl, problem: err.message }), 422)
    }
    const names = new Map((await listComponents(deps.db)).map((x) => [x.id, x.name]))
    const signals = (await signalsOf(deps.db, [d.id])).map(
      (s) => `${s.severity ? `[${s.severity}] ` : ''}${s.summary}`,
    )
    return c.html(
      views.preview(site, {
        component: d.componentKey ? (names.get(d.componentKey) ?? null) : null,
        name: planned.name,
        status: planned.status,
        impact: planned.impact,
        body: planned.updates[0]?.body ?? '',
        components: planned.components.map((x) => ({
          name: names.get(x.id) ?? x.id,
          status: x.status,
        })),
        signals,
        consoleUrl,
      }),
      200,
    )
  })

  app.post(path, secure, ...formBody(MAX_FORM_BYTES), async (c) => {
    const o = await open(c)
    if (o.page) return o.page
    const d = o.draft
    const oncall = deps.config.recovery.oncallEmail ?? 'on-call webhook'
    try {
      const incident = await drafts.publish(
        deps,
        { actor: systemActor(`On-call link (${oncall})`) },
        d.id,
      )
      return c.html(
        views.published(site, {
          incidentUrl: siteHref(site, sitePath({ id: incident.id, kind: 'incident' })),
          consoleUrl: `${deps.config.siteUrl}/admin/incidents/${incident.id}`,
        }),
        200,
      )
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      if (err.code === 'draft_not_open') {
        const now = await getDraft(deps.db, d.id)
        if (now) return decided(c, now.draft)
      }
      const consoleUrl = draftConsoleUrl(deps, d.id)
      return c.html(views.unusable(site, { consoleUrl, problem: err.message }), 422)
    }
  })

  return app
}
