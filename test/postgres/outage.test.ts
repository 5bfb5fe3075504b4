import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore, type PostgresStore } from '../../adapters/postgres/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { tableNames } from '../../adapters/postgres/names.js';
import { isUnavailable } from '../../adapters/postgres/errors.js';
import { createSessionManager, isSessionError } from '../../src/index.js';
import type { SessionErrorCode } from '../../src/errors.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { dropSchemas, freshSchema, POSTGRES_URL, postgresUp, testPool } from '../support/postgres-database.js';
import { CLOSED_PORT } from '../support/tcp-proxy.js';

const up = await postgresUp();

/** The code of the SessionError `promise` rejects with, and how long it took. */
async function failure(promise: Promise<unknown>): Promise<{ code: SessionErrorCode | 'resolved' | 'other'; ms: number }> {
  const started = performance.now();
  try {
    await promise;
    return { code: 'resolved', ms: performance.now() - started };
  } catch (error) {
    return { code: isSessionError(error) ? error.code : 'other', ms: performance.now() - started };
  }
}


describe('postgres store: PostgreSQL down', () => {
  it('answers STORE_UNAVAILABLE at once when nothing listens on the port', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: CLOSED_PORT, user: 'postgres', database: 'test' });
    const store = postgresStore({ pool });
    const sessions = createSessionManager({ store });
    try {
      const user = 'down-user';
      // One at a time, each timed alone.
      for (const attempt of [
        () => store.get('AAAAAAAAAAAAAAAAAAAAAA'),
        () => storeOperations(store).create(newRecord(storeOperations(store), user), { replaceDevice: true }),
        () => storeOperations(store).revokeAll(user, { kinds: ['browser'], at: Date.now() }),
        () => store.prune({ now: Date.now(), limit: 10 }),
        () => store.migrate(),
        () => sessions.validate(`${'A'.repeat(22)}.${'B'.repeat(43)}`),
      ]) {
        const { code, ms } = await failure(attempt());
        expect(code).toBe('STORE_UNAVAILABLE');
        expect(ms).toBeLessThan(1_000);
      }
    } finally {
      await sessions.close();
      await pool.end();
    }
  });
});

