import type { Context, Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import { PASSWORD_MIN, PasswordChangeForm, UserUpdate } from '../../core/schemas/user.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { getInboxDigest } from '../../db/users.ts'
import { feedback } from '../services/feedback.ts'
import { people } from '../services/people.ts'
import { tokens } from '../services/tokens.ts'
import {
  checkbox,
  consoleWrite,
  formAlert,
  input,
  one,
  readForm,
  validate,
  writeFields,
  type FieldErrors,
} from './forms.ts'
import { consolePage, noticeFrom } from './layout.ts'
import { readonlyEmail, shownOnce } from './people-views.ts'
import { refusal } from './form-errors.ts'
import {
  readTokenForm,
  roleScope,
  scopeOptions,
  tokenForm,
  tokenTable,
  type TokenFormValues,
} from './tokens.ts'

const NOTICES: Record<string, string> = {
  name: 'Name saved',
  password: 'Password changed; every other session of yours has ended',
  token: 'Token created',
  revoked: 'Token revoked',
  digest_on: 'You will get an email about new customer reports, at most every 15 minutes',
  digest_off: 'You will no longer get emails about new customer reports',
}

type FormName = 'name' | 'password' | 'token'

interface AccountView {
  /** Which form the errors and values belong to. */
  form?: FormName
  errors?: FieldErrors
  name?: string
  token?: TokenFormValues
  created?: string
}

/** /admin/account: every signed-in person's own name, password and personal API tokens. */
export function mountAccount(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const anyone = requirePerson('viewer')

  async function page(c: Context<AppEnv>, v: AccountView = {}, status: ContentfulStatusCode = 200) {
    const me = c.get('signedIn')!.user
    const [all, digest] = await Promise.all([tokens.list(deps), getInboxDigest(deps.db, me.id)])
    const mine = all.filter((t) => t.user_id === me.id)
    const errorsOf = (f: FormName) => (v.form === f ? v.errors : undefined)
    // prettier-ignore
    const body = html`${v.created ? shownOnce('Copy your new token now', v.created, 'It is shown only this once and stored only as a hash. Send it as "Authorization: Bearer <token>"; it acts as you, with at most your role.') : ''}
<p>You are signed in as <strong>${me.email}</strong>, with the <span class="pill s-${me.role}">${me.role}</span> role.</p>
<section aria-labelledby="name-h" class="card">
<h2 id="name-h">Your name</h2>
${formAlert(errorsOf('name'), ['display_name'])}
<form method="post" action="/admin/account/name" class="stacked">
${writeFields(c)}
${input({ name: 'display_name', label: 'Display name', value: v.form === 'name' ? v.name : (me.name ?? ''), errors: errorsOf('name'), hint: 'Customers see it on replies you write, and the team sees it in the audit log.', autocomplete: 'name', required: true })}
<button type="submit">Save name</button>
</form>
</section>
<section aria-labelledby="password-h" class="card">
<h2 id="password-h">Password</h2>
${formAlert(errorsOf('password'), ['current_password', 'password'])}
<form method="post" action="/admin/account/password" class="stacked">
${writeFields(c)}
${readonlyEmail(me.email)}
${input({ name: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password', errors: errorsOf('password'), required: true })}
${input({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', errors: errorsOf('password'), hint: `At least ${PASSWORD_MIN} characters; a passphrase of a few words is easy to type on a phone. Every other place you are signed in will be signed out.`, required: true })}
<button type="submit">Change password</button>
</form>
</section>
<section aria-labelledby="digest-h" class="card">
<h2 id="digest-h">New customer reports</h2>
<form method="post" action="/admin/account/inbox-digest" class="stacked">
${writeFields(c)}
${checkbox({ name: 'inbox_digest', label: 'Email me when customers report problems', checked: digest, hint: 'One email listing the new reports, at most every 15 minutes, with a link to each in the inbox. The on-call address gets it too when one is set.' })}
<button type="submit" class="secondary">Save</button>
</form>
</section>
<section aria-labelledby="tokens-h" class="card">
<h2 id="tokens-h">Your API tokens</h2>
<p class="small muted">For scripts that act as you: they never do more than your role allows, and stop working if your account is disabled.</p>
${tokenTable(c, mine, { timeZone: deps.config.page.timeZone, revokePath: (t) => `/admin/account/tokens/${t.id}/revoke` })}
<h3>New token</h3>
${formAlert(errorsOf('token'), ['name', 'scope'])}
${tokenForm(c, { action: '/admin/account/tokens', values: v.form === 'token' ? (v.token ?? {}) : {}, errors: errorsOf('token'), scopes: scopeOptions(roleScope(me)) })}
</section>`
    return c.html(
      consolePage(c, siteName, {
        title: 'Your account',
        section: 'account',
        body,
        notice: noticeFrom(c, NOTICES),
      }),
      status,
    )
  }

  app.get('/admin/account', anyone, (c) => page(c))

  app.post('/admin/account/name', anyone, async (c) => {
    const form = await readForm(deps, c)
    const name = one(form, 'display_name')
    const v = validate(UserUpdate.required({ name: true }), { name })
    if (!v.ok) return page(c, { form: 'name', errors: { display_name: v.errors.name! }, name }, 400)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (!replay) await people.rename(deps, ctx, c.get('signedIn')!.user.id, v.data.name)
    return c.redirect('/admin/account?notice=name', 303)
  })

  app.post('/admin/account/inbox-digest', anyone, async (c) => {
    const form = await readForm(deps, c)
    const on = one(form, 'inbox_digest') === 'on'
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (!replay) await feedback.setDigest(deps, ctx, c.get('signedIn')!.user.id, on)
    return c.redirect(`/admin/account?notice=${on ? 'digest_on' : 'digest_off'}`, 303)
  })

  app.post('/admin/account/password', anyone, async (c) => {
    const form = await readForm(deps, c)
    const fields = {
      current_password: one(form, 'current_password'),
      password: one(form, 'password'),
    }
    const v = validate(PasswordChangeForm, fields)
    if (!v.ok) return page(c, { form: 'password', errors: v.errors }, 400)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect('/admin/account?notice=password', 303)
    const { user, session } = c.get('signedIn')!
    try {
      await people.changePassword(deps, c, ctx, user.id, v.data, session.id)
    } catch (err) {
      const r = refusal(err)
      if (!r) throw err
      return page(c, { form: 'password', errors: r.errors }, r.status)
    }
    return c.redirect('/admin/account?notice=password', 303)
  })

  app.post('/admin/account/tokens', anyone, async (c) => {
    const form = await readForm(deps, c)
    const { values, v } = readTokenForm(form, false)
    if (!v.ok) return page(c, { form: 'token', token: values, errors: v.errors }, 400)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect('/admin/account?notice=token', 303)
    try {
      const me = c.get('signedIn')!.user
      const created = await tokens.create(deps, ctx, v.data, { ownerId: me.id })
      return page(c, { created: created.token })
    } catch (err) {
      const r = refusal(err)
      if (!r) throw err
      return page(c, { form: 'token', token: values, errors: r.errors }, r.status)
    }
  })

  app.post('/admin/account/tokens/:id/revoke', anyone, async (c) => {
    const form = await readForm(deps, c)
    const id = c.req.param('id')
    if (!Id.safeParse(id).success) throw new DomainError('not_found', 'not_found', 'No such token')
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (!replay) {
      await tokens.revoke(deps, ctx, id, { ownerId: c.get('signedIn')!.user.id })
    }
    return c.redirect('/admin/account?notice=revoked', 303)
  })
}
