/**
 * The storage contract: the one file a storage adapter author needs to read. Optional
 * features each have their own capability interface in `store-capabilities/` (tenants,
 * activity, revocation links, publishing, statistics, federated sign-out); a store implements
 * those it can.
 *
 * A store is dumb on purpose: it never reads a clock. Every time comes in as an argument, in
 * absolute milliseconds since the epoch, so the manager's clock rules everything and two
 * servers with different clocks still agree. It keeps rows and answers in one round trip;
 * whether a session is live is decided by the manager (`src/liveness.ts`).
 *
 * Semantics every store keeps (the conformance suite in `session-revocation/testing` checks
 * each of them):
 *
 * 1. **Tombstones.** A revoked session is never deleted by a revocation. Its row stays, with
 *    `revokedAt` and `revokedReason`, until `prune()` removes it after `expiresAt`.
 * 2. **Update-only writes.** After `create`, nothing recreates a row: `touch` and `revoke` on a
 *    missing (pruned, never created) session do nothing, and `touch` never clears a revocation.
 * 3. **Monotonic epochs.** A user's epoch for a kind only moves forward; concurrent raises
 *    leave the maximum.
 * 4. **Sessions are born after the epoch.** `create` stores
 *    `createdAt = max(requested createdAt, epoch(user, kind) + 1)`, read and written
 *    atomically, so a sign-in right after "sign out everywhere" always works.
 * 5. **Epochs cover what they revoke.** `revokeAll` sets the epoch to at least the newest
 *    `createdAt` the store has seen for that user and kind (the *high-water mark*), so a server
 *    whose clock runs behind cannot leave a session alive.
 * 6. **Live, where a store decides it** (device replacement and the cap in `create`,
 *    `revokeOthers`): not revoked on its own, `expiresAt > now`, and `createdAt > epochs[kind]`
 *    (a missing epoch counting as 0). The manager judges every row it reads again.
 * 7. **Keys are data.** User ids, tenant ids, kinds and device keys are arbitrary text:
 *    `__proto__`, `constructor` and `toString` are ordinary names. Keep them in `Map`s or
 *    prototype-free objects, never as keys of a plain `{}`.
 * 8. **Answers are checked.** A non-finite time, an epoch that is not a number, a row of
 *    another id or user is a `STORE_ERROR` (HTTP 503), never a session: return exactly the
 *    types below.
 * 9. **The session cap is atomic.** With `limit`, counting the live sessions, evicting the
 *    least recently used and inserting are one step: concurrent creates from several
 *    instances never leave more than `max` live sessions of a user, kind and tenant.
 * 10. **A sign-in stays in its tenant.** Device replacement and the cap in `create` look only
 *    at the user's sessions whose `tenantId` is the new record's (a record without one: the
 *    user's sessions without one). Signing in to another organization from the same browser
 *    leaves the first organization's session alone.
 *
 * **Errors.** A store rejects with `SessionError` from this package: `STORE_UNAVAILABLE` when
 * its server cannot be reached or did not answer in time (nothing was decided; the HTTP layer
 * answers 503 and keeps the cookie), `STORE_ERROR` for anything else (`storeFailure(error)`
 * wraps a driver's error), `CLOSED` after `close()`, `INVALID_INPUT` for a duplicate id, and
 * `SESSION_LIMIT` from a `create` refused by its `limit`. A store must never swallow an error
 * and report success: for a revocation library that is failing open. The manager puts one
 * deadline on every call (`storeTimeout`, or the store's longer `callTimeout`).
 *
 * **Records.** The rows and their bounds are in `store-records.ts` (`SessionRecord`,
 * `STORE_LIMITS`: a store with fixed-width columns sizes them from these numbers); the
 * methods' arguments and answers in `store-options.ts`.
 *
 * @example
 * ```ts
 * import type { SessionStore } from 'session-revocation/store';
 * export const myStore = (options: MyStoreOptions): SessionStore => ({ ... });
 * ```
 *
 * @module session-revocation/store
 */
import type { ActivityRecord, ActivityStore } from './store-capabilities/activity.js';
import type { FederatedStore } from './store-capabilities/federated.js';
import type { PublishingStore } from './store-capabilities/live-events.js';
import type { RevocationLinkStore } from './store-capabilities/revocation-links.js';
import type { StatsStore } from './store-capabilities/stats.js';
import type { TenantStore } from './store-capabilities/tenants.js';
import type { Epochs, NewSessionRecord, SessionRecord } from './store-records.js';
import type { SessionLimit, CreateOptions, CreateResult, SessionLookup, RevokeOptions, RevokeAllOptions, RevokeOthersOptions, UserSessions, RevocationState, PruneOptions } from './store-options.js';