describe.skipIf(!up)('postgres store: a stuck or failing database', () => {
  const pool = testPool();
  const schema = freshSchema('out');
  const names = tableNames(schema, 'sessions');
  let store: PostgresStore;

  beforeAll(async () => {
    store = postgresStore({ pool, schema, statementTimeout: 300, listen: false });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  /** Runs `body` while another connection holds `lockSql` in an open transaction. */
  async function whileLocked(lockSql: string, values: unknown[], body: () => Promise<void>): Promise<void> {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(lockSql, values);
      await body();
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  }

  const waitingOnLocks = async (): Promise<number> => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [`%${schema}%`],
    );
    return Number(rows[0]!.n);
  };

  it('a read stuck behind a lock fails with STORE_UNAVAILABLE near the timeout and is cancelled on the server', async () => {
    const { session } = await storeOperations(store).create(newRecord(storeOperations(store), 'stuck-user'), { replaceDevice: false });
    await whileLocked(`LOCK TABLE ${names.table('sessions')} IN ACCESS EXCLUSIVE MODE`, [], async () => {
      const { code, ms } = await failure(store.get(session.id));
      expect(code).toBe('STORE_UNAVAILABLE');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(1_500);
      // The abandoned statement does not keep a server process waiting on the lock.
      const deadline = Date.now() + 2_000;
      while ((await waitingOnLocks()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await waitingOnLocks()).toBe(0);
    });
    // The pool was not poisoned by the abandoned connection.
    expect((await store.get(session.id))?.session.id).toBe(session.id);
  });

  it('a sign-in stuck on the user\'s version row fails with STORE_UNAVAILABLE and never commits (the apply function\'s deadline)', async () => {
    await storeOperations(store).revokeAll('epoch-user', { kinds: ['browser'], at: 1 });
    const stuck = newRecord(storeOperations(store), 'epoch-user');
    await whileLocked(`SELECT * FROM ${names.table('owners')} WHERE scope = 'u' AND owner = $1 FOR UPDATE`, ['epoch-user'], async () => {
      const { code, ms } = await failure(storeOperations(store).create(stuck, { replaceDevice: true }));
      expect(code).toBe('STORE_UNAVAILABLE');
      expect(ms).toBeLessThan(1_500);
    });
    const after = await storeOperations(store).create(newRecord(storeOperations(store), 'epoch-user'), { replaceDevice: true });
    expect((await store.readUser('epoch-user')).sessions.map((session) => session.id)).toEqual([after.session.id]);
  });

  it('waiting too long for a pooled connection fails with STORE_UNAVAILABLE and leaks nothing', async () => {
    const small = testPool({ max: 1 });
    const smallStore = postgresStore({ pool: small, schema, statementTimeout: 200, listen: false });
    try {
      const busy = await small.connect();
      const { code, ms } = await failure(smallStore.get('AAAAAAAAAAAAAAAAAAAAAA'));
      busy.release();
      expect(code).toBe('STORE_UNAVAILABLE');
      expect(ms).toBeLessThan(1_000);
      expect(await smallStore.get('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
      expect(small.totalCount).toBe(1);
      expect(small.idleCount).toBe(1);
    } finally {
      await small.end();
    }
  });

  // A read whose connection was lost goes again on another (the first may have been one the server ended while idle); on a pool of
  // its own, whose one connection never served the store before, it goes again once: both are killed here.
  it('a connection killed mid-statement (57P01), and again for the read sent once more, is STORE_UNAVAILABLE, not STORE_ERROR', async () => {
    const own = testPool({ max: 1 });
    const patient = postgresStore({ pool: own, schema, statementTimeout: 10_000, listen: false });
    await whileLocked(`LOCK TABLE ${names.table('sessions')} IN ACCESS EXCLUSIVE MODE`, [], async () => {
      const pending = failure(patient.get('AAAAAAAAAAAAAAAAAAAAAA'));
      const killed = new Set<number>();
      for (let look = 0; look < 250 && killed.size < 2; look++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const { rows } = await pool.query(
          `SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
          [`%${schema}%`],
        );
        for (const { pid } of rows as { pid: number }[]) killed.add(pid);
      }
      expect(killed.size).toBe(2);
      const { code, ms } = await pending;
      expect(code).toBe('STORE_UNAVAILABLE');
      expect(ms).toBeLessThan(5_000);
    });
    expect(await patient.get('AAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    await own.end();
  });

  it('maps a real statement timeout (pg_sleep past statement_timeout) to an outage', async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, statement_timeout: 50 });
    await client.connect();
    try {
      const error: unknown = await client.query('SELECT pg_sleep(1)').catch((caught: unknown) => caught);
      expect((error as { code?: string }).code).toBe('57014');
      expect(isUnavailable(error)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('a store whose tables are missing fails with STORE_ERROR carrying the driver error', async () => {
    const unmigrated = postgresStore({ pool, schema: freshSchema('none'), listen: false });
    const error: unknown = await unmigrated.get('AAAAAAAAAAAAAAAAAAAAAA').catch((caught: unknown) => caught);
    expect(isSessionError(error) && error.code).toBe('STORE_ERROR');
    expect(isSessionError(error) && (error.cause as { code?: string }).code).toBe('42P01');
  });

  it('a duplicate session id is INVALID_INPUT and leaves the store usable', async () => {
    const record = newRecord(storeOperations(store), 'dup-user');
    await storeOperations(store).create(record, { replaceDevice: false });
    const { code } = await failure(storeOperations(store).create(record, { replaceDevice: false }));
    expect(code).toBe('INVALID_INPUT');
    expect((await storeOperations(store).listByUser('dup-user')).sessions).toHaveLength(1);
  });

  it('a closed store refuses with CLOSED', async () => {
    const closing = postgresStore({ pool, schema, listen: false });
    await closing.close();
    expect((await failure(closing.get('AAAAAAAAAAAAAAAAAAAAAA'))).code).toBe('CLOSED');
  });
});
