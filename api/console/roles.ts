import type { Context } from 'hono'
import { ROLE_SCOPE } from '../../core/schemas/user.ts'
import { RANK } from '../auth.ts'
import type { AppEnv } from '../env.ts'

/** Whether the signed-in person may write (editor or admin): a viewer gets pages without forms. */
export function canWrite(c: Context<AppEnv>): boolean {
  const role = c.get('signedIn')?.user.role
  return role !== undefined && RANK[ROLE_SCOPE[role]] >= RANK[ROLE_SCOPE.editor]
}

/** Whether the signed-in person is an admin: the settings pages show their forms only to them. */
export function canAdmin(c: Context<AppEnv>): boolean {
  const role = c.get('signedIn')?.user.role
  return role !== undefined && RANK[ROLE_SCOPE[role]] >= RANK[ROLE_SCOPE.admin]
}
