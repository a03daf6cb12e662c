import type { Context } from 'hono'
import { html } from 'hono/html'
import { formatTime } from '../../core/format.ts'
import { Role, type UserActivity } from '../../core/schemas/user.ts'
import type { AppEnv } from '../env.ts'
import { displayName } from '../services/write.ts'
import { formAlert, input, select, writeFields, type FieldErrors } from './forms.ts'
import type { Html } from './layout.ts'

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const ROLE_OPTIONS = Role.options.map((r) => ({ value: r, label: capital(r) }))
const ROLE_HINT =
  'A viewer reads everything and changes nothing; an editor also runs incidents, maintenance, components and reports; an admin also manages people and API tokens.'

export interface InviteValues {
  email?: string
  name?: string
  role?: string
}

export interface PeopleView {
  people: UserActivity[]
  meId: string
  timeZone: string
  invite?: InviteValues
  errors?: FieldErrors
  /** Why a change to one person (role, status, sessions) was refused. */
  actionError?: string
  /** The person just invited and their link, shown this once. */
  invited?: { email: string; url: string }
}

/** A secret shown once (an invitation link, a token), with what to do with it. */
export function shownOnce(label: string, secret: string, note: string): Html {
  return html`<section class="card once" aria-labelledby="once-h">
    <h2 id="once-h">${label}</h2>
    <code class="secret">${secret}</code>
    <p class="small muted">${note}</p>
  </section>`
}

/**
 * The address as a read-only field beside a new password: password managers save the pair
 * under the right account (autocomplete="username").
 */
export function readonlyEmail(email: string): Html {
  // prettier-ignore
  return html`<div class="field"><label for="f-username">Email address</label><input id="f-username" name="username" type="email" value="${email}" autocomplete="username" readonly></div>`
}

function personRow(c: Context<AppEnv>, p: UserActivity, v: PeopleView): Html {
  const who = displayName(p)
  const me = p.id === v.meId
  const base = `/admin/people/${p.id}`
  const last = p.last_sign_in_at ? formatTime(p.last_sign_in_at, v.timeZone) : 'Never'
  const sessions = p.open_sessions === 1 ? '1 session open' : `${p.open_sessions} sessions open`
  const invited = p.status === 'invited'
  // prettier-ignore
  return html`<tr>
<td data-label="Person"><strong>${who}</strong>${me ? html` <span class="muted">(you)</span>` : ''}<br><span class="small muted">${p.email}</span></td>
<td data-label="Role"><form method="post" action="${base}/role" class="row inline">${writeFields(c)}<label class="vh" for="role-${p.id}">Role of ${who}</label><select id="role-${p.id}" name="role">${ROLE_OPTIONS.map((o) => html`<option value="${o.value}"${o.value === p.role ? html` selected` : ''}>${o.label}</option>`)}</select><button class="secondary" type="submit">Change<span class="vh"> role of ${who}</span></button></form></td>
<td data-label="Status"><span class="pill s-${p.status}">${p.status}</span></td>
<td data-label="Last sign-in">${last}${p.open_sessions > 0 ? html`<br><span class="small muted">${sessions}</span>` : ''}</td>
<td data-label="Actions"><div class="row">
${p.status === 'disabled'
  ? html`<form method="post" action="${base}/status">${writeFields(c)}<input type="hidden" name="status" value="active"><button class="secondary" type="submit">Enable<span class="vh"> ${who}</span></button></form>`
  : invited
    ? html`<form method="post" action="${base}/status">${writeFields(c)}<input type="hidden" name="status" value="disabled"><button class="danger" type="submit" data-confirm="${`Cancel the invitation of ${who}? Their link stops working.`}">Cancel invitation<span class="vh"> of ${who}</span></button></form>`
    : html`<form method="post" action="${base}/status">${writeFields(c)}<input type="hidden" name="status" value="disabled"><button class="danger" type="submit" data-confirm="${me ? 'Disable your own account? You will be signed out at once.' : `Disable ${who}? They are signed out at once and their API tokens stop working.`}">Disable<span class="vh"> ${who}</span></button></form>`}
${p.open_sessions > 0
  ? html`<form method="post" action="${base}/sessions/end">${writeFields(c)}<button class="secondary" type="submit" data-confirm="${`Sign ${who} out everywhere?`}">End sessions<span class="vh"> of ${who}</span></button></form>`
  : ''}
</div></td>
</tr>`
}

export function peopleBody(c: Context<AppEnv>, v: PeopleView): Html {
  const i = v.invite ?? {}
  const errors = v.errors
  // prettier-ignore
  return html`${v.actionError ? html`<div class="alert" role="alert"><p><strong>Nothing was changed:</strong> ${v.actionError}.</p></div>` : ''}
${v.invited ? shownOnce(`Invitation link for ${v.invited.email}`, v.invited.url, 'It was emailed to them too. It works once, for 7 days, and is shown only now: copy it if you want to send it another way.') : ''}
<h2>Team</h2>
<table class="stack">
<thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th><th scope="col">Actions</th></tr></thead>
<tbody>
${v.people.map((p) => personRow(c, p, v))}
</tbody>
</table>
<section aria-labelledby="invite-h" class="card">
<h2 id="invite-h">Invite a person</h2>
${formAlert(errors, ['email', 'name', 'role'])}
<form method="post" action="/admin/people/invite" class="stacked">
${writeFields(c)}
${input({ name: 'email', label: 'Email address', type: 'email', value: i.email, errors, required: true, autocomplete: 'off' })}
${input({ name: 'name', label: 'Name (optional)', value: i.name, errors, hint: 'They can change it when they accept.', autocomplete: 'off' })}
${select({ name: 'role', label: 'Role', value: i.role ?? 'editor', options: ROLE_OPTIONS, errors, hint: ROLE_HINT })}
<button type="submit">Send invitation</button>
</form>
</section>`
}
