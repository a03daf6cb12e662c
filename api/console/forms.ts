import type { Context } from 'hono'
import { html } from 'hono/html'
import type { ZodError, ZodType, z } from 'zod'
import { randomString } from '../../core/ids.ts'
import { DomainError } from '../../core/errors.ts'
import { findIdempotentResponse } from '../../db/journal.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { checkCsrf } from '../http/session.ts'
import type { WriteContext } from '../services/write.ts'
import type { Html } from './layout.ts'

/** A parsed form: every field a string, a repeated field (checkboxes) a list. */
export type Form = Record<string, string | string[]>

/**
 * The posted form (urlencoded: the routes mount `formBody`), after the CSRF check: nothing is
 * read from a form that fails it.
 */
export async function readForm(deps: Deps, c: Context<AppEnv>): Promise<Form> {
  const parsed = await c.req.parseBody({ all: true })
  const form: Form = {}
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string') form[k] = v
    else if (Array.isArray(v)) form[k] = v.filter((x): x is string => typeof x === 'string')
  }
  checkCsrf(deps, c, form)
  return form
}

/** One value of a field ('' when absent; the first when repeated). */
export function one(form: Form, name: string): string {
  const v = form[name]
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '')
}

/** Every value of a repeated field (checkboxes, multi-selects). */
export function all(form: Form, name: string): string[] {
  const v = form[name]
  return Array.isArray(v) ? v : v === undefined ? [] : [v]
}

/** Field name → the first problem with it, for the messages beside the fields. */
export type FieldErrors = Record<string, string>

export function fieldErrors(error: ZodError): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : '_form'
    out[key] ??= issue.message
  }
  return out
}

/** Validates with the same schema as the API: the data, or the errors to show beside fields. */
export function validate<T extends ZodType>(
  schema: T,
  input: unknown,
): { ok: true; data: z.output<T> } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(input)
  return r.success ? { ok: true, data: r.data } : { ok: false, errors: fieldErrors(r.error) }
}

/**
 * The hidden fields of a form that writes: the CSRF token and a fresh idempotency key, so a
 * double-submitted (or resent) form writes once (see consoleWrite).
 */
export function writeFields(c: Context<AppEnv>, key = randomString(24, KEY_ALPHABET)): Html {
  const csrf = c.get('signedIn')?.session.csrf_token ?? ''
  return html`<input type="hidden" name="_csrf" value="${csrf}" /><input
      type="hidden"
      name="_idem"
      value="${key}"
    />`
}
const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/**
 * A form that posts to `action` with one button (CSRF and a fresh idempotency key): publish,
 * pause, delete. `confirm` asks first (the console's script reads `data-confirm`).
 */
export function postButton(
  c: Context<AppEnv>,
  action: string,
  label: Html | string,
  opts: { cls?: string; confirm?: string } = {},
): Html {
  const cls = opts.cls ? html` class="${opts.cls}"` : ''
  const confirm = opts.confirm ? html` data-confirm="${opts.confirm}"` : ''
  // prettier-ignore
  return html`<form method="post" action="${action}">${writeFields(c)}<button type="submit"${cls}${confirm}>${label}</button></form>`
}

/**
 * The write context of a console form: the signed-in person, and the form's idempotency key
 * (stored with the change by commit(), as for the API's Idempotency-Key header). `replay` is
 * the stored body when this exact form was already applied: show its outcome, write nothing.
 */
export async function consoleWrite(
  deps: Deps,
  c: Context<AppEnv>,
  form: Form,
): Promise<{ ctx: WriteContext; replay: unknown }> {
  const actor = c.get('actor')
  const key = one(form, '_idem')
  if (!/^[a-z0-9]{24}$/.test(key) || !actor.id) return { ctx: { actor }, replay: null }
  const storedKey = `console:${key}`
  const stored = await findIdempotentResponse(deps.db, actor.id, storedKey)
  // A write whose answer had no body (stored as null) was still made: `{}` says "sent before".
  if (stored) return { ctx: { actor }, replay: (JSON.parse(stored.response) as unknown) ?? {} }
  return {
    ctx: { actor, idempotency: { key: storedKey, requestHash: `console ${c.req.path}` } },
    replay: null,
  }
}

