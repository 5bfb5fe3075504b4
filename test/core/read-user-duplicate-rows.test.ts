import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import type { SessionStore, UserState } from '../../src/store.js';
import { intercepted } from '../../src/testing/store/fixtures.js';

// readUser() answering each row twice: what a SQL adapter answers when its query joins a one-to-many table (tenant epochs, devices)
// without grouping, or a Redis adapter that merges an index read twice. Same rows, same user, every field well formed.
function duplicatingReadUser(): { store: SessionStore; duplicate: { now: boolean } } {
  const duplicate = { now: false };
  const store = intercepted(memoryStore(), (method, call) =>
    method === 'readUser' && duplicate.now ? (call() as Promise<UserState>).then((state) => ({ ...state, sessions: [...state.sessions, ...state.sessions] })) : call(),
  );
  return { store, duplicate };
}

const codeOf = (error: unknown): string | undefined => (isSessionError(error) ? error.code : String(error));

describe('readUser() answering a row twice', () => {
  it('evict-oldest: a sign-in under the cap is a store error, and signs nobody out', async () => {
    const { store, duplicate } = duplicatingReadUser();
    const sessions = createSessionManager({ store, maxSessions: { browser: 3 } });
    const laptop = await sessions.create({ userId: 'alice', userAgent: 'laptop' });
    const phone = await sessions.create({ userId: 'alice', userAgent: 'phone' });
    duplicate.now = true;
    // Two live sessions, a cap of 3: the third sign-in ends nobody. Read as four rows, it evicts the laptop.
    const third = await sessions.create({ userId: 'alice', userAgent: 'tablet' }).then(() => 'created', codeOf);
    duplicate.now = false;
    expect(third).toBe('STORE_ERROR');
    expect((await sessions.validate(laptop.token)).ok).toBe(true);
    expect((await sessions.validate(phone.token)).ok).toBe(true);
  });

  it('refuse: a sign-in under the cap is a store error, not SESSION_LIMIT', async () => {
    const { store, duplicate } = duplicatingReadUser();
    const sessions = createSessionManager({ store, maxSessions: { browser: 3 }, onMaxSessions: 'refuse' });
    await sessions.create({ userId: 'alice', userAgent: 'laptop' });
    await sessions.create({ userId: 'alice', userAgent: 'phone' });
    duplicate.now = true;
    const third = await sessions.create({ userId: 'alice', userAgent: 'tablet' }).then(() => 'created', codeOf);
    expect(third).toBe('STORE_ERROR');
  });

  it('revokeOthers: a store error, not each session ended and reported twice', async () => {
    const { store, duplicate } = duplicatingReadUser();
    const sessions = createSessionManager({ store });
    const kept = await sessions.create({ userId: 'alice', userAgent: 'laptop' });
    await sessions.create({ userId: 'alice', userAgent: 'phone' });
    duplicate.now = true;
    const answer = await sessions.revokeOthers('alice', kept.session.id).then((result) => result.revokedIds.length, codeOf);
    expect(answer).toBe('STORE_ERROR');
  });
});
