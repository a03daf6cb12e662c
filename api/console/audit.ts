import type { Hono } from 'hono'
import { nextDay, startOfLocalDay } from '../../core/local-time.ts'
import { AUDIT_RANGE_MESSAGE, AuditFilter, auditRangeOrdered } from '../../core/schemas/audit.ts'
import { ROLE_SCOPE } from '../../core/schemas/user.ts'
import { getComponentsByIds } from '../../db/components.ts'
import { getIncidentsByIds } from '../../db/incidents.ts'
import { auditTargetTypes, listAudit } from '../../db/journal.ts'
import { listTokens } from '../../db/tokens.ts'
import { listUsers } from '../../db/users.ts'
import { RANK } from '../auth.ts'
import type { Deps } from '../deps.ts'
import type { AppEnv } from '../env.ts'
import { requirePerson } from '../http/session.ts'
import { groups } from '../services/components.ts'
import { auditList } from './audit-views.ts'
import { validate, type FieldErrors } from './forms.ts'
import { consolePage } from './layout.ts'
import { byField } from './form-errors.ts'

const PER_PAGE = 50
const FILTER_FIELDS = ['actor_user_id', 'actor_email', 'target_type', 'target_id', 'from', 'to']
const AuditForm = auditRangeOrdered(AuditFilter)
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** GET /admin/audit: every write, newest first, filtered by person, target and time (every role). */
export function mountAudit(app: Hono<AppEnv>, deps: Deps): void {
  const zone = deps.config.page.timeZone

  app.get('/admin/audit', requirePerson('viewer'), async (c) => {
    const filter: Record<string, string> = {}
    for (const k of FILTER_FIELDS) filter[k] = (c.req.query(k) ?? '').trim().slice(0, 254)
    const page = Math.min(100_000, Math.max(1, Number.parseInt(c.req.query('page') ?? '1') || 1))

    // Days typed in the page's zone: from its first instant to the first of the day after `to`.
    const errors: FieldErrors = {}
    const day = (k: 'from' | 'to') => {
      const v = filter[k]!
      if (!v) return undefined
      const start = DATE.test(v) ? startOfLocalDay(k === 'to' ? nextDay(v) : v, zone) : null
      if (!start) errors[k] = 'Enter a day, such as 2026-03-29'
      return start ?? undefined
    }
    const range = { from: day('from'), to: day('to') }
    const checked = validate(AuditForm, {
      actor_user_id: filter.actor_user_id || undefined,
      actor_email: filter.actor_email || undefined,
      target_type: filter.target_type || undefined,
      target_id: filter.target_id || undefined,
      ...range,
    })
    if (!checked.ok) Object.assign(errors, { ...byField(checked.errors), ...errors })
    if (errors.to === AUDIT_RANGE_MESSAGE) errors.to = 'Must be on or after the “From” day'

    const ok = checked.ok && !Object.keys(errors).length
    const q = checked.ok ? checked.data : {}
    const [result, people, targetTypes] = await Promise.all([
      ok
        ? listAudit(
            deps.db,
            {
              actorUserId: q.actor_user_id,
              actorEmail: q.actor_email,
              targetType: q.target_type,
              targetId: q.target_id,
              from: q.from,
              to: q.to,
            },
            PER_PAGE,
            (page - 1) * PER_PAGE,
          )
        : { items: [], total: 0 },
      listUsers(deps.db),
      auditTargetTypes(deps.db),
    ])

    // Names for the ids on this page: targets, and the components and groups in details.
    const role = c.get('signedIn')!.user.role
    const isAdmin = RANK[ROLE_SCOPE[role]] >= RANK.admin
    const ids = (type: string) => [
      ...new Set(result.items.filter((r) => r.target_type === type).map((r) => r.target_id)),
    ]
    const [records, comps, gs, tokens] = await Promise.all([
      getIncidentsByIds(deps.db, [...ids('incident'), ...ids('maintenance')]),
      getComponentsByIds(deps.db, [
        ...new Set(result.items.flatMap((r) => idsIn(r.details)).concat(ids('component'))),
      ]),
      groups.list(deps),
      isAdmin ? listTokens(deps.db) : Promise.resolve([]),
    ])
    const names = new Map<string, string>()
    for (const x of [...records, ...comps, ...gs, ...tokens]) names.set(x.id, x.name)
    for (const u of people) names.set(u.id, u.name ?? u.email)
    const live = new Set([
      ...records.map((r) => r.id),
      ...comps.map((x) => x.id),
      ...gs.map((g) => g.id),
    ])
    const hrefOf = (type: string, id: string): string | null => {
      if (type === 'maintenance' && live.has(id)) return `/admin/maintenance/${id}`
      if (type === 'incident' && live.has(id)) return `/admin/incidents/${id}`
      if (type === 'component' && live.has(id)) return `/admin/components/${id}`
      if (type === 'component_group' && live.has(id)) return `/admin/component-groups/${id}`
      if (type === 'token' && isAdmin) return '/admin/tokens'
      if (type === 'user' && isAdmin) return '/admin/people'
      return null
    }

    const body = auditList({
      rows: result.items,
      total: result.total,
      page,
      perPage: PER_PAGE,
      names,
      hrefOf,
      timeZone: zone,
      filter,
      errors: ok ? undefined : errors,
      people,
      targetTypes,
    })
    return c.html(
      consolePage(c, deps.config.page.name, { title: 'Audit log', section: 'audit', body }),
      ok ? 200 : 400,
    )
  })
}

/** The ids a details object mentions (component lists, a group), to name them. */
function idsIn(details: unknown): string[] {
  const out: string[] = []
  const walk = (v: unknown) => {
    if (typeof v === 'string' && /^[0-9a-z]{12}$/.test(v)) out.push(v)
    else if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (/^[0-9a-z]{12}$/.test(k)) out.push(k)
        walk(x)
      }
    }
  }
  walk(details)
  return out
}
