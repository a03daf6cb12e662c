import type { Context, Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError } from '../../core/errors.ts'
import {
  PASSWORD_MIN,
  PasswordResetRequest,
  SetPasswordForm,
  SetupForm,
} from '../../core/schemas/user.ts'
import type { LinkPurpose } from '../../db/user-links.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { endCurrentSession, startSession } from '../http/session.ts'
import { people, RESET_ANSWER, type OpenLink } from '../services/people.ts'
import { LINK_SECRET } from '../services/person-links.ts'
import { formAlert, input, one, readForm, validate, type FieldErrors } from './forms.ts'
import { authPage, csrfField, type Html } from './layout.ts'
import { readonlyEmail } from './people-views.ts'
import { refusal } from './form-errors.ts'

interface LinkValues {
  email?: string
  name?: string
}

const TITLE: Record<LinkPurpose, string> = {
  setup: 'Create the first admin',
  invite: 'Join the console',
  reset: 'Choose a new password',
}

const BUTTON: Record<LinkPurpose, string> = {
  setup: 'Create admin account',
  invite: 'Join',
  reset: 'Set password and sign in',
}

const PASSWORD_HINT = `At least ${PASSWORD_MIN} characters, not a common password. A few random words make a good one.`

/**
 * The pages a setup, invitation or reset link opens (before sign-in), and the reset request
 * form. A link that cannot be used (unknown 404; used, replaced or expired 410) gets a page that
 * says so and writes nothing.
 */
export function mountLinkPages(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name

  function linkForm(
    c: Context<AppEnv>,
    purpose: LinkPurpose,
    open: OpenLink,
    v: LinkValues = {},
    errors?: FieldErrors,
  ): Html {
    const user = open.user
    const shown = ['email', 'name', 'password']
    // prettier-ignore
    const intro =
      purpose === 'setup'
        ? html`<p>Nobody can sign in to the console yet. Create the first admin account; the admin then invites the rest of the team.</p>`
        : purpose === 'invite'
          ? html`<p>You are invited as <strong>${user!.role}</strong>. Choose your name and a password.</p>`
          : html`<p>Every place you are signed in will be signed out, and you will be signed in here.</p>`
    // prettier-ignore
    return html`${intro}
${formAlert(errors, shown)}
<form method="post" class="stacked">
${csrfField(c)}
${purpose === 'setup'
  ? input({ name: 'email', label: 'Email address', type: 'email', value: v.email, errors, autocomplete: 'username', required: true })
  : readonlyEmail(user!.email)}
${purpose !== 'reset' ? input({ name: 'name', label: 'Your name', value: v.name ?? user?.name ?? '', errors, autocomplete: 'name', hint: 'Customers see it on replies you write.', required: purpose === 'setup' }) : ''}
${input({ name: 'password', label: 'New password', type: 'password', errors, autocomplete: 'new-password', hint: PASSWORD_HINT, required: true })}
<button type="submit">${BUTTON[purpose]}</button>
</form>`
  }

  /** The page for a link that cannot be used: why, and what to do instead. */
  function gone(c: Context<AppEnv>, err: DomainError) {
    const status: ContentfulStatusCode = err.code === 'link_unknown' ? 404 : 410
    // prettier-ignore
    const body = html`<p class="alert" role="alert">${err.message}.</p>
<p><a href="/admin/sign-in">Sign in</a> · <a href="/admin/password-reset">Reset your password</a></p>`
    return c.html(authPage(siteName, { title: 'This link does not work', body }), status)
  }

  const isLinkProblem = (err: unknown): err is DomainError =>
    err instanceof DomainError && err.kind === 'not_found'

  for (const purpose of ['setup', 'invite', 'reset'] as const) {
    const path = `/admin/${purpose}/:secret`
    const secretOf = (c: Context<AppEnv>) => {
      const secret = c.req.param('secret') ?? ''
      if (!LINK_SECRET.test(secret)) {
        throw new DomainError(
          'not_found',
          'link_unknown',
          'This link is not valid. Check that it was copied whole, or ask for a new one',
        )
      }
      return secret
    }

    app.get(path, async (c) => {
      try {
        const open = await people.openLink(deps, purpose, secretOf(c))
        return c.html(
          authPage(siteName, { title: TITLE[purpose], body: linkForm(c, purpose, open) }),
        )
      } catch (err) {
        if (isLinkProblem(err)) return gone(c, err)
        throw err
      }
    })

    app.post(path, async (c) => {
      const form = await readForm(deps, c)
      const v: LinkValues = { email: one(form, 'email'), name: one(form, 'name') }
      try {
        const secret = secretOf(c)
        const open = await people.openLink(deps, purpose, secret)
        const password = one(form, 'password')
        const name = v.name?.trim() || undefined
        const checked =
          purpose === 'setup'
            ? validate(SetupForm, { email: v.email, name: v.name, password })
            : validate(SetPasswordForm, { name: purpose === 'invite' ? name : undefined, password })
        const again = (errors: FieldErrors, status: ContentfulStatusCode) =>
          c.html(
            authPage(siteName, {
              title: TITLE[purpose],
              body: linkForm(c, purpose, open, v, errors),
            }),
            status,
          )
        if (!checked.ok) return again(checked.errors, 400)
        let user
        try {
          user = await people.useLink(deps, purpose, secret, checked.data)
        } catch (err) {
          const r = isLinkProblem(err) ? null : refusal(err)
          if (!r) throw err
          return again(r.errors, r.status)
        }
        // A fresh session (any other one in this browser ends): a planted id is never promoted.
        if (c.get('signedIn')) await endCurrentSession(deps, c)
        await startSession(deps, c, user)
        return c.redirect('/admin/', 303)
      } catch (err) {
        if (isLinkProblem(err)) return gone(c, err)
        throw err
      }
    })
  }

  function resetPage(
    c: Context<AppEnv>,
    v: { email?: string; errors?: FieldErrors; sent?: boolean },
  ): Html {
    // prettier-ignore
    return authPage(siteName, {
      title: 'Reset your password',
      body: v.sent
        ? html`<p role="status" class="flash">${RESET_ANSWER}</p>
<p>Nothing arrived? Check your spam folder, or ask an admin: they can see whether you have an account.</p>
<p><a href="/admin/sign-in">Back to sign in</a></p>`
        : html`<p>Enter the address you sign in with. We will email you a link to choose a new password.</p>
${formAlert(v.errors, ['email'])}
<form method="post" action="/admin/password-reset" class="stacked">
${csrfField(c)}
${input({ name: 'email', label: 'Email address', type: 'email', value: v.email, errors: v.errors, autocomplete: 'username', required: true })}
<button type="submit">Email me a link</button>
</form>
<p><a href="/admin/sign-in">Back to sign in</a></p>`,
    })
  }

  app.get('/admin/password-reset', (c) => c.html(resetPage(c, {})))

  app.post('/admin/password-reset', async (c) => {
    const form = await readForm(deps, c)
    const email = one(form, 'email').slice(0, 254)
    const v = validate(PasswordResetRequest, { email })
    if (!v.ok) return c.html(resetPage(c, { email, errors: v.errors }), 400)
    try {
      await people.requestReset(deps, c, v.data.email)
    } catch (err) {
      const r = refusal(err)
      if (!r || r.status !== 429) throw err
      return c.html(resetPage(c, { email, errors: r.errors }), 429)
    }
    return c.html(resetPage(c, { sent: true }))
  })
}
