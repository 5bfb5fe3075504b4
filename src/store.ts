/**
 * The storage contract. This is the one file a storage adapter author needs to read.
 *
 * A store is dumb on purpose: it never reads a clock. Every time it needs comes in as an
 * argument, in absolute milliseconds since the epoch, so the manager's injectable clock rules
 * everything and two servers with different clocks still agree.
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
 * 6. **"Live" means three things at once**: not revoked on its own (`revokedAt` unset), not
 *    past its absolute expiry (`expiresAt > now`), and created after its kind's epoch
 *    (`createdAt > epochs[kind]`, a missing epoch counting as 0). Wherever a store decides
 *    liveness itself (device replacement in `create`, `revokeOthers`), it applies all three;
 *    the manager applies them again to every row it reads.
 * 7. **Keys are data.** User ids, tenant ids, kinds and device keys are arbitrary text:
 *    `__proto__`, `constructor` and `toString` are ordinary names. Keep them in `Map`s or
 *    prototype-free objects, never as keys of a plain `{}`.
 * 8. **Every revocation is published** by a store that has `subscribe`: `revoke`,
 *    `revokeAll`, `revokeOthers`, and a `create` that replaced or evicted sessions each notify the
 *    listeners of every instance (with the user id) once the change is durable.
 * 9. **Answers are checked.** The manager reads every answer's shape before deciding: a
 *    non-finite time, an epoch that is not a number, a row of another id or user is a
 *    `STORE_ERROR` (HTTP 503), never a session. A store must return exactly the types below.
 * 10. **The session cap is atomic.** With `limit`, counting the live sessions, evicting the
 *    least recently used and inserting are one step: concurrent creates from several
 *    instances never leave more than `max` live sessions of a user and kind.
 *
 * **Errors.** A store rejects with `SessionError` from this package (`import { SessionError }
 * from 'session-revocation'`): `STORE_UNAVAILABLE` when its server cannot be reached or did
 * not answer in time (nothing was decided; the HTTP layer answers 503 and keeps the cookie),
 * `STORE_ERROR` for anything else (pass the driver's error as `cause`; `storeFailure(error)`
 * wraps one for you), `CLOSED` after `close()`, `INVALID_INPUT` for a duplicate id, and
 * `SESSION_LIMIT` from a `create` refused by its `limit` (the manager adds the list of live
 * sessions). The
 * manager also puts its own deadline (`storeTimeout`) on every call, but a store should have
 * its own, shorter one.
 *
 * **Bounds.** The manager checks and caps what it hands a store: ids of at most
 * {@link STORE_LIMITS}.`idLength` characters, a User-Agent of at most `userAgentLength`, an IP
 * of at most `ipLength`, `data` of at most `dataBytes` as JSON. A store with fixed-width
 * columns sizes them from these numbers.
 *
 * @module
 */

/** The sizes the manager guarantees for what it hands a store (characters, or bytes for `data`). */
export const STORE_LIMITS = Object.freeze({
  /** User, tenant and session ids. */
  idLength: 256,
  /** The User-Agent header, cut to this length before parsing and storing. */
  userAgentLength: 512,
  /** The client IP. */
  ipLength: 64,
  /** App data, serialised as JSON. */
  dataBytes: 8 * 1024,
});

/**
 * A session kind. `browser` (default), `remember` (remember-me cookie) and `api` (bearer
 * tokens) are built in; apps may declare more in the manager's `kinds` option.
 */
export type SessionKind = 'browser' | 'remember' | 'api' | (string & {});

/** A JSON value an app may attach to a session in `data`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Revocation epochs of one user: kind to timestamp (ms). A session of that kind whose
 * `createdAt <= epoch` is revoked. A kind that is absent has never been revoked.
 */
export type Epochs = Readonly<Record<string, number>>;

/**
 * One stored session, as a store keeps it. The raw secret is never here: only
 * `SHA-256(secret)`.
 */
