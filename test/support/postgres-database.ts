import pg from 'pg';
import postgres from 'postgres';
import { requireService } from './services.js';

/** Where the adapter tests find PostgreSQL: trust auth on 127.0.0.1, database `test`. */
export const POSTGRES_URL = process.env['POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers; skips the suite on a laptop without it, fails under CI=true. */
export const postgresUp = (): Promise<boolean> => requireService('PostgreSQL', 5432);

/** A pool on the test database. */
export function testPool(options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 10, ...options });
  // An idle client dropped by the server (a test terminating backends) must not crash the run.
  pool.on('error', () => undefined);
  return pool;
}

let schemas = 0;

/** A schema name unique to this process and call, short enough for the channel-name limit. */
export function freshSchema(label = 't'): string {
  schemas += 1;
  return `sr_${label}_${process.pid}_${Date.now().toString(36)}_${schemas}`;
}

/** Drops the schemas a test file created. */
export async function dropSchemas(pool: pg.Pool, names: Iterable<string>): Promise<void> {
  for (const name of names) await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
}

/** A postgres.js client on the test database (or `url`), quiet about server notices. */
export function testPostgresJs(url = POSTGRES_URL, options: postgres.Options<Record<string, postgres.PostgresType>> = {}): postgres.Sql {
  return postgres(url, { max: 10, onnotice: () => undefined, ...options });
}
