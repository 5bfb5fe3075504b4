import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProcedure } from '../../adapters/mysql/apply-procedure.js';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { tableNames } from '../../adapters/mysql/options.js';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool, watchedMysqlPool } from '../support/mysql-database.js';
import { row } from '../support/sql-contract.js';

const up = await mysqlUp();
const hex = (value: string): string => Buffer.from(value).toString('hex');

describe.skipIf(!up)('mysql store: the apply procedure', () => {
  const pool = testMysqlPool({ connectionLimit: 4 });
  const prefix = freshPrefix('proc');
  const { name } = applyProcedure(tableNames(prefix));
  const created = [prefix];
  let store: MysqlStore;

  beforeAll(async () => {
    store = mysqlStore({ pool, prefix });
    await store.migrate();
  });
  afterAll(async () => {
    await store.close();
    await dropPrefixes(pool, created);
    await pool.end();
  });

  const call = (owner: string, steps: unknown[], waitMs = 2_000, on: Pick<typeof pool, 'query'> = pool) =>
    on.query(`CALL \`${name}\`('u', ?, NULL, ?, ?)`, [hex(owner), JSON.stringify(steps), waitMs]);

  it('refuses a step it does not know, and applies nothing of the batch', async () => {
    await expect(call('unknown', [['epoch', hex('u'), hex('unknown'), hex('browser'), '5'], ['dropTable', 'x']])).rejects.toMatchObject({ errno: 1339 });
    expect(await store.readUser('unknown')).toMatchObject({ version: 0, epochs: {} });
  });

  it('a write that fails after others leaves nothing of the batch: not the writes before it, not the version', async () => {
    const tooLong = hex('d'.repeat(300));
    const steps = [['epoch', hex('u'), hex('half'), hex('browser'), '5'], ['device', hex('half'), hex('d1'), '7'], ['device', hex('half'), tooLong, '7']];
    const connection = await pool.getConnection();
    try {
      await expect(call('half', steps, 2_000, connection)).rejects.toMatchObject({ errno: 1406 });
      // Rolled back by the procedure itself: no transaction is left open on the connection.
      const [rows] = await connection.query<RowDataPacket[]>('SELECT @@in_transaction AS open');
      expect(rows[0]?.['open']).toBe(0);
    } finally {
      connection.release();
    }
    expect(await store.readUser('half')).toMatchObject({ version: 0, epochs: {}, devices: {} });
  });

  it('ends a batch still running at its deadline as KILL QUERY does (1317), with nothing applied', async () => {
    const steps = Array.from({ length: 2_000 }, (_, i) => ['device', hex('slow'), hex(`d${i}`), '1']);
    await expect(call('slow', steps, 1)).rejects.toMatchObject({ errno: 1317 });
    expect(await store.readUser('slow')).toMatchObject({ version: 0, devices: {} });
    await call('slow', steps, 30_000);
    expect(Object.keys((await store.readUser('slow')).devices)).toHaveLength(2_000);
  });

  it('keeps text as its bytes: ids of any script, quotes and backslashes read back as written', async () => {
    const userId = "o'ne\\ \u00e9\u4e2d\ud83d\ude00 __proto__";
    const session = row('s-text', userId, { tenantId: 'ten\u00e4nt' });
    expect(await store.apply({ owner: { userId }, version: 0, writes: [{ type: 'insert', session }] })).toBe(true);
    const found = await store.get('s-text');
    expect([found?.session.userId, found?.session.tenantId]).toEqual([userId, 'ten\u00e4nt']);
    expect((await store.readUser(userId)).version).toBe(1);
  });

  it('refuses a time that is not a whole number of ms within range (STORE_ERROR), as PostgreSQL does, and writes nothing', async () => {
    for (const until of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 53]) {
      await expect(store.apply({ owner: { userId: 'nan' }, writes: [{ type: 'deny', sessionId: 's', until }] })).rejects.toMatchObject({ code: 'STORE_ERROR' });
    }
    expect((await store.readUser('nan')).version).toBe(0);
  });

  it("erases a user of 8,000 sessions in one batch: the ids read once, then each row deleted by its key", async () => {
    const patient = mysqlStore({ pool, prefix, statementTimeout: 30_000 });
    for (let batch = 0; batch < 16; batch++) {
      const writes = Array.from({ length: 500 }, (_, i) => ({ type: 'insert' as const, session: row(`many-${batch}-${i}`, 'many') }));
      expect(await patient.apply({ owner: { userId: 'many' }, writes })).toBe(true);
    }
    expect(await patient.apply({ owner: { userId: 'many' }, writes: [{ type: 'erase' }, { type: 'device', deviceHash: 'd'.repeat(43), lastSeenAt: 5 }] })).toBe(true);
    const { sessions, devices } = await patient.readUser('many');
    expect([sessions.length, Object.keys(devices)]).toEqual([0, ['d'.repeat(43)]]);
  }, 60_000);

  it('an answer other than 1 or 0 is STORE_ERROR, never read as a version that moved', async () => {
    const other = freshPrefix('proc');
    created.push(other);
    const odd = mysqlStore({ pool, prefix: other });
    await odd.migrate();
    const procedure = applyProcedure(tableNames(other)).name;
    await pool.query(`DROP PROCEDURE \`${procedure}\``);
    await pool.query(`CREATE PROCEDURE \`${procedure}\`(a VARBINARY(1), b LONGTEXT, c BIGINT, d LONGTEXT, e BIGINT) SELECT 2 AS applied`);
    await expect(odd.apply({ owner: { userId: 'u' }, writes: [] })).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });

  it('without its procedure (tables migrated by another release), a batch says to run migrate()', async () => {
    const other = freshPrefix('proc');
    created.push(other);
    const bare = mysqlStore({ pool, prefix: other });
    await bare.migrate();
    await pool.query(`DROP PROCEDURE \`${applyProcedure(tableNames(other)).name}\``);
    await expect(bare.apply({ owner: { userId: 'u' }, writes: [] })).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('run store.migrate()') });
    await bare.migrate();
    expect(await bare.apply({ owner: { userId: 'u' }, writes: [] })).toBe(true);
  });

  it('signs in with two statements: the user read, then one CALL', async () => {
    const statements: string[] = [];
    // One connection: the store checks each new one once (autocommit) before its first call.
    const single = testMysqlPool({ connectionLimit: 1 });
    const counting = watchedMysqlPool(single, (sql) => statements.push(sql.trim().split(/\s+/)[0]!));
    const sessions = createSessionManager({ store: mysqlStore({ pool: counting, prefix }) });
    await sessions.create({ userId: 'warm' });
    statements.length = 0;
    await sessions.create({ userId: 'two', tenantId: 'acme', userAgent: UA.chromeMac });
    expect(statements).toEqual(['SELECT', 'CALL']);
    statements.length = 0;
    await sessions.revokeAll('two');
    expect(statements).toEqual(['SELECT', 'CALL']);
    await sessions.close();
    await single.end();
  });
});
