import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresSchemaSql, postgresStore } from '../../adapters/postgres/index.js';
import { isSessionError } from '../../src/errors.js';
import { createSessionManager } from '../../src/index.js';
import { tableNames } from '../../adapters/postgres/identifiers.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';
import { queries as queriesV3 } from './fixtures/queries-v3.js';

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
      'sessions_expires_at_idx',
      'sessions_federated',
      'sessions_federated_expires_idx',
      'sessions_federated_pkey',
      'sessions_federated_sid_idx',
      'sessions_federated_sub_idx',
      'sessions_federated_user_idx',
      'sessions_links',
      'sessions_links_expires_idx',
      'sessions_links_pkey',
      'sessions_links_user_idx',
      'sessions_logout_tokens',
      'sessions_logout_tokens_pkey',
      'sessions_logout_tokens_until_idx',
      'sessions_pkey',
      'sessions_tenant_epochs',
      'sessions_tenant_epochs_pkey',
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
    expect(await tablesOf(schema)).toHaveLength(32);
  });

  it('upgrades tables made by schema version 1 (before the sign-in function), keeping their rows', async () => {
    const schema = fresh();
    const v1 = (await readFile(new URL('fixtures/schema-v1.sql', import.meta.url), 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(v1);
    const store = postgresStore({ pool, schema, listen: false });
    // "Sign out everywhere" as the version 1 release wrote it.
    await pool.query(`INSERT INTO "${schema}".sessions_epochs (user_id, kind, epoch, high_water) VALUES ('old-user', 'browser', 1000, 0)`);
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
    expect(rows[0]!.comment).toContain('schema version 6');
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
    expect(rows[0]!.comment).toContain('schema version 6');
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

  // The previous release's sign-in function: 23 arguments, the last ones the cap, the channel
  // and the lock timeout.
  const signInV3 = (schema: string, id: string, userId: string, tenantId: string | null, createdAt: number): Promise<unknown> =>
    pool.query(
      `SELECT * FROM "${schema}".sessions_create_session($1, $2, $3, 'browser', $4, $5, $5, 3600000, NULL, NULL, NULL, NULL,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'unused', NULL)`,
      [id, userId, tenantId, secret.hash, createdAt],
    );
  const loadV3 = async (schema: string): Promise<void> => {
    const v3 = (await readFile(new URL('fixtures/schema-v3.sql', import.meta.url), 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(v3);
  };
  const relfilenode = async (schema: string): Promise<string> =>
    (await pool.query<{ node: string }>(`SELECT relfilenode::text AS node FROM pg_class WHERE oid = '"${schema}".sessions'::regclass`)).rows[0]!.node;

  it('upgrades tables made by schema version 3 without rewriting them, keeping their sessions valid', async () => {
    const schema = fresh();
    await loadV3(schema);
    const createdAt = Date.now();
    await signInV3(schema, 'GGGGGGGGGGGGGGGGGGGGGG', 'v3-user', 'acme', createdAt);
    const before = await relfilenode(schema);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    // The same table file: the new column was added without touching a row.
    expect(await relfilenode(schema)).toBe(before);
    const found = await store.get('GGGGGGGGGGGGGGGGGGGGGG');
    expect(found?.session).toMatchObject({ userId: 'v3-user', tenantId: 'acme', createdAt, authenticatedAt: createdAt });
    expect(found?.session.impersonatorId).toBeUndefined();
    expect(found?.tenantEpochs).toEqual({});
    const sessions = createSessionManager({ store });
    expect((await sessions.validate(`GGGGGGGGGGGGGGGGGGGGGG.${secret.text}`)).ok).toBe(true);
    // The tenant's high-water mark starts at the upgrade: a tenant revocation covers the
    // sessions signed in before it by the epoch it writes.
    await store.revokeTenant('acme', { kinds: ['browser'], at: createdAt });
    expect((await store.get('GGGGGGGGGGGGGGGGGGGGGG'))?.tenantEpochs).toEqual({ browser: createdAt });
    const { rows } = await pool.query<{ comment: string }>(`SELECT obj_description('"${schema}".sessions_activity'::regclass) AS comment`);
    expect(rows[0]!.comment).toContain('schema version 6');
  });

  it('keeps the previous release\'s sign-in working during a rolling upgrade, after the tenant\'s epoch and under its mark', async () => {
    const schema = fresh();
    await loadV3(schema);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const now = Date.now();
    // A server of the new release revoked the tenant with a clock a minute ahead...
    await store.revokeTenant('acme', { kinds: ['browser'], at: now + 60_000 });
    // ...an old one signs in right after: its session starts after the tenant's epoch.
    await signInV3(schema, 'HHHHHHHHHHHHHHHHHHHHHH', 'old-server-user', 'acme', now);
    const signedIn = await store.get('HHHHHHHHHHHHHHHHHHHHHH');
    expect(signedIn?.session.createdAt).toBe(now + 60_001);
    expect(signedIn?.session.createdAt).toBeGreaterThan(signedIn?.tenantEpochs?.['browser'] ?? Infinity);
    // An old server whose clock runs ahead raises the tenant's mark, so the next tenant
    // revocation, from a server behind it, still covers its session.
    await signInV3(schema, 'IIIIIIIIIIIIIIIIIIIIII', 'old-server-user', 'acme', now + 120_000);
    const epochs = await store.revokeTenant('acme', { kinds: ['browser'], at: now });
    expect(epochs['browser']).toBeGreaterThanOrEqual(now + 120_000);
    const late = await store.get('IIIIIIIIIIIIIIIIIIIIII');
    expect(late!.session.createdAt).toBeLessThanOrEqual(late!.tenantEpochs!['browser']!);
    // Sessions without a tenant sign in as before.
    await signInV3(schema, 'JJJJJJJJJJJJJJJJJJJJJJ', 'old-server-user', null, now);
    expect((await store.get('JJJJJJJJJJJJJJJJJJJJJJ'))?.session).toMatchObject({ createdAt: now, tenantId: undefined });
  });

  it('answers every statement of the previous release on upgraded tables, beside the new release', async () => {
    const schema = fresh();
    await loadV3(schema);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const old = queriesV3(tableNames(schema, 'sessions'));
    const channel = `${schema}.sessions`;
    const run = async (statement: { readonly text: string; readonly name?: string }, values: unknown[]): Promise<Record<string, unknown>[]> =>
      (await pool.query<Record<string, unknown>>({ text: statement.text, name: statement.name, values })).rows;
    const now = Date.now();
    // An old instance signs a user in twice, a new one once, on the same tables.
    const oldSignIn = (id: string, at: number): Promise<Record<string, unknown>[]> =>
      run(old.create, [id, 'mixed-user', 'acme', 'browser', secret.hash, at, at, 3_600_000, null, null, null, null, null, null, null, null, null, null, null, null, null, channel, 2_000]);
    await oldSignIn('KKKKKKKKKKKKKKKKKKKKKK', now);
    await oldSignIn('LLLLLLLLLLLLLLLLLLLLLL', now + 1);
    const { session: latest } = await store.create(
      { id: 'MMMMMMMMMMMMMMMMMMMMMM', userId: 'mixed-user', tenantId: 'acme', kind: 'browser', secretHash: new Uint8Array(32), createdAt: now + 2, authenticatedAt: now + 2, maxAge: 3_600_000, impersonatorId: 'agent' },
      { replaceDevice: false, activity: { id: 'x1', userId: 'mixed-user', tenantId: 'acme', type: 'session.created', at: now + 2, reason: 'sign_in' } },
    );
    // The old instance reads every row, the new one's included, as it always did.
    expect((await run(old.get, [latest.id]))[0]).toMatchObject({ id: latest.id, user_id: 'mixed-user', tenant_id: 'acme' });
    expect(await run(old.list, ['mixed-user'])).toHaveLength(3);
    expect(await run(old.touch, ['KKKKKKKKKKKKKKKKKKKKKK', now + 10])).toEqual([]);
    expect(await run(old.reauthenticate, ['KKKKKKKKKKKKKKKKKKKKKK', now + 10])).toEqual([]);
    expect(await run(old.revoke, ['KKKKKKKKKKKKKKKKKKKKKK', now + 20, 'sign_out', now + 60_000, channel])).toHaveLength(1);
    expect(await run(old.revokeOthers, ['mixed-user', ['browser'], now + 30, 'revoked', latest.id, now + 60_000, channel])).toEqual([
      expect.objectContaining({ id: 'LLLLLLLLLLLLLLLLLLLLLL' }),
    ]);
    expect((await run(old.revocationState, ['mixed-user']))[0]!['denied']).toBeTruthy();
    // The new one sees what the old one did.
    expect((await store.get('KKKKKKKKKKKKKKKKKKKKKK'))?.session).toMatchObject({ revokedReason: 'sign_out', lastUsedAt: now + 10 });
    expect((await store.get(latest.id))?.session).toMatchObject({ impersonatorId: 'agent' });
    await run(old.revokeAll, ['mixed-user', ['browser'], now + 40, channel]);
    expect((await store.getRevocationState('mixed-user')).epochs).toEqual({ browser: now + 40 });
    // The old prune and erase work on the tables they know; the new erase takes the rest.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      expect((await client.query({ text: old.prune.text, values: [now + 10 * 3_600_000, 100] })).rows[0]).toMatchObject({ deleted: '3' });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await run(old.eraseUser, ['mixed-user']))[0]).toMatchObject({ deleted: '3' });
    expect(await store.listActivity('mixed-user', { limit: 10 })).toHaveLength(1);
    await store.eraseUser('mixed-user');
    expect(await store.listActivity('mixed-user', { limit: 10 })).toEqual([]);
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
