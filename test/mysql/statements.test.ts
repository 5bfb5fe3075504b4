import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager } from '../../src/index.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

// Prepared statements count against the server's max_prepared_stmt_count, shared with the
// app: the store may keep one per statement text, never one per list length or limit.
describe.skipIf(!up)('mysql store: prepared statements', () => {
  // One connection, so its session counters see every statement of the store.
  const pool = testMysqlPool({ connectionLimit: 1 });
  const prefix = freshPrefix('stmt');
  let store: MysqlStore;

  beforeAll(async () => {
    store = mysqlStore({ pool, prefix });
    await store.migrate();
  });

  afterAll(async () => {
    await dropPrefixes(pool, [prefix]);
    await pool.end();
  });

  const openStatements = async (): Promise<number> => {
    const [rows] = await pool.query<RowDataPacket[]>("SHOW SESSION STATUS WHERE Variable_name IN ('Com_stmt_prepare', 'Com_stmt_close')");
    const count = (name: string): number => Number(rows.find((row) => row['Variable_name'] === name)?.['Value']);
    return count('Com_stmt_prepare') - count('Com_stmt_close');
  };

  // Every call whose statements hold a list or a limit, at size n.
  const round = async (n: number): Promise<void> => {
    const sessions = createSessionManager({ store: mysqlStore({ pool, prefix }), maxSessions: n + 1 });
    const userId = `user-${n}`;
    const created = [];
    for (let i = 0; i < n + 3; i++) created.push(await sessions.create({ userId }));
    await store.revokeAll(userId, { kinds: Array.from({ length: n }, (_, i) => `kind-${i}`), at: Date.now() });
    await store.appendActivity(Array.from({ length: n }, (_, i) => ({ id: `${userId}-${i}`, userId, type: 'test', at: Date.now(), reason: 'test' })));
    await store.listActivity(userId, { limit: n });
    await store.prune({ now: Date.now(), limit: n });
    await sessions.revokeOthers(userId, created.at(-1)!.session.id);
    await sessions.close();
  };

  it('calls with lists and limits of other sizes prepare no new statement', async () => {
    for (let n = 1; n <= 5; n++) await round(n);
    const before = await openStatements();
    for (let n = 6; n <= 25; n++) await round(n);
    expect((await openStatements()) - before).toBe(0);
  }, 60_000);
});
