// For `npx vitest run --root packages/wasm`; the root vitest.config.ts has the same project.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'wasm',
    include: ['test/**/*.test.ts'],
  },
});
