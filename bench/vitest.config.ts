// Runs bench/test on its own: `npm test -w @pgcodec/bench`. The root config can include the same files as a project.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
