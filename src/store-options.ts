// The arguments and answers of the store contract's methods. Links name SessionStore without
// importing it: the contract imports this file, never the other way round.
import type { ActivityRecord } from './store-capabilities/activity.js';
import type { Epochs, SessionRecord } from './store-records.js';

/** The cap on live sessions per user, kind and tenant, enforced by {@link SessionStore.create} atomically with the insert. */
export interface SessionLimit {
  /** At most this many live sessions of the user, kind and tenant once the new one is in (>= 1). */
  readonly max: number;
  /**
   * `"evict-oldest"`: the least recently used live sessions (by `lastUsedAt`, `createdAt`, id)
   * become tombstones with reason `session_limit`; `"refuse"`: `create` rejects with `SESSION_LIMIT`.
   */
  readonly onLimit: 'evict-oldest' | 'refuse';
  /** A session last used at or before this time (ms) is idle: not counted, not evicted. 0: no idle timeout. */
  readonly idleBefore: number;
}

/** Options of {@link SessionStore.create}. */
export interface CreateOptions {
  /** With a `deviceKey`: every live session of the same user, kind, tenant and deviceKey becomes a tombstone (`replaced`). */
  readonly replaceDevice: boolean;
  /** Forwarded to {@link RevokeOptions.denyUntil} for every replaced or evicted session. */
  readonly denyUntil?: number | undefined;
  /** The cap on live, not idle sessions of the user, kind and tenant; replaced ones do not count. */
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
  /** Ids the `limit` evicted (`session_limit`); required with a `limit` (without it the store ignored the cap). */
  readonly evictedIds?: readonly string[];
}

/** A session read together with the epochs of its user: one round trip. */
export interface SessionLookup {
  /** The row, tombstones included. */
  readonly session: SessionRecord;
  /** The epochs of the row's user. */
  readonly epochs: Epochs;
  /** Stores with tenants: the row's tenant's epochs; absent or empty when it has none or was never revoked. */
  readonly tenantEpochs?: Epochs | undefined;
}

/** Options of {@link SessionStore.revoke} and {@link SessionStore.revokeOthers}. */
export interface RevokeOptions {
  /** Revocation time (ms). */
  readonly at: number;
  /** Stored as `revokedReason`. */
  readonly reason: string;
  /** When set, the session id also goes on the user's deny-list until then (ms), for access tokens. */
  readonly denyUntil?: number | undefined;
  /** Stores with activity: written in the same step, if this call revoked something (`revokeOthers`: always, once). */
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
  /** Stores with tenants: each row's tenant's epochs (tenant id to epochs); one never revoked may be absent. */
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
  /** Stores with activity: entries with `at <= activityBefore` go too (and links past expiry), uncounted. */
  readonly activityBefore?: number | undefined;
  /** Stores with activity: devices last seen at or before this go too. */
  readonly devicesBefore?: number | undefined;
}
