import { Hono } from 'hono'
import { etag } from 'hono/etag'
import { DomainError } from '../../core/errors.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { calendars } from '../services/calendar.ts'

/**
 * GET /calendar/<token>.ics: a subscriber's own maintenance calendar, for calendar apps (no
 * session: the signed link says whose it is). Apps poll it, so it may be cached briefly, by the
 * app only: the URL is a secret.
 */
export function calendarRoutes(deps: Deps) {
  const app = new Hono<AppEnv>()
  app.get('/calendar/:file', etag(), async (c) => {
    const file = c.req.param('file')
    const ics = file.endsWith('.ics') ? await calendars.personal(deps, file.slice(0, -4)) : null
    if (ics === null) {
      throw new DomainError('not_found', 'not_found', 'No calendar at this address')
    }
    return c.body(ics, 200, {
      'content-type': 'text/calendar; charset=utf-8',
      'cache-control': 'private, max-age=300',
      'x-robots-tag': 'noindex',
    })
  })
  return app
}
