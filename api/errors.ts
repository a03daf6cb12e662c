import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ZodError } from 'zod'
import { DomainError, type ErrorKind } from '../core/errors.ts'
import type { ErrorBody } from '../core/schemas/common.ts'
import type { Logger } from './log.ts'

const STATUS: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 400,
  unprocessable: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
}

export function errorJson(c: Context, status: ContentfulStatusCode, body: ErrorBody) {
  return c.json(body, status)
}

/** Turns a zod failure into field paths a person can act on ("components.abc: Invalid option"). */
export function validationError(error: ZodError, where: string): DomainError {
  const details = error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : where,
    message: i.message,
  }))
  return new DomainError('invalid', 'invalid_input', `Invalid ${where}`, details)
}

/** The answer whenever the database cannot be reached: from the app, and from the Node server. */
export const UNAVAILABLE_BODY: ErrorBody = {
  error: { code: 'unavailable', message: 'The database is unavailable; try again shortly' },
}

/** The one place errors become responses: the shape is always { error: { code, message, details? } }. */
export function handleError(err: Error, c: Context, log: Logger) {
  if (err instanceof DomainError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } }
    if (err.details) body.error.details = err.details
    return errorJson(c, STATUS[err.kind], body)
  }
  if (err instanceof HTTPException) {
    const status = err.status
    const code =
      status === 400
        ? 'invalid_json'
        : status === 415
          ? 'unsupported_media_type'
          : status === 413
            ? 'payload_too_large'
            : 'http_error'
    const message =
      status === 400
        ? 'The request body is not valid JSON'
        : status === 415
          ? 'Send the body as application/json'
          : err.message || 'Request failed'
    return errorJson(c, status, { error: { code, message } })
  }
  if (isUnavailable(err)) {
    log.error('database unavailable', { error: err.message })
    return errorJson(c, 503, UNAVAILABLE_BODY)
  }
  log.error('unhandled error', { error: err.message, stack: err.stack, path: c.req.path })
  return errorJson(c, 500, {
    error: { code: 'internal', message: 'Something went wrong on our side' },
  })
}

/** libSQL errors that mean "the database cannot be reached or used now", not a bug. */
function isUnavailable(err: Error): boolean {
  const code = (err as { code?: unknown }).code
  return (
    (typeof code === 'string' &&
      /^(SQLITE_BUSY|SQLITE_CANTOPEN|SQLITE_IOERR|SQLITE_READONLY|SERVER_ERROR|HRANA_WEBSOCKET_ERROR|HRANA_CLOSED_ERROR|CLIENT_CLOSED|ECONNREFUSED)/.test(
        code,
      )) ||
    /fetch failed|ECONNREFUSED|database is locked|unable to open database/i.test(err.message)
  )
}
