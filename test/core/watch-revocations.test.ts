import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type SessionStore } from '../../src/index.js';
import type { RevocationNotice } from '../../src/store.js';

/** A memory store whose publication the test drives, counting its subscribers. */
function publishingStore() {
  const inner = memoryStore();
  const listeners = new Set<{ listener: (notice: RevocationNotice) => void; onResync: (() => void) | undefined }>();
  const store = Object.create(inner) as SessionStore;
  store.subscribe = (listener, onResync) => {
    const entry = { listener, onResync };
    listeners.add(entry);
    return () => void listeners.delete(entry);
  };
  return {
    store,
    publish: (notice: RevocationNotice) => [...listeners].forEach((entry) => entry.listener(notice)),
    resync: () => [...listeners].forEach((entry) => entry.onResync?.()),
    subscribers: () => listeners.size,
  };
}

describe('sessions.watchRevocations', () => {
  it("hears every revocation this manager makes, with the user's id", async () => {
    const { store } = publishingStore();
    const sessions = createSessionManager({ store, maxSessions: { browser: 1 }, onMaxSessions: 'evict-oldest' });
    const heard: (RevocationNotice | null)[] = [];
    sessions.watchRevocations((notice) => heard.push(notice));
    const first = await sessions.create({ userId: 'alice' });
    await sessions.create({ userId: 'alice' }); // evicts the first
    const third = await sessions.create({ userId: 'bob' });
    await sessions.revoke(third.session.id);
    await sessions.revokeOthers('carol', first.session.id);
    await sessions.revokeAll('dave');
    await sessions.revokeTenant('acme');
    expect(heard).toEqual([{ userId: 'alice' }, { userId: 'bob' }, { userId: 'carol' }, { userId: 'dave' }, { userId: '', tenantId: 'acme' }]);
    // A revocation that changed nothing (a tombstone) is not heard.
    await sessions.revoke(third.session.id);
    expect(heard).toHaveLength(5);
    await sessions.close();
  });

  it("passes on the store's notices (a tenant's too) and a resync as null; subscribes only while someone watches", async () => {
    const { store, publish, resync, subscribers } = publishingStore();
    const sessions = createSessionManager({ store });
    expect(sessions.revocationsPublished).toBe(true);
    expect(subscribers()).toBe(0);
    const heard: (RevocationNotice | null)[] = [];
    const stopFirst = sessions.watchRevocations((notice) => heard.push(notice));
    const stopSecond = sessions.watchRevocations(() => undefined);
    expect(subscribers()).toBe(1);
    publish({ userId: 'alice' });
    publish({ userId: '', tenantId: 'acme' });
    resync();
    expect(heard).toEqual([{ userId: 'alice' }, { userId: '', tenantId: 'acme' }, null]);
    stopFirst();
    stopFirst(); // twice: harmless, the other listener keeps the subscription
    expect(subscribers()).toBe(1);
    stopSecond();
    expect(subscribers()).toBe(0);
    publish({ userId: 'alice' });
    expect(heard).toHaveLength(3);
    await sessions.close();
  });

  it("a throwing listener goes to onError; the others still hear", async () => {
    const errors: unknown[] = [];
    const sessions = createSessionManager({ onError: (error) => errors.push(error) });
    const heard: (RevocationNotice | null)[] = [];
    sessions.watchRevocations(() => {
      throw new Error('listener failed');
    });
    sessions.watchRevocations((notice) => heard.push(notice));
    await sessions.revokeAll('alice');
    expect(heard).toContainEqual({ userId: 'alice' });
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ message: 'listener failed' })]));
    await sessions.close();
  });

  it('closing the manager tells every listener once (null) and drops the subscription; watching after close is refused', async () => {
    const { store, subscribers } = publishingStore();
    const sessions = createSessionManager({ store });
    const heard: (RevocationNotice | null)[] = [];
    sessions.watchRevocations((notice) => heard.push(notice));
    await sessions.close();
    expect(heard).toEqual([null]);
    expect(subscribers()).toBe(0);
    expect(() => sessions.watchRevocations(() => undefined)).toThrow(SessionError);
  });

  it('revocationsPublished is false for a store without subscribe, and watching still hears this manager', async () => {
    const inner = memoryStore();
    const store = Object.create(inner) as SessionStore & { subscribe?: unknown };
    store.subscribe = undefined;
    const sessions = createSessionManager({ store: store as SessionStore });
    expect(sessions.revocationsPublished).toBe(false);
    const heard: (RevocationNotice | null)[] = [];
    sessions.watchRevocations((notice) => heard.push(notice));
    await sessions.revokeAll('alice');
    expect(heard).toEqual([{ userId: 'alice' }]);
    await sessions.close();
  });
});
