import { defineConfig } from 'tsup';

/** One entry per subpath export; every entry shares chunks so each class exists once. */
export const entries = {
  index: 'src/index.ts',
  http: 'src/http/index.ts',
  testing: 'src/testing/index.ts',
  redis: 'adapters/redis/index.ts',
  postgres: 'adapters/postgres/index.ts',
  sqlite: 'adapters/sqlite/index.ts',
  express: 'adapters/express/index.ts',
  fastify: 'adapters/fastify/index.ts',
  koa: 'adapters/koa/index.ts',
  fetch: 'adapters/fetch/index.ts',
  hono: 'adapters/hono/index.ts',
};

export default defineConfig({
  entry: entries,
  format: ['esm'],
  dts: true,
  clean: true,
  splitting: true,
  sourcemap: false,
  target: 'node20',
  platform: 'node',
  treeshake: true,
});
