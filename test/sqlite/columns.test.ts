import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import type { NewSessionRecord } from '../../src/store.js';
import { mintToken } from '../../src/token.js';

const record = (overrides: Partial<NewSessionRecord> = {}): NewSessionRecord => {
  const { id, secretHash } = mintToken();
  const createdAt = Date.now();
  return { id, userId: 'u', kind: 'browser', secretHash, createdAt, authenticatedAt: createdAt - 60_000, maxAge: 3_600_000, ...overrides };
};

describe('sqlite store: the proof time and the session-only flag in the table', () => {
  it('stores authenticatedAt as given, and persistent only when false', async () => {
    const database = new Database(':memory:');
    const store = sqliteStore({ database });
    const remembered = await store.create(record({ persistent: true }), { replaceDevice: false });
    const unsaid = await store.create(record(), { replaceDevice: false });
    const forgetful = await store.create(record({ persistent: false }), { replaceDevice: false });
    // true and absent are the same choice, answered the same way by create and by a read.
    expect(remembered.session.persistent).toBeUndefined();
    expect((await store.get(remembered.session.id))!.session.persistent).toBeUndefined();
    expect(forgetful.session.persistent).toBe(false);
    const columns = (id: string): unknown => database.prepare('SELECT authenticated_at, persistent FROM session_revocation_sessions WHERE id = ?').get(id);
    expect(columns(remembered.session.id)).toEqual({ authenticated_at: remembered.session.createdAt - 60_000, persistent: null });
    expect(columns(unsaid.session.id)).toEqual({ authenticated_at: unsaid.session.createdAt - 60_000, persistent: null });
    expect(columns(forgetful.session.id)).toEqual({ authenticated_at: forgetful.session.createdAt - 60_000, persistent: 0 });
    await store.close?.();
    database.close();
  });
});
