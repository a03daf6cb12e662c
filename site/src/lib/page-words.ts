// The language of the page being rendered, for the components that show incidents, forms and
// history: they read it from the route instead of having it threaded through every prop.
import type { RouteData } from '../../../core/site-data.ts'
import type { Catalog } from '../../../templates/locales/en.ts'
import { IMPACT, statusLabel } from '../consts.ts'
import { catalogOf, hrefOf } from './view.ts'

export function pageOf(locals: App.Locals) {
  const route = locals.route as RouteData | undefined
  if (!route) throw new Error('This component renders inside a page with route data')
  const { common } = route
  const catalog = catalogOf(common)
  return {
    common,
    catalog,
    words: catalog.site,
    lang: catalog.lang,
    tz: common.page.time_zone,
    href: (path: string) => hrefOf(common, path),
  }
}

/** An incident's or a window's status in the page's words (unknown ones readable all the same). */
export function statusWord(catalog: Catalog, status: string, cancelled = false): string {
  if (cancelled) return catalog.cancelled
  return catalog.incidentStatus[status] ?? catalog.maintenanceStatus[status] ?? statusLabel(status)
}

/** An impact badge's words and tone. */
export function impactLook(catalog: Catalog, impact: string) {
  const tone = IMPACT[impact]?.tone ?? 'info'
  const label =
    impact === 'maintenance'
      ? catalog.site.incident.maintenance
      : (catalog.impact[impact] ?? impact)
  return { label, tone }
}
