import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

const HOUR = 3_600_000;

describe.skipIf(!up)('mysql store: pruning', () => {
  const pool = testMysqlPool();
  const prefix = freshPrefix('prune');
  const lockName = `CONCAT('sr:prune:', SHA1(CONCAT(DATABASE(), '.', ?)))`;
  let store: MysqlStore;

  const count = async (): Promise<number> => {
    const [rows] = await pool.query<import('mysql2/promise').RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${prefix}sessions\``);
    return Number(rows[0]!['n']);
  };

  beforeAll(async () => {
    store = mysqlStore({ pool, prefix, statementTimeout: 2_000 });
    await store.migrate();
    // 12 sessions that expired an hour ago, and one live one.
    const past = Date.now() - 2 * HOUR;
    for (let i = 0; i < 12; i++) await store.create({ ...newRecord(store, `old-${i}`), createdAt: past, authenticatedAt: past, maxAge: HOUR }, { replaceDevice: false });
    await store.create(newRecord(store, 'live'), { replaceDevice: false });
  });

  afterAll(async () => {
    await dropPrefixes(pool, [prefix]);
    await pool.end();
  });

  it('deletes at most limit rows per call, oldest first, and never a live one', async () => {
    expect(await count()).toBe(13);
    expect(await store.prune({ now: Date.now(), limit: 5 })).toBe(5);
    expect(await count()).toBe(8);
    expect(await store.prune({ now: Date.now(), limit: 5 })).toBe(5);
    expect(await store.prune({ now: Date.now(), limit: 5 })).toBe(2);
    expect(await store.prune({ now: Date.now(), limit: 5 })).toBe(0);
    expect(await count()).toBe(1);
  });

  it('skips the round while another instance prunes (holds the named lock), then prunes', async () => {
    const past = Date.now() - 2 * HOUR;
    await store.create({ ...newRecord(store, 'old-again'), createdAt: past, authenticatedAt: past, maxAge: HOUR }, { replaceDevice: false });
    const other = await pool.getConnection();
    try {
      await other.query(`SELECT GET_LOCK(${lockName}, 0)`, [prefix]);
      expect(await store.prune({ now: Date.now(), limit: 100 })).toBe(0);
      await other.query(`SELECT RELEASE_LOCK(${lockName})`, [prefix]);
    } finally {
      other.release();
    }
    expect(await store.prune({ now: Date.now(), limit: 100 })).toBe(1);
  });

  it('a batch being deleted does not hold sign-ins: they go through while its rows are locked', async () => {
    const past = Date.now() - 2 * HOUR;
    for (let i = 0; i < 5; i++) await store.create({ ...newRecord(store, `stale-${i}`), createdAt: past, authenticatedAt: past, maxAge: HOUR }, { replaceDevice: false });
    // A prune's batch, caught mid-transaction: READ COMMITTED, expired rows deleted, not committed.
    const pruner = await pool.getConnection();
    try {
      await pruner.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await pruner.query('START TRANSACTION');
      await pruner.query(`DELETE FROM \`${prefix}sessions\` WHERE expires_at <= ? ORDER BY expires_at LIMIT 100`, [Date.now()]);
      // Sign-ins, new users and an existing one, finish within the store's 2 s deadline.
      await store.create(newRecord(store, 'during-prune'), { replaceDevice: false });
      await store.create(newRecord(store, 'live'), { replaceDevice: false });
      await pruner.query('ROLLBACK');
    } finally {
      pruner.release();
    }
  });
});
