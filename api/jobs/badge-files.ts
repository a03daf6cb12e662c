import { badgeSvg, BADGE_COLORS } from '../../core/badge.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import type { StatusSnapshot } from '../../core/snapshot.ts'
import { pageStatus, type Indicator } from '../../core/status-rollup.ts'
import { catalogFor } from '../../templates/locales/index.ts'

/** Where a component's badge is published; the publisher prunes folders of removed components. */
export const COMPONENT_BADGES_DIR = 'components'

/** The page badge's colour per indicator: the component colours of the same severity. */
const INDICATOR_COLORS: Record<Indicator, string> = {
  none: BADGE_COLORS.operational,
  maintenance: BADGE_COLORS.under_maintenance,
  minor: BADGE_COLORS.degraded_performance,
  major: BADGE_COLORS.partial_outage,
  critical: BADGE_COLORS.major_outage,
}

/**
 * The status badges as site paths and SVG: the page's (`/badge.svg`, saying what the home page's
 * banner says, from the same pageStatus) and one per component. In the default locale, like the
 * v2 JSON: a badge has one address.
 */
export function badgeFiles(snapshot: StatusSnapshot, locale: Locale): [string, string][] {
  const site = catalogFor(locale).site
  const words = site.pages
  const status = pageStatus(
    snapshot.components.map((c) => c.status),
    snapshot.incidents.filter((r) => r.status !== 'resolved').map((r) => r.impact),
  )
  const files: [string, string][] = [
    [
      '/badge.svg',
      badgeSvg({
        label: words.badgeLabel,
        message: site.home.banner(status.description),
        color: INDICATOR_COLORS[status.indicator],
      }),
    ],
  ]
  for (const c of snapshot.components) {
    files.push([
      `/${COMPONENT_BADGES_DIR}/${c.id}/badge.svg`,
      badgeSvg({
        label: c.name,
        message: words.badgeStatus[c.status],
        color: BADGE_COLORS[c.status],
      }),
    ])
  }
  return files
}
