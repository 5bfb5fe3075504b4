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
