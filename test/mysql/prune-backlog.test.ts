import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

// 40,000 numbers from a recursion 200 deep (MySQL stops a recursive CTE at 1,000 rounds).
const NUMBERS = 'WITH RECURSIVE d (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 199) SELECT a.n * 200 + b.n AS n FROM d a, d b';

// A DELETE ... WHERE id IN (a subquery) ran the subquery once per expired row: 40,000 rows took about 20 s a batch,
// past the 2 s statement timeout, so each hourly prune failed having deleted nothing, and the backlog only grew.
describe.skipIf(!up)('mysql store: prune of a backlog', () => {
  const pool = testMysqlPool();
  const prefix = freshPrefix('pbacklog');
  afterAll(async () => {
    await dropPrefixes(pool, [prefix]);
    await pool.end();
  });

  it('deletes 40,000 expired sessions and 40,000 old activity entries in batches of 10,000 within the default statement timeout', async () => {
    const store = mysqlStore({ pool, prefix });
    await store.migrate();
    const sessions = createSessionManager({ store });
    try {
      const { token } = await sessions.create({ userId: 'live', userAgent: UA.chromeMac });
      await pool.query(`INSERT INTO \`${prefix}sessions\` (id, user_id, tenant_id, kind, expires_at, last_used_at, authenticated_at, revoked_at, revoked_reason, record)
        SELECT CONCAT('expired-', n), CONCAT('u', n MOD 4000), NULL, 'browser', 1 + n MOD 1000, 1, 1, NULL, NULL, '{}' FROM (${NUMBERS}) g`);
      await pool.query(`INSERT INTO \`${prefix}activity\` (id, user_id, tenant_id, at, entry) SELECT CONCAT('a', n), CONCAT('u', n MOD 4000), NULL, 1, '{}' FROM (${NUMBERS}) g`);
      const count = async (table: string, where: string): Promise<number> => Number(((await pool.query(`SELECT COUNT(*) AS n FROM \`${prefix}${table}\` WHERE ${where}`)) as [Array<{ n: number }>, unknown])[0][0]!.n);
      expect(await sessions.prune()).toBe(40_000);
      expect({ sessions: await count('sessions', 'expires_at <= 1000'), activity: await count('activity', 'at = 1') }).toEqual({ sessions: 0, activity: 0 });
      expect((await sessions.validate(token)).ok).toBe(true);
    } finally {
      await sessions.close();
    }
  }, 60_000);
});
