import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager } from '../../src/index.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

describe.skipIf(!up)("mysql store: the app's connections", () => {
  // One connection, so every call of the store and of the app runs on the same one.
  const pool = testMysqlPool({ connectionLimit: 1, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, rowsAsArray: true });
  const prefix = freshPrefix('conn');

  afterAll(async () => {
    await pool.end();
    const admin = testMysqlPool({ connectionLimit: 1 });
    await dropPrefixes(admin, [prefix]);
    await admin.end();
  });

  const settings = async (): Promise<unknown[]> => {
    // MariaDB before 11.1 names the isolation variable tx_isolation; MySQL 8 only transaction_isolation.
    const [[version]] = await pool.query<RowDataPacket[]>('SELECT VERSION()');
    const isolation = String((version as unknown as unknown[])[0]).includes('MariaDB') ? 'tx_isolation' : 'transaction_isolation';
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT @@session.${isolation}, @@session.autocommit, @@session.time_zone, @@session.sql_mode`);
    return rows[0] as unknown as unknown[];
  };

  it('leaves every session setting as it found it, and reads right whatever the pool options say', async () => {
    const before = await settings();
    const store = mysqlStore({ pool, prefix });
    await store.migrate();
    const sessions = createSessionManager({ store, maxSessions: 2 });
    const { token, session } = await sessions.create({ userId: 'app', data: { plan: 'pro' } });
    await sessions.create({ userId: 'app' });
    await sessions.create({ userId: 'app' });
    await sessions.prune();
    expect(await settings()).toEqual(before);
    // Big numbers as strings, rows as arrays: the store reads its own way.
    // The first sign-in was evicted by the cap of 2.
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'revoked' });
    const listed = await sessions.list('app');
    expect(listed).toHaveLength(2);
    expect(listed.every((view) => typeof view.createdAt === 'number' && view.createdAt > session.createdAt - 1)).toBe(true);
    await sessions.close();
  });

  it('checks a connection once: no statement per call after the first', async () => {
    const selects = async (): Promise<number> => {
      const [rows] = await pool.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Com_select'");
      return Number((rows[0] as unknown as unknown[])[1]);
    };
    const sessions = createSessionManager({ store: mysqlStore({ pool, prefix }) });
    try {
      const { token } = await sessions.create({ userId: 'checked-once' });
      const before = await selects();
      for (let i = 0; i < 5; i++) expect(await sessions.validate(token)).toMatchObject({ ok: true });
      // Validation is one SELECT; the connection was checked during the sign-in.
      expect((await selects()) - before).toBe(5);
    } finally {
      await sessions.close();
    }
  });

  it('refuses a pool whose connections have autocommit off, naming the fix, rather than read an old snapshot', async () => {
    const off = testMysqlPool({ connectionLimit: 1 });
    off.pool.on('connection', (connection) => connection.query('SET autocommit = 0'));
    const a = createSessionManager({ store: mysqlStore({ pool, prefix }) });
    const b = createSessionManager({ store: mysqlStore({ pool: off, prefix }) });
    try {
      const { token, session } = await a.create({ userId: 'autocommit' });
      await b.validate(token).catch(() => undefined);
      await a.revoke(session.id);
      await expect(b.validate(token)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('autocommit') });
      await expect(mysqlStore({ pool: off, prefix }).migrate()).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
      // The store changed nothing: the connection is as the app set it.
      const [rows] = await off.query<RowDataPacket[]>('SELECT @@session.autocommit AS autocommit');
      expect(Number(rows[0]!['autocommit'])).toBe(0);
    } finally {
      await a.close();
      await b.close();
      await off.end();
    }
  });

  it('checks every connection of the pool the first time the store uses it, not only the first one', async () => {
    // The app's pool turns autocommit off on its connections from the second one on.
    const mixed = testMysqlPool({ connectionLimit: 2 });
    let opened = 0;
    mixed.pool.on('connection', (connection) => {
      opened += 1;
      if (opened > 1) connection.query('SET autocommit = 0');
    });
    const a = createSessionManager({ store: mysqlStore({ pool, prefix }) });
    const b = createSessionManager({ store: mysqlStore({ pool: mixed, prefix }) });
    try {
      const { token, session } = await a.create({ userId: 'autocommit-later' });
      // The first connection has autocommit on: the store works on it.
      expect(await b.validate(token)).toMatchObject({ ok: true });
      // The app holds that one, so the store's next calls run on a second connection.
      const held = await mixed.getConnection();
      try {
        await expect(b.validate(token)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('autocommit') });
        await a.revoke(session.id);
        // Never the old snapshot's answer that the session is live.
        await expect(b.validate(token)).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
      } finally {
        held.release();
      }
      expect(opened).toBe(2);
    } finally {
      await a.close();
      await b.close();
      await mixed.end();
    }
  });
});

describe.skipIf(!up)("mysql store: the server ended the pool's idle connections", () => {
  const prefix = freshPrefix('idle_ended');
  const admin = testMysqlPool({ connectionLimit: 1 });
  afterAll(async () => {
    await dropPrefixes(admin, [prefix]);
    await admin.end();
  });

  // `wait_timeout`, a failover or a proxy ends connections the pool holds idle; the pool learns it only by using them.
  it('every call right after is answered, on another connection', async () => {
    const pool = testMysqlPool({ connectionLimit: 6 });
    const store = mysqlStore({ pool, prefix });
    await store.migrate();
    const sessions = createSessionManager({ store });
    const answers: string[] = [];
    try {
      await sessions.create({ userId: 'ada' });
      for (let round = 0; round < 3; round++) {
        const opened = await Promise.all(Array.from({ length: 6 }, () => pool.query<RowDataPacket[]>('SELECT CONNECTION_ID() AS id, SLEEP(0.05)')));
        const ids = new Set(opened.map(([rows]) => Number(rows[0]!['id'])));
        expect(ids.size).toBe(6);
        for (const id of ids) await admin.query(`KILL CONNECTION ${id}`);
        const listed = Array.from({ length: 30 }, () => sessions.list('ada').then((views) => `listed ${views.length}`, (error: { code?: string }) => String(error.code)));
        answers.push(...(await Promise.all(listed)));
      }
    } finally {
      await sessions.close();
      await pool.end();
    }
    expect(answers).toEqual(Array.from({ length: 90 }, () => 'listed 1'));
  }, 60_000);
});
