import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { createSessionManager } from '../../src/index.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const up = await postgresUp();

// A healthy PostgreSQL with an activity backlog: each store.prune() call works through it, but starts no round it could not
// finish within the manager's deadline (storeTimeout), so the call neither fails nor stops the sessions' batches.
describe.skipIf(!up)('postgres store: prune with a backlog of activity entries', () => {
  const pool = testPool();
  const schema = freshSchema('prunedue');
  afterAll(async () => {
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  it('prune() stays within its deadline, deletes every expired session, and goes on with the backlog at the next run', async () => {
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const sessions = createSessionManager({ store, pruneBatchSize: 5, storeTimeout: 500, onError: () => undefined });
    try {
      for (let i = 0; i < 20; i++) await sessions.create({ userId: `u${i}`, userAgent: CHROME });
      await pool.query(`UPDATE "${schema}"."sessions" SET expires_at = 1`);
      await pool.query(`INSERT INTO "${schema}"."sessions_activity" (id, user_id, tenant_id, at, entry) SELECT 'a' || g, 'u', NULL, 1, '{}' FROM generate_series(1, 20000) g`);
      const outcome = await sessions.prune().then(
        (count) => `pruned ${count}`,
        (error: { code?: string }) => `failed ${error.code}`,
      );
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."sessions"`);
      expect({ outcome, sessionsLeft: rows[0].n }).toEqual({ outcome: 'pruned 20', sessionsLeft: 0 });
      // Bounded runs, each in time: the backlog is gone after a few.
      const activityLeft = async () => (await pool.query(`SELECT count(*)::int AS n FROM "${schema}"."sessions_activity" WHERE at = 1`)).rows[0].n as number;
      for (let run = 0; run < 50 && (await activityLeft()) > 0; run++) await sessions.prune();
      expect(await activityLeft()).toBe(0);
    } finally {
      await sessions.close();
    }
  });
});
