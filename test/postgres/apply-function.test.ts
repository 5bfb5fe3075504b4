import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { dropSchemas, freshSchema, POSTGRES_URL, postgresUp, testPool } from '../support/postgres-database.js';
import { timeUntil } from '../support/postgres-listening.js';
import { row } from '../support/sql-contract.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres store: the apply function', () => {
  const pool = testPool({ max: 4 });
  const schema = freshSchema('fn');
  const fn = `"${schema}"."sessions_apply"`;
  let store: PostgresStore;

  beforeAll(async () => {
    store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  const call = (owner: string, steps: unknown[], waitMs = 2_000) => pool.query(`SELECT ${fn}('u', $1, NULL, $2, NULL, NULL, $3) AS applied`, [owner, JSON.stringify(steps), waitMs]);
  const version = async (owner: string) => (await store.readUser(owner)).version;

  it('refuses a step it does not know, and applies nothing of the batch', async () => {
    await expect(call('unknown', [['epoch', 'u', 'unknown', 'browser', '5'], ['dropTable', 'x']])).rejects.toMatchObject({ code: '20000' });
    expect(await store.readUser('unknown')).toMatchObject({ version: 0, epochs: {} });
  });

  it('ends a batch still running at its deadline as a statement timeout (57014), with nothing applied', async () => {
    // Two thousand rows take far longer than a millisecond to write.
    const steps = Array.from({ length: 2_000 }, (_, i) => ['device', 'slow', `d${i}`, '1']);
    await expect(call('slow', steps, 1)).rejects.toMatchObject({ code: '57014' });
    expect(await store.readUser('slow')).toMatchObject({ version: 0, devices: {} });
    expect((await call('slow', steps)).rows).toEqual([{ applied: 1 }]);
    expect(Object.keys((await store.readUser('slow')).devices)).toHaveLength(2_000);
  });

  it('notifies only for a batch it applied', async () => {
    const listener = new pg.Client({ connectionString: POSTGRES_URL });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', ({ payload }) => heard.push(payload ?? ''));
      await listener.query(`LISTEN "${schema}.sessions"`);
      const notifying = postgresStore({ pool, schema, listen: false });
      await notifying.apply({ owner: { userId: 'refused' }, writes: [{ type: 'insert', session: row('s1', 'refused') }] });
      expect(await notifying.apply({ owner: { userId: 'refused' }, version: 0, writes: [], notify: true })).toBe(false);
      expect(await notifying.apply({ owner: { userId: 'applied' }, version: 0, writes: [], notify: true })).toBe(true);
      // Notices arrive in commit order: one for the refused batch would come first.
      await timeUntil(async () => heard.length > 0, 5_000);
      expect(heard).toEqual(['u:applied']);
      expect(await version('refused')).toBe(1);
    } finally {
      await listener.end();
    }
  });
});
