import type { Hono } from 'hono'
import { getIncidentsByIds } from '../../db/incidents.ts'
import { listFeedback } from '../../db/feedback.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { drafts } from '../services/drafts.ts'
import { incidents } from '../services/incidents.ts'
import { commonFrom } from '../services/site-data.ts'
import { loadSnapshot } from '../services/status.ts'
import { updateClock } from './clock.ts'
import { draftCards } from './drafts-views.ts'
import { consolePage } from './layout.ts'
import { nowPage } from './now-views.ts'
import { canWrite } from './roles.ts'

const REPORTS = 5
const UPCOMING = 3

/** GET /admin/: what needs doing now. */
export function mountNow(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/', requirePerson('viewer'), async (c) => {
    const now = deps.clock.now()
    const [snapshot, open, reports, active] = await Promise.all([
      loadSnapshot(deps),
      incidents.list(deps, { status: 'unresolved', page: 1, per_page: 100 }),
      listFeedback(deps.db, {}, REPORTS, 0),
      drafts.active(deps),
    ])
    // The roll-up the public page shows: the same snapshot and function as the publisher's.
    const common = commonFrom(snapshot, deps.config)
    const named = await getIncidentsByIds(deps.db, [
      ...new Set(reports.items.flatMap((f) => (f.incident_id ? [f.incident_id] : []))),
    ])
    const clocked = open.items
      .map((incident) => ({
        incident,
        clock: updateClock(incident, deps.config.recovery.slo, now),
      }))
      .sort((a, b) => (a.clock?.dueInMs ?? Infinity) - (b.clock?.dueInMs ?? Infinity))
    const windows = snapshot.maintenances.filter((m) => !m.cancelled_at)
    const body = nowPage({
      drafts: draftCards(c, {
        drafts: active,
        components: snapshot.components,
        canWrite: canWrite(c),
        now,
      }),
      status: common.status,
      siteUrl: deps.config.siteUrl,
      troubled: snapshot.components.filter((x) => x.status !== 'operational'),
      open: clocked,
      running: windows.filter((m) => m.status === 'in_progress' || m.status === 'verifying'),
      upcoming: windows.filter((m) => m.status === 'scheduled').slice(0, UPCOMING),
      reports: reports.items.map((feedback) => {
        const r = named.find((x) => x.id === feedback.incident_id)
        return { feedback, incident: r ? { id: r.id, name: r.name } : null }
      }),
      canWrite: canWrite(c),
      timeZone: deps.config.page.timeZone,
      now,
    })
    return c.html(consolePage(c, deps.config.page.name, { title: 'Now', section: 'now', body }))
  })
}
