import type { Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { Id } from '../../core/schemas/common.ts'
import { UserInvite, UserUpdate } from '../../core/schemas/user.ts'
import { DomainError } from '../../core/errors.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { people } from '../services/people.ts'
import { mountAccount } from './account.ts'
import { consoleWrite, one, readForm, validate, type Form } from './forms.ts'
import { consolePage, noticeFrom } from './layout.ts'
import { mountLinkPages } from './link-pages.ts'
import { peopleBody, type PeopleView } from './people-views.ts'
import { refusal } from './form-errors.ts'
import { mountTokens } from './tokens.ts'

const NOTICES: Record<string, string> = {
  invited: 'Invitation sent',
  role: 'Role changed',
  disabled: 'Disabled: their sessions ended and their tokens stopped working',
  enabled: 'Enabled again',
  sessions: 'Signed out everywhere',
}

/**
 * People and their access: the People page (admin), API tokens (admin), the account page (each
 * person), and the pages before sign-in that a setup, invitation or reset link opens.
 */
export function mountPeople(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const admin = requirePerson('admin')

  async function page(
    c: Context<AppEnv>,
    v: Omit<PeopleView, 'people' | 'meId' | 'timeZone'> = {},
    status: ContentfulStatusCode = 200,
  ) {
    const view: PeopleView = {
      ...v,
      people: await people.list(deps),
      meId: c.get('signedIn')!.user.id,
      timeZone: deps.config.page.timeZone,
    }
    const notice = noticeFrom(c, NOTICES)
    return c.html(
      consolePage(c, siteName, {
        title: 'People',
        section: 'people',
        body: peopleBody(c, view),
        notice,
      }),
      status,
    )
  }

  app.get('/admin/people', admin, (c) => page(c))

  app.post('/admin/people/invite', admin, async (c) => {
    const form = await readForm(deps, c)
    const values = { email: one(form, 'email'), name: one(form, 'name'), role: one(form, 'role') }
    const input = { email: values.email, name: values.name.trim() || undefined, role: values.role }
    const v = validate(UserInvite, input)
    if (!v.ok) return page(c, { invite: values, errors: v.errors }, 400)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect('/admin/people?notice=invited', 303)
    try {
      const invited = await people.invite(deps, ctx, v.data)
      // Not a redirect: the link is shown this once and must not travel in a URL.
      return page(c, { invited: { email: invited.email, url: invited.invite_url } })
    } catch (err) {
      const r = refusal(err)
      if (!r) throw err
      return page(c, { invite: values, errors: r.errors }, r.status)
    }
  })

  /** A per-person form: validate `input`, write through the service, back to the list. */
  function personAction(
    path: string,
    read: (form: Form) => unknown,
    act: (
      ctx: Parameters<typeof people.update>[1],
      id: string,
      data: UserUpdate,
    ) => Promise<unknown>,
    notice: (data: UserUpdate) => string,
  ) {
    app.post(`/admin/people/:id/${path}`, admin, async (c) => {
      const form = await readForm(deps, c)
      const id = c.req.param('id')
      if (!Id.safeParse(id).success)
        throw new DomainError('not_found', 'not_found', 'No such person')
      const v = validate(UserUpdate, read(form))
      if (!v.ok) return page(c, { actionError: Object.values(v.errors).join('; ') }, 400)
      const { ctx, replay } = await consoleWrite(deps, c, form)
      if (replay) return c.redirect(`/admin/people?notice=${notice(v.data)}`, 303)
      try {
        await act(ctx, id, v.data)
      } catch (err) {
        const r = refusal(err)
        if (!r) throw err
        return page(c, { actionError: Object.values(r.errors).join('; ') }, r.status)
      }
      return c.redirect(`/admin/people?notice=${notice(v.data)}`, 303)
    })
  }
  personAction(
    'role',
    (form) => ({ role: one(form, 'role') }),
    (ctx, id, data) => people.update(deps, ctx, id, data),
    () => 'role',
  )
  personAction(
    'status',
    (form) => ({ status: one(form, 'status') }),
    (ctx, id, data) => people.update(deps, ctx, id, data),
    (data) => (data.status === 'disabled' ? 'disabled' : 'enabled'),
  )
  personAction(
    'sessions/end',
    () => ({}),
    (ctx, id) => people.endSessions(deps, ctx, id),
    () => 'sessions',
  )

  mountTokens(app, deps)
  mountAccount(app, deps)
  mountLinkPages(app, deps)
}