export type { ActivityRecord, ActivityStore, KnownDevice, ListActivityOptions } from './store-capabilities/activity.js';
export type { FederatedIdentity, FederatedLink, FederatedQuery, FederatedStore } from './store-capabilities/federated.js';
export { FEDERATED_LIMITS } from './store-capabilities/federated.js';
export type { PublishingStore, RevocationNotice } from './store-capabilities/live-events.js';
export type { RevocationLinkRecord, RevocationLinkStore } from './store-capabilities/revocation-links.js';
export type { KindStats, StatsStore } from './store-capabilities/stats.js';
export type { RevokeTenantOptions, TenantStore } from './store-capabilities/tenants.js';
export { STORE_LIMITS } from './store-records.js';
export type { Epochs, JsonValue, NewSessionRecord, SessionKind, SessionRecord } from './store-records.js';

export type {
  SessionLimit,
  CreateOptions,
  CreateResult,
  SessionLookup,
  RevokeOptions,
  RevokeAllOptions,
  RevokeOthersOptions,
  UserSessions,
  RevocationState,
  PruneOptions,
} from './store-options.js';

/**
 * What every store does: sign in, read, touch, revoke one, all or others, list, erase, prune.
 * Every method is async and rejects as the module's **Errors** say.
 */
export interface CoreSessionStore {
  /**
   * Inserts a new session, in one atomic step with:
   * - `createdAt` becomes `max(record.createdAt, epoch(userId, kind) + 1)`, `expiresAt`
   *   becomes `createdAt + maxAge`, `lastUsedAt` becomes `createdAt`;
   * - the user's high-water mark for the kind becomes `max(mark, createdAt)`;
   * - with `replaceDevice`, older live sessions of the same user, kind, tenant and deviceKey
   *   become tombstones with reason `replaced` (two concurrent creates for one device leave one
   *   live row);
   * - with `limit`, the cap on live sessions of the user, kind and tenant (see {@link SessionLimit}).
   *
   * "The same tenant" is semantics 10: the record's `tenantId`, or no tenant when it has none.
   *
   * Ids are unique (128 random bits); a store may reject a duplicate id.
   * @param record - The session to insert; its `createdAt` is the requested one.
   * @param options - Whether to replace the device's older sessions, and their deny-list end.
   * @returns The record as stored and the ids of the sessions it replaced and evicted.
   */
  create(record: NewSessionRecord, options: CreateOptions): Promise<CreateResult>;

  /**
   * Reads one session and its user's epochs in one round trip. Returns tombstones and rows
   * past `expiresAt` that are not yet pruned (the manager decides); `null` only when no row
   * exists. Never writes.
   * @param sessionId - The session's id.
   * @returns The row and its user's epochs, or `null`.
   */
  get(sessionId: string): Promise<SessionLookup | null>;

  /**
   * Sets `lastUsedAt` to `max(lastUsedAt, at)` on an existing, non-revoked session.
   * A missing or revoked session is left exactly as it is (never recreated, never un-revoked).
   * @param sessionId - The session's id.
   * @param at - When it was used (ms).
   * @returns Whether a live row was found (`true` also when `at` is not newer and nothing
   * moved), `false` for a missing or revoked session. The manager does not act on it.
   */
  touch(sessionId: string, at: number): Promise<boolean>;

  /**
   * Sets `authenticatedAt` to `max(authenticatedAt, at)` on an existing, non-revoked session
   * (the user proved who they are again). A missing or revoked session is left as it is.
   * @param sessionId - The session's id.
   * @param at - When the user re-authenticated (ms).
   * @returns Whether a live row was found: `true` also when `at` is not newer and nothing moved,
   * `false` for a missing or revoked session.
   */
  reauthenticate(sessionId: string, at: number): Promise<boolean>;

  /**
   * Turns a live session into a tombstone (`revokedAt`, `revokedReason`), keeping the row
   * until its expiry. Revoking a tombstone again changes nothing (the first reason stays).
   * @param sessionId - The session's id.
   * @param options - Revocation time, reason and deny-list end.
   * @returns The record as it was before this call if this call revoked it, otherwise `null`
   * (missing, or already revoked).
   */
  revoke(sessionId: string, options: RevokeOptions): Promise<SessionRecord | null>;

  /**
   * Raises the user's epoch of each kind to `max(epoch, at, high-water mark)`. Never lowers
   * an epoch. O(1) in the number of sessions: rows are not touched.
   * @param userId - The user.
   * @param options - The kinds and the requested epoch.
   * @returns The user's epochs of the named kinds after the raise.
   */
  revokeAll(userId: string, options: RevokeAllOptions): Promise<Epochs>;

  /**
   * Makes tombstones of every live session of the user of the given kinds except
   * `keepSessionId`, in one atomic step.
   * @param userId - The user.
   * @param options - The session kept, the kinds, and revocation time, reason and deny-list end.
   * @returns The ids revoked by this call.
   */
  revokeOthers(userId: string, options: RevokeOthersOptions): Promise<readonly string[]>;

