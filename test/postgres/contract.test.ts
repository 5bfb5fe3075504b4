import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { describeSqlContract, row } from '../support/sql-contract.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres store: the raw contract', () => {
  const pool = testPool({ max: 6 });
  const sql = testPostgresJs(undefined, { max: 6 });
  const created: string[] = [];
  afterAll(async () => {
    await dropSchemas(pool, created);
    await pool.end();
    await sql.end();
  });
  const open = (client: typeof pool | typeof sql) => async () => {
    const schema = freshSchema('raw');
    created.push(schema);
    const store = postgresStore({ pool: client, schema });
    await store.migrate();
    return store;
  };
  describe('on pg', () => describeSqlContract(open(pool)));
  describe('on postgres.js', () => describeSqlContract(open(sql)));

  // A batch is one call of the apply function: a write the database refuses takes the check and the writes before it back.
  it.each([['pg', pool] as const, ['postgres.js', sql] as const])('%s: a batch failing at its third write leaves nothing of it', async (_, client) => {
    const store = await open(client)();
    const user = { userId: 'u' };
    expect(await store.apply({ owner: user, version: 0, writes: [{ type: 'insert', session: row('s0', 'u') }, { type: 'epochs', epochs: { browser: 1 } }] })).toBe(true);
    const before = await store.readUser('u');
    const broken = row('s1', 'u', { expiresAt: Number.NaN });
    const failing = store.apply({ owner: user, version: 1, writes: [{ type: 'revoke', sessionId: 's0', at: 5, reason: 'x' }, { type: 'epochs', epochs: { browser: 5 } }, { type: 'insert', session: broken }] });
    await expect(failing).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(await store.readUser('u')).toEqual(before);
    expect(before.version).toBe(1);
    await store.close();
  });
});
