import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlStore, type MysqlStore } from '../../adapters/mysql/index.js';
import { insert } from '../../src/testing/store/fixtures.js';
import { dropPrefixes, freshPrefix, mysqlUp, testMysqlPool } from '../support/mysql-database.js';

const up = await mysqlUp();

// Validation reads the user's and the tenant's epochs as lists inside the session's row; a
// server that cuts such a list short (group_concat_max_len) must never make an epoch vanish.
describe.skipIf(!up)('mysql store: epochs read with the session', () => {
  const pool = testMysqlPool();
  // A pool whose connections cut every GROUP_CONCAT at 4 bytes (the server's minimum).
  const short = testMysqlPool();
  short.pool.on('connection', (connection) => connection.query('SET SESSION group_concat_max_len = 4'));
  const prefix = freshPrefix('epochs');
  let store: MysqlStore;

  beforeAll(async () => {
    store = mysqlStore({ pool, prefix });
    await store.migrate();
  });

  afterAll(async () => {
    await dropPrefixes(pool, [prefix]);
    await pool.end();
    await short.end();
  });

  it('never answers an epoch cut short: a list cut inside its last entry is read again', async () => {
    const session = await insert(store, 'cut-user', { createdAt: Date.now() - 10_000 });
    const at = 1_700_000_000_123;
    await store.revokeAll('cut-user', { kinds: ['ab'], at });
    // "6162:1700000000123;" is 19 bytes: cut at 12, the entry count still matches.
    const cut = testMysqlPool();
    cut.pool.on('connection', (connection) => connection.query('SET SESSION group_concat_max_len = 12'));
    try {
      expect({ ...(await mysqlStore({ pool: cut, prefix }).get(session.id))!.epochs }).toEqual({ ab: at });
    } finally {
      await cut.end();
    }
  });

  it('answers every epoch of the user and the tenant, kinds of any bytes, even when the server cuts the lists short', async () => {
    const kinds = ['browser', 'api', 'a:b,c', 'Ünïcode', '__proto__', 'x'.repeat(200)];
    const session = await insert(store, 'epoch-user', { tenantId: 'epoch-tenant', createdAt: Date.now() - 10_000 });
    const at = Date.now() + 5_000;
    await store.revokeAll('epoch-user', { kinds, at });
    await store.revokeTenant?.('epoch-tenant', { kinds: ['browser', 'remember'], at: at + 1 });
    const expected = Object.fromEntries(kinds.map((kind) => [kind, at]));
    for (const reader of [store, mysqlStore({ pool: short, prefix })]) {
      const found = await reader.get(session.id);
      expect({ ...found!.epochs }).toEqual(expected);
      expect(Object.getPrototypeOf(found!.epochs)).toBeNull();
      expect({ ...found!.tenantEpochs }).toEqual({ browser: at + 1, remember: at + 1 });
    }
  });
});
