// The language of the page being rendered, for the components that show incidents, forms and
// history: they read it from the route instead of having it threaded through every prop.
import type { RouteData, SiteCommon } from '../../../core/site-data.ts'
import type { Catalog } from '../../../templates/locales/en.ts'
import { IMPACT, statusLabel } from '../consts.ts'
import { catalogOf, hrefOf } from './view.ts'

/**
 * All a component may read from the page without props: its language, the site's locales (for
 * links) and time zone. Reuse.astro keys its HTML by this as well as by its inputs, so nothing
 * else of the route (its publish time, say) may reach a component this way.
 */
export function scopeOf(locals: App.Locals): PageScope {
  const route = locals.route as RouteData | undefined
  if (!route) throw new Error('This component renders inside a page with route data')
  const { locale, locales, page } = route.common
  return { locale, locales, time_zone: page.time_zone }
}

export interface PageScope {
  locale: SiteCommon['locale']
  locales: SiteCommon['locales']
  time_zone: string
}

export function pageOf(locals: App.Locals) {
  const scope = scopeOf(locals)
  const catalog = catalogOf(scope)
  return {
    catalog,
    words: catalog.site,
    lang: catalog.lang,
    tz: scope.time_zone,
    defaultLocale: scope.locales.default,
    href: (path: string) => hrefOf(scope, path),
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
