export interface SmtpFailure {
  /** A 5xx about this recipient or message: retrying would get the same answer. */
  permanent: boolean
  /** The server is pushing back (421/451/452) or the connection failed: slow down. */
  pushBack: boolean
  message: string
}

const PUSH_BACK_CODES = new Set([421, 451, 452])
const NETWORK_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL'])

/**
 * Sorts an SMTP failure. Only a 5xx to RCPT TO or DATA is the recipient's (or this message's)
 * permanent failure; a 5xx to the connection, AUTH or MAIL FROM is our own set-up being refused,
 * which no subscriber should be quarantined for, so it is retried like a 4xx.
 */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    responseCode?: unknown
    code?: unknown
    command?: unknown
    message?: unknown
  }
  const status = typeof e.responseCode === 'number' ? e.responseCode : null
  const message = typeof e.message === 'string' ? e.message : String(err)
  const aboutRecipient = e.command === 'RCPT TO' || e.command === 'DATA' || e.code === 'EMESSAGE'
  const permanent = status !== null && status >= 500 && status !== 503 && aboutRecipient
  const pushBack =
    (status !== null && PUSH_BACK_CODES.has(status)) ||
    (status === null && typeof e.code === 'string' && NETWORK_CODES.has(e.code))
  return { permanent, pushBack, message }
}
