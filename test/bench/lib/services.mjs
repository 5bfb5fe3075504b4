// Are Redis, PostgreSQL and MySQL reachable? Rows that need a missing one are reported as not run.
import { mysqlPool, nodeRedisClient, pgPool } from './stores.mjs';

const withTimeout = (promise, ms) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);

export async function probeServices() {
  const services = {};
  try {
    const client = await withTimeout(nodeRedisClient(), 3_000);
    await client.ping();
    await client.close();
    services.redis = true;
  } catch (error) {
    services.redis = `Redis unreachable (${error.message})`;
  }
  try {
    const pool = await pgPool({ max: 1, connectionTimeoutMillis: 3_000 });
    await pool.query('SELECT 1');
    await pool.end();
    services.postgres = true;
  } catch (error) {
    services.postgres = `PostgreSQL unreachable (${error.message})`;
  }
  try {
    const pool = await mysqlPool({ connectionLimit: 1, connectTimeout: 3_000 });
    try {
      await pool.query('SELECT 1');
    } finally {
      await pool.end();
    }
    services.mysql = true;
  } catch (error) {
    services.mysql = `MySQL unreachable (${error.message})`;
  }
  return services;
}

/** `true` when a store can run, else why not. */
export function storeReady(kind, services) {
  if (kind === 'redis' || kind === 'ioredis') return services.redis;
  if (kind === 'postgres') return services.postgres;
  if (kind === 'mysql') return services.mysql;
  return true;
}
