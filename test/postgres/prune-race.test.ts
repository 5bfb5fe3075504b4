import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres prune racing a write that renews an expired key', () => {
  const pool = testPool({ max: 6 });
  const schema = freshSchema('prace');
  afterAll(async () => {
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  // Until `count` statements of this database wait for a row lock (bounded: about 10 s).
  async function lockWaiters(count: number): Promise<void> {
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (rows[0].n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`fewer than ${count} statements ever waited for a lock`);
  }

  it('a key renewed at its version while prune waits for its row stays, renewed', async () => {
    const store = postgresStore({ pool, schema, listen: false, statementTimeout: 10_000 });
    await store.migrate();
    const now = Date.now();
    const key = 'fed:index-key';
    expect(await store.apply({ owner: { key }, version: 0, writes: [{ type: 'putKey', key, value: '[]', expiresAt: now - 10_000 }] })).toBe(true);
    // Another transaction holds the row: the renewal queues for it, then prune behind the renewal.
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "${schema}"."sessions_keys" WHERE id = $1 FOR UPDATE`, [key]);
      const renewal = store.apply({ owner: { key }, version: 1, writes: [{ type: 'putKey', key, value: '[["alice",1]]', expiresAt: now + 3_600_000 }] });
      await lockWaiters(1);
      const pruning = store.prune({ now, limit: 100 });
      await lockWaiters(2);
      await holder.query('COMMIT');
      expect(await renewal).toBe(true);
      await pruning;
    } finally {
      holder.release();
    }
    expect(await store.readKey(key)).toEqual({ version: 2, value: '[["alice",1]]', expiresAt: now + 3_600_000 });
    await store.close();
  });
});