export interface SessionRecord {
  /** 22 base64url characters (16 random bytes). */
  readonly id: string;
  /** The owner. */
  readonly userId: string;
  /** The owner's tenant, when the app gave one. */
  readonly tenantId?: string | undefined;
  /** The session kind. */
  readonly kind: SessionKind;
  /** SHA-256 of the token's secret part, 32 bytes. */
  readonly secretHash: Uint8Array;
  /** When the session was created (ms). Always greater than the user's epoch at creation. */
  readonly createdAt: number;
  /** Absolute expiry (ms): `createdAt + maxAge`. Never extended by activity. */
  readonly expiresAt: number;
  /** Last time the session was used (ms), written at most once per touch interval. */
  readonly lastUsedAt: number;
  /**
   * When the user last proved who they are on this session (ms): the sign-in, or the latest
   * {@link SessionStore.reauthenticate}. A store that holds rows written before this field
   * existed answers their `createdAt`.
   */
  readonly authenticatedAt: number;
  /**
   * `false` for a session-only cookie (the browser forgets it when it closes); absent means
   * `true`. Stored so that a fresh token for the same device (after a password change) keeps
   * the choice. The server-side expiry is the same either way.
   */
  readonly persistent?: boolean | undefined;
  /** `"<browser>|<os>"`, the key of "one session per browser and OS". */
  readonly deviceKey?: string | undefined;
  /** Browser name, e.g. `"Chrome"`. */
  readonly browser?: string | undefined;
  /** Operating system name, e.g. `"Mac OS"`. */
  readonly os?: string | undefined;
  /** `"desktop" | "mobile" | "tablet"` or another parser-given type. */
  readonly deviceType?: string | undefined;
  /** The User-Agent header, capped in length by the manager. */
  readonly userAgent?: string | undefined;
  /** The client IP at sign-in, capped by the manager. */
  readonly ip?: string | undefined;
  /** App data, JSON only. */
  readonly data?: { readonly [key: string]: JsonValue } | undefined;
  /** Set when this one session was revoked (sign out, replaced, revoked by id). */
  readonly revokedAt?: number | undefined;
  /** Why it was revoked: `sign_out`, `revoked`, `replaced`, or another event reason. */
  readonly revokedReason?: string | undefined;
}

/**
 * What the manager hands to {@link SessionStore.create}: a record before the epoch check. Its
 * `authenticatedAt` is stored as given (a fresh token after a password change keeps the old
 * session's).
 */
export interface NewSessionRecord extends Omit<SessionRecord, 'revokedAt' | 'revokedReason' | 'lastUsedAt' | 'expiresAt'> {
  /** Lifetime in ms; the store sets `expiresAt = createdAt + maxAge` after adjusting `createdAt`. */
  readonly maxAge: number;
}

/**
 * The cap on live sessions per user and kind that {@link SessionStore.create} enforces in the
 * same atomic step as the insert.
 */
export interface SessionLimit {
  /** At most this many live sessions of the user and kind once the new one is in (>= 1). */
  readonly max: number;
  /**
   * `"evict-oldest"`: the least recently used live sessions of the kind (smallest `lastUsedAt`,
   * then smallest `createdAt`, then smallest id) become tombstones with reason `session_limit`,
   * as many as needed. `"refuse"`: nothing is written and `create` rejects with
   * `SESSION_LIMIT`.
   */
  readonly onLimit: 'evict-oldest' | 'refuse';
  /**
   * A session last used at or before this time (ms) is idle: it does not count, and is not
   * evicted. 0 when the kind has no idle timeout.
   */
  readonly idleBefore: number;
}

/** Options of {@link SessionStore.create}. */
export interface CreateOptions {
  /**
   * When true and the record has a `deviceKey`, every live (not revoked, not expired at
   * `createdAt`) session of the same user, kind and deviceKey is revoked with reason
   * `replaced`, in the same atomic step as the insert.
   */
  readonly replaceDevice: boolean;
  /** Forwarded to {@link RevokeOptions.denyUntil} for every replaced or evicted session. */
  readonly denyUntil?: number | undefined;
  /**
   * The cap on live sessions of the user and kind, when the manager has one. Live is the
   * three conditions of semantics 6 at `createdAt`, and not idle. Sessions this insert
   * replaces are not counted.
   */
  readonly limit?: SessionLimit | undefined;
}

/** Result of {@link SessionStore.create}. */
export interface CreateResult {
  /** The stored record, with the `createdAt`, `expiresAt` and `lastUsedAt` the store chose. */
  readonly session: SessionRecord;
  /** Ids of the sessions this insert replaced (revoked with reason `replaced`). */
  readonly replacedIds: readonly string[];
  /**
   * Ids of the sessions the `limit` evicted (revoked with reason `session_limit`). Required
   * when `limit` was given: an answer without it is taken for a store that ignored the cap.
   */
  readonly evictedIds?: readonly string[];
}

/** A session read together with the epochs of its user: one round trip. */
export interface SessionLookup {
  /** The row, tombstones included. */
  readonly session: SessionRecord;
  /** The epochs of the row's user. */
  readonly epochs: Epochs;
}