  /**
   * Every row held for the user, plus the user's epochs, in one round trip. Never writes.
   * @param userId - The user.
   * @returns The rows (tombstones and expired rows included) and the epochs.
   */
  listByUser(userId: string): Promise<UserSessions>;

  /**
   * The user's epochs and deny-list (for stateless access tokens), and with `tenantId` (stores
   * with `revokeTenant`) that tenant's epochs, in one round trip. Never writes.
   * @param userId - The user.
   * @param tenantId - The token's tenant, when it has one.
   * @returns The epochs and the deny-list.
   */
  getRevocationState(userId: string, tenantId?: string): Promise<RevocationState>;

  /**
   * Deletes every session row of the user, the deny-list and (capabilities) activity, known
   * devices and links, for a "delete my data" request. Keeps the epochs and high-water marks,
   * which keep every old token refused (the manager raises every kind's epoch first).
   * @param userId - The user.
   * @returns The number of session rows deleted.
   */
  eraseUser(userId: string): Promise<number>;

  /**
   * Deletes up to `limit` rows whose `expiresAt <= now` (revoked or not) and deny-list entries
   * that ran out, in one bounded batch that holds no lock for long; 0 at once while another
   * instance prunes (stores that can lock). Never deletes epochs.
   * @param options - The present and the batch size.
   * @returns The number of session rows deleted.
   */
  prune(options: PruneOptions): Promise<number>;

  /**
   * Optional: the longest (ms) one call of this store may take, every wait inside it counted (a
   * revocation waiting for replicas). The manager's deadline on a call is never shorter, so it
   * never reports as failed a call the store will still complete.
   */
  readonly callTimeout?: number;

  /**
   * Optional: a routing prefix (0-4 base64url characters, a pure function of `userId`) the
   * manager puts at the start of the user's new session ids, so a sharded store (Redis Cluster)
   * keeps a session in its user's shard.
   * @param userId - The owner of the new session.
   * @returns The prefix.
   */
  sessionIdPrefix?(userId: string): string;

  /**
   * Optional: releases what the store opened itself (not the client the app passed in).
   * @returns Resolves once released.
   */
  close?(): Promise<void>;
}

/**
 * A store: the core contract, and whichever optional capabilities it has (the manager checks
 * for them; a feature whose capability is missing refuses with `INVALID_CONFIGURATION`).
 */
// Each optional member is spelled out (not `Partial<...>`) so its documentation travels with it.
export interface SessionStore extends CoreSessionStore {
  /** {@inheritDoc session-revocation/store!TenantStore.revokeTenant} */
  revokeTenant?: TenantStore['revokeTenant'];
  /** {@inheritDoc session-revocation/store!ActivityStore.appendActivity} */
  appendActivity?: ActivityStore['appendActivity'];
  /** {@inheritDoc session-revocation/store!ActivityStore.listActivity} */
  listActivity?: ActivityStore['listActivity'];
  /** {@inheritDoc session-revocation/store!ActivityStore.rememberDevice} */
  rememberDevice?: ActivityStore['rememberDevice'];
  /** {@inheritDoc session-revocation/store!ActivityStore.listDevices} */
  listDevices?: ActivityStore['listDevices'];
  /** {@inheritDoc session-revocation/store!RevocationLinkStore.saveRevocationLink} */
  saveRevocationLink?: RevocationLinkStore['saveRevocationLink'];
  /** {@inheritDoc session-revocation/store!RevocationLinkStore.consumeRevocationLink} */
  consumeRevocationLink?: RevocationLinkStore['consumeRevocationLink'];
  /** {@inheritDoc session-revocation/store!PublishingStore.subscribe} */
  subscribe?: PublishingStore['subscribe'];
  /** {@inheritDoc session-revocation/store!StatsStore.stats} */
  stats?: StatsStore['stats'];
  /** {@inheritDoc session-revocation/store!FederatedStore.saveFederatedLink} */
  saveFederatedLink?: FederatedStore['saveFederatedLink'];
  /** {@inheritDoc session-revocation/store!FederatedStore.findFederatedLinks} */
  findFederatedLinks?: FederatedStore['findFederatedLinks'];
  /** {@inheritDoc session-revocation/store!FederatedStore.rememberLogoutToken} */
  rememberLogoutToken?: FederatedStore['rememberLogoutToken'];
  /** {@inheritDoc session-revocation/store!FederatedStore.forgetLogoutToken} */
  forgetLogoutToken?: FederatedStore['forgetLogoutToken'];
  /** {@inheritDoc session-revocation/store!FederatedStore.eraseFederatedLinks} */
  eraseFederatedLinks?: FederatedStore['eraseFederatedLinks'];
  /** {@inheritDoc session-revocation/store!FederatedStore.pruneFederated} */
  pruneFederated?: FederatedStore['pruneFederated'];
}
