import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSessionError } from '../../adapters/mysql/errors.js';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { newRecord } from '../../src/testing/store/fixtures.js';
import { dropPrefixes, freshPrefix, lockWaitOn, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

/** A driver error as mysql2 reports a server error: a message, its errno and code. */
const serverError = (errno: number, code: string, message = code): Error => Object.assign(new Error(message), { errno, code, sqlState: 'HY000' });

describe('mysql store errors, mapped to the library codes', () => {
  it('reads lock timeouts, deadlocks, a full server, a read-only replica and timeouts as an outage (503)', () => {
    for (const [errno, code] of [
      [1205, 'ER_LOCK_WAIT_TIMEOUT'],
      [1213, 'ER_LOCK_DEADLOCK'],
      [1317, 'ER_QUERY_INTERRUPTED'],
      [1040, 'ER_CON_COUNT_ERROR'],
      [1290, 'ER_OPTION_PREVENTS_STATEMENT'],
      [1969, 'ER_STATEMENT_TIMEOUT'],
      [3024, 'ER_QUERY_TIMEOUT'],
    ] as const) {
      expect(toSessionError(serverError(errno, code), 'get').code).toBe('STORE_UNAVAILABLE');
    }
  });

  it('reads a dropped or refused connection as an outage', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT']) {
      expect(toSessionError(Object.assign(new Error(code), { code }), 'get').code).toBe('STORE_UNAVAILABLE');
    }
    expect(toSessionError(Object.assign(new Error('gone'), { fatal: true }), 'get').code).toBe('STORE_UNAVAILABLE');
  });

  it('tells the user to run migrate() when a table or column is missing, and adds no hint to other errors', () => {
    for (const [errno, code] of [
      [1146, 'ER_NO_SUCH_TABLE'],
      [1054, 'ER_BAD_FIELD_ERROR'],
    ] as const) {
      const error = toSessionError(serverError(errno, code), 'get');
      expect(error.code).toBe('STORE_ERROR');
      expect(error.message).toContain('run store.migrate()');
    }
    const other = toSessionError(serverError(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax'), 'get');
    expect(other.code).toBe('STORE_ERROR');
    expect(other.message).not.toContain('migrate');
  });
});

const up = await mysqlUp();

describe.skipIf(!up)('mysql store errors on a real server', () => {
  const pool = testMysqlPool();
  const prefix = freshPrefix('err');
  let store: MysqlStore;

  beforeAll(async () => {
    store = mysqlStore({ pool, prefix, statementTimeout: 500 });
    await store.migrate();
  });

  afterAll(async () => {
    await dropPrefixes(pool, [prefix]);
    await pool.end();
  });

  it('a duplicate session id or link id is INVALID_INPUT', async () => {
    const record = newRecord(storeOperations(store), 'dup');
    await storeOperations(store).create(record, { replaceDevice: false });
    await expect(storeOperations(store).create(record, { replaceDevice: false })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const link = { id: 'link-1', secretHash: new Uint8Array(32), userId: 'dup', sessionId: record.id, expiresAt: Date.now() + 60_000 };
    await storeOperations(store).saveRevocationLink!(link);
    await expect(storeOperations(store).saveRevocationLink!(link)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('an unreachable server is STORE_UNAVAILABLE', async () => {
    const nowhere = testMysqlPool({ port: 1, connectTimeout: 1_000 });
    try {
      await expect(mysqlStore({ pool: nowhere, prefix }).get('x')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await nowhere.end();
    }
  });

  it('a sign-in stuck behind a lock past statementTimeout is STORE_UNAVAILABLE, and the store works once the lock goes', async () => {
    const first = newRecord(storeOperations(store), 'locked');
    await storeOperations(store).create(first, { replaceDevice: false });
    // Another connection holds the user's version row, as a long transaction would.
    const holder = await pool.getConnection();
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT * FROM \`${prefix}owners\` WHERE scope = 'u' AND owner = ? FOR UPDATE`, [Buffer.from('locked')]);
      await expect(storeOperations(store).create(newRecord(storeOperations(store), 'locked'), { replaceDevice: false })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await holder.query('COMMIT');
    } finally {
      holder.release();
    }
    const after = newRecord(storeOperations(store), 'locked');
    await storeOperations(store).create(after, { replaceDevice: false });
    const { sessions } = await storeOperations(store).listByUser('locked');
    // The abandoned sign-in was killed and rolled back: only the two that succeeded are there.
    expect(sessions.map((session) => session.id).sort()).toEqual([first.id, after.id].sort());
  });

  it('a statement the server interrupts (KILL QUERY) is STORE_UNAVAILABLE: nothing was decided', async () => {
    const slow = mysqlStore({ pool, prefix, statementTimeout: 20_000 });
    await storeOperations(slow).create(newRecord(storeOperations(slow), 'killed'), { replaceDevice: false });
    const holder = await pool.getConnection();
    try {
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT * FROM \`${prefix}owners\` WHERE scope = 'u' AND owner = ? FOR UPDATE`, [Buffer.from('killed')]);
      const signingIn = storeOperations(slow).create(newRecord(storeOperations(slow), 'killed'), { replaceDevice: false });
      const outcome = signingIn.then(() => 'created', (error: { code?: string }) => error.code);
      await pool.query(`KILL QUERY ${await lockWaitOn(pool, `${prefix}owners`)}`);
      expect(await outcome).toBe('STORE_UNAVAILABLE');
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('a closed store refuses with CLOSED and leaves the app pool open', async () => {
    const closing = mysqlStore({ pool, prefix });
    await closing.close();
    await expect(closing.get('x')).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(pool.query('SELECT 1')).resolves.toBeDefined();
  });
});
