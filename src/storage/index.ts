import { checkFlag } from '../store-answers.js';
import { userBucket } from '../store-records.js';
import type { SessionStore } from '../store.js';
import { findFederatedLinks } from './federated.js';
import { claimKey, keyValue, putKey } from './keys.js';
import { consumeRevocationLink, saveRevocationLink } from './links.js';
import { revoke, revokeAll, revokeOthers, revokeTenant } from './revoke.js';
import { revokeReused, rotate } from './rotate.js';
import { create } from './sign-in.js';
import type { StoreOperations } from './types.js';
import { appendActivity, eraseUser, listByUser, listDevices, revocationState } from './user-data.js';

export type * from './types.js';
export { keyName } from './keys.js';

/** The operations the manager runs over a store: each reads, decides with `src/rules`, and applies one batch if the version held. */
export function storeOperations(store: SessionStore): StoreOperations {
  const operations: StoreOperations = {
    create: (record, options, due) => create(store, record, options, due),
    get: (sessionId) => store.get(sessionId),
    touch: async (sessionId, at) => checkFlag(await store.touch(sessionId, { lastUsedAt: at }), 'touch'),
    reauthenticate: async (sessionId, at) => checkFlag(await store.touch(sessionId, { authenticatedAt: at }), 'touch'),
    revoke: (sessionId, options, due) => revoke(store, sessionId, options, due),
    rotate: (userId, sessionId, presented, at, due) => rotate(store, userId, sessionId, presented, at, due),
    revokeReused: (userId, sessionId, presented, options, due) => revokeReused(store, userId, sessionId, presented, options, due),
    revokeAll: (userId, options, due) => revokeAll(store, userId, options, due),
    revokeOthers: (userId, options, due) => revokeOthers(store, userId, options, due),
    revokeTenant: (tenantId, options, due) => revokeTenant(store, tenantId, options, due),
    listByUser: (userId) => listByUser(store, userId),
    getRevocationState: (userId, tenantId) => revocationState(store, userId, tenantId),
    eraseUser: (userId, now, due) => eraseUser(store, userId, now, due),
    prune: (options) => store.prune(options),
    findFederatedLinks: (query, now) => findFederatedLinks(store, query, now),
    claimKey: (key, until, value) => claimKey(store, key, until, value),
    keyValue: (key) => keyValue(store, key),
    putKey: (key, value, until) => putKey(store, key, value, until),
    callTimeout: store.callTimeout,
    close: () => store.close(),
  };
  if (store.shardsByUser === true) operations.sessionIdPrefix = userBucket;
  if (store.subscribe !== undefined) operations.subscribe = (listener, onResync) => store.subscribe!(listener, onResync);
  if (store.stats !== undefined) operations.stats = (now) => store.stats!(now);
  if (store.listActivity !== undefined) {
    operations.listActivity = (userId, options) => store.listActivity!(userId, options);
    operations.appendActivity = (entries) => appendActivity(store, entries);
    operations.listDevices = (userId) => listDevices(store, userId);
    operations.forgetDevice = async (userId, deviceHash) => void (await store.apply({ owner: { userId }, writes: [{ type: 'device', deviceHash, lastSeenAt: 0 }] }));
    operations.saveRevocationLink = (link) => saveRevocationLink(store, link);
    operations.consumeRevocationLink = (id, hash, now, due) => consumeRevocationLink(store, id, hash, now, due);
  }
  return operations;
}
