import type { Hono } from 'hono'
import { html } from 'hono/html'
import { DomainError } from '../../core/errors.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { endCurrentSession, startSession } from '../http/session.ts'
import { signInWithPassword } from '../services/sign-in.ts'
import { one, readForm, input } from './forms.ts'
import { authPage } from './layout.ts'

/**
 * Where to go after signing in: a console path only. Anything else (another host, `//evil`,
 * a backslash trick) goes to the console's front page, so the link cannot send anyone away.
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || !/^\/admin(\/[\w\-./?=&%]*)?$/.test(next) || next.includes('//')) return '/admin/'
  return next
}

export interface SignInValues {
  email?: string
  error?: string
  next: string
}

/** The sign-in page: the password form, and the SSO button when OIDC is configured. */
export function signInPage(deps: Deps, v: SignInValues) {
  const sso = deps.config.oidc
  // prettier-ignore
  return authPage(deps.config.page.name, {
    title: 'Sign in',
    body: html`${v.error ? html`<p class="alert" role="alert">${v.error}</p>` : ''}
<form method="post" action="/admin/sign-in" class="stacked">
<input type="hidden" name="next" value="${v.next}">
${input({ name: 'email', label: 'Email address', type: 'email', value: v.email, autocomplete: 'username', required: true })}
${input({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true })}
<button type="submit">Sign in</button>
</form>
<p><a href="/admin/password-reset">Forgot your password?</a></p>
${sso ? html`<p class="or">or</p><p><a class="button secondary sso" href="/admin/sso/start?next=${encodeURIComponent(v.next)}">Sign in with ${sso.label}</a></p>` : ''}`,
  })
}

/** GET/POST /admin/sign-in and POST /admin/sign-out. */
export function mountSignIn(app: Hono<AppEnv>, deps: Deps): void {
  app.get('/admin/sign-in', (c) => {
    if (c.get('signedIn')) return c.redirect(safeNext(c.req.query('next')), 303)
    return c.html(signInPage(deps, { next: safeNext(c.req.query('next')) }))
  })

  app.post('/admin/sign-in', async (c) => {
    const form = await readForm(deps, c)
    const next = safeNext(one(form, 'next'))
    const email = one(form, 'email').slice(0, 254)
    try {
      const user = await signInWithPassword(deps, c, email, one(form, 'password'))
      // A new session on every sign-in: a session id planted before sign-in is never promoted.
      if (c.get('signedIn')) await endCurrentSession(deps, c)
      await startSession(deps, c, user, 'password')
      return c.redirect(next, 303)
    } catch (err) {
      if (!(err instanceof DomainError) || !['unauthorized', 'rate_limited'].includes(err.kind))
        throw err
      const status = err.kind === 'rate_limited' ? 429 : 401
      return c.html(signInPage(deps, { email, error: err.message, next }), status)
    }
  })

  app.post('/admin/sign-out', async (c) => {
    await readForm(deps, c)
    await endCurrentSession(deps, c)
    return c.redirect('/admin/sign-in?signed_out=1', 303)
  })
}
