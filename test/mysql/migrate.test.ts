import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { createSessionManager } from '../../src/index.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

describe.skipIf(!up)('mysql store: migrations', () => {
  const pool = testMysqlPool();
  const created: string[] = [];
  const prefix = (): string => {
    const name = freshPrefix('mig');
    created.push(name);
    return name;
  };
  const tablesOf = async (name: string): Promise<string[]> => {
    const [rows] = await pool.query<import('mysql2/promise').RowDataPacket[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ? ORDER BY table_name',
      [`${name.replaceAll('_', '\\_')}%`],
    );
    return rows.map((row) => String(row['name']).slice(name.length));
  };
  const versionOf = async (name: string): Promise<unknown> => {
    const [rows] = await pool.query<import('mysql2/promise').RowDataPacket[]>(`SELECT version FROM \`${name}schema\` WHERE id = 1`);
    return rows[0]?.['version'];
  };

  afterAll(async () => {
    await dropPrefixes(pool, created);
    await pool.end();
  });

  it('creates every table and records schema version 1; running it again changes nothing', async () => {
    const name = prefix();
    const store = mysqlStore({ pool, prefix: name });
    await store.migrate();
    expect(await tablesOf(name)).toEqual(['activity', 'denied', 'devices', 'epochs', 'high_water', 'keys', 'owners', 'schema', 'sessions']);
    expect(await versionOf(name)).toBe(1);
    const sessions = createSessionManager({ store });
    const { token } = await sessions.create({ userId: 'kept' });
    await store.migrate();
    expect(await versionOf(name)).toBe(1);
    expect((await sessions.validate(token)).ok).toBe(true);
    await sessions.close();
  });

  it('runs again when cut short before the version was recorded, keeping every session', async () => {
    const name = prefix();
    const store = mysqlStore({ pool, prefix: name });
    await store.migrate();
    const sessions = createSessionManager({ store });
    const { token } = await sessions.create({ userId: 'kept' });
    // The tables are there, the version is not: a migration that stopped before its last write.
    await pool.query(`DELETE FROM \`${name}schema\``);
    await store.migrate();
    expect(await versionOf(name)).toBe(1);
    expect((await sessions.validate(token)).ok).toBe(true);
    await sessions.close();
  });

  it('several instances migrating at once take turns and all succeed', async () => {
    const name = prefix();
    const pools = [testMysqlPool({ connectionLimit: 2 }), testMysqlPool({ connectionLimit: 2 }), testMysqlPool({ connectionLimit: 2 })];
    try {
      await Promise.all(pools.map((each) => mysqlStore({ pool: each, prefix: name }).migrate()));
      expect(await versionOf(name)).toBe(1);
      expect(await tablesOf(name)).toHaveLength(9);
    } finally {
      for (const each of pools) await each.end();
    }
  });

  it('before migrate, a call says to run it', async () => {
    const store = mysqlStore({ pool, prefix: prefix() });
    await expect(store.get('x')).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('run store.migrate()') });
  });

  it('refuses tables of a newer schema version, and a table of the same name with another shape', async () => {
    const newer = prefix();
    await mysqlStore({ pool, prefix: newer }).migrate();
    await pool.query(`UPDATE \`${newer}schema\` SET version = 2`);
    await expect(mysqlStore({ pool, prefix: newer }).migrate()).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('schema version 2, newer than this release reads (1)') });

    const clash = prefix();
    await pool.query(`CREATE TABLE \`${clash}sessions\` (id INT PRIMARY KEY)`);
    await expect(mysqlStore({ pool, prefix: clash }).migrate()).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });
});
