import type { Context } from 'hono'
import { notFound } from '../../core/errors.ts'
import { Id } from '../../core/schemas/common.ts'
import type { Incident } from '../../core/schemas/incident.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { incidents } from '../services/incidents.ts'

/**
 * The incident a console path names (`:id`): the incident page and each amends screen. A
 * malformed or unknown id is the console's 404 page, never a database lookup of junk.
 */
export async function incidentOfPath(deps: Deps, c: Context<AppEnv>): Promise<Incident> {
  const id = c.req.param('id') ?? ''
  if (!Id.safeParse(id).success) throw notFound('incident', id)
  return incidents.get(deps, id)
}
