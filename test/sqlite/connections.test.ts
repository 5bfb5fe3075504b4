import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { storeOperations } from '../../src/storage/index.js';
import { createSessionManager, isSessionError } from '../../src/index.js';
import type { NewSessionRecord } from '../../src/storage/index.js';
import { mintToken } from '../../src/token.js';
import { tempDatabases } from './temp.js';

const files = tempDatabases();
afterAll(() => files.removeAll());

const record = (userId: string): NewSessionRecord => {
  const { id, secretHash } = mintToken();
  const createdAt = Date.now();
  return { id, userId, kind: 'browser', secretHash, createdAt, authenticatedAt: createdAt, maxAge: 3_600_000 };
};

describe('sqlite store: two connections on one file', () => {
  it('a revocation through one store is seen by a manager on the other at its next validate', async () => {
    const filename = files.next();
    const first = createSessionManager({ store: sqliteStore({ filename }) });
    const second = createSessionManager({ store: sqliteStore({ filename }) });
    const { token } = await first.create({ userId: 'alice' });
    expect((await second.validate(token)).ok).toBe(true);
    await first.revokeAll('alice');
    expect(await second.validate(token)).toEqual({ ok: false, reason: 'revoked' });

    const again = await second.create({ userId: 'alice' });
    expect((await first.validate(again.token)).ok).toBe(true);
    await second.revoke(again.session.id);
    expect(await first.validate(again.token)).toEqual({ ok: false, reason: 'revoked' });
    await first.close();
    await second.close();
  });

  it('interleaved writes through both connections all land', async () => {
    const filename = files.next();
    const one = storeOperations(sqliteStore({ filename }));
    const two = storeOperations(sqliteStore({ filename }));
    const writes = Array.from({ length: 200 }, (_, index) => (index % 2 === 0 ? one : two).create(record('both'), { replaceDevice: false }));
    const raises = Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? two : one).revokeAll('both', { kinds: ['remember'], at: 1_000 + index }));
    await Promise.all([...writes, ...raises]);
    expect((await one.listByUser('both')).sessions).toHaveLength(200);
    // The latest time asked, moved 1 ms past by each raise that landed after it.
    expect(raises.map((_, index) => 1_019 + index)).toContain((await two.getRevocationState('both')).epochs['remember']);
    await one.close?.();
    await two.close?.();
  });
});

describe('sqlite store: a write lock held too long', () => {
  it('fails a write with STORE_UNAVAILABLE after busyTimeout, keeps reads working, and recovers', async () => {
    const filename = files.next();
    const store = storeOperations(sqliteStore({ filename, busyTimeout: 50 }));
    const existing = record('locked');
    await store.create(existing, { replaceDevice: false });
    const other = new Database(filename);
    other.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      const error: unknown = await store.create(record('locked'), { replaceDevice: false }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(40);
      expect(isSessionError(error) && error.code).toBe('STORE_UNAVAILABLE');
      await expect(store.revokeAll('locked', { kinds: ['browser'], at: Date.now() })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.touch(existing.id, Date.now() + 1)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      // WAL: readers do not wait for the writer.
      expect((await store.get(existing.id))?.session.id).toBe(existing.id);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await store.revokeAll('locked', { kinds: ['browser'], at: 5 })).browser).toBeGreaterThanOrEqual(existing.createdAt);
    expect((await store.listByUser('locked')).sessions).toHaveLength(1);
    await store.close?.();
  });

  it('reports STORE_UNAVAILABLE when the lock is held while the tables are first created, then creates them', async () => {
    const filename = files.next();
    const other = new Database(filename);
    other.exec('BEGIN IMMEDIATE');
    const store = storeOperations(sqliteStore({ filename, busyTimeout: 20 }));
    try {
      await expect(store.getRevocationState('u')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await store.getRevocationState('u')).toEqual({ epochs: {}, denied: {} });
    await store.close?.();
  });
});

describe('sqlite store: a connection that is gone', () => {
  it('refuses every call once the store is closed, as CLOSED', async () => {
    const store = sqliteStore({ filename: files.next() });
    await store.close();
    await expect(store.get('AbCdEfGhIjKlMnOpQrSt-_')).rejects.toMatchObject({ code: 'CLOSED', message: 'The SQLite session store was closed.' });
  });

  it("answers STORE_UNAVAILABLE on a connection the app closed, saying so", async () => {
    const database = new Database(files.next());
    const store = sqliteStore({ database });
    database.close();
    await expect(store.get('AbCdEfGhIjKlMnOpQrSt-_')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: 'The SQLite database connection given to the session store is closed.',
    });
    await store.close();
  });
});
