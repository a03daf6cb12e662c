import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { DomainError } from '../../core/errors.ts'
import {
  isOptOut,
  SMS_INBOUND_PATH,
  SMS_STATUS_PATH,
  verifyProviderSignature,
} from '../../core/sms-provider.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { decodeUtf8 } from '../http/request-body.ts'
import { smsOptOut } from '../services/sms-opt-out.ts'

const FORM = /^application\/x-www-form-urlencoded\b/i
/** An empty TwiML answer: the provider sends no reply of ours (it confirms a STOP itself). */
const NO_REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

/**
 * The SMS provider's calls to us, form-encoded and signed (X-Twilio-Signature): the status of each
 * text we sent, and the replies people send to our number. Both are only believed when signed
 * with the auth token for the URL the provider was given (SITE_URL + path); anything else is a
 * 403 that changes nothing. Mounted before the API's JSON-only rule (api/app.ts).
 */
export function smsRoutes(deps: Deps) {
  const app = new Hono<AppEnv>()
  app.use(
    '/sms/*',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new DomainError('too_large', 'payload_too_large', 'The body is larger than 16 KB')
      },
    }),
  )

  // A text's status. 21610: the number opted out at the provider, so the subscription ends.
  app.post(SMS_STATUS_PATH.replace('/api/v1', ''), async (c) => {
    const form = await signedForm(c, deps)
    const to = form.get('To')
    if (form.get('ErrorCode') === '21610' && to) await smsOptOut(deps, to, 'status_callback')
    return c.body(null, 204)
  })

  // A reply to our number: STOP and its kin end the subscription; anything else is ignored.
  app.post(SMS_INBOUND_PATH.replace('/api/v1', ''), async (c) => {
    const form = await signedForm(c, deps)
    const from = form.get('From')
    if (from && isOptOut(form.get('Body') ?? '')) await smsOptOut(deps, from, 'reply')
    return c.body(NO_REPLY, 200, { 'content-type': 'text/xml; charset=utf-8' })
  })
  return app
}

/** The provider's form, once its signature is checked; throws the one error shape otherwise. */
async function signedForm(c: Context<AppEnv>, deps: Deps): Promise<URLSearchParams> {
  const sms = deps.config.sms
  if (!sms) throw new DomainError('not_found', 'not_found', 'Text messages are not configured')
  if (!FORM.test(c.req.header('content-type') ?? ''))
    throw new DomainError(
      'unsupported_media_type',
      'unsupported_media_type',
      'Send the body as application/x-www-form-urlencoded',
    )
  const form = new URLSearchParams(decodeUtf8(await c.req.arrayBuffer()))
  const url = `${deps.config.siteUrl}${c.req.path}${new URL(c.req.url).search}`
  const signed = await verifyProviderSignature(
    sms.authToken,
    url,
    [...form.entries()],
    c.req.header('x-twilio-signature'),
  )
  if (!signed)
    throw new DomainError(
      'forbidden',
      'invalid_signature',
      'The request does not carry the SMS provider signature for this URL',
    )
  return form
}
