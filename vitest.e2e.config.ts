import { defineConfig } from 'vitest/config';

/** Browser tests of the demo app: real Chromium, one file at a time (each drives a browser). */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
