import * as oauth from 'oauth4webapi'
import { DomainError } from '../../core/errors.ts'
import { newId, randomString } from '../../core/ids.ts'
import type { User } from '../../core/schemas/user.ts'
import { ssoAccess, verifiedEmail, type IdentityClaims, type SsoRefusal } from '../../core/sso.ts'
import { isLoopbackHttp } from '../../core/urls.ts'
import { insertSsoFlow, takeSsoFlow, type SsoFlow } from '../../db/sso-flows.ts'
import { retireUserLinks } from '../../db/user-links.ts'
import { findUserByEmail, insertUser, updateUser } from '../../db/users.ts'
import { hashToken } from '../auth.ts'
import type { Config } from '../config.ts'
import type { Deps } from '../deps.ts'
import { commit, retryOnConflict, StaleWrite, systemActor } from './write.ts'

/**
 * Sign-in with OpenID Connect: authorization code flow with PKCE (S256), state and nonce, through
 * oauth4webapi (Web APIs only: the same code runs on Node and Workers).
 *
 * Outbound requests go only to OIDC_ISSUER's discovery document and the token and userinfo
 * endpoints it names (`outbound` enforces it). The issuer is set by the operator, not by anyone
 * sending a request, so it may well be a private address (an internal Keycloak): no private-range
 * filtering is applied to it. Plain http is accepted for a loopback issuer only (api/config.ts).
 */
export type OidcSettings = NonNullable<Config['oidc']>

/** A started sign-in must come back within this time (the cookie and the stored flow expire). */
export const SSO_FLOW_TTL_MS = 10 * 60_000
/** How long the provider's metadata is reused before it is fetched again. */
export const DISCOVERY_TTL_MS = 60 * 60_000
/** Each request to the provider gives up after this long: the person is waiting on a page. */
const REQUEST_TIMEOUT_MS = 10_000

export const SSO_CALLBACK_PATH = '/admin/sso/callback'
const SCOPE = 'openid email profile'
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The redirect URI to register at the provider: the public address, never the request's Host. */
export function ssoRedirectUri(deps: Deps): string {
  return `${deps.config.siteUrl}${SSO_CALLBACK_PATH}`
}

const unavailable = (oidc: OidcSettings) =>
  new DomainError(
    'unavailable',
    'sso_unavailable',
    `Sign-in with ${oidc.label} is not available right now (the identity provider cannot be reached); sign in with your password, or try again in a few minutes`,
  )

const notVerified = (oidc: OidcSettings) =>
  new DomainError(
    'forbidden',
    'sso_not_verified',
    `This sign-in with ${oidc.label} could not be verified (it was not started in this browser, or it was changed on the way); start again`,
  )

/** The one message for each reason a verified sign-in gets no access. */
function refusal(oidc: OidcSettings, reason: SsoRefusal, email: string | null): DomainError {
  const account = `Your ${oidc.label} account${email ? ` (${email})` : ''}`
  const message = {
    no_email: `${account} did not share an email address, so it cannot be matched to a person here; ask an admin to check the sign-in setup`,
    unverified: `${account} has no verified email address, so it cannot sign in here; verify the address with ${oidc.label} and try again`,
    disabled: `${account} has no access to this console: the account was disabled; ask an admin if that is a mistake`,
    no_account: `${account} has no access to this console; ask an admin to invite you`,
  }[reason]
  return new DomainError('forbidden', `sso_${reason}`, message)
}

/** An error the provider sent back instead of a code, as a fixed message (its text is not shown). */
function providerError(oidc: OidcSettings, error: string): DomainError {
  if (error === 'temporarily_unavailable' || error === 'server_error') return unavailable(oidc)
  if (error === 'access_denied') {
    return new DomainError(
      'forbidden',
      'sso_denied',
      `The sign-in was cancelled at ${oidc.label}, or ${oidc.label} refused it; try again, or sign in with your password`,
    )
  }
  const code = /^[a-z_]{1,40}$/.test(error) ? ` (${error})` : ''
  return new DomainError(
    'forbidden',
    'sso_provider_error',
    `${oidc.label} did not sign you in${code}; try again, or ask an admin to check the sign-in setup`,
  )
}

/**
 * The transport of every request to the provider: a timeout, and only to `allowed` URLs (a
 * redirect is never followed: oauth4webapi asks fetch for `redirect: manual`).
 */
function outbound(oidc: OidcSettings, allowed: readonly string[]) {
  return {
    signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    [oauth.customFetch]: (url: string, init: RequestInit) => {
      if (!allowed.includes(new URL(url).href)) {
        return Promise.reject(new OutboundRefused(url))
      }
      return fetch(url, init)
    },
    // oauth4webapi insists on https; a loopback issuer (a laptop, the tests) is the exception.
    [oauth.allowInsecureRequests]: isLoopbackHttp(oidc.issuer),
  }
}

class OutboundRefused extends Error {
  constructor(url: string) {
    super(`refused a request to ${url}: not an endpoint of OIDC_ISSUER`)
    this.name = 'OutboundRefused'
  }
}

