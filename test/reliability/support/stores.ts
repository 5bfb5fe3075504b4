import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { RESP_TYPES, type RedisClientType } from 'redis';
import { mysqlStore, type MysqlStore } from '../../../adapters/mysql/index.js';
import { postgresStore, type PostgresStore } from '../../../adapters/postgres/index.js';
import { redisStore } from '../../../adapters/redis/index.js';
import { sqliteStore } from '../../../adapters/sqlite/index.js';
import { memoryStore, type SessionStore } from '../../../src/index.js';
import { dropPrefixes, freshPrefix as freshTablePrefix, testMysqlPool } from '../../support/mysql-database.js';
import { dropSchemas, freshSchema, testPool } from '../../support/postgres-database.js';
import { connectIoredis, connectNodeRedis, deleteRunKeys, freshPrefix } from '../../support/redis-clients.js';
import { tempDatabases } from '../../sqlite/temp.js';

export const STORE_NAMES = ['memory', 'sqlite', 'redis', 'postgres', 'mysql'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

/** What a hygiene scan needs to read a store's data through its public reads. */
export interface KnownIds {
  readonly userIds: Iterable<string>;
  readonly sessionIds: Iterable<string>;
}

/**
 * One store's data, and as many store objects over it as a test wants (two managers on
 * one Redis prefix or PostgreSQL schema, as two app instances would be).
 */
export interface StoreKit {
  readonly name: StoreName;
  /** A store over the kit's data: a new connection (SQLite), client (Redis) or pool (PostgreSQL) each call. */
  store(options?: { readonly statementTimeout?: number }): Promise<SessionStore>;
  /**
   * Everything the store's backend holds, as byte strings, for the secret scan: public reads
   * (memory), the database files (SQLite), every key under the prefix with DUMP and its
   * contents (Redis), every row as text (PostgreSQL). Closes the kit's stores first where
   * the backend needs it (SQLite checkpoints its WAL on close).
   */
  dump(known: KnownIds): Promise<Buffer[]>;
  /** Closes what the kit opened and deletes its data. */
  close(): Promise<void>;
}

/** A kit on one store, with the servers the suite uses (127.0.0.1:6379, 5432/test and 3306/test). */
export async function storeKit(name: StoreName): Promise<StoreKit> {
  switch (name) {
    case 'memory':
      return memoryKit();
    case 'sqlite':
      return sqliteKit();
    case 'redis':
      return redisKit(6379);
    case 'postgres':
      return postgresKit(() => testPool({ max: 10 }));
    case 'mysql':
      return mysqlKit();
  }
}

function memoryKit(): StoreKit {
  const shared = memoryStore();
  return {
    name: 'memory',
    // Several managers may share the one in-process store; closing a manager must not close it.
    store: async () => ({ ...shared, close: async () => undefined }),
    async dump(known) {
      const parts: Buffer[] = [];
      for (const userId of known.userIds) {
        const { sessions, epochs, denied, devices } = await shared.readUser(userId);
        parts.push(Buffer.from(JSON.stringify({ epochs, denied, devices })));
        for (const session of sessions) parts.push(recordBytes(session));
      }
      for (const sessionId of known.sessionIds) {
        const found = await shared.get(sessionId);
        if (found !== null) parts.push(recordBytes(found.session));
      }
      return parts;
    },
    close: async () => shared.close?.(),
  };
}

/** A record as bytes: every field as JSON, and the hash's raw bytes. */
function recordBytes(record: { readonly secretHash: Uint8Array }): Buffer {
  const { secretHash, ...rest } = record;
  return Buffer.concat([Buffer.from(JSON.stringify(rest)), Buffer.from(secretHash)]);
}

function sqliteKit(): StoreKit {
  const files = tempDatabases();
  const filename = files.next('reliability.db');
  const opened: SessionStore[] = [];
  return {
    name: 'sqlite',
    async store() {
      const store = sqliteStore({ filename });
      opened.push(store);
      return store;
    },
    async dump() {
      for (const store of opened) await store.close?.();
      const dir = dirname(filename);
      return readdirSync(dir).map((file) => readFileSync(join(dir, file)));
    },
    async close() {
      for (const store of opened) await store.close?.();
      files.removeAll();
    },
  };
}

/**
 * Redis on `port`, a fresh prefix. Store objects alternate between node-redis and ioredis, so
 * two instances also prove the two client libraries agree.
 */
export async function redisKit(port: number, options: { readonly commandTimeout?: number } = {}): Promise<StoreKit & { readonly prefix: string }> {
  const prefix = freshPrefix('rel');
  const admin = await connectNodeRedis(port);
  // Replies as raw bytes: a DUMP payload or a binary value must not be decoded as UTF-8.
  const binary = admin.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.SIMPLE_STRING]: Buffer });
  const clients: Array<RedisClientType | Redis> = [];
  const stores: SessionStore[] = [];
  return {
    name: 'redis',
    prefix,
    async store() {
      const client = clients.length % 2 === 0 ? await connectNodeRedis(port) : await connectIoredis(port);
      clients.push(client);
      const store = redisStore({ client, prefix, commandTimeout: options.commandTimeout ?? 5_000, onError: () => undefined });
      stores.push(store);
      return store;
    },
    async dump() {
      const parts: Buffer[] = [];
      let cursor = '0';
      do {
        const [next, keys] = (await admin.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000'])) as [string, string[]];
        cursor = next;
        for (const key of keys) {
          parts.push(Buffer.from(key));
          const dumped = await binary.sendCommand(['DUMP', key]);
          if (dumped !== null) parts.push(...flatten(dumped));
          const type = String(await admin.sendCommand(['TYPE', key]));
          const contents = CONTENTS[type];
          if (contents !== undefined) parts.push(...flatten(await binary.sendCommand([...contents(key)])));
        }
      } while (cursor !== '0');
      return parts;
    },
    async close() {
      for (const store of stores) await store.close?.();
      for (const client of clients) {
        if ('disconnect' in client && typeof client.disconnect === 'function' && !('destroy' in client)) client.disconnect();
        else (client as RedisClientType).destroy();
      }
      await deleteRunKeys(admin, `${prefix}*`).catch(() => undefined);
      admin.destroy();
    },
  };
}

