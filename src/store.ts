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
 *    listeners of every instance (with the user id) once the change is durable; `revokeTenant`
 *    notifies with the tenant id.
 * 9. **Answers are checked.** The manager reads every answer's shape before deciding: a
 *    non-finite time, an epoch that is not a number, a row of another id or user is a
 *    `STORE_ERROR` (HTTP 503), never a session. A store must return exactly the types below.
 * 10. **The session cap is atomic.** With `limit`, counting the live sessions, evicting the
 *    least recently used and inserting are one step: concurrent creates from several
 *    instances never leave more than `max` live sessions of a user and kind.
 * 11. **Tenant epochs** (stores with `revokeTenant`). A tenant has epochs per kind like a
 *    user. A session with a `tenantId` is live only if also `createdAt > tenantEpochs[kind]`;
 *    `create` stores `createdAt = max(requested, userEpoch + 1, tenantEpoch + 1)` and raises
 *    the tenant's high-water mark for the kind, and `revokeTenant` raises the tenant's epochs
 *    to `max(epoch, at, tenant high-water mark)` in O(1) writes. `get` answers the row's
 *    tenant epochs in the same round trip as the row and the user's epochs.
 * 12. **Activity is written with what it records** (stores with `listActivity`). A write
 *    that carries an `activity` entry (`create`, `revoke`, `revokeAll`, `revokeOthers`,
 *    `revokeTenant`) stores it in the same atomic step as the change, and only when the change
 *    happened (a `revoke` of a tombstone writes nothing). A `create` that replaced or evicted
 *    sessions also stores one entry per such session, derived from its own entry (see
 *    {@link ActivityRecord}). Entries, known devices and revocation links are personal data:
 *    `eraseUser` deletes them and `prune` removes what ran out.
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
  /**
   * Set on a support session (kind `impersonation`): the id of the person acting as the
   * user. Stored and answered as given.
   */
  readonly impersonatorId?: string | undefined;
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

/**
 * One entry of a user's account activity (stores with {@link SessionStore.listActivity}).
 * Written by the manager, read back newest first. An entry is about a user (`userId`) or, for
 * a tenant-wide revocation, about a tenant (`userId` absent, `tenantId` set).
 */
export interface ActivityRecord {
  /**
   * Unique, and ordered like time: the manager makes ids that sort (as byte strings) in the
   * order the entries were written, so a store orders entries by `id` alone. At most 64
   * characters of `[0-9A-Za-z._-]`.
   */
  readonly id: string;
  /** The user the entry is about; absent for a tenant's entry. */
  readonly userId?: string | undefined;
  /** The tenant: on a tenant's entry always, on a user's entry when the session had one. */
  readonly tenantId?: string | undefined;
  /** The event type, e.g. `session.created`, `session.revoked`, `user.session_invalidated`. */
  readonly type: string;
  /** When it happened (ms). */
  readonly at: number;
  /** Why, e.g. `sign_in`, `sign_out`, `password_changed`, `not_me`. */
  readonly reason: string;
  /** The session concerned, when there is one. */
  readonly sessionId?: string | undefined;
  /** The device, e.g. `"Chrome on Mac OS"`, when known. */
  readonly deviceLabel?: string | undefined;
  /** The client IP, after the manager's IP policy. */
  readonly ip?: string | undefined;
  /** Who acted, when it was not the user (an admin, a support agent, a job). */
  readonly by?: string | undefined;
}

/**
 * Options of {@link SessionStore.listActivity}: one page, newest first.
 */
export interface ListActivityOptions {
  /** The tenant whose own entries (tenant-wide revocations) are merged in, when given. */
  readonly tenantId?: string | undefined;
  /** At most this many entries (1..1000). */
  readonly limit: number;
  /** Only entries whose `id` sorts before this one (the last id of the previous page). */
  readonly before?: string | undefined;
}

/**
 * A "This wasn't me" link as a store keeps it: like a session, only the hash of its secret.
 */
export interface RevocationLinkRecord {
  /** 22 base64url characters. */
  readonly id: string;
  /** SHA-256 of the link token's secret part, 32 bytes. */
  readonly secretHash: Uint8Array;
  /** The user whose session the link revokes. */
  readonly userId: string;
  /** The session the link revokes. */
  readonly sessionId: string;
  /** After this time (ms) the link is refused; `prune` deletes it. */
  readonly expiresAt: number;
}