/** The endpoints this flow uses, checked once per discovery. */
function endpointsOf(as: oauth.AuthorizationServer, oidc: OidcSettings) {
  const loopback = isLoopbackHttp(oidc.issuer)
  const issuerOrigin = new URL(oidc.issuer).origin
  const check = (name: string, value: unknown, required: boolean): string | null => {
    if (value === undefined && !required) return null
    let url: URL
    try {
      url = new URL(String(value))
    } catch {
      throw new Error(`the provider's metadata has no valid ${name}`)
    }
    // Over plain http (loopback only) every endpoint stays on the issuer's own origin.
    const ok = loopback ? url.origin === issuerOrigin : url.protocol === 'https:'
    if (!ok) throw new Error(`the provider's ${name} (${url.href}) is not allowed`)
    return url.href
  }
  return {
    authorization: check('authorization_endpoint', as.authorization_endpoint, true)!,
    token: check('token_endpoint', as.token_endpoint, true)!,
    userinfo: check('userinfo_endpoint', as.userinfo_endpoint, false),
  }
}

interface Discovered {
  as: oauth.AuthorizationServer
  endpoints: ReturnType<typeof endpointsOf>
  at: number
}
// Per process (per Worker isolate), by issuer. A failed discovery is not kept: the next sign-in
// tries again.
const discovered = new Map<string, Discovered>()
const discovering = new Map<string, Promise<Discovered>>()

/** The provider's metadata, fetched at most once per DISCOVERY_TTL_MS; 503 when unreachable. */
export async function discover(deps: Deps, oidc: OidcSettings): Promise<Discovered> {
  const hit = discovered.get(oidc.issuer)
  if (hit && deps.clock.now().getTime() - hit.at < DISCOVERY_TTL_MS) return hit
  let pending = discovering.get(oidc.issuer)
  if (!pending) {
    pending = (async () => {
      const issuer = new URL(oidc.issuer)
      const wellKnown = new URL(issuer.href)
      wellKnown.pathname = `${wellKnown.pathname.replace(/\/$/, '')}/.well-known/openid-configuration`
      const res = await oauth.discoveryRequest(issuer, outbound(oidc, [wellKnown.href]))
      const as = await oauth.processDiscoveryResponse(issuer, res)
      const found = { as, endpoints: endpointsOf(as, oidc), at: deps.clock.now().getTime() }
      discovered.set(oidc.issuer, found)
      return found
    })().finally(() => discovering.delete(oidc.issuer))
    discovering.set(oidc.issuer, pending)
  }
  try {
    return await pending
  } catch (err) {
    deps.log.warn('oidc discovery failed', { issuer: oidc.issuer, error: (err as Error).message })
    throw unavailable(oidc)
  }
}

/**
 * Starts a sign-in: stores the flow (state, nonce, PKCE verifier, where to go next) under the
 * hash of a new random key, and returns the provider's authorization URL and that key (for the
 * browser's cookie).
 */
export async function startSso(
  deps: Deps,
  oidc: OidcSettings,
  next: string,
): Promise<{ url: string; key: string }> {
  const { endpoints } = await discover(deps, oidc)
  const now = deps.clock.now()
  const flow: SsoFlow = {
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    code_verifier: oauth.generateRandomCodeVerifier(),
    next,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + SSO_FLOW_TTL_MS).toISOString(),
  }
  const key = randomString(43, BASE62)
  await deps.db.batch(insertSsoFlow(flow, await hashToken(key), now.toISOString()), 'write')
  const url = new URL(endpoints.authorization)
  for (const [k, v] of Object.entries({
    client_id: oidc.clientId,
    redirect_uri: ssoRedirectUri(deps),
    response_type: 'code',
    scope: SCOPE,
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(flow.code_verifier),
    code_challenge_method: 'S256',
  })) {
    url.searchParams.set(k, v)
  }
  return { url: url.href, key }
}

const clientAuth = (oidc: OidcSettings) =>
  oidc.clientSecret ? oauth.ClientSecretBasic(oidc.clientSecret) : oauth.None()

/** A failure talking to the provider: unreachable or failing (503), or an answer we refuse (403). */
function exchangeFailure(deps: Deps, oidc: OidcSettings, err: unknown): DomainError {
  const e = err as Error & { code?: string; cause?: unknown }
  deps.log.warn('oidc sign-in failed', { issuer: oidc.issuer, error: e.message, code: e.code })
  const serverFailed = e.cause instanceof Response && e.cause.status >= 500
  const network = e instanceof TypeError || e.name === 'TimeoutError' || e.name === 'AbortError'
  if (serverFailed || network || e instanceof OutboundRefused) return unavailable(oidc)
  return notVerified(oidc)
}

/**
 * The identity claims: from the ID token when it carries the address and its verification,
 * otherwise (many providers keep them out of the ID token) from the userinfo endpoint, for the
 * same subject.
 */
