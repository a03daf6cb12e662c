import { DomainError, notFound } from '../../core/errors.ts'
import { BASE62, newId, randomString } from '../../core/ids.ts'
import type { AlertRule, AlertRuleCreate, AlertSource } from '../../core/schemas/alerts.ts'
import {
  deleteAlertRule,
  getAlertRule,
  insertAlertRule,
  listAlertRules,
  nextRulePosition,
  putSourceToken,
} from '../../db/alert-rules.ts'
import { getComponent } from '../../db/components.ts'
import { hashToken } from '../auth.ts'
import type { Deps } from '../deps.ts'
import { commit, type WriteContext } from './write.ts'

/** Mappings from alert labels to components, and each monitoring source's own token. */
export const alertRules = {
  list: (deps: Deps) => listAlertRules(deps.db),

  async create(deps: Deps, ctx: WriteContext, input: AlertRuleCreate): Promise<AlertRule> {
    const component = await getComponent(deps.db, input.component_id)
    if (!component) {
      throw new DomainError('unprocessable', 'unknown_component', 'No such component', [
        { path: 'component_id', message: `No component with id ${input.component_id}` },
      ])
    }
    const rule: AlertRule = {
      id: newId(),
      source: input.source,
      match: input.match,
      component_id: input.component_id,
      component_status: input.component_status,
      auto_publish: input.auto_publish,
      position: input.position ?? (await nextRulePosition(deps.db)),
      created_at: deps.clock.now().toISOString(),
    }
    return commit(deps, ctx, {
      statements: [insertAlertRule(rule)],
      action: 'alert_rule.created',
      target: { type: 'alert_rule', id: rule.id },
      events: [],
      status: 201,
      body: rule,
      details: rule,
    })
  },

  async remove(deps: Deps, ctx: WriteContext, id: string): Promise<void> {
    const rule = await getAlertRule(deps.db, id)
    if (!rule) throw notFound('alert rule', id)
    await commit(deps, ctx, {
      statements: [deleteAlertRule(id)],
      action: 'alert_rule.deleted',
      target: { type: 'alert_rule', id },
      events: [],
      status: 204,
      body: null,
      details: rule,
    })
  },

  /**
   * A new token for a source (the previous one stops working): shown once, stored as its hash.
   * The URL carries it for senders that cannot set a header.
   */
  async rotateToken(
    deps: Deps,
    ctx: WriteContext,
    source: AlertSource,
  ): Promise<{ source: AlertSource; token: string; url: string }> {
    const token = `amdalert_${randomString(40, BASE62)}`
    const at = deps.clock.now().toISOString()
    await commit(deps, ctx, {
      statements: [putSourceToken(source, await hashToken(token), at)],
      action: 'alert_source.token_rotated',
      target: { type: 'alert_source', id: source },
      events: [],
      status: 201,
      body: null,
    })
    const url = `${deps.config.siteUrl}/api/v1/alerts/${source}`
    return { source, token, url: `${url}?token=${token}` }
  },
}
