import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { tableNames } from '../../adapters/postgres/names.js';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { dropSchemas, freshSchema, postgresUp, testPool, testPostgresJs } from '../support/postgres-database.js';
import { listening, timeUntil } from '../support/postgres-listening.js';
import { CLOSED_PORT, startTcpProxy } from '../support/tcp-proxy.js';

const up = await postgresUp();

/** The code of the SessionError `promise` rejects with, and how long it took. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; ms: number }> {
  const started = performance.now();
  try {
    await promise;
    return { code: 'resolved', ms: performance.now() - started };
  } catch (error) {
    return { code: isSessionError(error) ? error.code : 'other', ms: performance.now() - started };
  }
}

describe('postgres store on postgres.js: the client', () => {
  it('is refused at startup when it renames columns or rows (postgres.camel), whose answers the store could not read', async () => {
    const { default: postgres } = await import('postgres');
    for (const transform of [postgres.camel, postgres.toPascal, { row: (row: unknown) => row }]) {
      const sql = testPostgresJs(undefined, { max: 1, transform });
      expect(() => postgresStore({ pool: sql, listen: false })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('postgres.camel') }));
      await sql.end({ timeout: 0 });
    }
    // A value transform alone never reaches the raw rows the store reads.
    const sql = testPostgresJs(undefined, { max: 1, transform: { value: { from: (value: unknown) => value } } });
    expect(() => postgresStore({ pool: sql, listen: false })).not.toThrow();
    await sql.end({ timeout: 0 });
  });

  it('is refused at startup when made with fetch_types: false, on which postgres.js never hands out a new reserved connection', async () => {
    const sql = testPostgresJs(undefined, { max: 1, fetch_types: false });
    expect(() => postgresStore({ pool: sql, listen: false })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('fetch_types') }));
    await sql.end({ timeout: 0 });
  });
});

describe('postgres store on postgres.js: PostgreSQL down', () => {
  it('answers STORE_UNAVAILABLE within the deadline when nothing listens on the port', async () => {
    const sql = testPostgresJs(`postgres://postgres@127.0.0.1:${CLOSED_PORT}/test`, { max: 1 });
    const store = postgresStore({ pool: sql, listen: false, statementTimeout: 1_000 });
    try {
      for (const attempt of [
        () => store.get('AAAAAAAAAAAAAAAAAAAAAA'),
        () => storeOperations(store).create(newRecord(storeOperations(store), 'down-user'), { replaceDevice: true }),
        () => storeOperations(store).revokeAll('down-user', { kinds: ['browser'], at: Date.now() }),
        () => store.prune({ now: Date.now(), limit: 10 }),
      ]) {
        const { code, ms } = await failure(attempt());
        expect(code).toBe('STORE_UNAVAILABLE');
        // postgres.js waits a growing back-off between reconnection attempts (tens of ms, then
        // seconds); the store's deadline bounds every call.
        expect(ms).toBeLessThan(1_500);
      }
      // migrate() has no deadline (it may wait for another instance's migration): it fails
      // once postgres.js gives up connecting.
      expect((await failure(store.migrate())).code).toBe('STORE_UNAVAILABLE');
    } finally {
      await sql.end({ timeout: 0 });
    }
  });
});

describe.skipIf(!up)('postgres store on postgres.js: timeouts and LISTEN', () => {
  // One connection: what the store gives back after a timeout is what the next call gets.
  const sql = testPostgresJs(undefined, { max: 1 });
  const direct = testPool({ max: 3 });
  const schema = freshSchema('pjs');
  const names = tableNames(schema, 'sessions');
  let store: PostgresStore;

  beforeAll(async () => {
    store = postgresStore({ pool: sql, schema, statementTimeout: 300, listen: false });
    await store.migrate();
  });

  afterAll(async () => {
    await dropSchemas(direct, [schema]);
    await direct.end();
    await sql.end();
  });

  /** Holds `lock` in a transaction on a direct connection while `body` runs. */
  async function whileLocked(lock: string, body: () => Promise<void>): Promise<void> {
    const holder = await direct.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(lock);
      await body();
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  }

  const waitingOnLocks = async (): Promise<number> => {
    const { rows } = await direct.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
      [`%${schema}%`],
    );
    return Number(rows[0]!.n);
  };

  /** How many locks on `table` are held or awaited, by any connection. */
  const locksOn = async (table: string): Promise<number> => {
    const { rows } = await direct.query<{ n: string }>('SELECT count(*) AS n FROM pg_locks WHERE relation = $1::regclass', [table]);
    return Number(rows[0]!.n);
  };

  /** Whether the client's connection is outside any transaction block. */
  const outsideTransaction = async (): Promise<boolean> => {
    const [row] = await sql.unsafe<{ fresh: boolean }[]>('SELECT now() = statement_timestamp() AS fresh');
    return row!.fresh;
  };

  it('a read stuck behind a lock fails near the deadline, is cancelled on the server, and the connection stays usable', async () => {
    const { session } = await storeOperations(store).create(newRecord(storeOperations(store), 'stuck-user'), { replaceDevice: false });
    await whileLocked(`LOCK TABLE ${names.table('sessions')} IN ACCESS EXCLUSIVE MODE`, async () => {
      const { code, ms } = await failure(store.get(session.id));
      expect(code).toBe('STORE_UNAVAILABLE');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(1_500);
      // postgres.js's cancel request reached the server while the lock is still held.
      await timeUntil(async () => (await waitingOnLocks()) === 0, 2_000);
    });
    expect((await store.get(session.id))?.session.id).toBe(session.id);
    expect(await outsideTransaction()).toBe(true);
  });

  it('a prune stuck inside its transaction leaves no transaction open on the connection it gives back', async () => {
    await whileLocked(`LOCK TABLE ${names.table('sessions')} IN ACCESS EXCLUSIVE MODE`, async () => {
      const { code } = await failure(store.prune({ now: Date.now(), limit: 100 }));
      expect(code).toBe('STORE_UNAVAILABLE');
    });
    expect(await outsideTransaction()).toBe(true);
    expect(await store.prune({ now: Date.now(), limit: 100 })).toBe(0);
  });

  it('a cancel request that reaches the server late never cancels what runs next on that connection', async () => {
    // The store's one connection goes straight through; the cancel request it sends when a
    // read passes its deadline opens a new connection, held back 700 ms, as on a slow path (inside
    // the store's 2 s wait for it). The test checks that the lock was gone before it could arrive.
    const proxy = await startTcpProxy(0, 5432);
    const slowSql = testPostgresJs(`postgres://postgres@127.0.0.1:${proxy.port}/test`, { max: 1 });
    const slowStore = postgresStore({ pool: slowSql, schema, statementTimeout: 300, listen: false });
    try {
      const { session } = await storeOperations(store).create(newRecord(storeOperations(store), 'late-cancel-user'), { replaceDevice: false });
      // Connected before the store's 300 ms deadline counts: only the locked read may run out.
      await slowSql.unsafe('SELECT 1');
      expect((await slowStore.get(session.id))?.session.id).toBe(session.id);
      proxy.delayNewConnections(700);
      let asked = 0;
      await whileLocked(`LOCK TABLE ${names.table('sessions')} IN ACCESS EXCLUSIVE MODE`, async () => {
        asked = performance.now();
        expect((await failure(slowStore.get(session.id))).code).toBe('STORE_UNAVAILABLE');
      });
      // No lock on the table, held or awaited: the read the store gave up on has finished by
      // itself. Seen before the cancel request can arrive (the 300 ms deadline, then the 700 ms
      // hold), else this run would prove nothing of a late one.
      await timeUntil(async () => (await locksOn(names.table('sessions'))) === 0, 5_000);
      expect(performance.now() - asked, 'the read finished only once the cancel request could have arrived').toBeLessThan(1_000);
      // The same connection then runs this statement, which must not be the one the late request cancels.
      const [row] = await slowSql.unsafe<{ slept: string }[]>("SELECT pg_sleep(1.2)::text AS slept");
      expect(row?.slept).toBe('');
      expect((await slowStore.get(session.id))?.session.id).toBe(session.id);
    } finally {
      await slowSql.end({ timeout: 0 });
      await proxy.close();
    }
  }, 15_000);

  it('a cancel request that does not report holds its connection back 2 s at most', async () => {
    const proxy = await startTcpProxy(0, 5432);
    const slowSql = testPostgresJs(`postgres://postgres@127.0.0.1:${proxy.port}/test`, { max: 1 });
    const slowStore = postgresStore({ pool: slowSql, schema, statementTimeout: 300, listen: false });
    try {
      const { session } = await storeOperations(store).create(newRecord(storeOperations(store), 'silent-cancel-user'), { replaceDevice: false });
      // Connected before the store's 300 ms deadline counts: only the locked read may run out.
      await slowSql.unsafe('SELECT 1');
      expect((await slowStore.get(session.id))?.session.id).toBe(session.id);
      // Held far longer than the store waits for it: as good as a request that never reports.
      proxy.delayNewConnections(30_000);
      await whileLocked(`LOCK TABLE ${names.table('sessions')} IN ACCESS EXCLUSIVE MODE`, async () => {
        expect((await failure(slowStore.get(session.id))).code).toBe('STORE_UNAVAILABLE');
      });
      // The connection is back in the pool after the store's 2 s wait, not after 30 s.
      const started = performance.now();
      await slowSql.unsafe('SELECT 1');
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await slowStore.get(session.id))?.session.id).toBe(session.id);
    } finally {
      await slowSql.end({ timeout: 0 });
      await proxy.close();
    }
  }, 15_000);

  it('listens again after its LISTEN connection is killed', async () => {
    const listenSql = testPostgresJs(undefined, { max: 1 });
    const managerOptions = { accessTokens: { secret: 'x'.repeat(32) }, epochCacheTtl: 60_000 } as const;
    const publisher = postgresStore({ pool: sql, schema, listen: false, statementTimeout: 2_000 });
    const subscriber = postgresStore({ pool: sql, schema, listen: { pool: listenSql }, statementTimeout: 2_000 });
    const a = createSessionManager({ store: publisher, ...managerOptions });
    const b = createSessionManager({ store: subscriber, ...managerOptions });
    try {
      await listening(publisher, subscriber);
      const { rows } = await direct.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND lower(query) = $1`,
        [`listen "${schema}.sessions"`],
      );
      expect(rows.length).toBeGreaterThanOrEqual(1);
      for (const { pid } of rows) await direct.query('SELECT pg_terminate_backend($1)', [pid]);
      await listening(publisher, subscriber);
      const { session } = await a.create({ userId: 'reconnect-user' });
      const jwt = await a.issueAccessToken(session);
      expect((await b.verifyAccessToken(jwt)).ok).toBe(true);
      await a.revokeAll('reconnect-user');
      expect(await timeUntil(async () => !(await b.verifyAccessToken(jwt)).ok, 10_000)).toBeLessThan(10_000);
    } finally {
      await a.close();
      await b.close();
      await listenSql.end();
    }
  }, 20_000);
});

describe.skipIf(!up)('postgres store on postgres.js: closed while the network is cut', () => {
  const admin = testPool({ max: 2 });
  const schema = freshSchema('close_cut');
  afterAll(async () => {
    await dropSchemas(admin, [schema]);
    await admin.end();
  });

  // An app shutting down during a partition must not wait forever for postgres.js to answer its UNLISTEN.
  it.each(['pg', 'postgres.js'])('%s: close() settles, though the LISTEN it stops answers nothing', async (driver) => {
    const publisher = postgresStore({ pool: admin, schema, listen: false });
    await publisher.migrate();
    const proxy = await startTcpProxy(0, 5432);
    const url = `postgres://postgres@127.0.0.1:${proxy.port}/test`;
    const sql = driver === 'pg' ? testPool({ connectionString: url, max: 1 }) : testPostgresJs(url, { max: 1 });
    const store = postgresStore({ pool: sql, schema, statementTimeout: 500 });
    try {
      store.subscribe!(() => undefined);
      await listening(publisher, store);
      proxy.cut();
      let bound: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        store.close().then(() => 'closed'),
        new Promise((resolve) => (bound = setTimeout(() => resolve('still waiting after 10 s'), 10_000))),
      ]);
      clearTimeout(bound);
      expect(outcome).toBe('closed');
    } finally {
      await proxy.close();
      await (sql instanceof pg.Pool ? sql.end() : sql.end({ timeout: 0 }));
    }
  }, 20_000);
});
