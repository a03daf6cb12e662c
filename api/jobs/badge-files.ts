import { badgeSvg, BADGE_COLORS } from '../../core/badge.ts'
import type { Locale } from '../../core/schemas/subscription.ts'
import type { StatusSnapshot } from '../../core/snapshot.ts'
import { worstStatus } from '../../core/status-rollup.ts'
import { catalogFor } from '../../templates/locales/index.ts'

/** Where a component's badge is published; the publisher prunes folders of removed components. */
export const COMPONENT_BADGES_DIR = 'components'

/**
 * The status badges as site paths and SVG: the page's (`/badge.svg`, its worst component status)
 * and one per component. In the default locale, like the v2 JSON: a badge has one address.
 */
export function badgeFiles(snapshot: StatusSnapshot, locale: Locale): [string, string][] {
  const words = catalogFor(locale).site.pages
  const worst = worstStatus(snapshot.components.map((c) => c.status))
  const files: [string, string][] = [
    [
      '/badge.svg',
      badgeSvg({
        label: words.badgeLabel,
        message: words.badgeStatus[worst],
        color: BADGE_COLORS[worst],
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
