/**
 * The storage contract: the one file a storage adapter author reads (with the rows in
 * `store-records.ts` and the writes in `store-writes.ts`). A store keeps rows and applies
 * batches of writes; it decides nothing. What is live, the session cap, device replacement,
 * "sign out everywhere", link expiry and replay are decided by the manager, once, in
 * TypeScript, the same for every store.
 *
 * What a store promises (the conformance suite in `session-revocation/testing` checks each):
 *
 * 1. **Versions.** Each user, tenant and one-time key has a version, 0 until a batch is applied
 *    for it. `apply` checks the batch's `version` against the owner's and, only when equal (or
 *    when the batch has none), applies every write and increases the version by one, in one
 *    atomic step, and answers `true`. Otherwise it writes nothing and answers `false`. This is
 *    what keeps two app servers from both passing a session cap.
 * 2. **All or nothing.** A batch that fails half way leaves nothing written and rejects.
 * 3. **Reads are consistent.** `readUser` answers the rows, epochs and version as of one
 *    moment (one query in a transaction, one script), never a version newer than its rows.
 * 4. **The hot path is one round trip and writes nothing.** `get` answers a row with the epochs
 *    of its user and tenant.
 * 5. **Rows are update-only.** Only an `insert` write creates a row; `touch` never creates one,
 *    never un-revokes one, and only moves times forward.
 * 6. **No clock.** Every time comes in as an argument (ms since the epoch); a store compares
 *    times only in `prune`. Expired rows and keys are answered as stored.
 * 7. **Text is data.** User ids, tenant ids, kinds, keys and device hashes are arbitrary text
 *    (`__proto__`, `constructor`): keep them in `Map`s or prototype-free objects.
 * 8. **Errors.** Reject with `SessionError` (import it from `session-revocation`):
 *    `STORE_UNAVAILABLE` when the server cannot be reached or did not answer (`storeFailure`,
 *    also from `session-revocation`, maps Node's socket errors to it), `STORE_ERROR` otherwise,
 *    `CLOSED` after `close()`. Never swallow an error and answer success.
 * 9. **Copies.** An answer is the caller's to change, and so is what a write gave: changing either changes nothing stored.
 *
 * Sizes: ids at most 256 characters (`STORE_LIMITS`), keys at most 64 characters of
 * `[0-9A-Za-z:._-]`, key values at most 2,048 characters of well-formed text without U+0000, device hashes 43 characters.
 *
 * @example
 * ```ts
 * import type { SessionStore } from 'session-revocation/store';
 * export const myStore = (options: MyStoreOptions): SessionStore => ({ ... });
 * ```
 *
 * @module session-revocation/store
 */
import type { ActivityRecord, Epochs, KindStats, SessionRecord } from './store-records.js';
import type { Batch, KeyState, ListActivityOptions, PruneOptions, RevocationNotice, TenantState, TouchTimes, UserState } from './store-writes.js';

export { FEDERATED_LIMITS, STORE_LIMITS, userBucket } from './store-records.js';
export type { ActivityRecord, Epochs, FederatedIdentity, JsonValue, KindStats, SessionKind, SessionRecord } from './store-records.js';
export type { Batch, KeyOwner, KeyState, ListActivityOptions, Owner, PruneOptions, RevocationNotice, TenantOwner, TenantState, TouchTimes, UserOwner, UserState } from './store-writes.js';
export type { ActivityWrite, DeleteKeyWrite, DenyWrite, DeviceWrite, EpochsWrite, EraseWrite, HighWaterWrite, InsertWrite, PutKeyWrite, RevokeWrite, Write } from './store-writes.js';

/** A session read together with the epochs it is judged against: one round trip. */
export interface SessionLookup {
  /** The row, tombstones included. */
  readonly session: SessionRecord;
  /** The epochs of the row's user. */
  readonly epochs: Epochs;
  /** The epochs of the row's tenant, when it has one that was revoked. */
  readonly tenantEpochs?: Epochs | undefined;
}

/** A session store. Every method is async and rejects as the module's **Errors** say. */
export interface SessionStore {
  /**
   * One session and the epochs of its user (and of its tenant), in one round trip. Never writes.
   * @returns The row as stored, or `null` when no row exists.
   */
  get(sessionId: string): Promise<SessionLookup | null>;

  /**
   * Everything kept about one user, with its version, in one round trip. Never writes.
   * @param tenantId - A tenant whose epochs are answered too, though no row names it yet.
   * @param sessionId - A string: `sessions` holds only the user's row with this id (or none); `null`: no row at all. `tenantEpochs` follows the rows
   * answered. The manager asks for one row or none when that is all it decides on, so the cost does not grow with the user's sessions.
   */
  readUser(userId: string, tenantId?: string, sessionId?: string | null): Promise<UserState>;

  /** A tenant's epochs, high-water marks and version, in one round trip. Never writes. */
  readTenant(tenantId: string): Promise<TenantState>;

  /** One one-time key and its version. Never writes. */
  readKey(key: string): Promise<KeyState>;

  /**
   * Applies a batch if its owner's version holds (promise 1), atomically (promise 2), then publishes a notice when the batch asks for one.
   * @returns `true` when applied, `false` when the version had moved (nothing written).
   */
  apply(batch: Batch): Promise<boolean>;

  /**
   * Moves a session's `lastUsedAt` and `authenticatedAt` forward (each to the larger of the
   * stored and given time), on an existing row that is not revoked. No version changes.
   * @returns Whether such a row was found.
   */
  touch(sessionId: string, times: TouchTimes): Promise<boolean>;

  /**
   * Deletes up to `limit` session rows past `expiresAt`, and deny-list entries, keys, activity
   * and devices past theirs, in bounded work. Never deletes epochs, high-water marks or versions.
   * @returns How many session rows were deleted. Fewer than `limit` may still leave some (the work is bounded): the manager calls again until a call
   * deletes none, so a call answers 0 only when no session row is due within its bounded work, or another instance is pruning.
   */
  prune(options: PruneOptions): Promise<number>;

  /** Releases what the store opened itself (never a client the app passed in). */
  close(): Promise<void>;

  /** Optional: one page of a user's activity (and with `tenantId` that tenant's own), newest id first. */
  listActivity?(userId: string, options: ListActivityOptions): Promise<readonly ActivityRecord[]>;

  /**
   * Optional: notices of every instance's batches with `notify`. Notices sent while the
   * subscription is down are lost, so `onResync` is called each time it becomes active.
   * @returns A function that unsubscribes.
   */
  subscribe?(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;

  /** Optional: row counts by kind at `now`, for operators; may scan. */
  stats?(now: number): Promise<Readonly<Record<string, KindStats>>>;

  /**
   * Optional: the longest (ms) one call may take, every wait inside it counted (a write
   * waiting for replicas). The manager's deadline on a call is never shorter.
   */
  readonly callTimeout?: number;

  /**
   * Optional: `true` for a sharded store (Redis Cluster). The manager then starts each session
   * id with `userBucket(userId)`, so a store finds a session's user shard from its id.
   */
  readonly shardsByUser?: boolean;
}
