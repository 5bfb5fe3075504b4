import type { SessionStore } from '../../src/store.js';

/**
 * A store that answers through `inner`, except for the methods in `overrides`. Every method is
 * called on `inner` itself, so class-based stores keep their `this`.
 */
export function overriding(inner: SessionStore, overrides: Partial<SessionStore>): SessionStore {
  const store: SessionStore = {
    get: (sessionId) => inner.get(sessionId),
    readUser: (userId, tenantId, sessionId) => inner.readUser(userId, tenantId, sessionId),
    readTenant: (tenantId) => inner.readTenant(tenantId),
    readKey: (key) => inner.readKey(key),
    apply: (batch) => inner.apply(batch),
    touch: (sessionId, times) => inner.touch(sessionId, times),
    prune: (options) => inner.prune(options),
    close: () => inner.close(),
    // A store that places a user's sessions by their id (Redis Cluster) needs its own ids.
    ...(inner.shardsByUser === true ? { shardsByUser: true } : {}),
    ...overrides,
  };
  return store;
}
