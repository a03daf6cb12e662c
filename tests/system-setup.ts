import { ensureAlertmanager } from './fixtures/alertmanager.ts'
import { ensureChromium } from './fixtures/chromium.ts'

/**
 * Before the system tests: find the system programs they drive (Chromium, Alertmanager), or install
 * them (Debian/Ubuntu as root), or fail at once with the command to run.
 */
export default function setup() {
  ensureChromium()
  ensureAlertmanager()
}
