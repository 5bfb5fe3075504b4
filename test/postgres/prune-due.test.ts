import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import type { PruneOptions } from '../../src/store-writes.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const up = await postgresUp();

// The deadline decides what a call starts, not the machine's speed: a call whose time is already half gone deletes its session
// batch and starts no other table's batch; a call with no deadline (storeTimeout 0) works through the whole backlog.
describe.skipIf(!up)('postgres store: prune and its deadline (PruneOptions.due)', () => {
  const pool = testPool();
  const schema = freshSchema('prunedue2');
  afterAll(async () => {
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  it('starts no backlog batch past half its deadline, and every batch without one; the manager hands its deadline down', async () => {
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const seen: Array<PruneOptions['due']> = [];
    const spy = { ...store, prune: (options: PruneOptions) => (seen.push(options.due), store.prune(options)) };
    const sessions = createSessionManager({ store: spy, pruneBatchSize: 5 });
    const unbounded = createSessionManager({ store: spy, pruneBatchSize: 5, storeTimeout: 0 });
    try {
      for (let i = 0; i < 3; i++) await sessions.create({ userId: `u${i}`, userAgent: CHROME });
      await pool.query(`UPDATE "${schema}"."sessions" SET expires_at = 1`);
      await pool.query(`INSERT INTO "${schema}"."sessions_activity" (id, user_id, tenant_id, at, entry) SELECT 'a' || g, 'u', NULL, 1, '{}' FROM generate_series(1, 100) g`);
      const count = async (table: string, where: string) => (await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE ${where}`)).rows[0].n as number;
      // Already due: the session batch goes, no backlog batch starts.
      expect(await store.prune({ now: Date.now(), limit: 5, activityBefore: 10, due: performance.now() })).toBe(3);
      expect(await count('sessions_activity', 'at = 1')).toBe(100);
      await unbounded.prune();
      expect({ dues: [...new Set(seen)], left: await count('sessions_activity', 'at = 1') }).toEqual({ dues: [undefined], left: 0 });
      await sessions.prune();
      expect(typeof seen.at(-1)).toBe('number');
    } finally {
      await sessions.close();
      await unbounded.close();
    }
  });
});