async function identityOf(
  oidc: OidcSettings,
  d: Discovered,
  tokens: oauth.TokenEndpointResponse,
): Promise<IdentityClaims> {
  const id = oauth.getValidatedIdTokenClaims(tokens)!
  const fromIdToken = { email: id.email, email_verified: id.email_verified, name: id.name }
  if (id.email !== undefined && id.email_verified !== undefined) return fromIdToken
  if (!d.endpoints.userinfo) return fromIdToken
  const client = { client_id: oidc.clientId }
  const res = await oauth.userInfoRequest(
    d.as,
    client,
    tokens.access_token,
    outbound(oidc, [d.endpoints.userinfo]),
  )
  const info = await oauth.processUserInfoResponse(d.as, client, id.sub, res)
  return { email: info.email, email_verified: info.email_verified, name: id.name ?? info.name }
}

/**
 * Finishes a sign-in at the callback: takes the stored flow (single use: a second callback with
 * the same cookie finds nothing), checks state and issuer, exchanges the code (with the PKCE
 * verifier), validates the ID token (issuer, audience, nonce, expiry), reads the verified address
 * and decides who gets in (core/sso.ts). Returns the person to sign in and where to send them;
 * throws 403 DomainErrors for refusals and 503 when the provider cannot be reached.
 */
export async function finishSso(
  deps: Deps,
  oidc: OidcSettings,
  key: string | undefined,
  params: URLSearchParams,
): Promise<{ user: User; next: string }> {
  const flow =
    key && /^[0-9A-Za-z]{43}$/.test(key) ? await takeSsoFlow(deps.db, await hashToken(key)) : null
  if (!flow || Date.parse(flow.expires_at) <= deps.clock.now().getTime()) {
    throw new DomainError(
      'forbidden',
      'sso_expired',
      `This sign-in with ${oidc.label} has expired or was already used; start again`,
    )
  }
  const d = await discover(deps, oidc)
  const client = { client_id: oidc.clientId }
  let callback: URLSearchParams
  try {
    callback = oauth.validateAuthResponse(d.as, client, params, flow.state)
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) throw providerError(oidc, err.error)
    deps.log.warn('oidc callback refused', { error: (err as Error).message })
    throw notVerified(oidc)
  }
  let claims: IdentityClaims
  try {
    const res = await oauth.authorizationCodeGrantRequest(
      d.as,
      client,
      clientAuth(oidc),
      callback,
      ssoRedirectUri(deps),
      flow.code_verifier,
      outbound(oidc, [d.endpoints.token]),
    )
    const tokens = await oauth.processAuthorizationCodeResponse(d.as, client, res, {
      expectedNonce: flow.nonce,
      requireIdToken: true,
    })
    claims = await identityOf(oidc, d, tokens)
  } catch (err) {
    throw exchangeFailure(deps, oidc, err)
  }
  const verified = verifiedEmail(claims)
  if (!verified.ok) throw refusal(oidc, verified.reason, verified.email)
  const user = await admit(deps, oidc, verified.email, claims)
  return { user, next: flow.next }
}

/**
 * Applies the access decision: signs in an active person, activates an invited one (their
 * pending invitation stops working), creates an account in an allowed domain; each write is a
 * service write with its audit entry, by the system actor `sso`.
 */
function admit(deps: Deps, oidc: OidcSettings, email: string, claims: IdentityClaims) {
  const ctx = { actor: systemActor('sso') }
  return retryOnConflict(deps, async (): Promise<User> => {
    const found = await findUserByEmail(deps.db, email)
    const decision = ssoAccess(email, found?.user ?? null, claims, oidc)
    const at = deps.clock.now().toISOString()
    switch (decision.kind) {
      case 'refuse':
        throw refusal(oidc, decision.reason, decision.email)
      case 'sign_in':
        return decision.user
      case 'activate': {
        const user: User = { ...decision.user, status: 'active', updated_at: at }
        return commit(deps, ctx, {
          statements: [...updateUser(user, found!.version), retireUserLinks('invite', user.id, at)],
          action: 'user.activate',
          target: { type: 'user', id: user.id },
          events: [],
          status: 200,
          body: user,
          details: { via: 'sso', issuer: oidc.issuer },
        })
      }
      case 'provision': {
        const user: User = {
          id: newId(),
          email: decision.email,
          name: decision.name,
          role: decision.role,
          status: 'active',
          created_at: at,
          updated_at: at,
        }
        try {
          return await commit(deps, ctx, {
            statements: [insertUser(user, null)],
            action: 'user.create',
            target: { type: 'user', id: user.id },
            events: [],
            status: 201,
            body: user,
            details: { via: 'sso', issuer: oidc.issuer, email: user.email, role: user.role },
          })
        } catch (err) {
          // Someone with this address was created meanwhile (a second tab): decide again.
          if (/UNIQUE constraint failed: users\.email/.test((err as Error).message)) {
            throw new StaleWrite({ type: 'user', id: user.id })
          }
          throw err
        }
      }
    }
  })
}