/** A device a user signed in from, as {@link SessionStore.listDevices} answers it. */
export interface KnownDevice {
  /** The hash the manager made of browser, OS and network (43 base64url characters). */
  readonly deviceHash: string;
  /** The latest sign-in from it (ms). */
  readonly lastSeenAt: number;
}

/** Counts of one kind's rows, for operators ({@link SessionStore.stats}). */
export interface KindStats {
  /** Rows neither revoked on their own nor past `expiresAt` (epochs not applied). */
  readonly live: number;
  /** Tombstones not yet past `expiresAt`. */
  readonly revoked: number;
  /** Rows past `expiresAt`, waiting for `prune`. */
  readonly expired: number;
}

/** Options of {@link SessionStore.revokeTenant}. */
export interface RevokeTenantOptions {
  /** Kinds whose tenant epochs are raised. Never empty. */
  readonly kinds: readonly string[];
  /** The requested epoch (ms), usually "now". */
  readonly at: number;
  /** The tenant's activity entry, written in the same step (stores with activity). */
  readonly activity?: ActivityRecord | undefined;
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
  /**
   * Stores with activity: the sign-in's entry, written in the same step. For the `i`-th
   * (from 0) session the insert replaced or evicted, the store also writes
   * `{ id: activity.id + "." + i, userId, tenantId, type: "session.revoked", at: activity.at,
   * reason: "replaced" | "session_limit", sessionId: <that id> }`.
   */
  readonly activity?: ActivityRecord | undefined;
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
  /**
   * The epochs of the row's tenant (semantics 11), from stores with `revokeTenant`; absent
   * or empty when the row has no tenant or the tenant was never revoked.
   */
  readonly tenantEpochs?: Epochs | undefined;
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
  /**
   * Stores with activity: written in the same step, only if this call revoked something
   * (`revokeOthers`: one entry for the whole call, written even when it revoked none).
   */
  readonly activity?: ActivityRecord | undefined;
}

/** Options of {@link SessionStore.revokeAll}. */
export interface RevokeAllOptions {
  /** Kinds whose epochs are raised. Never empty. */
  readonly kinds: readonly string[];
  /** The requested epoch (ms), usually "now". */
  readonly at: number;
  /** Stores with activity: the entry, written in the same step. */
  readonly activity?: ActivityRecord | undefined;
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
  /**
   * Stores with `revokeTenant`: the epochs of every tenant named by one of the rows (tenant
   * id to epochs); a tenant never revoked may be absent.
   */
  readonly tenantEpochs?: Readonly<Record<string, Epochs>> | undefined;
}

/** What access-token verification needs about a user: epochs and the deny-list. */
export interface RevocationState {
  /** The user's epochs. */
  readonly epochs: Epochs;
  /** Session id to "deny until" (ms) for individually revoked sessions. */
  readonly denied: Readonly<Record<string, number>>;
  /** Stores with `revokeTenant`, when asked with a tenant id: that tenant's epochs. */
  readonly tenantEpochs?: Epochs | undefined;
}

/** Options of {@link SessionStore.prune}. */
export interface PruneOptions {
  /** Rows with `expiresAt <= now` are deleted, and deny-list entries with `until <= now`. */
  readonly now: number;
  /** Upper bound on rows deleted by this call (one bounded batch). */
  readonly limit: number;
  /**
   * Stores with activity: entries with `at <= activityBefore` and known devices last seen at
   * or before `devicesBefore` are deleted too, within the same bound; revocation links past
   * `expiresAt <= now` as well. They do not count in the returned number.
   */
  readonly activityBefore?: number | undefined;
  /** See {@link PruneOptions.activityBefore}. */
  readonly devicesBefore?: number | undefined;
}

/** A notification that a user's revocation state changed, sent by stores that publish. */
export interface RevocationNotice {
  /** The user whose sessions were revoked; an empty string for a tenant's notice. */
  readonly userId: string;
  /** Set (and `userId` empty) when a whole tenant was revoked by `revokeTenant`. */
  readonly tenantId?: string | undefined;
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
   * @returns Whether a live row was found (`true` also when `at` is not newer and nothing
   * moved), `false` for a missing or revoked session. The manager does not act on it.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  touch(sessionId: string, at: number): Promise<boolean>;

