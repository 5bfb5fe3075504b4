import { afterAll } from 'vitest';
import type { RedisClientType } from 'redis';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { redisStore } from '../../adapters/redis/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { memoryStore, type SessionStore } from '../../src/index.js';
import { tempDatabases } from '../sqlite/temp.js';
import { dropPrefixes, freshPrefix as freshMysqlPrefix, mysqlUp, testMysqlPool } from './mysql-database.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from './postgres-database.js';
import { connectNodeRedis, deleteRunKeys, freshPrefix as freshRedisPrefix } from './redis-clients.js';
import { requireService } from './services.js';

/** One store that several app instances share, each `open()` an instance's own object over its own connection (memory: the one map). */
export interface SharedStore {
  readonly name: string;
  /** Whether its server answers (under `CI=true` a missing one throws instead). */
  readonly up: boolean;
  readonly open: () => Promise<SessionStore>;
}

/** Every built-in store, shared by the instances of one test file; what they made is removed after the file. Call at a file's top level. */
export async function sharedStores(label: string): Promise<SharedStore[]> {
  const shared = memoryStore();
  const files = tempDatabases();
  const sqliteFile = files.next();
  const pool = testPool();
  const schema = freshSchema(label);
  const mpool = testMysqlPool();
  const mprefix = freshMysqlPrefix(label);
  const rprefix = freshRedisPrefix(label);
  const [pgUp, myUp, redisUp] = [await postgresUp(), await mysqlUp(), await requireService('Redis', 6379)];
  let pgMigrated: Promise<void> | undefined;
  let myMigrated: Promise<void> | undefined;
  let client: RedisClientType | undefined;
  afterAll(async () => {
    files.removeAll();
    if (pgUp) await dropSchemas(pool, [schema]);
    await pool.end();
    if (myUp) await dropPrefixes(mpool, [mprefix]);
    await mpool.end();
    if (client !== undefined) {
      await deleteRunKeys(client);
      await client.close();
    }
  });
  return [
    { name: 'memory', up: true, open: async () => shared },
    { name: 'sqlite', up: true, open: async () => sqliteStore({ filename: sqliteFile }) },
    {
      name: 'postgres',
      up: pgUp,
      open: async () => {
        const store = postgresStore({ pool, schema, listen: false });
        await (pgMigrated ??= store.migrate());
        return store;
      },
    },
    {
      name: 'mysql',
      up: myUp,
      open: async () => {
        const store = mysqlStore({ pool: mpool, prefix: mprefix });
        await (myMigrated ??= store.migrate());
        return store;
      },
    },
    {
      name: 'redis',
      up: redisUp,
      open: async () => {
        client ??= await connectNodeRedis(6379);
        return redisStore({ client, prefix: rprefix });
      },
    },
  ];
}
