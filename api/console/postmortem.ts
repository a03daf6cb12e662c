import type { Context, Hono } from 'hono'
import type { Incident } from '../../core/schemas/incident.ts'
import { PostmortemDraft } from '../../core/schemas/recovery.ts'
import { Locale } from '../../core/schemas/subscription.ts'
import { countAffectedSubscribers } from '../../db/recovery.ts'
import type { Deps } from '../deps.ts'
import { incidentOfPath } from './incident-path.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { incidents } from '../services/incidents.ts'
import { recovery } from '../services/recovery.ts'
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
import { consolePage, noticeFrom } from './layout.ts'
import {
  postmortemClock,
  postmortemPage,
  previewBody,
  type StoredPostmortem,
} from './postmortem-views.ts'
import { canWrite } from './roles.ts'

/** What just happened, by code: the URL never carries text a person wrote. */
const NOTICES: Record<string, string> = {
  saved: 'Draft saved. Nothing is published yet.',
  updated: 'Saved. The status page and the feeds show the new text; nobody was emailed.',
  published: 'Published on the status page and in the feeds. Nobody was emailed.',
  notified: 'Published, and on its way to the subscribers who follow its components.',
}

/** The buttons of the editor form: what each does with the text, and the notice after it. */
const ACTIONS = {
  save: { notice: (published: boolean) => (published ? 'updated' : 'saved') },
  publish: { notice: () => 'published', notify: false },
  publish_notify: { notice: () => 'notified', notify: true },
} as const
type WriteAction = keyof typeof ACTIONS

/**
 * /admin/incidents/:id/postmortem: the post-mortem's editor with its preview (editors), or the
 * text as it stands (viewers); saved and published with the API's services (recovery.saveDraft,
 * recovery.publish), so the audit, the outbox and the emails are the same as through the API.
 */
export function mountPostmortem(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const tz = deps.config.page.timeZone

  async function stored(i: Incident): Promise<StoredPostmortem | null> {
    if (!i.postmortem) return null
    return recovery.postmortem(deps, i.id)
  }

  async function page(
    c: Context<AppEnv>,
    i: Incident,
    state: { values?: Form; errors?: FieldErrors } = {},
    status: 200 | 400 | RefusalStatus = 200,
  ) {
    const now = deps.clock.now()
    const s = await stored(i)
    const asked = Locale.safeParse(c.req.query('template'))
    const fromTemplate = asked.success || !s
    const text = fromTemplate
      ? (await recovery.postmortemTemplate(deps, i.id, asked.success ? asked.data : undefined)).body
      : s.body
    const reach = await countAffectedSubscribers(
      deps.db,
      i.components.map((x) => x.id),
    )
    const body = postmortemPage(c, {
      incident: i,
      stored: s,
      text,
      fromTemplate,
      clock: postmortemClock(i, s?.published_at ?? null, deps.config.recovery.slo, now),
      canWrite: canWrite(c),
      timeZone: tz,
      now,
      reach,
      state,
    })
    const notice = noticeFrom(c, NOTICES)
    const title = `Post-mortem: ${i.name}`
    return c.html(consolePage(c, siteName, { title, section: 'incidents', body, notice }), status)
  }

  const path = (id: string) => `/admin/incidents/${id}/postmortem`

  app.get('/admin/incidents/:id/postmortem', requirePerson('viewer'), async (c) =>
    page(c, await incidentOfPath(deps, c)),
  )

  app.post('/admin/incidents/:id/postmortem', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    const i = await incidentOfPath(deps, c)
    const parsed = validate(PostmortemDraft, { body: one(form, 'body') })
    if (!parsed.ok) return page(c, i, { values: form, errors: parsed.errors }, 400)
    const action = one(form, '_action')
    // Preview (and a form sent without a button, which no browser does): show it, write nothing.
    if (!Object.hasOwn(ACTIONS, action)) return page(c, i, { values: form })
    const act = action as WriteAction
    try {
      const done = await runOnce(deps, c, form, async () => {
        const { ctx, replay } = await consoleWrite(deps, c, form)
        if (replay) return replay as { status: string }
        if (act === 'save') return recovery.saveDraft(deps, ctx, i.id, parsed.data)
        return recovery.publish(deps, ctx, i.id, { notify: ACTIONS[act].notify }, parsed.data)
      })
      const notice = ACTIONS[act].notice(done.status === 'published')
      return c.redirect(`${path(i.id)}?notice=${notice}`, 303)
    } catch (err) {
      const refused = refusal(err)
      if (!refused) throw err
      return page(
        c,
        await incidents.get(deps, i.id),
        { values: form, errors: refused.errors },
        refused.status,
      )
    }
  })

  // The live preview (console-js `data-preview`): the typed markdown rendered, nothing written.
  app.post('/admin/incidents/:id/postmortem/preview', requirePerson('editor'), async (c) => {
    const form = await readForm(deps, c)
    await incidentOfPath(deps, c)
    return c.html(previewBody(one(form, 'body')))
  })
}
