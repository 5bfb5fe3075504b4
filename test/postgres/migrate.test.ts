import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresSchemaSql, postgresStore } from '../../adapters/postgres/index.js';
import { isSessionError } from '../../src/errors.js';
import { createSessionManager } from '../../src/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();
// A token's secret and its stored hash, for rows written by hand as an older release would.
const secret = { text: 'A'.repeat(43), hash: createHash('sha256').update('A'.repeat(43)).digest('hex') };
const schemaFile = new URL('../../adapters/postgres/schema.sql', import.meta.url);

describe('postgres schema.sql', () => {
  // The shipped file is the script migrate() runs for the default names. After changing the
  // schema, regenerate it with `npx vitest run test/postgres/migrate.test.ts -u`.
  it('is exactly what migrate() runs for the default schema and table', async () => {
    await expect(postgresSchemaSql()).toMatchFileSnapshot(schemaFile.pathname);
    expect(await readFile(schemaFile, 'utf8')).toBe(postgresSchemaSql({ schema: 'session_revocation', table: 'sessions' }));
  });

  it('writes other names into every statement', () => {
    const sql = postgresSchemaSql({ schema: 'auth', table: 'logins' });
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "auth"."logins" (');
    expect(sql).toContain('"auth"."logins_epochs"');
    expect(sql).toContain('"auth"."logins_denied"');
    expect(sql).not.toContain('session_revocation"');
  });

  it('refuses names that are not plain lower-case identifiers', () => {
    for (const schema of ['Auth', 'a-b', 'x"; DROP TABLE users; --', '1abc', '', 'pg_catalog', 'a'.repeat(64)]) {
      expect(() => postgresSchemaSql({ schema })).toThrowError(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    }
    expect(() => postgresSchemaSql({ table: 't'.repeat(41) })).toThrowError(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    expect(() => postgresSchemaSql({ schema: 's'.repeat(40), table: 't'.repeat(30) })).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONFIGURATION' }),
    );
  });
});

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
      'sessions_denied',
      'sessions_denied_pkey',
      'sessions_denied_until_idx',
      'sessions_epochs',
      'sessions_epochs_pkey',
      'sessions_expires_at_idx',
      'sessions_pkey',
      'sessions_user_kind_idx',
    ]);
    const user = 'u1';
    await store.revokeAll(user, { kinds: ['browser'], at: 1_000 });
    await store.migrate();
    expect(await tablesOf(schema)).toEqual(first);
    expect((await store.getRevocationState(user)).epochs).toEqual({ browser: 1_000 });
  });

  it('is safe from three instances at once', async () => {
    const schema = fresh();
    const stores = [1, 2, 3].map(() => postgresStore({ pool, schema, listen: false }));
    await Promise.all(stores.map((store) => store.migrate()));
    await Promise.all(stores.map((store) => store.migrate()));
    expect(await tablesOf(schema)).toContain('sessions_user_kind_idx');
  });

  it('runs the shipped schema.sql the same way as migrate()', async () => {
    // schema.sql names the default schema; run it on a copy renamed to a scratch schema.
    const schema = fresh();
    const text = (await readFile(schemaFile, 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(text);
    await pool.query(text);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    expect(await tablesOf(schema)).toHaveLength(9);
  });

  it('upgrades tables made by schema version 1 (before the sign-in function), keeping their rows', async () => {
    const schema = fresh();
    const v1 = (await readFile(new URL('fixtures/schema-v1.sql', import.meta.url), 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(v1);
    const store = postgresStore({ pool, schema, listen: false });
    await store.revokeAll('old-user', { kinds: ['browser'], at: 1_000 });
    const record = { id: 'BBBBBBBBBBBBBBBBBBBBBB', userId: 'old-user', kind: 'browser', secretHash: new Uint8Array(32), createdAt: 500, authenticatedAt: 500, maxAge: 10_000 };
    // Before the upgrade, sign-in fails and says what to do.
    const error: unknown = await store.create(record, { replaceDevice: false }).catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('STORE_ERROR');
    expect((error as Error).message).toContain('run store.migrate()');
    await store.migrate();
    const { session } = await store.create(record, { replaceDevice: false });
    // The epoch written before the upgrade still holds: the session starts after it.
    expect(session.createdAt).toBe(1_001);
    expect((await store.getRevocationState('old-user')).epochs).toEqual({ browser: 1_000 });
    const { rows } = await pool.query<{ comment: string }>(`SELECT obj_description('"${schema}".sessions'::regclass) AS comment`);
    expect(rows[0]!.comment).toContain('schema version 3');
  });

  it('upgrades tables made by schema version 2, keeping their sessions valid', async () => {
    const schema = fresh();
    const v2 = (await readFile(new URL('fixtures/schema-v2.sql', import.meta.url), 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(v2);
    // A session signed in by the previous release, through its own sign-in function.
    const createdAt = Date.now();
    await pool.query(
      `SELECT * FROM "${schema}".sessions_create_session('CCCCCCCCCCCCCCCCCCCCCC', 'v2-user', NULL, 'browser', $1, $2, 3600000,
        'Chrome|Mac OS', 'Chrome', 'Mac OS', 'desktop', NULL, NULL, NULL, NULL, NULL, 'unused', NULL)`,
      [secret.hash, createdAt],
    );
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const found = await store.get('CCCCCCCCCCCCCCCCCCCCCC');
    expect(found?.session).toMatchObject({ userId: 'v2-user', createdAt, authenticatedAt: createdAt, lastUsedAt: createdAt, deviceKey: 'Chrome|Mac OS' });
    expect(found?.session.persistent).toBeUndefined();
    // The manager takes it for the live session it was.
    const sessions = createSessionManager({ store });
    const validated = await sessions.validate(`CCCCCCCCCCCCCCCCCCCCCC.${secret.text}`);
    expect(validated.ok && validated.session.authenticatedAt).toBe(createdAt);
    expect(await store.reauthenticate('CCCCCCCCCCCCCCCCCCCCCC', createdAt + 5_000)).toBe(true);
    expect((await store.get('CCCCCCCCCCCCCCCCCCCCCC'))?.session.authenticatedAt).toBe(createdAt + 5_000);
    // New sign-ins count it under the cap.
    const record = { id: 'DDDDDDDDDDDDDDDDDDDDDD', userId: 'v2-user', kind: 'browser', secretHash: new Uint8Array(32), createdAt, authenticatedAt: createdAt, maxAge: 3_600_000 };
    const refused: unknown = await store.create(record, { replaceDevice: false, limit: { max: 1, onLimit: 'refuse', idleBefore: 0 } }).catch((caught: unknown) => caught);
    expect(isSessionError(refused) && refused.code).toBe('SESSION_LIMIT');
    const { rows } = await pool.query<{ comment: string }>(`SELECT obj_description('"${schema}".sessions'::regclass) AS comment`);
    expect(rows[0]!.comment).toContain('schema version 3');
  });

  it('leaves the previous release\'s sign-in function working, for a rolling upgrade', async () => {
    const schema = fresh();
    const v2 = (await readFile(new URL('fixtures/schema-v2.sql', import.meta.url), 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(v2);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const createdAt = Date.now();
    await pool.query(
      `SELECT * FROM "${schema}".sessions_create_session('EEEEEEEEEEEEEEEEEEEEEE', 'rolling-user', NULL, 'browser', $1, $2, 3600000,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'unused', NULL)`,
      [secret.hash, createdAt],
    );
    expect((await store.get('EEEEEEEEEEEEEEEEEEEEEE'))?.session).toMatchObject({ userId: 'rolling-user', createdAt, authenticatedAt: createdAt });
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
    const { session } = await store.create(
      { id: 'AAAAAAAAAAAAAAAAAAAAAA', userId: 'u', kind: 'browser', secretHash: new Uint8Array(32), createdAt: 5, authenticatedAt: 5, maxAge: 10 },
      { replaceDevice: false },
    );
    expect((await store.get(session.id))?.session.expiresAt).toBe(15);
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