  /**
   * Sets `authenticatedAt` to `max(authenticatedAt, at)` on an existing, non-revoked session
   * (the user proved who they are again). A missing or revoked session is left as it is.
   * @param sessionId - The session's id.
   * @param at - When the user re-authenticated (ms).
   * @returns Whether a live row was found: `true` also when `at` is not newer and nothing moved,
   * `false` for a missing or revoked session.
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
   * The user's epochs and deny-list (for stateless access tokens), and with `tenantId` (stores
   * with `revokeTenant`) that tenant's epochs, in one round trip. Never writes.
   * @param userId - The user.
   * @param tenantId - The token's tenant, when it has one.
   * @returns The epochs and the deny-list.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  getRevocationState(userId: string, tenantId?: string): Promise<RevocationState>;

  /**
   * Deletes every session row of the user (live ones and tombstones) and the user's deny-list,
   * and in stores with activity the user's activity entries, known devices and revocation
   * links, for a "delete my data" request. Keeps the user's epochs and high-water marks: they hold no
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
   * Optional (tenant-wide revocation): raises the tenant's epoch of each kind to
   * `max(epoch, at, tenant high-water mark)` (semantics 11), O(1) writes however many users and
   * sessions the tenant has, and publishes a notice with `tenantId`. A store with this method
   * answers `tenantEpochs` from `get`, `listByUser` and `getRevocationState`.
   * @param tenantId - The tenant.
   * @param options - The kinds, the requested epoch, the activity entry.
   * @returns The tenant's epochs of the named kinds after the raise.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeTenant?(tenantId: string, options: RevokeTenantOptions): Promise<Epochs>;

  /**
   * Optional (activity; a store has all of `appendActivity`, `listActivity`,
   * `rememberDevice`, `listDevices`, `saveRevocationLink` and `consumeRevocationLink`, or none):
   * stores entries that record no revocation (a re-authentication), in one step.
   * @param entries - The entries.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  appendActivity?(entries: readonly ActivityRecord[]): Promise<void>;

  /**
   * Optional (activity): one page of a user's entries (and with `tenantId` that tenant's own
   * entries), ordered by `id`, newest (greatest) first. Never writes.
   * @param userId - The user.
   * @param options - The tenant, the page size, the cursor.
   * @returns At most `limit` entries.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  listActivity?(userId: string, options: ListActivityOptions): Promise<readonly ActivityRecord[]>;

  /**
   * Optional (activity): records that the user signed in from a device (a hash the manager
   * made of browser, OS and network) at `at`, keeping the latest time, and answers when it was
   * seen before this call. Known devices outlive the sessions; `prune` drops those last seen
   * at or before `devicesBefore`.
   * @param userId - The user.
   * @param deviceHash - 43 base64url characters.
   * @param at - When (ms).
   * @returns The previous last-seen time, or `null` for a device never seen (or pruned).
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  rememberDevice?(userId: string, deviceHash: string, at: number): Promise<number | null>;

  /**
   * Optional (activity): the user's known devices, for an export. Never writes.
   * @param userId - The user.
   * @returns Each device's hash and last-seen time, in any order.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  listDevices?(userId: string): Promise<readonly KnownDevice[]>;

  /**
   * Optional (activity): stores a "This wasn't me" link. Ids are unique.
   * @param link - The link, with the hash of its secret.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  saveRevocationLink?(link: RevocationLinkRecord): Promise<void>;

  /**
   * Optional (activity): uses a link once. When a link with this id exists, its hash equals
   * `secretHash` and `expiresAt > now`, deletes it and answers it, atomically (two concurrent
   * calls: one gets the link, the other `null`). Otherwise changes nothing and answers `null`:
   * a forged secret does not use up the genuine link.
   * @param id - The link's id.
   * @param secretHash - SHA-256 of the presented secret.
   * @param now - The present (ms).
   * @returns The link, or `null`.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  consumeRevocationLink?(id: string, secretHash: Uint8Array, now: number): Promise<RevocationLinkRecord | null>;

  /**
   * Optional: row counts by kind at `now`, for operators (the CLI's `stats`). May scan; never
   * on a request path.
   * @param now - The present (ms).
   * @returns Kind to counts.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  stats?(now: number): Promise<Readonly<Record<string, KindStats>>>;

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