/** Options of {@link SessionStore.revoke} and {@link SessionStore.revokeOthers}. */
export interface RevokeOptions {
  /** Revocation time (ms). */
  readonly at: number;
  /** Stored as `revokedReason`. */
  readonly reason: string;
  /**
   * When set, also record the session id in the user's deny-list until this time (ms), so
   * stateless access tokens minted for it are refused. The manager always sets it (another
   * instance on the store may issue tokens); a store must honour it whenever it is given.
   */
  readonly denyUntil?: number | undefined;
}

/** Options of {@link SessionStore.revokeAll}. */
export interface RevokeAllOptions {
  /** Kinds whose epochs are raised. Never empty. */
  readonly kinds: readonly string[];
  /** The requested epoch (ms), usually "now". */
  readonly at: number;
}

/** Options of {@link SessionStore.revokeOthers}. */
export interface RevokeOthersOptions extends RevokeOptions {
  /** The session that stays. */
  readonly keepSessionId: string;
  /** Only sessions of these kinds are revoked. */
  readonly kinds: readonly string[];
}

/** All sessions a store holds for one user, with the user's epochs. */
export interface UserSessions {
  /** Every row the store still holds for the user, tombstones and expired rows included. */
  readonly sessions: readonly SessionRecord[];
  /** The user's epochs. */
  readonly epochs: Epochs;
}

/** What access-token verification needs about a user: epochs and the deny-list. */
export interface RevocationState {
  /** The user's epochs. */
  readonly epochs: Epochs;
  /** Session id to "deny until" (ms) for individually revoked sessions. */
  readonly denied: Readonly<Record<string, number>>;
}

/** Options of {@link SessionStore.prune}. */
export interface PruneOptions {
  /** Rows with `expiresAt <= now` are deleted, and deny-list entries with `until <= now`. */
  readonly now: number;
  /** Upper bound on rows deleted by this call (one bounded batch). */
  readonly limit: number;
}

/** A notification that a user's revocation state changed, sent by stores that publish. */
export interface RevocationNotice {
  /** The user whose sessions were revoked. */
  readonly userId: string;
}

/**
 * The interface a storage adapter implements. All methods are async and reject with a
 * `SessionError` of code `STORE_UNAVAILABLE` when the backing service cannot be reached (never
 * hang: use a timeout), so the HTTP layer can answer 503. A store must never swallow an error
 * and report success: for a revocation library that is failing open.
 *
 * Any other failure rejects with `STORE_ERROR` (the driver error as `cause`), and the data
 * methods reject with `CLOSED` once `close()` was called. The manager passes a store's
 * `SessionError` through and reports anything else a store throws as `STORE_ERROR`.
 */
