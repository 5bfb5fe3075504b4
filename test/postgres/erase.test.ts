import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { dropSchemas, freshSchema, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();

describe.skipIf(!up)('postgres store: a user erased', () => {
  const pool = testPool();
  const schema = freshSchema('erase');

  afterAll(async () => {
    await dropSchemas(pool, [schema]);
    await pool.end();
  });

  it('leaves nothing of the user in any table of the schema but its epochs, high-water marks and version', async () => {
    const store = postgresStore({ pool, schema, listen: false });
    await store.migrate();
    const sessions = createSessionManager({ store });
    const user = 'erased-user@example.com';
    const laptop = await sessions.create({ userId: user, userAgent: UA.chromeMac, ip: '203.0.113.7' });
    const api = await sessions.create({ userId: user, kind: 'api' });
    await sessions.revoke(api.session.id);
    await sessions.create({ userId: 'bystander', userAgent: UA.chromeMac });
    // What the user's activity page, new-device check and "This wasn't me" link keep.
    const at = Date.now();
    await storeOperations(store).appendActivity!([
      { id: 'e1', userId: user, type: 'session.created', at, reason: 'sign_in', sessionId: laptop.session.id, ip: '203.0.113.7', deviceLabel: 'Chrome on Mac OS' },
      { id: 'e2', userId: 'bystander', type: 'session.created', at, reason: 'sign_in' },
    ]);
    await storeOperations(store).revokeAll(user, { kinds: ['remember'], at, activity: { id: 'e3', userId: user, type: 'user.session_invalidated', at, reason: 'password_changed' } });
    await storeOperations(store).saveRevocationLink!({ id: 'L'.repeat(22), secretHash: new Uint8Array(32), userId: user, sessionId: laptop.session.id, expiresAt: at + 60_000 });
    // A tenant's own entry names no user: it stays.
    await storeOperations(store).revokeTenant('acme', { kinds: ['browser'], at, activity: { id: 'e4', tenantId: 'acme', type: 'tenant.sessions_revoked', at, reason: 'admin' } });
    expect(await sessions.eraseUser(user)).toEqual({ deletedSessions: 2 });
    const { rows: tables } = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    const left: string[] = [];
    for (const { table_name: table } of tables) {
      const { rows } = await pool.query(`SELECT * FROM "${schema}"."${table}"`);
      for (const row of rows) {
        const text = JSON.stringify(row);
        if (text.includes(user) || text.includes(laptop.session.id) || text.includes('203.0.113.7')) left.push(table);
      }
    }
    // Kept by the contract: the user's epochs, high-water marks and version (times of no device).
    expect([...new Set(left)].sort()).toEqual(['sessions_epochs', 'sessions_high_water', 'sessions_owners']);
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
    expect(await sessions.list('bystander')).toHaveLength(1);
    // The bystander keeps its entries (its sign-in's, written by the manager, and e2), and the
    // tenant's own entry stays.
    expect((await store.listActivity!('bystander', { limit: 10, tenantId: 'acme' })).map((entry) => entry.id)).toEqual(
      expect.arrayContaining(['e4', 'e2']),
    );
    expect(await store.listActivity!('bystander', { limit: 10 })).toHaveLength(2);
    expect(await store.listActivity!(user, { limit: 10 })).toEqual([]);
    expect(await storeOperations(store).listDevices!(user)).toEqual([]);
    await sessions.close();
  });
});
