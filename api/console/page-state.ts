import type { Context } from 'hono'
import { DomainError } from '../../core/errors.ts'
import { ROLE_SCOPE } from '../../core/schemas/user.ts'
import { RANK } from '../auth.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { consoleWrite, type FieldErrors, type Form } from './forms.ts'

/** Whether the signed-in person may write (editor and up): a viewer gets pages without forms. */
export function canWrite(c: Context<AppEnv>): boolean {
  const role = c.get('signedIn')?.user.role
  return role !== undefined && RANK[ROLE_SCOPE[role]] >= RANK.write
}

/**
 * The flash message for `?notice=<code>`: a fixed text per code, so nothing typed into a URL is
 * ever shown (an unknown code shows nothing).
 */
export function noticeFrom(c: Context, notices: Readonly<Record<string, string>>): string | null {
  const code = c.req.query('notice') ?? ''
  return Object.hasOwn(notices, code) ? notices[code]! : null
}

/**
 * A service's refusal (bad input it found, or a state that forbids the change) as the console
 * shows it: each detail beside its field (`components.<id>` beside `components`), the message
 * above the form. Anything else is not the person's to fix: null, and the caller rethrows.
 */
export function refusal(err: unknown): { status: 400 | 404 | 409; errors: FieldErrors } | null {
  if (!(err instanceof DomainError)) return null
  const status =
    err.kind === 'invalid'
      ? 400
      : err.kind === 'conflict'
        ? 409
        : err.kind === 'not_found'
          ? 404
          : null
  if (status === null) return null
  const errors: FieldErrors = { _form: err.message }
  for (const d of err.details ?? []) errors[d.path.split('.')[0]!] ??= d.message
  return { status, errors }
}

/** Errors keyed by field: a list item's error (`components.0`) shows beside its list. */
export function byField(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {}
  for (const [k, v] of Object.entries(errors)) out[k.split('.')[0]!] ??= v
  return out
}

/**
 * Errors of a form whose fields are named `<form>.<field>` (several forms on one page, each
 * field with its own id): the schema's `body` becomes `<form>.body`.
 */
export function scoped(form: string, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(byField(errors)).map(([k, v]) => [k === '_form' ? k : `${form}.${k}`, v]),
  )
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
