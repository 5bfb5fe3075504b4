import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { isSessionError } from '../../src/errors.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();
const schemaFile = new URL('../../adapters/postgres/schema.sql', import.meta.url);

describe.skipIf(!up)('postgres migrate()', () => {
  const pool = testPool();
  const created: string[] = [];
  const fresh = (): string => {
    const schema = freshSchema('mig');
    created.push(schema);
    return schema;
  };

  afterAll(async () => {
    await dropSchemas(pool, created);
    await pool.end();
  });

  const tablesOf = async (schema: string): Promise<string[]> => {
    const { rows } = await pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'i') ORDER BY 1`,
      [schema],
    );
    return rows.map((row) => row.name);
  };

  it('creates the schema, tables and indexes, and running it again changes nothing', async () => {
    const schema = fresh();
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const first = await tablesOf(schema);
    expect(first).toEqual([
      'sessions',
      'sessions_activity',
      'sessions_activity_at_idx',
      'sessions_activity_pkey',
      'sessions_activity_tenant_idx',
      'sessions_activity_user_idx',
      'sessions_denied',
      'sessions_denied_pkey',
      'sessions_denied_until_idx',
      'sessions_devices',
      'sessions_devices_pkey',
      'sessions_devices_seen_idx',
      'sessions_epochs',
      'sessions_epochs_pkey',
      'sessions_expires_idx',
      'sessions_high_water',
      'sessions_high_water_pkey',
      'sessions_keys',
      'sessions_keys_expires_idx',
      'sessions_keys_pkey',
      'sessions_keys_user_idx',
      'sessions_owners',
      'sessions_owners_pkey',
      'sessions_pkey',
      'sessions_user_idx',
    ]);
    // Version 1, and one function: the batch applier.
    const { rows } = await pool.query<{ comment: string; functions: string[] }>(
      `SELECT obj_description(to_regclass($1), 'pg_class') AS comment,
              (SELECT array_agg(p.proname::text) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $2) AS functions`,
      [`"${schema}".sessions`, schema],
    );
    expect(rows[0]).toEqual({ comment: 'session-revocation sessions (schema version 1)', functions: ['sessions_apply'] });
    const user = 'u1';
    await storeOperations(store).revokeAll(user, { kinds: ['browser'], at: 1_000 });
    await store.migrate();
    expect(await tablesOf(schema)).toEqual(first);
    expect((await storeOperations(store).getRevocationState(user)).epochs).toEqual({ browser: 1_000 });
  });

  it('is safe from three instances at once', async () => {
    const schema = fresh();
    const stores = [1, 2, 3].map(() => postgresStore({ pool, schema, listen: false }));
    await Promise.all(stores.map((store) => store.migrate()));
    await Promise.all(stores.map((store) => store.migrate()));
    expect(await tablesOf(schema)).toContain('sessions_user_idx');
  });

  it('runs the shipped schema.sql the same way as migrate()', async () => {
    // schema.sql names the default schema; run it on a copy renamed to a scratch schema.
    const schema = fresh();
    const text = (await readFile(schemaFile, 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(text);
    await pool.query(text);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    expect(await tablesOf(schema)).toHaveLength(25);
  });

  it('runs again without locking readers out of the sessions table', async () => {
    const schema = fresh();
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    // A reader holding the table (as every validation briefly does) must not make migrate() wait.
    const reader = await pool.connect();
    try {
      await reader.query(`BEGIN; SELECT count(*) FROM "${schema}".sessions`);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        store.migrate().then(() => 'migrated'),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('waited for the reader'), 5_000);
        }),
      ]);
      clearTimeout(timer);
      expect(outcome).toBe('migrated');
    } finally {
      await reader.query('COMMIT');
      reader.release();
    }
  });

  it('honours a custom table name', async () => {
    const schema = fresh();
    const store = postgresStore({ pool, schema, table: 'logins', listen: false });
    await store.migrate();
    expect(await tablesOf(schema)).toContain('logins_epochs');
    const { session } = await storeOperations(store).create(
      { id: 'AAAAAAAAAAAAAAAAAAAAAA', userId: 'u', kind: 'browser', secretHash: new Uint8Array(32), createdAt: 5, authenticatedAt: 5, maxAge: 10 },
      { replaceDevice: false },
    );
    expect((await store.get(session.id))?.session.expiresAt).toBe(15);
  });

  it('refuses tables of a newer schema version, and leaves them as they are', async () => {
    const schema = fresh();
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const later = 'session-revocation sessions (schema version 2)';
    await pool.query(`COMMENT ON TABLE "${schema}".sessions IS '${later}'`);
    await expect(store.migrate()).rejects.toMatchObject({
      code: 'STORE_ERROR',
      message: expect.stringContaining('schema version 2, newer than this version of session-revocation reads (1): upgrade session-revocation'),
    });
    const { rows } = await pool.query<{ comment: string }>(`SELECT obj_description(to_regclass($1), 'pg_class') AS comment`, [`"${schema}".sessions`]);
    expect(rows[0]!.comment).toBe(later);
  });

  it('fails with STORE_ERROR and rolls back when a table of that name has another shape', async () => {
    const schema = fresh();
    await pool.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".sessions (sid text PRIMARY KEY, sess json)`);
    const error: unknown = await postgresStore({ pool, schema, listen: false })
      .migrate()
      .catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('STORE_ERROR');
    expect(await tablesOf(schema)).toEqual(['sessions', 'sessions_pkey']);
  });
});
