import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();
// A token's secret hash, for rows written as an older release would.
const secretHash = createHash('sha256').update('A'.repeat(43)).digest('hex');

describe.skipIf(!up)('postgres migrate() over schema version 5', () => {
  const pool = testPool();
  const created: string[] = [];
  const fresh = (): string => {
    const schema = freshSchema('mig5');
    created.push(schema);
    return schema;
  };

  afterAll(async () => {
    await dropSchemas(pool, created);
    await pool.end();
  });

  // A fixture written for the default schema, run on a scratch one.
  const load = async (schema: string, fixture: string): Promise<void> => {
    const text = (await readFile(new URL(`fixtures/${fixture}`, import.meta.url), 'utf8')).replaceAll('"session_revocation"', `"${schema}"`);
    await pool.query(text);
  };
  // The previous release's sign-in as its create statement calls it: 25 arguments, the last ones
  // the impersonator and the activity entry.
  const signInV5 = async (
    schema: string,
    session: { id: string; userId: string; tenantId?: string; kind?: string; at: number; deviceKey?: string; impersonatorId?: string },
    activity: object | null = null,
  ): Promise<{ replaced: string[] }> => {
    const { rows } = await pool.query<{ replaced_ids: string[] }>(
      `SELECT replaced_ids FROM "${schema}".sessions_create_session($1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint,
        $6::bigint, 3600000::bigint, $7::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text::jsonb,
        NULL::text::boolean, $7::text, NULL::bigint, NULL::integer, NULL::text::boolean, NULL::bigint, 'unused'::text, NULL::integer,
        $8::text, $9::text::jsonb)`,
      [session.id, session.userId, session.tenantId ?? null, session.kind ?? 'browser', secretHash, session.at, session.deviceKey ?? null, session.impersonatorId ?? null, activity === null ? null : JSON.stringify(activity)],
    );
    return { replaced: rows[0]!.replaced_ids };
  };
  const comment = async (schema: string): Promise<string> =>
    (await pool.query<{ comment: string }>(`SELECT obj_description('"${schema}".sessions'::regclass) AS comment`)).rows[0]!.comment;
  const relfilenode = async (schema: string): Promise<string> =>
    (await pool.query<{ node: string }>(`SELECT relfilenode::text AS node FROM pg_class WHERE oid = '"${schema}".sessions'::regclass`)).rows[0]!.node;

  it("adds the admin's session column without rewriting the table: support sessions signed in before read without one", async () => {
    const schema = fresh();
    await load(schema, 'schema-v5.sql');
    const at = Date.now();
    await signInV5(schema, { id: 'NNNNNNNNNNNNNNNNNNNNNN', userId: 'v5-user', kind: 'impersonation', at, impersonatorId: 'admin-5' });
    const before = await relfilenode(schema);
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    expect(await relfilenode(schema)).toBe(before);
    expect(await comment(schema)).toContain('schema version 6');
    const old = (await store.get('NNNNNNNNNNNNNNNNNNNNNN'))!.session;
    expect([old.kind, old.impersonatorId, old.impersonatorSessionId]).toEqual(['impersonation', 'admin-5', undefined]);
    const { session } = await store.create(
      newRecord(store, 'v5-user', { kind: 'impersonation', impersonatorId: 'admin-5', impersonatorSessionId: 'AdminSession0000000005' }),
      { replaceDevice: false },
    );
    expect((await store.get(session.id))!.session.impersonatorSessionId).toBe('AdminSession0000000005');
    // Running it again changes nothing.
    await store.migrate();
    expect(await relfilenode(schema)).toBe(before);
    expect((await store.get(session.id))!.session.impersonatorSessionId).toBe('AdminSession0000000005');
  });

  it("keeps the previous release's sign-in working during a rolling upgrade, with its impersonator and activity", async () => {
    const schema = fresh();
    await load(schema, 'schema-v5.sql');
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const at = Date.now();
    const entry = { id: 'v5-entry', userId: 'rolling-v5', type: 'session.created', at, reason: 'impersonation' };
    await signInV5(schema, { id: 'OOOOOOOOOOOOOOOOOOOOOO', userId: 'rolling-v5', kind: 'impersonation', at, impersonatorId: 'admin-6' }, entry);
    const signedIn = (await store.get('OOOOOOOOOOOOOOOOOOOOOO'))!.session;
    expect(signedIn).toMatchObject({ userId: 'rolling-v5', createdAt: at, impersonatorId: 'admin-6' });
    expect(signedIn.impersonatorSessionId).toBeUndefined();
    expect((await store.listActivity('rolling-v5', { limit: 10 })).map((found) => found.id)).toEqual(['v5-entry']);
  });

  it('adds the device columns to the links table without rewriting it: a link saved by the previous release reads without its device', async () => {
    const schema = fresh();
    await load(schema, 'schema-v5.sql');
    const at = Date.now();
    const links = `"${schema}".sessions_links`;
    // The previous release's save and use of a link, as its statements name the columns.
    const saveV5 = (id: string) =>
      pool.query(`INSERT INTO ${links} (id, secret_hash, user_id, session_id, expires_at) VALUES ($1, decode($2, 'hex'), $3, $4, $5)`, [id, secretHash, 'v5-links', 'S'.repeat(22), at + 60_000]);
    const useV5 = async (id: string) =>
      (await pool.query(`DELETE FROM ${links} AS l WHERE l.id = $1 AND l.expires_at > $2 RETURNING l.id, l.user_id, l.session_id, l.expires_at`, [id, at])).rows;
    await saveV5('LinkSavedByV5LinkSaved');
    const linksFile = async () => (await pool.query<{ node: string }>(`SELECT relfilenode::text AS node FROM pg_class WHERE oid = '${links}'::regclass`)).rows[0]!.node;
    const before = await linksFile();
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    expect(await linksFile()).toBe(before);
    const hash = Buffer.from(secretHash, 'hex');
    const earlier = await store.consumeRevocationLink('LinkSavedByV5LinkSaved', hash, at);
    expect(earlier).toMatchObject({ userId: 'v5-links', sessionId: 'S'.repeat(22) });
    expect([earlier?.deviceKey, earlier?.tenantId]).toEqual([undefined, undefined]);
    // Both releases save and use links on the upgraded table; this one's keep their device.
    const saveV6 = (id: string) =>
      store.saveRevocationLink({ id, secretHash: hash, userId: 'v5-links', sessionId: 'T'.repeat(22), expiresAt: at + 60_000, deviceKey: 'Chrome|Mac OS', tenantId: 'acme' });
    await saveV6('LinkSavedByV6LinkSaved');
    expect(await store.consumeRevocationLink('LinkSavedByV6LinkSaved', hash, at)).toMatchObject({ deviceKey: 'Chrome|Mac OS', tenantId: 'acme' });
    await saveV6('LinkSavedByV6UsedByV5L');
    expect(await useV5('LinkSavedByV6UsedByV5L')).toEqual([expect.objectContaining({ user_id: 'v5-links', session_id: 'T'.repeat(22) })]);
    await saveV5('LinkSavedByV5AfterUpgr');
    expect(await store.consumeRevocationLink('LinkSavedByV5AfterUpgr', hash, at)).toMatchObject({ userId: 'v5-links', deviceKey: undefined });
    // Running it again changes nothing.
    await store.migrate();
    expect(await linksFile()).toBe(before);
  });

  it("installs the current sign-in over a version 5 one that judged every tenant's sessions", async () => {
    const schema = fresh();
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    await load(schema, 'create-function-v5.sql');
    const signIn = (id: string, tenantId: string) => signInV5(schema, { id, userId: 'two-orgs', tenantId, at: Date.now(), deviceKey: 'Chrome|Mac OS' });
    await signIn('PPPPPPPPPPPPPPPPPPPPPP', 'acme');
    // The function as it was: a sign-in to another tenant from the same browser replaced it.
    expect(await signIn('QQQQQQQQQQQQQQQQQQQQQQ', 'globex')).toEqual({ replaced: ['PPPPPPPPPPPPPPPPPPPPPP'] });
    await store.migrate();
    // The same call (an instance of the previous release) now follows the current rules.
    expect(await signIn('RRRRRRRRRRRRRRRRRRRRRR', 'acme')).toEqual({ replaced: [] });
    expect((await store.get('QQQQQQQQQQQQQQQQQQQQQQ'))?.session.revokedAt).toBeUndefined();
    expect(await comment(schema)).toContain('schema version 6');
  });
});
