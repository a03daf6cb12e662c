import { randomString } from '../../core/ids.ts'
import { ensureSetting } from '../../db/settings.ts'
import type { Deps } from '../deps.ts'

const cache = new WeakMap<Deps['db'], Promise<string>>()

/**
 * The key that signs links in emails: SIGNING_SECRET when configured, otherwise one generated on
 * first use and kept in the database, so links keep working across restarts with zero setup.
 */
export function signingSecret(deps: Deps): Promise<string> {
  if (deps.config.signingSecret) return Promise.resolve(deps.config.signingSecret)
  let s = cache.get(deps.db)
  if (!s) {
    s = ensureSetting(
      deps.db,
      'signing_secret',
      randomString(48, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
    )
    cache.set(deps.db, s)
  }
  return s
}
