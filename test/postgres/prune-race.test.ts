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

  // Until `count` backends wait behind `holder`, directly or behind one that does (bounded: about 10 s); other tests' waits do not count.
  async function waitingBehind(holder: number, count: number): Promise<void> {
    for (let attempt = 0; attempt < 1_000; attempt++) {
      const { rows } = await pool.query<{ pid: number; blockers: number[] }>('SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity WHERE datname = current_database()');
      const behind = new Set([holder]);
      for (let grown = true; grown; ) {
        grown = false;
        for (const { pid, blockers } of rows) if (!behind.has(pid) && blockers.some((blocker) => behind.has(blocker))) grown = Boolean(behind.add(pid));
      }
      if (behind.size - 1 >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`fewer than ${count} statements ever waited behind the holder`);
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
      const holderPid: number = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await holder.query(`SELECT 1 FROM "${schema}"."sessions_keys" WHERE id = $1 FOR UPDATE`, [key]);
      const renewal = store.apply({ owner: { key }, version: 1, writes: [{ type: 'putKey', key, value: '[["alice",1]]', expiresAt: now + 3_600_000 }] });
      await waitingBehind(holderPid, 1);
      const pruning = store.prune({ now, limit: 100 });
      await waitingBehind(holderPid, 2);
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
