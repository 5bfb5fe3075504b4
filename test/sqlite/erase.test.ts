import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { createSessionManager } from '../../src/index.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** What a copy of the database would hold: the bytes of the `.db` file and of its `-wal`. */
function fileBytes(filename: string): Buffer {
  return Buffer.concat([filename, `${filename}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
}

/** Which of `needles` the raw bytes of the database files still contain. */
function readable(filename: string, needles: readonly string[]): string[] {
  const bytes = fileBytes(filename);
  return needles.filter((needle) => bytes.includes(Buffer.from(needle)));
}

/** Signs a user in a few times from a distinctive browser and address; what must go with an erase. */
async function signInDistinctly(sessions: ReturnType<typeof createSessionManager>, userId: string, marker: string): Promise<string[]> {
  const userAgent = `Mozilla/5.0 (X11; Linux x86_64) ${marker}/7.1`;
  const ip = '198.51.100.77';
  const ids: string[] = [];
  for (let index = 0; index < 5; index++) {
    const { session, token } = await sessions.create({ userId, userAgent, ip });
    await sessions.validate(token);
    ids.push(session.id);
  }
  return [marker, ip, ...ids];
}

describe('sqlite store: a user erased', () => {
  it('leaves nothing of the user in any table but its epochs, high-water marks and version', async () => {
    const database = new Database(':memory:');
    const sessions = createSessionManager({ store: sqliteStore({ database }) });
    const user = 'erased-user@example.com';
    const laptop = await sessions.create({ userId: user, userAgent: CHROME, ip: '203.0.113.7' });
    const phone = await sessions.create({ userId: user, kind: 'api' });
    await sessions.revoke(phone.session.id);
    await sessions.create({ userId: 'bystander', userAgent: CHROME });
    // What the store keeps beside the sessions: activity, known devices, a revocation link,
    // and a tenant revoked (its epochs name the tenant, never the user).
    const store = storeOperations(sessions.store);
    const at = Date.now();
    await store.appendActivity!([{ id: 'erase-1', userId: user, tenantId: 'acme', type: 'session.reauthenticated', at, reason: 'password', sessionId: laptop.session.id, ip: '203.0.113.7' }]);
    await store.saveRevocationLink!({ id: 'l'.repeat(22), secretHash: new Uint8Array(32), userId: user, sessionId: laptop.session.id, expiresAt: at + 60_000 });
    await store.revokeTenant!('acme', { kinds: ['browser'], at, activity: { id: 'erase-2', tenantId: 'acme', type: 'tenant.revoked', at, reason: 'admin' } });
    const bystanderDevices = await store.listDevices!('bystander');
    const bystanderActivity = await store.listActivity!('bystander', { limit: 100 });
    expect(bystanderDevices.length).toBeGreaterThan(0);
    expect(bystanderActivity.length).toBeGreaterThan(0);
    expect(await sessions.eraseUser(user)).toEqual({ deletedSessions: 2 });
    // Every table, every row, as text: only the epochs, high-water and version rows may still name the user.
    const tables = database.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    const left: string[] = [];
    for (const { name } of tables) {
      for (const row of database.prepare(`SELECT * FROM "${name}"`).all()) {
        const text = JSON.stringify(row);
        if (text.includes(user) || text.includes(laptop.session.id) || text.includes('203.0.113.7')) left.push(name);
      }
    }
    // Kept by the contract: the user's epochs, high-water marks and version (times of no device).
    expect([...new Set(left)].sort()).toEqual(['session_revocation_epochs', 'session_revocation_high_water', 'session_revocation_owners']);
    expect((await sessions.validate(laptop.token)).ok).toBe(false);
    expect(await sessions.list('bystander')).toHaveLength(1);
    expect(await store.listDevices!('bystander')).toEqual(bystanderDevices);
    expect(await store.listActivity!('bystander', { limit: 100 })).toEqual(bystanderActivity);
    expect((await store.listActivity!(user, { limit: 10, tenantId: 'acme' })).map((entry) => entry.id)).toEqual(['erase-2']);
    await sessions.close();
    database.close();
  });

  it("leaves none of the erased rows in the file's bytes with secure_delete and a truncating checkpoint, as documented", async () => {
    const filename = files.next();
    const database = new Database(filename);
    database.pragma('journal_mode = WAL');
    database.pragma('secure_delete = ON');
    const sessions = createSessionManager({ store: sqliteStore({ database }) });
    const marker = 'Mozilla/5.0 (X11; Linux x86_64) ErasedMarker/1.0';
    for (let index = 0; index < 5; index++) await sessions.create({ userId: 'raw-erased', userAgent: marker, ip: '198.51.100.23' });
    await sessions.create({ userId: 'raw-bystander' });
    await sessions.eraseUser('raw-erased');
    database.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = Buffer.concat(readdirSync(dirname(filename)).map((file) => readFileSync(join(dirname(filename), file))));
    expect(bytes.includes(Buffer.from('raw-bystander'))).toBe(true);
    expect(bytes.includes(Buffer.from('ErasedMarker'))).toBe(false);
    expect(bytes.includes(Buffer.from('198.51.100.23'))).toBe(false);
    await sessions.close();
    database.close();
  });

  it('a store that opened its file leaves none of the erased user in the .db and .db-wal bytes, open or closed', async () => {
    const filename = files.next();
    const sessions = createSessionManager({ store: sqliteStore({ filename }) });
    const erased = await signInDistinctly(sessions, 'own-erased', 'OwnErasedMarker');
    await sessions.create({ userId: 'own-bystander', userAgent: CHROME });
    // The test can see what it looks for before the erase.
    expect(readable(filename, erased)).toEqual(erased);

    expect(await sessions.eraseUser('own-erased')).toEqual({ deletedSessions: 5 });
    expect(readable(filename, erased)).toEqual([]);
    expect(readable(filename, ['own-bystander'])).toEqual(['own-bystander']);
    expect(await sessions.list('own-bystander')).toHaveLength(1);
    await sessions.close();
    expect(readable(filename, erased)).toEqual([]);
  });

  it("on the app's connection: changes none of its settings, and checkpoints after an erase when the app turned secure_delete on", async () => {
    const filename = files.next();
    const database = new Database(filename);
    database.pragma('journal_mode = WAL');
    database.pragma('secure_delete = ON');
    const sessions = createSessionManager({ store: sqliteStore({ database }) });
    const erased = await signInDistinctly(sessions, 'app-erased', 'AppErasedMarker');
    await sessions.create({ userId: 'app-bystander', userAgent: CHROME });
    await sessions.eraseUser('app-erased');
    // No checkpoint of the app's own: the store's is enough.
    expect(readable(filename, erased)).toEqual([]);
    await sessions.close();
    database.close();

    // secure_delete left off by the app stays off: the store does not turn it on.
    const other = new Database(files.next());
    const otherSessions = createSessionManager({ store: sqliteStore({ database: other }) });
    await otherSessions.create({ userId: 'app-erased', userAgent: CHROME });
    await otherSessions.eraseUser('app-erased');
    expect(other.pragma('secure_delete', { simple: true })).toBe(0);
    await otherSessions.close();
    other.close();
  });

  it("on the app's connection that reads integers as bigints (defaultSafeIntegers): erases, with no checkpoint when secure_delete is off, and one when on", async () => {
    for (const secureDelete of [false, true]) {
      const filename = files.next();
      const database = new Database(filename);
      database.defaultSafeIntegers(true);
      database.pragma('journal_mode = WAL');
      if (secureDelete) database.pragma('secure_delete = ON');
      const sessions = createSessionManager({ store: sqliteStore({ database }) });
      const erased = await signInDistinctly(sessions, 'app-erased', 'AppErasedMarker');
      await sessions.eraseUser('app-erased');
      expect(await sessions.list('app-erased')).toEqual([]);
      expect(statSync(`${filename}-wal`).size > 0).toBe(!secureDelete);
      if (secureDelete) expect(readable(filename, erased)).toEqual([]);
      await sessions.close();
      database.close();
    }
  });

  it("on the app's connection without secure_delete: runs no checkpoint of its own, so the app's WAL is left as it was", async () => {
    const filename = files.next();
    const database = new Database(filename);
    database.pragma('journal_mode = WAL');
    const sessions = createSessionManager({ store: sqliteStore({ database }) });
    await signInDistinctly(sessions, 'app-erased', 'AppErasedMarker');
    await sessions.eraseUser('app-erased');
    expect(statSync(`${filename}-wal`).size).toBeGreaterThan(0);
    await sessions.close();
    database.close();
  });

  it("a federated user: the provider's subject and session ids go with the sessions, from the .db and .db-wal bytes", async () => {
    const filename = files.next();
    const sessions = createSessionManager({ store: sqliteStore({ filename }) });
    const iss = 'https://idp.example.com';
    const erased: string[] = ['FederatedEraseSubject', 'FederatedEraseSid'];
    for (let index = 0; index < 3; index++) {
      const { session } = await sessions.create({ userId: 'federated-erased', userAgent: CHROME, federated: { iss, sub: 'FederatedEraseSubject', sid: `FederatedEraseSid-${index}` } });
      erased.push(session.id);
    }
    await sessions.create({ userId: 'federated-bystander', userAgent: CHROME, federated: { iss, sub: 'FederatedKeptSubject' } });
    expect(readable(filename, erased)).toEqual(erased);

    await sessions.eraseUser('federated-erased');
    expect(readable(filename, erased)).toEqual([]);
    expect(readable(filename, ['FederatedKeptSubject'])).toEqual(['FederatedKeptSubject']);
    await sessions.close();
  });

  it("on the app's connection with secure_delete = FAST: checkpoints after the erase too, so the rows' bytes are in neither file", async () => {
    const filename = files.next();
    const database = new Database(filename);
    database.pragma('journal_mode = WAL');
    database.pragma('secure_delete = FAST');
    const sessions = createSessionManager({ store: sqliteStore({ database }) });
    const erased = await signInDistinctly(sessions, 'fast-erased', 'FastErasedMarker');
    await sessions.create({ userId: 'fast-bystander', userAgent: CHROME });
    expect(readable(filename, erased)).toEqual(erased);

    await sessions.eraseUser('fast-erased');
    expect(readable(filename, erased)).toEqual([]);
    // The app's setting is read, never changed.
    expect(database.pragma('secure_delete', { simple: true })).toBe(2);
    await sessions.close();
    database.close();
  });

  it('an erase whose checkpoint another reader keeps busy is not reported done; the next call completes it', async () => {
    const filename = files.next();
    const sessions = createSessionManager({ store: sqliteStore({ filename, busyTimeout: 50 }) });
    const erased = await signInDistinctly(sessions, 'busy-erased', 'BusyErasedMarker');
    // Another process's reader in the middle of a read transaction, on the WAL as it is now.
    const reader = new Database(filename, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare('SELECT count(*) FROM session_revocation_sessions').get();

    await expect(sessions.eraseUser('busy-erased')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/call eraseUser again/) });
    expect(await sessions.list('busy-erased')).toEqual([]);
    reader.prepare('COMMIT').run();
    expect(await sessions.eraseUser('busy-erased')).toEqual({ deletedSessions: 0 });
    expect(readable(filename, erased)).toEqual([]);
    reader.close();
    await sessions.close();
  });
});
