import { defineConfig } from 'vitest/config';

/** The package's own tests: run once per engine, the same suite. */
const unit = ['packages/pgcodec/test/**/*.test.ts'];
/**
 * The machine has 2 cores and is often busy: no test may depend on vitest's
 * 5 s default. Heavy tests carry their own budget; this backstop covers the
 * rest (a unit test takes milliseconds idle).
 */
const testTimeout = 30_000;

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'pgcodec', include: unit, testTimeout, env: { PGCODEC_ENGINE: 'wasm' } } },
      { test: { name: 'pgcodec-js', include: unit, testTimeout, exclude: ['packages/pgcodec/test/auth/**'], env: { PGCODEC_ENGINE: 'js' } } },
      { test: { name: 'wasm', include: ['packages/wasm/test/**/*.test.ts'], testTimeout } },
      'bench/vitest.config.ts',
      // Property budgets are set per test (fuzz/test/properties.test.ts); this backstop covers the rest.
      { test: { name: 'fuzz', include: ['fuzz/test/**/*.test.ts'], testTimeout: 120_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration tests start servers: keep them from running at once.
          fileParallelism: false,
        },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['packages/pgcodec/src/**'],
      exclude: ['packages/pgcodec/src/**/*.generated.ts'],
      reporter: ['text-summary', 'text', 'json-summary'],
    },
  },
});
