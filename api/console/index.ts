import { Hono } from 'hono'
import { except } from 'hono/combine'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError } from '../../core/errors.ts'
import { ErrorBody } from '../../core/schemas/common.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { handleError } from '../errors.ts'
import { CONSOLE_PAGE_HEADERS, NOSNIFF } from '../http/security-headers.ts'
import { loadSession } from '../http/session.ts'
import { formBody } from '../pages/page-middleware.ts'
import { mountAlertRules } from './alert-rules.ts'
import { mountChecks } from './checks.ts'
import { mountConsoleAssets } from './assets.ts'
import { mountDrafts } from './drafts.ts'
import { authPage, consolePage } from './layout.ts'
import { inboxWaiting, mountInbox } from './inbox.ts'
import { mountIncidents } from './incidents.ts'
import { mountImpact } from './impact.ts'
import { mountApology } from './apology.ts'
import { mountCredit } from './credit.ts'
import { mountNow } from './now.ts'
import { mountPeople } from './people.ts'
import { mountPostmortem } from './postmortem.ts'
import { mountFollowUp } from './follow-up.ts'
import { mountAudit } from './audit.ts'
import { mountComponents } from './components.ts'
import { mountMaintenance } from './maintenance.ts'
import { mountMetrics } from './metrics.ts'
import { mountSignIn } from './sign-in.ts'
import { mountSso } from './sso.ts'
import { mountSubscribers } from './subscribers.ts'
import { SUBSCRIBER_UPLOAD_PATH } from './subscribers-import.ts'

// A console form holds at most an incident's text and a few fields; 20,000 characters of CJK
// text, URL-encoded, are 180,000 bytes.
const MAX_FORM_BYTES = 256 * 1024

/**
 * The staff console at /admin: server-rendered pages with plain forms, behind a session
 * (api/http/session.ts). Each area is a module that mounts its pages here, with full paths
 * (`/admin/...`): this router is mounted at "/" because Hono's mount would turn `/admin/` into
 * `/admin`, and its middleware is scoped to `/admin/*` so it touches nothing else.
 */
export function consoleRoutes(deps: Deps) {
  const app = new Hono<AppEnv>()
  const siteName = deps.config.page.name

  app.use('/admin/*', async (c, next) => {
    await next()
    for (const [name, value] of Object.entries({ ...CONSOLE_PAGE_HEADERS, ...NOSNIFF })) {
      if (name === 'cache-control' && c.req.path.startsWith('/admin/assets/')) continue
      c.header(name, value)
    }
  })
  mountConsoleAssets(app)
  app.use('/admin/*', loadSession(deps))
  app.use('/admin/*', inboxWaiting(deps))
  // Every write is a POSTed urlencoded form of bounded size in valid UTF-8 (never JSON); the
  // console has no other method that changes anything.
  // The subscriber import's upload is multipart (a file input) with its own checks.
  app.post('/admin/*', except(SUBSCRIBER_UPLOAD_PATH, ...formBody(MAX_FORM_BYTES)))

  app.onError(async (err, c) => {
    const res = handleError(err, c, deps.log)
    const parsed = ErrorBody.safeParse(await res.json())
    const message = parsed.success ? parsed.data.error.message : 'Something went wrong on our side'
    const status = res.status as ContentfulStatusCode
    const title =
      status === 403
        ? 'Not allowed'
        : status === 404
          ? 'Not found'
          : status === 401
            ? 'Please sign in again'
            : status >= 500
              ? 'Something went wrong'
              : 'That did not work'
    const back = html`<p>${message}.</p>
      <p><a href="/admin/">Back to the console</a></p>`
    const page = c.get('signedIn')
      ? consolePage(c, siteName, { title, section: 'now', body: back })
      : authPage(siteName, { title, body: back })
    return c.html(page, status)
  })

  mountSignIn(app, deps)
  mountSso(app, deps)
  mountPeople(app, deps)
  mountMaintenance(app, deps)
  mountComponents(app, deps)
  mountAudit(app, deps)
  mountMetrics(app, deps)
  mountSubscribers(app, deps)
  mountInbox(app, deps)
  mountPostmortem(app, deps)
  mountFollowUp(app, deps)

  app.get('/admin', (c) => c.redirect('/admin/', 301))
  mountNow(app, deps)
  mountDrafts(app, deps)
  mountAlertRules(app, deps)
  mountChecks(app, deps)
  mountIncidents(app, deps)
  mountImpact(app, deps)
  mountApology(app, deps)
  mountCredit(app, deps)

  // Last: any other console path is a console 404 page, not the API's JSON.
  app.all('/admin/*', () => {
    throw new DomainError('not_found', 'not_found', 'There is no such page in the console')
  })
  return app
}
