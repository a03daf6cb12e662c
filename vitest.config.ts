import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/summary-reporter.ts'],
    globalSetup: ['./tests/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'local', include: ['tests/**/*.test.ts'] },
      },
      {
        // The API suite again, against a remote database over the libSQL HTTP protocol.
        extends: true,
        test: {
          name: 'remote',
          include: ['tests/api/**/*.test.ts'],
          env: { AMENDS_TEST_DB: 'remote' },
        },
      },
    ],
  },
})
