import type { Context } from 'hono'
import { DomainError, notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import type {
  InvitedUser,
  PasswordChangeForm,
  User,
  UserActivity,
  UserInvite,
  UserUpdate,
} from '../../core/schemas/user.ts'
import type { Statement } from '../../db/client.ts'
import type { OutboxEvent } from '../../db/journal.ts'
import { endSessionsOf } from '../../db/sessions.ts'
import { countFailures, insertFailures } from '../../db/sign-in-failures.ts'
import {
  countLinksSince,
  findUserLink,
  retireUserLinks,
  useUserLink,
  type LinkPurpose,
  type UserLink,
} from '../../db/user-links.ts'
import {
  adminRemains,
  countActiveAdmins,
  findUserByEmail,
  findUserById,
  getUser,
  insertUser,
  listUsersWithActivity,
  noAdminYet,
  setPassword,
  updateUser,
} from '../../db/users.ts'
import { hashToken } from '../auth.ts'
import type { Deps } from '../deps.ts'
import { hashPassword, passwordProblem } from '../http/passwords.ts'
import { personActor, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../http/session.ts'
import { LINK_PATH, linkSecret, linkUrl, newLink } from './person-links.ts'
import { clientIp, ipKey } from './rate-limit.ts'
import { signInWithPassword, SIGN_IN_LIMITS } from './sign-in.ts'
import { commit, retryOnConflict, StaleWrite, systemActor, type WriteContext } from './write.ts'

/**
 * Password-reset requests: per client address (IPv6: per /64) in any 15 minutes, counted in the
 * database beside the failed sign-ins (same window, same cleanup); and reset emails per person
 * per hour, counted from the links themselves, so the form cannot be used to flood a mailbox.
 */
export const RESET_LIMITS = { perAddress: 10, perPersonPerHour: 3 } as const

/** What the reset form always answers, whether or not the address has an account. */
export const RESET_ANSWER =
  'If an account exists for that address, we have sent it a link to choose a new password. The link works once, for one hour.'

/** Written into the stored idempotent replay instead of the invitation link. */
const NOT_STORED = '(shown once; invite the person again for a new link)'

const RESET_FORM: WriteContext = { actor: systemActor('password reset form') }
const target = (id: string) => ({ type: 'user', id })

function userEvent(type: string, user: User, payload: Record<string, unknown> = {}): OutboxEvent {
  return {
    type,
    aggregateType: 'user',
    aggregateId: user.id,
    payload: { user_id: user.id, ...payload },
  }
}

/** A new password that fails passwordProblem: 400, beside the password field. */
function checkPassword(password: string, who: { email?: string; name?: string | null }): void {
  const problem = passwordProblem(password, who)
  if (problem) {
    throw new DomainError('invalid', 'weak_password', problem, [
      { path: 'password', message: problem },
    ])
  }
}

/** Two invitations of one new address at once: the loser re-reads and re-invites. */
function emailTaken(err: unknown, id: string): never {
  if (err instanceof Error && /UNIQUE constraint failed: users\.email/.test(err.message)) {
    throw new StaleWrite(target(id))
  }
  throw err
}

const LINK_GONE = {
  link_unknown: 'This link is not valid. Check that it was copied whole, or ask for a new one',
  link_used: 'This link was already used, or a newer one replaced it. Ask for a new one',
  link_expired: 'This link has expired. Ask for a new one',
  setup_done:
    'The first admin already exists. Sign in, or ask an admin to invite you to the console',
} as const
export type LinkProblem = keyof typeof LINK_GONE

/** A link that cannot be used: `kind` not_found, `code` one of LinkProblem. */
function linkGone(code: LinkProblem): DomainError {
  return new DomainError('not_found', code, LINK_GONE[code])
}

export interface OpenLink {
  link: UserLink
  /** The person the link is for (null for the setup link, which creates them). */
  user: User | null
}

/** The link behind `secret` if it is a usable link of `purpose`; otherwise throws linkGone. */
async function openLink(deps: Deps, purpose: LinkPurpose, secret: string): Promise<OpenLink> {
  const link = await findUserLink(deps.db, await hashToken(secret))
  if (!link || link.purpose !== purpose) throw linkGone('link_unknown')
  if (link.used_at) throw linkGone('link_used')
  if (Date.parse(link.expires_at) <= deps.clock.now().getTime()) throw linkGone('link_expired')
  if (purpose === 'setup') {
    if ((await countActiveAdmins(deps.db)) > 0) throw linkGone('setup_done')
    return { link, user: null }
  }
  const user = link.user_id ? await getUser(deps.db, link.user_id) : null
  // Accepting needs an invited person, a reset an active one; disabling retires both anyway.
  if (!user || user.status !== (purpose === 'invite' ? 'invited' : 'active')) {
    throw linkGone('link_used')
  }
  return { link, user }
}

export interface LinkForm {
  password: string
  name?: string | undefined
  /** The setup link only: the first admin's address. */
  email?: string | undefined
}

export const people = {
  list(deps: Deps): Promise<UserActivity[]> {
    const now = deps.clock.now().getTime()
    return listUsersWithActivity(
      deps.db,
      new Date(now - SESSION_IDLE_MS).toISOString(),
      new Date(now - SESSION_ABSOLUTE_MS).toISOString(),
    )
  },

  async get(deps: Deps, id: string): Promise<User> {
    const user = await getUser(deps.db, id)
    if (!user) throw notFound('user', id)
    return user
  },

  /**
   * Invites a person: an invited account and a single-use link (7 days) that is mailed to them
   * (`user.invited`) and returned once. Inviting an invited address again replaces the link and
   * takes the new name and role; an active or disabled address is 409.
   */
  invite(deps: Deps, ctx: WriteContext, input: UserInvite): Promise<InvitedUser> {
    return retryOnConflict(deps, async () => {
      const found = await findUserByEmail(deps.db, input.email)
      if (found && found.user.status !== 'invited') {
        throw new DomainError(
          'conflict',
          'user_exists',
          `${found.user.email} already has an account (${found.user.status}); change it instead of inviting`,
        )
      }
      const at = deps.clock.now().toISOString()
      const user: User = found
        ? { ...found.user, name: input.name ?? found.user.name, role: input.role, updated_at: at }
        : {
            id: newId(),
            email: input.email,
            name: input.name ?? null,
            role: input.role,
            status: 'invited',
            created_at: at,
            updated_at: at,
          }
      const { link, statements } = await newLink(deps, 'invite', user.id)
      await commit(deps, ctx, {
        statements: [
          ...(found ? updateUser(user, found.version) : [insertUser(user, null)]),
          ...statements,
        ],
        action: found ? 'user.reinvite' : 'user.invite',
        target: target(user.id),
        // The notifier derives the link from its id (person-links.ts): the event holds no secret.
        events: [
          userEvent('user.invited', user, {
            link_id: link.id,
            email: user.email,
            role: user.role,
            invited_by: ctx.actor.name,
          }),
        ],
        status: 201,
        body: { ...user, invite_url: NOT_STORED },
        details: { email: user.email, role: user.role },
      }).catch((err: unknown) => emailTaken(err, user.id))
      return { ...user, invite_url: await linkUrl(deps, 'invite', link.id) }
    })
  },

  /**
   * Changes a person's name, role or status. Disabling ends their sessions and retires their
   * links in the same batch (their personal tokens stop at once: db/tokens.ts). Demoting or
   * disabling the last active admin is 409, guarded in the batch (adminRemains).
   */
  update(deps: Deps, ctx: WriteContext, id: string, patch: UserUpdate): Promise<User> {
    return retryOnConflict(deps, async () => {
      const found = await findUserById(deps.db, id)
      if (!found) throw notFound('user', id)
      const u = found.user
      let status = patch.status ?? u.status
      if (patch.status === 'active' && u.status === 'invited') {
        throw new DomainError(
          'conflict',
          'user_invited',
          'This person has not accepted their invitation yet; they become active by accepting it',
        )
      }
      // Disabled before accepting an invitation: enabled again, they are invited (no password).
      if (status === 'active' && u.status === 'disabled' && !found.passwordHash) status = 'invited'
      const next: User = { ...u, name: patch.name ?? u.name, role: patch.role ?? u.role, status }
      const changes = Object.fromEntries(
        (['name', 'role', 'status'] as const)
          .filter((k) => next[k] !== u[k])
          .map((k) => [k, { from: u[k], to: next[k] }]),
      )
      if (Object.keys(changes).length === 0) return u
      const at = deps.clock.now().toISOString()
      next.updated_at = at
      const wasAdmin = u.role === 'admin' && u.status === 'active'
      const staysAdmin = next.role === 'admin' && next.status === 'active'
      if (wasAdmin && !staysAdmin && (await countActiveAdmins(deps.db)) <= 1) {
        throw new DomainError(
          'conflict',
          'last_admin',
          'This is the last active admin; make someone else an admin first',
        )
      }
      const disabling = next.status === 'disabled' && u.status !== 'disabled'
      const statements: Statement[] = [
        ...updateUser(next, found.version),
        ...(wasAdmin && !staysAdmin ? [adminRemains()] : []),
        ...(disabling
          ? [
              endSessionsOf(id, at),
              retireUserLinks('invite', id, at),
              retireUserLinks('reset', id, at),
            ]
          : []),
      ]
      return commit(deps, ctx, {
        statements,
        action: disabling ? 'user.disable' : 'user.update',
        target: target(id),
        events: [userEvent(disabling ? 'user.disabled' : 'user.updated', next, { changes })],
        status: 200,
        body: next,
        details: { changes },
      })
    })
  },

  /** Ends every session of a person (they sign in again; their tokens are untouched). */
  async endSessions(deps: Deps, ctx: WriteContext, id: string): Promise<User> {
    const user = await people.get(deps, id)
    const at = deps.clock.now().toISOString()
    return commit(deps, ctx, {
      statements: [endSessionsOf(id, at)],
      action: 'user.end_sessions',
      target: target(id),
      events: [userEvent('user.sessions_ended', user)],
      status: 200,
      body: user,
    })
  },

  /** A signed-in person's new display name. */
  rename(deps: Deps, ctx: WriteContext, id: string, name: string): Promise<User> {
    return people.update(deps, ctx, id, { name })
  },

  /**
   * A signed-in person's new password: the current one is checked like a sign-in (same limit,
   * same cost), the new one by passwordProblem; every other session of theirs ends, `keep` stays.
   */
  async changePassword(
    deps: Deps,
    c: Context,
    ctx: WriteContext,
    id: string,
    form: PasswordChangeForm,
    keep: string,
  ): Promise<User> {
    const user = await people.get(deps, id)
    try {
      await signInWithPassword(deps, c, user.email, form.current_password)
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'unauthorized') throw err
      const message = 'That is not your current password'
      throw new DomainError('invalid', 'wrong_password', message, [
        { path: 'current_password', message },
      ])
    }
    checkPassword(form.password, user)
    const hash = await hashPassword(form.password)
    return retryOnConflict(deps, async () => {
      const found = await findUserById(deps.db, id)
      if (!found) throw notFound('user', id)
      const at = deps.clock.now().toISOString()
      const next = { ...found.user, updated_at: at }
      return commit(deps, ctx, {
        statements: [...setPassword(next, found.version, hash), endSessionsOf(id, at, keep)],
        action: 'user.change_password',
        target: target(id),
        events: [userEvent('user.password_changed', next)],
        status: 200,
        body: next,
      })
    })
  },

  /**
   * The reset form. Always the same answer (RESET_ANSWER) and the same work: look the address
   * up, count, derive and hash a link, write one batch. Only an active account under its hourly
   * limit gets a link (1 h) mailed; too many requests from one network is 429.
   */
  async requestReset(deps: Deps, c: Context, email: string): Promise<void> {
    const now = deps.clock.now()
    const at = now.toISOString()
    const network = `reset-ip:${ipKey(clientIp(c, deps.config.trustProxy))}`
    const windowStart = new Date(now.getTime() - SIGN_IN_LIMITS.windowMs).toISOString()
    const seen = (await countFailures(deps.db, [network], windowStart)).get(network)
    if (seen && seen.count >= RESET_LIMITS.perAddress) {
      const retryMs = Date.parse(seen.oldest) + SIGN_IN_LIMITS.windowMs - now.getTime()
      const minutes = Math.max(1, Math.ceil(retryMs / 60_000))
      throw new DomainError(
        'rate_limited',
        'rate_limited',
        `Too many reset requests from your network; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      )
    }
    const found = await findUserByEmail(deps.db, email)
    const user = found?.user.status === 'active' ? found.user : null
    const hourAgo = new Date(now.getTime() - 3_600_000).toISOString()
    const recent = await countLinksSince(deps.db, 'reset', user?.id ?? '', hourAgo)
    const { link, statements } = await newLink(deps, 'reset', user?.id ?? null)
    const counted = insertFailures([network], at)
    if (!user || recent >= RESET_LIMITS.perPersonPerHour) {
      await deps.db.batch(counted, 'write')
      return
    }
    await commit(deps, RESET_FORM, {
      statements: [...counted, ...statements],
      action: 'user.reset_requested',
      target: target(user.id),
      events: [
        userEvent('user.password_reset_requested', user, { link_id: link.id, email: user.email }),
      ],
      status: 202,
      body: null,
    })
  },

  /** The link's state for its page (GET): usable, or throws (404 unknown, 410 used/expired). */
  openLink,

  /**
   * Uses a setup, invitation or reset link once: sets the password (and name), activates the
   * person (setup: creates the first admin), and for a reset ends all their sessions. The
   * caller then starts a fresh session. Of two submissions at once, one writes (useUserLink).
   */
  async useLink(deps: Deps, purpose: LinkPurpose, secret: string, form: LinkForm): Promise<User> {
    const first = await openLink(deps, purpose, secret)
    checkPassword(form.password, first.user ?? { email: form.email, name: form.name })
    const hash = await hashPassword(form.password)
    return retryOnConflict(deps, async () => {
      const { link, user: linked } = await openLink(deps, purpose, secret)
      const at = deps.clock.now().toISOString()
      if (purpose === 'setup') {
        const email = form.email ?? ''
        const found = await findUserByEmail(deps.db, email)
        const admin: User = found
          ? { ...found.user, name: form.name ?? found.user.name, role: 'admin', status: 'active' }
          : {
              id: newId(),
              email,
              name: form.name ?? null,
              role: 'admin',
              status: 'active',
              created_at: at,
              updated_at: at,
            }
        admin.updated_at = at
        await commit(
          deps,
          { actor: personActor(admin) },
          {
            statements: [
              noAdminYet(),
              ...useUserLink(link.id, at),
              ...(found
                ? [
                    ...updateUser(admin, found.version),
                    ...setPassword(admin, found.version + 1, hash),
                  ]
                : [insertUser(admin, hash)]),
            ],
            action: 'user.setup',
            target: target(admin.id),
            events: [userEvent('user.activated', admin, { role: 'admin' })],
            status: 200,
            body: admin,
          },
        ).catch((err: unknown) => emailTaken(err, admin.id))
        return admin
      }
      const found = await findUserById(deps.db, linked!.id)
      if (!found) throw linkGone('link_used')
      const next: User = {
        ...found.user,
        name: purpose === 'invite' ? (form.name ?? found.user.name) : found.user.name,
        status: 'active',
        updated_at: at,
      }
      return commit(
        deps,
        { actor: personActor(next) },
        {
          statements: [
            ...useUserLink(link.id, at),
            ...setPassword(next, found.version, hash),
            // A reset signs out everywhere: whoever knew the old password is out too.
            ...(purpose === 'reset' ? [endSessionsOf(next.id, at)] : []),
          ],
          action: purpose === 'invite' ? 'user.accept_invite' : 'user.reset_password',
          target: target(next.id),
          events: [
            userEvent(purpose === 'invite' ? 'user.activated' : 'user.password_changed', next),
          ],
          status: 200,
          body: next,
        },
      )
    })
  },

  /**
   * At start (api/node.ts): while no active admin exists, a new setup link (24 h) replaces any
   * earlier one; returns its path, to be printed once. Null once an admin exists.
   */
  async setupLinkIfNoAdmin(deps: Deps): Promise<string | null> {
    if ((await countActiveAdmins(deps.db)) > 0) return null
    const { link, statements } = await newLink(deps, 'setup', null)
    await commit(
      deps,
      { actor: systemActor('first start') },
      {
        statements,
        action: 'user.setup_link',
        target: { type: 'user_link', id: link.id },
        events: [],
        status: 201,
        body: null,
      },
    )
    return `${LINK_PATH.setup}${await linkSecret(deps, link.id)}`
  },
}
