import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlPool, type MysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager } from '../../src/index.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { UA } from '../support/clock.js';
import { dropPrefixes, freshPrefix, lockWaitOn, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

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

  it("while a prune waits on its last table, the user whose expired sessions it deleted signs in with a cap and a device key, and is erased", async () => {
    const past = Date.now() - 2 * HOUR;
    for (let i = 0; i < 5; i++) await store.create({ ...newRecord(store, 'pruned-user'), createdAt: past, authenticatedAt: past, maxAge: HOUR, deviceKey: 'k' }, { replaceDevice: false });
    await store.saveRevocationLink({ id: 'held-link', secretHash: new Uint8Array(32), userId: 'someone', sessionId: 'x', expiresAt: past });
    // Another connection holds the expired link, so the prune's batch of links waits for it.
    const holder = await pool.getConnection();
    const pruner = mysqlStore({ pool, prefix, statementTimeout: 20_000 });
    const sessions = createSessionManager({ store: mysqlStore({ pool, prefix, statementTimeout: 1_500 }), maxSessions: 2 });
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT id FROM \`${prefix}links\` WHERE id = ? FOR UPDATE`, [Buffer.from('held-link')]);
      const pruning = pruner.prune({ now: Date.now(), limit: 100 });
      await lockWaitOn(pool, `${prefix}links`);
      const { session } = await sessions.create({ userId: 'pruned-user', userAgent: UA.chromeMac });
      expect(session.userId).toBe('pruned-user');
      expect(await sessions.eraseUser('pruned-user', { by: 'test' })).toMatchObject({ deletedSessions: 1 });
      await holder.query('ROLLBACK');
      expect(await pruning).toBeGreaterThanOrEqual(5);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
      await sessions.close();
    }
  });

  it('a connection whose RELEASE_LOCK failed is closed, not pooled: the prune lock is free again', async () => {
    const lockIsFree = async (): Promise<boolean> => {
      const started = Date.now();
      for (;;) {
        const [rows] = await pool.query<import('mysql2/promise').RowDataPacket[]>(`SELECT IS_FREE_LOCK(${lockName}) AS free`, [prefix]);
        if (Number(rows[0]!['free']) === 1) return true;
        if (Date.now() - started > 5_000) return false;
      }
    };
    let refused = 0;
    // The app's pool, with the release of the named lock failing on a healthy connection.
    const failing: MysqlPool = {
      async getConnection() {
        const connection = await pool.getConnection();
        return new Proxy(connection, {
          get(target, key) {
            const value: unknown = Reflect.get(target, key);
            if (key !== 'execute' && key !== 'query') return typeof value === 'function' ? value.bind(target) : value;
            return (statement: string | { sql: string }, values?: unknown[]) => {
              if (!(typeof statement === 'string' ? statement : statement.sql).includes('RELEASE_LOCK')) return (value as (...args: unknown[]) => unknown).call(target, statement, values);
              refused += 1;
              return Promise.reject(Object.assign(new Error('refused'), { errno: 1105 }));
            };
          },
        }) as unknown as Awaited<ReturnType<MysqlPool['getConnection']>>;
      },
    };
    expect(await lockIsFree()).toBe(true);
    await mysqlStore({ pool: failing, prefix }).prune({ now: Date.now(), limit: 10 });
    expect(refused).toBe(1);
    expect(await lockIsFree()).toBe(true);
  });
});
