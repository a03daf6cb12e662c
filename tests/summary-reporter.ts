import type { Reporter, TestModule } from 'vitest/node'

/**
 * Prints one plain closing line, "N passed, N failed, N skipped", after vitest's own summary, so
 * CI tooling that reads a test runner's last line understands the result. It counts the tests
 * exactly as vitest's "Tests" line does (todo tests count as skipped), so the two always agree;
 * errors outside any test (a file that fails to load, an unhandled rejection) are in vitest's
 * "Test Files" and "Errors" lines just above, and make the run fail.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state
        if (state === 'failed') failed++
        else if (t.options.mode === 'skip' || t.options.mode === 'todo') skipped++
        else if (state === 'passed') passed++
      }
    }
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
  }
}
