import type { ChannelName } from './channels.ts'
import type { LocaleSettings } from './localized.ts'
import type { IncidentKind } from './records.ts'
import type { AffectedComponent } from './schemas/incident.ts'
import type { Component, ComponentGroup, ComponentStatus } from './schemas/component.ts'
import type { Locale } from './schemas/subscription.ts'
import type { PageInfo } from './snapshot.ts'
import type { PageStatus } from './status-rollup.ts'
import type { ComponentUptime, GroupUptime } from './uptime.ts'

/**
 * What the status site's pages receive (as `Astro.locals.route`). The publisher computes it from
 * the database; pages never query anything, so a page renders the same in a full build and in an
 * incremental publish. Bodies arrive as sanitised HTML (core/markdown.ts).
 */
export interface SiteCommon {
  page: PageInfo
  status: PageStatus
  generated_at: string
  /** Every component, in display order. */
  components: Component[]
  groups: ComponentGroup[]
  /** The language this page is rendered in; links stay in it (`localePath`). */
  locale: Locale
  locales: LocaleSettings
  brand: SiteBrand
  /**
   * The page changes with time alone (`liveRoute`): it says when it was published and counts
   * durations to then. Any other page is the same bytes until its data changes.
   */
  live: boolean
}

/** The company's look, from BRAND_* / COMPANY_* / SUPPORT_URL; paths are site paths. */
export interface SiteBrand {
  /** `#rrggbb`, or null for the page's own accent. */
  color: string | null
  logo: string | null
  favicon: string | null
  css: string | null
  company: { name: string; url: string | null } | null
  support_url: string | null
}

/**
 * A site path in a locale: the default locale at the root, the others under `/{locale}/`
 * (`/zh-CN/incidents/abc/`). Every link and every published file goes through this.
 */
export function localePath(path: string, locale: Locale, locales: LocaleSettings): string {
  return locale === locales.default ? path : `/${locale}${path}`
}

export interface UpdateView {
  id: string
  status: string
  created_at: string
  body_html: string
  /** Only where the update gave or changed the workaround (core/incident-page.ts). */
  workaround_html: string | null
  /** Status changes that changed something (never "Operational → Operational"). */
  affected_components: AffectedComponent[] | null
  /** The language of each text that fell back to the default locale's; null when in the page's. */
  text_lang: { body: Locale | null; workaround: Locale | null }
}

export interface IncidentView {
  id: string
  kind: IncidentKind
  name: string
  status: string
  impact: string
  /** Site-relative path in the page's locale, e.g. `/incidents/abc/`, `/zh-CN/incidents/abc/`. */
  path: string
  /** Some of its text is not in the page's locale: the default locale's is shown (core/localized.ts). */
  untranslated: boolean
  /** Per text, the language it fell back to (for `lang` on it); null when in the page's. */
  text_lang: {
    name: Locale | null
    workaround: Locale | null
    apology: Locale | null
    postmortem: Locale | null
  }
  started_at: string
  resolved_at: string | null
  scheduled_for: string | null
  scheduled_until: string | null
  cancelled_at: string | null
  updated_at: string
  workaround_html: string | null
  /** Affected components with their status during the incident. */
  components: { id: string; name: string; status: ComponentStatus }[]
  /** "Only Payments API is affected; Dashboard and Login are working normally." */
  affected_sentence: string | null
  /** Newest first. */
  updates: UpdateView[]
  /** The team's apology (sanitised HTML), once given. */
  apology_html: string | null
  /** What the make-good is, in sentences customers read ("…receives a 10% service credit."). */
  compensation: string[]
  /** The published post-mortem (sanitised HTML); drafts never reach the site. */
  postmortem_html: string | null
  postmortem_published_at: string | null
}

export interface UptimeSummary {
  days: number
  components: Record<string, ComponentUptime>
  groups: Record<string, GroupUptime>
  /** Per component or group id, the ids of the incidents that touched each day (by date). */
  day_incidents: Record<string, Record<string, string[]>>
  /** The incidents named there: their name and path in the page's locale. */
  incidents: Record<string, { name: string; path: string }>
}

export interface HistoryMonth {
  /** `YYYY-MM` */
  month: string
  incidents: IncidentView[]
}

export type RouteData =
  | {
      kind: 'home'
      common: SiteCommon
      /** Open incidents, newest first. */
      active: IncidentView[]
      /** Maintenance in progress first, then upcoming, soonest first. */
      maintenances: IncidentView[]
      /** The last 14 days in the page's zone, newest first; a day with no incident has an empty list. */
      recent: { date: string; incidents: IncidentView[] }[]
      uptime: UptimeSummary
      /**
       * REPORT_BANNER: the components customers' reports are being looked into for (open drafts
       * reports are part of); empty when the reports name no component; null when there are none
       * (or the notice is off).
       */
      lookingInto: string[] | null
    }
  | { kind: 'incident'; common: SiteCommon; incident: IncidentView }
  | { kind: 'maintenance'; common: SiteCommon; maintenance: IncidentView }
  | {
      kind: 'history'
      common: SiteCommon
      /** The months shown on this page, newest first. */
      months: HistoryMonth[]
      /** Every month with incidents or maintenance, newest first (for navigation). */
      index: string[]
      /** The month this page is for, or null for /history/ (the latest three months). */
      current: string | null
    }
  | { kind: 'uptime'; common: SiteCommon; uptime: UptimeSummary }
  | { kind: 'report'; common: SiteCommon }
  | {
      kind: 'subscribe'
      common: SiteCommon
      /** The ways to subscribe offered here (the page links the others to their own forms). */
      channels?: ChannelName[]
    }
  | { kind: 'not-found'; common: SiteCommon }

/**
 * Whether a page changes with time alone: the home page (its banner says how current it is), and
 * an open incident's own page ("ongoing for 42 min"; a window's page shows only its times). The publisher re-renders the
 * others only when their data changes, so they carry no publish time (decision 011); history
 * lists say "ongoing" for what is open, and the page's script counts it.
 */
export function liveRoute(route: RouteData): boolean {
  switch (route.kind) {
    case 'home':
      return true
    case 'incident':
      return route.incident.resolved_at === null
    default:
      return false
  }
}

/** The route with `common.live` set from what it shows. */
export function withLive<R extends RouteData>(route: R): R {
  return { ...route, common: { ...route.common, live: liveRoute(route) } }
}
