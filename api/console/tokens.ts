import type { Context, Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError } from '../../core/errors.ts'
import { formatTime } from '../../core/format.ts'
import { Id } from '../../core/schemas/common.ts'
import { Scope, TokenCreate, type Token } from '../../core/schemas/token.ts'
import { ROLE_SCOPE, type User } from '../../core/schemas/user.ts'
import { RANK } from '../auth.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { people } from '../services/people.ts'
import { tokens } from '../services/tokens.ts'
import { displayName } from '../services/write.ts'
import {
  consoleWrite,
  formAlert,
  input,
  one,
  readForm,
  select,
  validate,
  writeFields,
  type FieldErrors,
  type Form,
} from './forms.ts'
import { consolePage, noticeFrom, type Html } from './layout.ts'
import { shownOnce } from './people-views.ts'
import { refusal } from './form-errors.ts'

const SCOPE_HINT =
  'Read sees everything and changes nothing; write also runs incidents, maintenance, components and reports; admin also manages people and tokens.'

/** The scopes a person may give a token: up to their role's (every scope for a service token). */
export function scopeOptions(most: Scope = 'admin') {
  return Scope.options
    .filter((s) => RANK[s] <= RANK[most])
    .map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) }))
}

export interface TokenFormValues {
  name?: string
  scope?: string
  owner?: string
}

/** The create form: name, scope, and (admins only) whose token it is. */
export function tokenForm(
  c: Context<AppEnv>,
  p: {
    action: string
    values: TokenFormValues
    errors?: FieldErrors
    scopes: { value: string; label: string }[]
    owners?: { value: string; label: string }[]
  },
): Html {
  const { values: v, errors } = p
  // prettier-ignore
  return html`<form method="post" action="${p.action}" class="stacked">
${writeFields(c)}
${input({ name: 'name', label: 'Name', value: v.name, errors, hint: 'What uses it, so you know what breaks when it is revoked: "deploy pipeline", "Dana\'s laptop".', required: true, autocomplete: 'off' })}
${select({ name: 'scope', label: 'Scope', value: v.scope ?? 'read', options: p.scopes, errors, hint: SCOPE_HINT })}
${p.owners ? select({ name: 'owner', label: 'Belongs to', value: v.owner ?? '', options: p.owners, errors, hint: 'A personal token stops working when its person is disabled and never does more than their role allows.' }) : ''}
<button type="submit">Create token</button>
</form>`
}

/** A table of tokens with a revoke button each (`revokePath(t)`), owners named when given. */
export function tokenTable(
  c: Context<AppEnv>,
  list: Token[],
  p: { timeZone: string; owners?: Map<string, User>; revokePath: (t: Token) => string },
): Html {
  if (list.length === 0) return html`<p class="muted">No tokens yet.</p>`
  const t = (iso: string | null, none: string) => (iso ? formatTime(iso, p.timeZone) : none)
  // prettier-ignore
  return html`<table class="stack">
<thead><tr><th scope="col">Name</th>${p.owners ? html`<th scope="col">Belongs to</th>` : ''}<th scope="col">Scope</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th></tr></thead>
<tbody>
${list.map((k) => {
    const owner = k.user_id ? p.owners?.get(k.user_id) : undefined
    return html`<tr>
<td data-label="Name"><strong>${k.name}</strong><br><code class="small muted">${k.prefix}…</code></td>
${p.owners ? html`<td data-label="Belongs to">${k.user_id ? (owner ? html`${displayName(owner)}${owner.status === 'active' ? '' : html` <span class="pill s-${owner.status}">${owner.status}</span>`}` : 'A person') : html`<span class="muted">Service token</span>`}</td>` : ''}
<td data-label="Scope" class="nowrap">${k.scope}</td>
<td data-label="Created">${t(k.created_at, '')}</td>
<td data-label="Last used">${t(k.last_used_at, 'Never')}</td>
<td data-label="Status">${k.revoked_at
      ? html`<span class="pill s-disabled">revoked</span> <span class="small muted">${t(k.revoked_at, '')}</span>`
      : html`<form method="post" action="${p.revokePath(k)}" class="row">${writeFields(c)}<span class="pill s-active">active</span><button class="danger" type="submit" data-confirm="${`Revoke "${k.name}"? Anything using it stops working at once.`}">Revoke<span class="vh"> ${k.name}</span></button></form>`}</td>
</tr>`
  })}
</tbody>
</table>`
}

