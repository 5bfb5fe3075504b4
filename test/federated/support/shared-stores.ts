import { postgresStore } from '../../../adapters/postgres/index.js';
import { redisStore } from '../../../adapters/redis/index.js';
import type { SessionStore } from '../../../src/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../../support/postgres-database.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../../support/redis-clients.js';
import { requireService } from '../../support/services.js';

/** Two stores over the same data, as two app servers have, and how to clean up after them. */
export interface SharedStore {
  readonly stores: readonly [SessionStore, SessionStore];
  cleanup(): Promise<void>;
}

/** A server store that instances share: whether its server is up, and a fresh shared pair on it. */
export interface SharedStoreKind {
  readonly name: string;
  /** Skips (or, with CI=true, fails) with a message when the server is not reachable. */
  up(): Promise<boolean>;
  /** A pair under a fresh prefix or schema named after `label`. */
  share(label: string): Promise<SharedStore>;
}

/** Redis and PostgreSQL, the stores whose instances hear each other's revocations. */
export const SHARED_STORE_KINDS: readonly SharedStoreKind[] = [
  {
    name: 'Redis on 127.0.0.1:6379',
    up: () => requireService('Redis', 6379),
    async share(label) {
      const prefix = freshPrefix(label);
      const [one, two] = await Promise.all([connectNodeRedis(6379), connectNodeRedis(6379)]);
      return {
        stores: [redisStore({ client: one, prefix }), redisStore({ client: two, prefix })],
        async cleanup() {
          await deleteRunKeys(one, `${prefix}*`);
          await Promise.all([one.close(), two.close()]);
        },
      };
    },
  },
  {
    name: 'PostgreSQL on 127.0.0.1:5432',
    up: postgresUp,
    async share(label) {
      const schema = freshSchema(label);
      const [one, two] = [testPool({ max: 4 }), testPool({ max: 4 })];
      const first = postgresStore({ pool: one, schema });
      await first.migrate();
      return {
        stores: [first, postgresStore({ pool: two, schema })],
        async cleanup() {
          await dropSchemas(one, [schema]);
          await Promise.all([one.end(), two.end()]);
        },
      };
    },
  },
];