/**
 * Runs a form's write. The same form sent twice at once (a double click) races to store its
 * idempotency key: the loser's batch fails on the key, and it answers with the winner's stored
 * response, as a resent form does, instead of an error.
 */
export async function runOnce<T>(
  deps: Deps,
  c: Context<AppEnv>,
  form: Form,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run()
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'idempotency_key_in_use') throw err
    const { replay } = await consoleWrite(deps, c, form)
    if (replay) return replay as T
    throw err
  }
}

interface FieldProps {
  /** Set when a page has several forms with a field of the same name: ids must stay unique. */
  form?: string
  name: string
  label: string
  value?: string | null
  errors?: FieldErrors
  hint?: string
  required?: boolean
}

function described(p: FieldProps): { id: string; describedBy: string | null; error?: string } {
  const key = p.form ? `${p.form}-${p.name}` : p.name
  const id = `f-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const error = p.errors?.[p.name]
  const ids = [p.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean)
  return { id, describedBy: ids.length ? ids.join(' ') : null, error }
}

function tail(id: string, p: FieldProps, error?: string): Html {
  return html`${p.hint ? html`<span class="hint" id="${id}-hint">${p.hint}</span>` : ''}${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}`
}

/** A labelled input with its hint and error; `autocomplete` uses the standard tokens. */
export function input(
  p: FieldProps & { type?: string; autocomplete?: string; inputmode?: string },
): Html {
  const d = described(p)
  // prettier-ignore
  return html`<div class="field"><label for="${d.id}">${p.label}</label><input id="${d.id}" name="${p.name}" type="${p.type ?? 'text'}" value="${p.value ?? ''}"${p.autocomplete ? html` autocomplete="${p.autocomplete}"` : ''}${p.inputmode ? html` inputmode="${p.inputmode}"` : ''}${p.required ? html` required` : ''}${d.error ? html` aria-invalid="true"` : ''}${d.describedBy ? html` aria-describedby="${d.describedBy}"` : ''}>${tail(d.id, p, d.error)}</div>`
}

export function textarea(p: FieldProps & { rows?: number }): Html {
  const d = described(p)
  // prettier-ignore
  return html`<div class="field"><label for="${d.id}">${p.label}</label><textarea id="${d.id}" name="${p.name}" rows="${p.rows ?? 5}"${p.required ? html` required` : ''}${d.error ? html` aria-invalid="true"` : ''}${d.describedBy ? html` aria-describedby="${d.describedBy}"` : ''}>${p.value ?? ''}</textarea>${tail(d.id, p, d.error)}</div>`
}

export function select(
  p: FieldProps & { options: readonly { value: string; label: string }[] },
): Html {
  const d = described(p)
  // prettier-ignore
  return html`<div class="field"><label for="${d.id}">${p.label}</label><select id="${d.id}" name="${p.name}"${d.error ? html` aria-invalid="true"` : ''}${d.describedBy ? html` aria-describedby="${d.describedBy}"` : ''}>${p.options.map((o) => html`<option value="${o.value}"${o.value === p.value ? html` selected` : ''}>${o.label}</option>`)}</select>${tail(d.id, p, d.error)}</div>`
}

export function checkbox(p: FieldProps & { checked: boolean; value?: string }): Html {
  const d = described(p)
  // prettier-ignore
  return html`<div class="check"><input id="${d.id}" name="${p.name}" type="checkbox" value="${p.value ?? 'on'}"${p.checked ? html` checked` : ''}${d.describedBy ? html` aria-describedby="${d.describedBy}"` : ''}><label for="${d.id}">${p.label}${tail(d.id, p, d.error)}</label></div>`
}

/** Errors that belong to no one field (or to fields the form does not show), above the form. */
export function formAlert(errors: FieldErrors | undefined, shown: readonly string[]): Html {
  if (!errors) return html``
  const rest = Object.entries(errors).filter(([k]) => !shown.includes(k))
  const count = Object.keys(errors).length
  return html`<div class="alert" role="alert">
    <p>
      <strong
        >${count === 1 ? 'One thing needs fixing' : `${count} things need fixing`} before this can
        be saved; nothing was saved.</strong
      >
    </p>
    ${
      rest.length
        ? html`<ul>
            ${rest.map(([k, m]) => html`<li>${k === '_form' ? '' : `${k}: `}${m}</li>`)}
          </ul>`
        : ''
    }
  </div>`
}