/** How to read a key's whole contents, by its TYPE. */
const CONTENTS: Readonly<Record<string, (key: string) => readonly string[]>> = {
  hash: (key) => ['HGETALL', key],
  zset: (key) => ['ZRANGE', key, '0', '-1', 'WITHSCORES'],
  set: (key) => ['SMEMBERS', key],
  string: (key) => ['GET', key],
  list: (key) => ['LRANGE', key, '0', '-1'],
};

/** Every byte string in a reply (arrays and maps flattened). */
function flatten(reply: unknown): Buffer[] {
  if (Buffer.isBuffer(reply)) return [reply];
  if (typeof reply === 'string' || typeof reply === 'number') return [Buffer.from(String(reply))];
  if (Array.isArray(reply)) return reply.flatMap(flatten);
  if (reply instanceof Map) return [...reply].flatMap(([key, value]) => [...flatten(key), ...flatten(value)]);
  if (typeof reply === 'object' && reply !== null) return Object.entries(reply).flatMap(([key, value]) => [Buffer.from(key), ...flatten(value)]);
  return [];
}

/** PostgreSQL through pools from `makePool`, a fresh schema (migrated once). */
export async function postgresKit(makePool: () => pg.Pool): Promise<StoreKit & { readonly schema: string }> {
  const schema = freshSchema('rel');
  const admin = makePool();
  const pools: pg.Pool[] = [];
  const stores: PostgresStore[] = [];
  await postgresStore({ pool: admin, schema, listen: false }).migrate();
  return {
    name: 'postgres',
    schema,
    async store(options = {}) {
      const pool = makePool();
      pools.push(pool);
      const store = postgresStore({ pool, schema, statementTimeout: options.statementTimeout ?? 5_000 });
      stores.push(store);
      return store;
    },
    async dump() {
      const parts: Buffer[] = [];
      const { rows: tables } = await admin.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
      for (const { name } of tables) {
        const { rows } = await admin.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${name}" AS t`);
        for (const { row } of rows) parts.push(Buffer.from(row));
      }
      return parts;
    },
    async close() {
      for (const store of stores) await store.close();
      for (const pool of pools) await pool.end().catch(() => undefined);
      await dropSchemas(admin, [schema]).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}

/** MySQL or MariaDB through pools of mysql2, a fresh table prefix (migrated once). */
async function mysqlKit(): Promise<StoreKit> {
  const prefix = freshTablePrefix('rel');
  const admin = testMysqlPool();
  const pools: ReturnType<typeof testMysqlPool>[] = [];
  const stores: MysqlStore[] = [];
  await mysqlStore({ pool: admin, prefix }).migrate();
  return {
    name: 'mysql',
    async store(options = {}) {
      const pool = testMysqlPool();
      pools.push(pool);
      const store = mysqlStore({ pool, prefix, statementTimeout: options.statementTimeout ?? 5_000 });
      stores.push(store);
      return store;
    },
    async dump() {
      const parts: Buffer[] = [];
      const [tables] = await admin.query<import('mysql2/promise').RowDataPacket[]>(
        'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?',
        [`${prefix.replaceAll('_', '\\_')}%`],
      );
      for (const { name } of tables) {
        // Every cell as its bytes: binary columns as stored, numbers as their text.
        const [rows] = await admin.query<import('mysql2/promise').RowDataPacket[]>({ sql: `SELECT * FROM \`${String(name)}\``, typeCast: (field) => field.buffer() });
        for (const row of rows) for (const cell of Object.values(row)) if (Buffer.isBuffer(cell)) parts.push(cell);
      }
      return parts;
    },
    async close() {
      for (const store of stores) await store.close();
      for (const pool of pools) await pool.end().catch(() => undefined);
      await dropPrefixes(admin, [prefix]).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}
