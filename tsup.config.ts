import { defineConfig } from 'tsup';

/** One entry per subpath export; every entry shares chunks so each class exists once. */
export const entries = {
  index: 'src/index.ts',
  store: 'src/store.ts',
  http: 'src/http/index.ts',
  testing: 'src/testing/index.ts',
  redis: 'adapters/redis/index.ts',
  postgres: 'adapters/postgres/index.ts',
  sqlite: 'adapters/sqlite/index.ts',
  mysql: 'adapters/mysql/index.ts',
  express: 'adapters/express/index.ts',
  fastify: 'adapters/fastify/index.ts',
  koa: 'adapters/koa/index.ts',
  fetch: 'adapters/fetch/index.ts',
  hono: 'adapters/hono/index.ts',
  // For the browser: imports nothing, so it gets no shared chunk.
  client: 'src/client/index.ts',
};

/** The `session-revocation` command (package.json `bin`): no subpath export, no types. */
const bin = {
  cli: 'src/cli/main.ts',
};

export default defineConfig({
  // tsup keeps the bin's `#!/usr/bin/env node` line and makes the file executable.
  entry: { ...entries, ...bin },
  format: ['esm'],
  dts: { entry: entries },
  clean: true,
  splitting: true,
  sourcemap: false,
  target: 'node20',
  platform: 'node',
  treeshake: true,
});
