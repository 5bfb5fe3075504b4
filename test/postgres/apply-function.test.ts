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

  it('waits for its locks within one deadline: a batch that waited for one lock and then another past it never commits', async () => {
    // Unnamed statements: the store cancels nothing on the server, as behind a pooler.
    const patient = postgresStore({ pool, schema, listen: false, preparedStatements: false, statementTimeout: 1_000 });
    await patient.apply({ owner: { userId: 'two' }, writes: [{ type: 'insert', session: row('s0', 'two') }] });
    const [first, second] = [await pool.connect(), await pool.connect()];
    try {
      for (const holder of [first, second]) await holder.query('BEGIN');
      await first.query(`SELECT * FROM "${schema}".sessions_owners WHERE owner = 'two' FOR UPDATE`);
      await second.query(`SELECT * FROM "${schema}".sessions WHERE id = 's0' FOR UPDATE`);
      const revoke = patient.apply({ owner: { userId: 'two' }, writes: [{ type: 'revoke', sessionId: 's0', at: 5, reason: 'x' }] }).catch((error: unknown) => error);
      // Once the batch has waited a third of its time for the first lock, that lock goes: it waits for the second until the server gives it up, before the caller does.
      const waiting = async () =>
        (await pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%"${schema}"%' AND clock_timestamp() - query_start > interval '330 milliseconds'`)).rowCount === 1;
      await timeUntil(waiting, 5_000);
      await first.query('ROLLBACK');
      expect(await revoke).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await first.query('ROLLBACK');
      await second.query('ROLLBACK');
      first.release();
      second.release();
    }
    await timeUntil(async () => !(await pool.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%"${schema}"%' AND state = 'active' AND pid <> pg_backend_pid()`)).rowCount, 5_000);
    const state = await store.readUser('two');
    expect([state.version, state.sessions[0]?.revokedAt]).toEqual([1, undefined]);
  });

  it('an answer other than 1 or 0 is STORE_ERROR, never read as a version that moved', async () => {
    const other = freshSchema('fn');
    const odd = postgresStore({ pool, schema: other, listen: false });
    await odd.migrate();
    try {
      await pool.query(`CREATE OR REPLACE FUNCTION "${other}"."sessions_apply"(a_scope text, a_owner text, a_version bigint, a_steps text, a_channel text, a_notice text, a_wait bigint) RETURNS integer LANGUAGE sql AS 'SELECT 2'`);
      await expect(odd.apply({ owner: { userId: 'u' }, writes: [] })).rejects.toMatchObject({ code: 'STORE_ERROR' });
    } finally {
      await odd.close();
      await dropSchemas(pool, [other]);
    }
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
