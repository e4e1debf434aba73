import { defineConfig } from 'vitest/config';

/**
 * Test tiers as vitest projects: `unit` has no I/O at all; `integration` runs against the gcloud
 * Firestore and Pub/Sub emulators, started once by the global setup on free ports; `workflows` runs
 * the local Cloud Workflows runner through the official client; `e2e` drives the whole local stack;
 * `browser` drives it through the web app, in Chromium; `chaos` tries many generated inputs and
 * prints what it tried (today: property tests of the domain).
 */
export default defineConfig({
  test: {
    projects: [
      {
        // Times in words (the web app's) are the reader's local time: the tests read them in UTC, wherever they run.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', env: { TZ: 'UTC' } },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/setup-env.ts'],
          // One emulator pair, cleared between tests: files run one after another.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          // Its own emulators (same setup as integration): the whole local stack runs on them.
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/setup-env.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          // People in Debian's Chromium (playwright-core) on the whole local stack: each role's journey,
          // axe-core on every page, keyboard use, screenshots in test-output/screenshots/.
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          setupFiles: ['test/integration/setup-env.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Generated inputs by the thousand; prints its figures at the end (test/chaos/report.ts). Its
          // suites are pure so far: no emulators are started until one needs them.
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/chaos/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'workflows',
          include: ['test/workflows-runner/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
    ],
  },
});