const NOTICES: Record<string, string> = {
  created: 'Token created',
  revoked: 'Token revoked',
}

/** Validates a token form; the owner is '' (a service token) or a person's id. */
export function readTokenForm(
  form: Form,
  withOwner: boolean,
): { values: TokenFormValues; v: ReturnType<typeof validate<typeof TokenCreate>>; owner: string } {
  const values = { name: one(form, 'name'), scope: one(form, 'scope'), owner: one(form, 'owner') }
  const v = validate(TokenCreate, { name: values.name, scope: values.scope })
  const owner = withOwner ? values.owner : ''
  if (owner && !Id.safeParse(owner).success && v.ok) {
    return { values, owner, v: { ok: false, errors: { owner: 'Choose a person from the list' } } }
  }
  return { values, v, owner }
}

/** /admin/tokens (admin): every service and personal token; create one for anyone; revoke. */
export function mountTokens(app: Hono<AppEnv>, deps: Deps): void {
  const siteName = deps.config.page.name
  const admin = requirePerson('admin')

  async function page(
    c: Context<AppEnv>,
    v: { values?: TokenFormValues; errors?: FieldErrors; created?: string } = {},
    status: ContentfulStatusCode = 200,
  ) {
    const [list, everyone] = await Promise.all([tokens.list(deps), people.list(deps)])
    const owners = new Map<string, User>(everyone.map((u) => [u.id, u]))
    const active = everyone.filter((u) => u.status === 'active')
    const ordered = [...list].sort(
      (a, b) =>
        Number(!!a.revoked_at) - Number(!!b.revoked_at) || (a.created_at < b.created_at ? 1 : -1),
    )
    // prettier-ignore
    const body = html`${v.created ? shownOnce('Copy the new token now', v.created, 'It is shown only this once and stored only as a hash. Send it as "Authorization: Bearer <token>".') : ''}
<h2>Tokens</h2>
${tokenTable(c, ordered, { timeZone: deps.config.page.timeZone, owners, revokePath: (t) => `/admin/tokens/${t.id}/revoke` })}
<section aria-labelledby="new-h" class="card">
<h2 id="new-h">Create a token</h2>
${formAlert(v.errors, ['name', 'scope', 'owner'])}
${tokenForm(c, {
  action: '/admin/tokens',
  values: v.values ?? {},
  errors: v.errors,
  scopes: scopeOptions(),
  owners: [
    { value: '', label: 'No one: a service token' },
    ...active.map((u) => ({ value: u.id, label: `${displayName(u)} (${u.role})` })),
  ],
})}
</section>`
    return c.html(
      consolePage(c, siteName, {
        title: 'API tokens',
        section: 'tokens',
        body,
        notice: noticeFrom(c, NOTICES),
      }),
      status,
    )
  }

  app.get('/admin/tokens', admin, (c) => page(c))

  app.post('/admin/tokens', admin, async (c) => {
    const form = await readForm(deps, c)
    const { values, v, owner } = readTokenForm(form, true)
    if (!v.ok) return page(c, { values, errors: v.errors }, 400)
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect('/admin/tokens?notice=created', 303)
    try {
      const created = await tokens.create(deps, ctx, v.data, { ownerId: owner || null })
      // Not a redirect: the secret is shown this once and must not travel in a URL.
      return page(c, { created: created.token })
    } catch (err) {
      const r = refusal(err)
      if (!r) throw err
      return page(c, { values, errors: r.errors }, r.status)
    }
  })

  app.post('/admin/tokens/:id/revoke', admin, async (c) => {
    const form = await readForm(deps, c)
    const id = c.req.param('id')
    if (!Id.safeParse(id).success) throw new DomainError('not_found', 'not_found', 'No such token')
    const { ctx, replay } = await consoleWrite(deps, c, form)
    if (replay) return c.redirect('/admin/tokens?notice=revoked', 303)
    try {
      await tokens.revoke(deps, ctx, id)
    } catch (err) {
      const r = refusal(err)
      if (!r) throw err
      return page(c, { errors: r.errors }, r.status)
    }
    return c.redirect('/admin/tokens?notice=revoked', 303)
  })
}

/** The most a person's own token may do: their role's scope. */
export const roleScope = (u: User): Scope => ROLE_SCOPE[u.role]
