import { checkFlag } from '../store-answers.js';
import { userBucket } from '../store-records.js';
import type { ActivityRecord, ListActivityOptions, PruneOptions, RevocationNotice, SessionStore } from '../store.js';
import type { CreateOptions, FederatedQuery, NewSessionRecord, RevocationLinkRecord, RevokeAllOptions, RevokeOptions, RevokeOthersOptions, ReusedOptions } from './types.js';
import { findFederatedLinks } from './federated.js';
import { claimKey, keyValue, putKey } from './keys.js';
import { consumeRevocationLink, dropRevocationLink, saveRevocationLink, settleRevocationLink } from './links.js';
import { revoke, revokeAll, revokeOthers, revokeTenant } from './revoke.js';
import { revokeReused, rotate } from './rotate.js';
import { create, settleSignIn } from './sign-in.js';
import { appendActivity, eraseUser, listByUser, listDevices, reauthenticate, revocationState } from './user-data.js';

export type * from './types.js';
export { keyName } from './keys.js';

/**
 * The operations the manager runs over a store: each reads, decides with `src/rules`, and applies one batch if the version
 * held. `due`, where taken, is the caller's deadline (`performance.now()` ms, from the manager's store calls): past it no batch is sent.
 */
export function storeOperations(store: SessionStore) {
  const activity = store.listActivity === undefined ? undefined : store;
  return {
    create: (record: NewSessionRecord, options: CreateOptions, due?: number) => create(store, record, options, due),
    settleSignIn: (userId: string, sessionId: string, revoked: boolean, due?: number) => settleSignIn(store, userId, sessionId, revoked, due),
    get: (sessionId: string) => store.get(sessionId),
    touch: async (sessionId: string, at: number) => checkFlag(await store.touch(sessionId, { lastUsedAt: at }), 'touch'),
    reauthenticate: (userId: string, sessionId: string, at: number, entry?: ActivityRecord, due?: number) => reauthenticate(store, userId, sessionId, at, entry, due),
    revoke: (sessionId: string, options: RevokeOptions, due?: number) => revoke(store, sessionId, options, due),
    rotate: (userId: string, sessionId: string, presented: string, at: number, due?: number) => rotate(store, userId, sessionId, presented, at, due),
    revokeReused: (userId: string, sessionId: string, presented: string, options: ReusedOptions, due?: number) => revokeReused(store, userId, sessionId, presented, options, due),
    revokeAll: (userId: string, options: RevokeAllOptions, due?: number) => revokeAll(store, userId, options, due),
    revokeOthers: (userId: string, options: RevokeOthersOptions, due?: number) => revokeOthers(store, userId, options, due),
    revokeTenant: (tenantId: string, options: RevokeAllOptions, due?: number) => revokeTenant(store, tenantId, options, due),
    listByUser: (userId: string) => listByUser(store, userId),
    getRevocationState: (userId: string, tenantId?: string) => revocationState(store, userId, tenantId),
    eraseUser: (userId: string, now: number, due?: number) => eraseUser(store, userId, now, due),
    prune: (options: PruneOptions) => store.prune(options),
    findFederatedLinks: (query: FederatedQuery, now: number) => findFederatedLinks(store, query, now),
    claimKey: (key: string, until: number, value?: string) => claimKey(store, key, until, value),
    keyValue: (key: string) => keyValue(store, key),
    putKey: (key: string, value: string, until: number) => putKey(store, key, value, until),
    callTimeout: store.callTimeout,
    close: () => store.close(),
    sessionIdPrefix: store.shardsByUser === true ? userBucket : undefined,
    subscribe: store.subscribe === undefined ? undefined : (listener: (notice: RevocationNotice) => void, onResync?: () => void) => store.subscribe!(listener, onResync),
    stats: store.stats === undefined ? undefined : (now: number) => store.stats!(now),
    listActivity: activity && ((userId: string, options: ListActivityOptions) => activity.listActivity!(userId, options)),
    appendActivity: activity && ((entries: readonly ActivityRecord[]) => appendActivity(activity, entries)),
    listDevices: activity && ((userId: string) => listDevices(activity, userId)),
    saveRevocationLink: activity && ((link: RevocationLinkRecord) => saveRevocationLink(activity, link)),
    dropRevocationLink: activity && ((id: string) => dropRevocationLink(activity, id)),
    consumeRevocationLink: activity && ((id: string, hash: Uint8Array, now: number, taker?: string, due?: number) => consumeRevocationLink(activity, id, hash, now, taker, due)),
    settleRevocationLink: activity && ((id: string, taker: string, outcome: 'used' | 'failed', due?: number) => settleRevocationLink(activity, id, taker, outcome, due)),
  };
}

/** The operations the manager runs on its store, each decided once over the store contract. */
export type StoreOperations = ReturnType<typeof storeOperations>;
