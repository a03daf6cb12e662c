import { DomainError } from '../../core/errors.ts'
import type { FieldErrors } from './forms.ts'

/**
 * A service's refusal as a console form shows it: 400 with each detail beside its field
 * (`vars.component`, `components.<id>`), 409 (a conflict, an invalid transition) as a form-level
 * alert. null for anything else, which the console's error page handles.
 */
export function serviceErrors(err: unknown): { status: 400 | 409; errors: FieldErrors } | null {
  if (!(err instanceof DomainError)) return null
  const status = err.kind === 'invalid' ? 400 : err.kind === 'conflict' ? 409 : null
  if (status === null) return null
  const errors: FieldErrors = {}
  for (const d of err.details ?? []) {
    // A conflict's details name the row that changed, not a field: the message says it all.
    if (status === 400) errors[d.path] ??= d.message
  }
  if (Object.keys(errors).length === 0) errors._form = err.message
  return { status, errors }
}
