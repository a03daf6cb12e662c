import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/** Pure functions: no database, run once. */
const UNIT = ['tests/core/**/*.test.ts', 'tests/api/config.test.ts', 'tests/fixtures/*.test.ts']
/**
 * Tests that drive real programs beyond the app itself: Chromium, Alertmanager, `npm start`,
 * `wrangler dev`, notifier processes and threads killed. They make the full suite;
 * `npm run test:fast` leaves them out.
 */
const SYSTEM = [
  'tests/site/browser.test.ts',
  'tests/**/*.browser.test.ts',
  'tests/notifier/crash.test.ts',
  'tests/notifier/channels-crash.test.ts',
  'tests/notifier/mailbox.test.ts',
  'tests/notifier/threads.test.ts',
  'tests/e2e/**/*.test.ts',
  'tests/worker/**/*.test.ts',
]

export default defineConfig({
  test: {
    // Worker threads start faster than forked processes: the suite spends a third of its time
    // importing the app into each worker.
    pool: 'threads',
    // vitest leaves one core free by default: on a 2-core machine that is one worker, and the
    // suite mostly waits on I/O (databases, sockets, child processes), so use every core.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'local',
          include: ['tests/**/*.test.ts'],
          exclude: [...UNIT, ...SYSTEM],
          globalSetup: ['./tests/global-setup.ts'],
        },
      },
      {
        // The API suite again, against a remote database over the libSQL HTTP protocol.
        extends: true,
        test: {
          name: 'remote',
          include: ['tests/api/**/*.test.ts'],
          exclude: UNIT,
          env: { AMENDS_TEST_DB: 'remote' },
          globalSetup: ['./tests/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: SYSTEM,
          globalSetup: ['./tests/global-setup.ts', './tests/system-setup.ts'],
          // Generous: these start browsers and processes on a 2-core machine that may be busy.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
})
