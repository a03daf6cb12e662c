import type { Hono } from 'hono'
import { notFound } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { followUps } from '../services/follow-ups.ts'
import { incidents } from '../services/incidents.ts'
import { followUpPage } from './follow-up-views.ts'
import { consolePage } from './layout.ts'

/**
 * /admin/incidents/:id/follow-up (viewers and up; it writes nothing): when the "is everything
 * working again?" email goes out, to how many, the answers so far, and each "still affected"
 * answer linked to the inbox item it opened. Addresses in full for admins only.
 */
export function mountFollowUp(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/incidents/:id/follow-up', requirePerson('viewer'), async (c) => {
    const id = c.req.param('id')
    if (!Id.safeParse(id).success) throw notFound('incident', id)
    const incident = await incidents.get(deps, id)
    const body = followUpPage({
      incident,
      report: await followUps.report(deps, id),
      scope: c.get('actor').scope,
      timeZone: deps.config.page.timeZone,
      now: deps.clock.now(),
      followUpDays: deps.config.recovery.followUpDays,
    })
    const title = `Follow-up: ${incident.name}`
    return c.html(consolePage(c, deps.config.page.name, { title, section: 'incidents', body }))
  })
}
