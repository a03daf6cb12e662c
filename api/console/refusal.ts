import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { DomainError } from '../../core/errors.ts'
import type { FieldErrors } from './forms.ts'

const SHOWN: Partial<Record<DomainError['kind'], ContentfulStatusCode>> = {
  invalid: 400,
  conflict: 409,
  not_found: 404,
  rate_limited: 429,
}

/**
 * A service's refusal as a form shows it: each detail beside its field, or one form-level
 * message; with the status the API would give. Null for anything else (rethrow it).
 */
export function refusal(
  err: unknown,
): { status: ContentfulStatusCode; errors: FieldErrors } | null {
  if (!(err instanceof DomainError)) return null
  const status = SHOWN[err.kind]
  if (!status) return null
  const errors: FieldErrors = {}
  for (const d of err.details ?? []) errors[d.path] ??= d.message
  if (Object.keys(errors).length === 0) errors._form = err.message
  return { status, errors }
}
