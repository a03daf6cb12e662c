import { DomainError } from '../../core/errors.ts'
import type { FieldErrors } from './forms.ts'

/** The refusals a person can act on, with the status the API gives them. */
const SHOWN = {
  invalid: 400,
  unprocessable: 422,
  conflict: 409,
  not_found: 404,
  rate_limited: 429,
} as const
export type RefusalStatus = (typeof SHOWN)[keyof typeof SHOWN]

/**
 * A service's refusal as a console form shows it, with the API's status: each detail beside its
 * field under its full path (`vars.component`, `components.<id>`: see byField), else the message
 * above the form. A conflict's details name the row that changed, not a field: its message says
 * it all. null for anything else, which the console's error page handles (rethrow it).
 */
export function refusal(err: unknown): { status: RefusalStatus; errors: FieldErrors } | null {
  if (!(err instanceof DomainError) || !Object.hasOwn(SHOWN, err.kind)) return null
  const errors: FieldErrors = {}
  if (err.kind !== 'conflict') for (const d of err.details ?? []) errors[d.path] ??= d.message
  if (Object.keys(errors).length === 0) errors._form = err.message
  return { status: SHOWN[err.kind as keyof typeof SHOWN], errors }
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
