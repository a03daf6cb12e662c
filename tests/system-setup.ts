import { ensureChromium } from './fixtures/chromium.ts'

/** Before the browser tests: find Chromium, or install it (Debian/Ubuntu as root), or fail at once. */
export default function setup() {
  ensureChromium()
}
