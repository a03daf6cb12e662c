import { DomainError, notFound } from '../../core/errors.ts'
import { newId, randomString } from '../../core/ids.ts'
import type { CreatedToken, Scope, Token, TokenCreate } from '../../core/schemas/token.ts'
import {
  countTokens,
  findActiveTokenByHash,
  getToken,
  insertToken,
  listTokens,
  revokeToken,
} from '../../db/tokens.ts'
import { ROLE_SCOPE } from '../../core/schemas/user.ts'
import { getUser } from '../../db/users.ts'
import { hashToken, RANK } from '../auth.ts'
import { readVersion } from '../../db/versions.ts'
import type { Deps } from '../deps.ts'
import { commit, retryOnConflict, systemActor, type WriteContext } from './write.ts'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** A new secret: `amd_` and 40 base-62 characters (about 238 bits). */
export function generateToken(): string {
  return `amd_${randomString(40, BASE62)}`
}

function newTokenRow(
  name: string,
  scope: Scope,
  secret: string,
  at: string,
  userId: string | null,
): Token {
  return {
    id: newId(),
    name,
    scope,
    prefix: secret.slice(0, 8),
    created_at: at,
    last_used_at: null,
    revoked_at: null,
    user_id: userId,
  }
}

/**
 * The person a personal token is made for: active, and the scope no more than their role gives
 * (auth.ts also caps it at use, so a later demotion narrows the token too).
 */
async function checkOwner(deps: Deps, ownerId: string, scope: Scope): Promise<void> {
  const owner = await getUser(deps.db, ownerId)
  if (!owner) throw notFound('user', ownerId)
  if (owner.status !== 'active') {
    throw new DomainError(
      'conflict',
      'owner_not_active',
      `${owner.email} is ${owner.status}; only an active person can own a token`,
    )
  }
  const most = ROLE_SCOPE[owner.role]
  if (RANK[scope] > RANK[most]) {
    const message = `A ${owner.role} can have tokens with at most the ${most} scope`
    throw new DomainError('invalid', 'scope_above_role', message, [{ path: 'scope', message }])
  }
}

export interface CreateOptions {
  /** The secret to store (AMENDS_ADMIN_TOKEN); generated otherwise. */
  secret?: string
  /** A personal token's person (null or absent: a service token). */
  ownerId?: string | null
}

export const tokens = {
  list: (deps: Deps) => listTokens(deps.db),

  async create(
    deps: Deps,
    ctx: WriteContext,
    input: TokenCreate,
    opts: CreateOptions = {},
  ): Promise<CreatedToken> {
    const secret = opts.secret ?? generateToken()
    const ownerId = opts.ownerId ?? null
    if (ownerId) await checkOwner(deps, ownerId, input.scope)
    const at = deps.clock.now().toISOString()
    const t = newTokenRow(input.name, input.scope, secret, at, ownerId)
    const created: CreatedToken = { ...t, token: secret }
    await commit(deps, ctx, {
      statements: [insertToken(t, await hashToken(secret))],
      action: 'token.create',
      target: { type: 'token', id: t.id },
      events: [
        {
          type: 'token.created',
          aggregateType: 'token',
          aggregateId: t.id,
          payload: { id: t.id, scope: t.scope, user_id: t.user_id },
        },
      ],
      status: 201,
      // The stored replay of an idempotent create must not hold the secret.
      body: { ...t, token: '(shown once; create a new token if it was lost)' },
      details: { name: t.name, scope: t.scope, user_id: t.user_id },
    })
    return created
  },

  /** Revokes a token; with `ownerId`, only that person's own (a person on their account page). */
  revoke(
    deps: Deps,
    ctx: WriteContext,
    id: string,
    opts: { ownerId?: string } = {},
  ): Promise<Token> {
    // The guard in revokeToken also covers the last-admin check (two rows, read at once).
    return retryOnConflict(deps, async () => {
      const version = await readVersion(deps.db, 'api_tokens', id)
      const t = await getToken(deps.db, id)
      if (!t || (opts.ownerId !== undefined && t.user_id !== opts.ownerId))
        throw notFound('token', id)
      if (t.revoked_at)
        throw new DomainError('conflict', 'token_revoked', 'This token is already revoked')
      const admins = (await listTokens(deps.db)).filter((x) => x.scope === 'admin' && !x.revoked_at)
      if (t.scope === 'admin' && admins.length === 1) {
        throw new DomainError(
          'conflict',
          'last_admin_token',
          'This is the last admin token; create another admin token first',
        )
      }
      const at = deps.clock.now().toISOString()
      const revoked = { ...t, revoked_at: at }
      return commit(deps, ctx, {
        statements: revokeToken(id, at, version),
        action: 'token.revoke',
        target: { type: 'token', id },
        events: [
          { type: 'token.revoked', aggregateType: 'token', aggregateId: id, payload: { id } },
        ],
        status: 200,
        body: revoked,
      })
    })
  },

  /**
   * On start: with `AMENDS_ADMIN_TOKEN` set, make sure that token exists; otherwise, on an empty
   * database, create an admin token. Returns the secret only when it was generated here (to be
   * printed once), never one the operator supplied.
   */
  async bootstrap(deps: Deps): Promise<{ generated: string | null }> {
    const ctx: WriteContext = { actor: systemActor('bootstrap') }
    const supplied = deps.config.adminToken
    if (supplied) {
      const hash = await hashToken(supplied)
      if (!(await findActiveTokenByHash(deps.db, hash))) {
        await tokens
          .create(
            deps,
            ctx,
            { name: 'admin (AMENDS_ADMIN_TOKEN)', scope: 'admin' },
            { secret: supplied },
          )
          .catch(async (err: Error) => {
            // Another process sharing the database created it a moment ago.
            if (!/token_hash/.test(err.message) || !(await findActiveTokenByHash(deps.db, hash)))
              throw err
          })
      }
      return { generated: null }
    }
    if ((await countTokens(deps.db)) > 0) return { generated: null }
    const created = await tokens.create(deps, ctx, { name: 'admin (first start)', scope: 'admin' })
    return { generated: created.token }
  },
}
