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

  it('creates every table and records schema version 3; running it again changes nothing', async () => {
    const name = prefix();
    const store = mysqlStore({ pool, prefix: name });
    await store.migrate();
    expect(await tablesOf(name)).toEqual(['activity', 'denied', 'devices', 'epochs', 'federated_links', 'links', 'logout_tokens', 'schema', 'sessions', 'tenant_epochs']);
    expect(await versionOf(name)).toBe(3);
    const sessions = createSessionManager({ store });
    const { token } = await sessions.create({ userId: 'kept' });
    await store.migrate();
    expect(await versionOf(name)).toBe(3);
    expect((await sessions.validate(token)).ok).toBe(true);
    await sessions.close();
  });

  it('brings tables of version 1 to version 3 (the federated sign-out tables, the support sessions\' link), keeping every session', async () => {
    const name = prefix();
    const store = mysqlStore({ pool, prefix: name });
    await store.migrate();
    const sessions = createSessionManager({ store });
    const { token } = await sessions.create({ userId: 'kept' });
    await pool.query(`DROP TABLE \`${name}federated_links\`, \`${name}logout_tokens\``);
    await pool.query(`ALTER TABLE \`${name}sessions\` DROP COLUMN impersonator_session_id`);
    await pool.query(`UPDATE \`${name}schema\` SET version = 1`);
    await store.migrate();
    expect(await versionOf(name)).toBe(3);
    expect(await tablesOf(name)).toContain('federated_links');
    expect((await sessions.validate(token)).ok).toBe(true);
    expect(await store.rememberLogoutToken('https://idp.example', 'jti', Date.now() + 60_000)).toBe(true);
    const support = await sessions.impersonate((await sessions.create({ userId: 'admin' })).session, 'kept');
    expect((await sessions.validate(support.token)).ok).toBe(true);
    await sessions.close();
  });

  it("brings links of version 2 to version 3: a link saved before reads without its device, and the previous release's statements keep working", async () => {
    const name = prefix();
    const store = mysqlStore({ pool, prefix: name });
    await store.migrate();
    await pool.query(`ALTER TABLE \`${name}links\` DROP COLUMN device_key, DROP COLUMN tenant_id`);
    await pool.query(`UPDATE \`${name}schema\` SET version = 2`);
    // The previous release's save and read of a link name their own columns.
    const hash = Buffer.alloc(32, 9);
    const expiresAt = Date.now() + 60_000;
    const saveV2 = (id: string) =>
      pool.query(`INSERT INTO \`${name}links\` (id, secret_hash, user_id, session_id, expires_at) VALUES (?, ?, ?, ?, ?)`, [id, hash, 'links-v2', 'S'.repeat(22), expiresAt]);
    await saveV2('LinkSavedByV2LinkSaved');
    await store.migrate();
    expect(await versionOf(name)).toBe(3);
    const earlier = await store.consumeRevocationLink('LinkSavedByV2LinkSaved', hash, Date.now());
    expect(earlier).toMatchObject({ userId: 'links-v2', sessionId: 'S'.repeat(22), expiresAt });
    expect([earlier?.deviceKey, earlier?.tenantId]).toEqual([undefined, undefined]);
    await store.saveRevocationLink({ id: 'LinkSavedByV3LinkSaved', secretHash: hash, userId: 'links-v2', sessionId: 'T'.repeat(22), expiresAt, deviceKey: 'Chrome|Mac OS', tenantId: 'acme' });
    const [read] = await pool.query<import('mysql2/promise').RowDataPacket[]>(`SELECT id, secret_hash, user_id, session_id, expires_at FROM \`${name}links\` WHERE id = ?`, ['LinkSavedByV3LinkSaved']);
    expect(String(read[0]?.['user_id'])).toBe('links-v2');
    expect(await store.consumeRevocationLink('LinkSavedByV3LinkSaved', hash, Date.now())).toMatchObject({ deviceKey: 'Chrome|Mac OS', tenantId: 'acme' });
    await saveV2('LinkSavedByV2AfterUpgr');
    expect(await store.consumeRevocationLink('LinkSavedByV2AfterUpgr', hash, Date.now())).toMatchObject({ userId: 'links-v2', deviceKey: undefined });
  });

  it('runs an interrupted version 3 again: the column already added is done', async () => {
    const name = prefix();
    const store = mysqlStore({ pool, prefix: name });
    await store.migrate();
    await pool.query(`UPDATE \`${name}schema\` SET version = 2`);
    await store.migrate();
    expect(await versionOf(name)).toBe(3);
  });

  it('several instances migrating at once take turns and all succeed', async () => {
    const name = prefix();
    const pools = [testMysqlPool({ connectionLimit: 2 }), testMysqlPool({ connectionLimit: 2 }), testMysqlPool({ connectionLimit: 2 })];
    try {
      await Promise.all(pools.map((each) => mysqlStore({ pool: each, prefix: name }).migrate()));
      expect(await versionOf(name)).toBe(3);
      expect(await tablesOf(name)).toHaveLength(10);
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
    await pool.query(`UPDATE \`${newer}schema\` SET version = 99`);
    await expect(mysqlStore({ pool, prefix: newer }).migrate()).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('schema version 99') });

    const clash = prefix();
    await pool.query(`CREATE TABLE \`${clash}sessions\` (id INT PRIMARY KEY)`);
    await expect(mysqlStore({ pool, prefix: clash }).migrate()).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });
});