export interface SessionStore {
  /**
   * Inserts a new session, atomically with three things:
   * - `createdAt` becomes `max(record.createdAt, epoch(userId, kind) + 1)`, `expiresAt`
   *   becomes `createdAt + maxAge`, `lastUsedAt` becomes `createdAt`;
   * - the user's high-water mark for the kind becomes `max(mark, createdAt)`;
   * - with `replaceDevice`, older live sessions of the same user, kind and deviceKey become
   *   tombstones with reason `replaced` (two concurrent creates for one device leave one live row);
   * - with `limit`, the cap on live sessions of the user and kind (see {@link SessionLimit}).
   *
   * Ids are unique (128 random bits); a store may reject a duplicate id.
   * @param record - The session to insert; its `createdAt` is the requested one.
   * @param options - Whether to replace the device's older sessions, and their deny-list end.
   * @returns The record as stored and the ids of the sessions it replaced and evicted.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a duplicate id (when the store
   * checks); `SESSION_LIMIT` when `limit.onLimit` is `"refuse"` and the cap is reached (nothing
   * written); `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  create(record: NewSessionRecord, options: CreateOptions): Promise<CreateResult>;

  /**
   * Reads one session and its user's epochs in one round trip. Returns tombstones and rows
   * past `expiresAt` that are not yet pruned (the manager decides); `null` only when no row
   * exists. Never writes.
   * @param sessionId - The session's id.
   * @returns The row and its user's epochs, or `null`.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  get(sessionId: string): Promise<SessionLookup | null>;

  /**
   * Sets `lastUsedAt` to `max(lastUsedAt, at)` on an existing, non-revoked session.
   * A missing or revoked session is left exactly as it is (never recreated, never un-revoked).
   * @param sessionId - The session's id.
   * @param at - When it was used (ms).
   * @returns Whether a row was updated.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  touch(sessionId: string, at: number): Promise<boolean>;

  /**
   * Sets `authenticatedAt` to `max(authenticatedAt, at)` on an existing, non-revoked session
   * (the user proved who they are again). A missing or revoked session is left as it is.
   * @param sessionId - The session's id.
   * @param at - When the user re-authenticated (ms).
   * @returns Whether a row was updated.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  reauthenticate(sessionId: string, at: number): Promise<boolean>;

  /**
   * Turns a live session into a tombstone (`revokedAt`, `revokedReason`), keeping the row
   * until its expiry. Revoking a tombstone again changes nothing (the first reason stays).
   * @param sessionId - The session's id.
   * @param options - Revocation time, reason and deny-list end.
   * @returns The record as it was before this call if this call revoked it, otherwise `null`
   * (missing, or already revoked).
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revoke(sessionId: string, options: RevokeOptions): Promise<SessionRecord | null>;

  /**
   * Raises the user's epoch of each kind to `max(epoch, at, high-water mark)`. Never lowers
   * an epoch. O(1) in the number of sessions: rows are not touched.
   * @param userId - The user.
   * @param options - The kinds and the requested epoch.
   * @returns The user's epochs of the named kinds after the raise.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeAll(userId: string, options: RevokeAllOptions): Promise<Epochs>;

  /**
   * Makes tombstones of every live session of the user of the given kinds except
   * `keepSessionId`, in one atomic step.
   * @param userId - The user.
   * @param options - The session kept, the kinds, and revocation time, reason and deny-list end.
   * @returns The ids revoked by this call.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeOthers(userId: string, options: RevokeOthersOptions): Promise<readonly string[]>;

  /**
   * Every row held for the user, plus the user's epochs, in one round trip. Never writes.
   * @param userId - The user.
   * @returns The rows (tombstones and expired rows included) and the epochs.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  listByUser(userId: string): Promise<UserSessions>;

  /**
   * The user's epochs and deny-list (for stateless access tokens). Never writes.
   * @param userId - The user.
   * @returns The epochs and the deny-list.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  getRevocationState(userId: string): Promise<RevocationState>;

  /**
   * Deletes every session row of the user (live ones and tombstones) and the user's deny-list,
   * for a "delete my data" request. Keeps the user's epochs and high-water marks: they hold no
   * personal data beyond the id, and they keep every old token refused. The manager raises the
   * epochs of every kind first, so nothing the deny-list refused comes back.
   * @param userId - The user.
   * @returns The number of session rows deleted.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  eraseUser(userId: string): Promise<number>;

  /**
   * Deletes up to `limit` rows whose `expiresAt <= now` (revoked or not) and deny-list entries
   * that ran out. Must not hold a lock for long: one bounded batch per call. A store that
   * can lock across instances returns 0 at once when another instance is pruning.
   * Epochs are never deleted by pruning.
   * @param options - The present and the batch size.
   * @returns The number of session rows deleted.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  prune(options: PruneOptions): Promise<number>;

  /**
   * Optional: subscribe to revocation notices published by any instance sharing this store
   * (Redis pub/sub, PostgreSQL LISTEN/NOTIFY). The manager uses it to drop cached epochs at
   * once. Stores without it rely on the cache TTL.
   *
   * Notices sent while the subscription is down are lost, so a store calls `onResync` each
   * time its subscription becomes active (first connect and every reconnect): the manager
   * then drops its whole cache rather than trust entries that may have missed a notice.
   * @param listener - Called with each notice.
   * @param onResync - Called each time the subscription becomes active.
   * @returns A function that unsubscribes.
   * @throws {@link session-revocation!SessionError} `CLOSED` after `close()` (synchronously), in stores
   * that refuse a late subscription.
   */
  subscribe?(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;

  /**
   * Optional: `true` when the store answers from this process's memory, with no I/O, so a
   * call cannot hang (the memory store). The manager then puts no `storeTimeout` deadline on
   * its calls, which would only cost time on every validation. Leave it unset for any store
   * that talks to a server, a file or another process.
   */
  readonly inProcess?: boolean;

  /**
   * Optional: the longest (ms) any call of this store takes before it rejects by itself with
   * `STORE_UNAVAILABLE` (its own timeouts: a command timeout, plus a wait for replicas). The
   * manager then waits at least this long plus a second before its own `storeTimeout`
   * deadline gives up, so a call that will still succeed in the store (a revocation waiting for
   * its replicas) is never reported as failed by the manager first.
   */
  readonly callTimeout?: number;

  /**
   * Optional: a routing prefix for new session ids. The manager starts every new session id
   * of `userId` with the returned text (at most 4 base64url characters; the rest of the 22
   * stay random), so a sharded store (Redis Cluster) can put a session in its user's shard
   * from the id alone and read session and epochs in one round trip. Must be a pure function
   * of `userId`.
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
