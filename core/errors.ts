export type ErrorKind =
  | 'invalid'
  /** Well-formed, but refused as it stands (a URL we will not call, a channel not offered). */
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'rate_limited'

export interface ErrorDetail {
  path: string
  message: string
}

/** A failure the caller can act on; the API maps `kind` to an HTTP status in one place. */
export class DomainError extends Error {
  readonly kind: ErrorKind
  readonly code: string
  readonly details: ErrorDetail[] | undefined

  constructor(kind: ErrorKind, code: string, message: string, details?: ErrorDetail[]) {
    super(message)
    this.name = 'DomainError'
    this.kind = kind
    this.code = code
    this.details = details
  }
}

export const notFound = (what: string, id: string) =>
  new DomainError('not_found', 'not_found', `No ${what} with id ${id}`)
