import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { alias: { 'session-revocation/testing': '/work/main/src/testing/index.ts', 'session-revocation/store': '/work/main/src/store.ts', 'session-revocation': '/work/main/src/index.ts' } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 20_000, pool: 'forks', root: '/work/main' },
});
