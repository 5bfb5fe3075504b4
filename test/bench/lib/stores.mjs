// The stores under test, each on a private namespace (Redis key prefix, PostgreSQL schema,
// SQLite temp file) derived from the run id, and removed afterwards. Stores come from the
// built package only, through their public factories.
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST } from './build.mjs';

/** What each store row is called in the table. */
export const STORE_LABELS = {
  memory: 'memory',
  sqlite: 'SQLite (file, WAL)',
  redis: 'Redis (node-redis)',
  ioredis: 'Redis (ioredis)',
  postgres: 'PostgreSQL (pg)',
  mysql: 'MariaDB/MySQL (mysql2)',
};

/** The dist entry each store needs. */
const ENTRY = { memory: 'index', sqlite: 'sqlite', redis: 'redis', ioredis: 'redis', postgres: 'postgres', mysql: 'mysql' };

export function runId() {
  return process.env.BENCH_RUN_ID ?? `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
}

/** Namespace names for one store instance of this run. */
export function namespace(name, id = runId()) {
  const safe = `${id}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return {
    redisPrefix: `srbench-${safe}:`,
    pgSchema: `srbench_${safe}`,
    sqliteFile: join(tmpdir(), `srbench-${safe}.db`),
  };
}

export function redisUrl() {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function pgConfig() {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    database: process.env.PGDATABASE ?? 'test',
  };
}

/** Whether the built package has this store's entry point. */
export function storeBuilt(kind) {
  return existsSync(join(DIST, `${ENTRY[kind]}.js`));
}

/** A connected node-redis client (the settings the adapter's docs recommend). */
export async function nodeRedisClient() {
  const { createClient } = await import('redis');
  const client = createClient({ url: redisUrl(), disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** A connected ioredis client. */
export async function ioredisClient() {
  const { Redis } = await import('ioredis');
  const client = new Redis(redisUrl(), { maxRetriesPerRequest: 1, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, lazyConnect: true });
  client.on('error', () => {});
  await client.connect();
  return client;
}

export function mysqlUrl() {
  return process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
}

export async function mysqlPool(options = {}) {
  const { default: mysql } = await import('mysql2/promise');
  return mysql.createPool({ uri: mysqlUrl(), connectionLimit: 10, ...options });
}

/** Drops the tables of a prefix. */
export async function dropMysqlPrefix(pool, prefix) {
  const [tables] = await pool.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?', [`${prefix.replaceAll('_', '\\_')}%`]);
  for (const { name } of tables) await pool.query(`DROP TABLE IF EXISTS \`${name}\``);
}

export async function pgPool(options = {}) {
  const { default: pg } = await import('pg');
  return new pg.Pool({ ...pgConfig(), ...options });
}

/**
 * Opens a store of `kind` on its own namespace. Returns the store, the raw client or pool for
 * measurements that need it (round trips, direct inserts), and `close()` which also removes
 * the namespace's data.
 */
export async function openStore(kind, name = kind) {
  const names = namespace(name);
  if (kind === 'memory') {
    const { memoryStore } = await import(join(DIST, 'index.js'));
    return { kind, store: memoryStore(), names, close: async () => {} };
  }
  if (kind === 'sqlite') {
    const { sqliteStore } = await import(join(DIST, 'sqlite.js'));
    removeSqlite(names.sqliteFile);
    const store = sqliteStore({ filename: names.sqliteFile });
    return {
      kind,
      store,
      names,
      close: async () => {
        await store.close?.();
        removeSqlite(names.sqliteFile);
      },
    };
  }
  if (kind === 'redis' || kind === 'ioredis') {
    const { redisStore } = await import(join(DIST, 'redis.js'));
    const client = kind === 'redis' ? await nodeRedisClient() : await ioredisClient();
    const store = redisStore({ client, prefix: names.redisPrefix });
    return {
      kind,
      store,
      client,
      names,
      close: async () => {
        await store.close?.();
        await deleteRedisPrefix(names.redisPrefix);
        if (kind === 'redis') await client.close();
        else client.disconnect();
      },
    };
  }
  if (kind === 'postgres') {
    const { postgresStore } = await import(join(DIST, 'postgres.js'));
    const pool = await pgPool();
    const store = postgresStore({ pool, schema: names.pgSchema });
    await store.migrate();
    return {
      kind,
      store,
      pool,
      names,
      close: async () => {
        await store.close?.();
        await pool.query(`DROP SCHEMA IF EXISTS "${names.pgSchema}" CASCADE`);
        await pool.end();
      },
    };
  }
  throw new Error(`Unknown store "${kind}".`);
}

export function removeSqlite(file) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}

/** Deletes every key under `prefix` (SCAN + UNLINK), on a connection of its own. */
export async function deleteRedisPrefix(prefix) {
  const client = await nodeRedisClient();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.sendCommand(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '5000']);
      cursor = String(next);
      if (keys.length > 0) await client.sendCommand(['UNLINK', ...keys]);
    } while (cursor !== '0');
  } finally {
    await client.close();
  }
}

/** Drops every schema of a run (`srbench_<runId>_*`): the parent's last resort after crashes. */
export async function dropRunSchemas(id) {
  const pool = await pgPool({ max: 1 });
  try {
    const { rows } = await pool.query('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`srbench\\_${id.toLowerCase()}\\_%`]);
    for (const { nspname } of rows) await pool.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await pool.end();
  }
}
