/**
 * What a store reads and writes for the manager: the state of one owner (a user, a tenant, a
 * one-time key) with its version, and the batch of writes applied if that version holds.
 *
 * @module
 */
import type { ActivityRecord, Epochs, SessionRecord } from './store-records.js';

/** Whose version a batch is checked against: a user, a tenant, or one one-time key. */
export type Owner = { readonly userId: string } | { readonly tenantId: string } | { readonly key: string };

/** Everything a store keeps about one user, as `readUser` answers it. */
export interface UserState {
  /** The user's version: 0 while nothing was ever applied for the user. */
  readonly version: number;
  /** Every row of the user, tombstones and rows past `expiresAt` included, in any order. */
  readonly sessions: readonly SessionRecord[];
  /** The user's epochs (kind to ms). */
  readonly epochs: Epochs;
  /**
   * The epochs of every tenant named by one of `sessions` or by the read's `tenantId`, by
   * tenant id. A tenant never revoked may be absent.
   */
  readonly tenantEpochs: Readonly<Record<string, Epochs>>;
  /** The access-token deny-list: session id to "deny until" (ms). */
  readonly denied: Readonly<Record<string, number>>;
  /** Known devices: device hash to the latest sign-in from it (ms). */
  readonly devices: Readonly<Record<string, number>>;
}

/** What a store keeps about one tenant, as `readTenant` answers it. */
export interface TenantState {
  /** The tenant's version: 0 while nothing was ever applied for the tenant. */
  readonly version: number;
  /** The tenant's epochs (kind to ms). */
  readonly epochs: Epochs;
  /** The newest `createdAt` of the tenant's sessions per kind, as raised by `highWater` writes. */
  readonly highWater: Epochs;
}

/** One one-time key, as `readKey` answers it; `value` absent when no row exists. */
export interface KeyState {
  /** The key's version: 0 when no row exists. */
  readonly version: number;
  /** What was put, when a row exists (expired or not: the manager judges). */
  readonly value?: string | undefined;
  /** Its expiry (ms), when a row exists. */
  readonly expiresAt?: number | undefined;
}

/** One write of a {@link Batch}. The store applies each as it says, and decides nothing. */
export type Write =
  /**
   * Puts a session row (user batches): a new one, or a whole new version of one of the user's
   * rows with the same id (a rotated secret), every field replaced, absent fields absent.
   */
  | { readonly type: 'insert'; readonly session: SessionRecord }
  /** Sets `revokedAt` and `revokedReason` of one of the user's rows (user batches). */
  | { readonly type: 'revoke'; readonly sessionId: string; readonly at: number; readonly reason: string }
  /** Sets the owner's epoch of each named kind (user and tenant batches); kinds not named stay. */
  | { readonly type: 'epochs'; readonly epochs: Epochs }
  /** Raises a tenant's high-water mark of a kind to `at`, keeping the larger (user batches). */
  | { readonly type: 'highWater'; readonly tenantId: string; readonly kind: string; readonly at: number }
  /** Puts a session id on the user's access-token deny-list until `until` (user batches). */
  | { readonly type: 'deny'; readonly sessionId: string; readonly until: number }
  /** Sets when the user last signed in from a device (user batches). */
  | { readonly type: 'device'; readonly deviceHash: string; readonly lastSeenAt: number }
  /** Appends an entry to its owner's activity: its `userId`'s, or its `tenantId`'s when it has no user. */
  | { readonly type: 'activity'; readonly entry: ActivityRecord }
  /** Puts a one-time key (replacing one of the same name); with `userId`, erased with that user. */
  | { readonly type: 'putKey'; readonly key: string; readonly value: string; readonly expiresAt: number; readonly userId?: string | undefined }
  /** Deletes a one-time key; a missing key is no error. */
  | { readonly type: 'deleteKey'; readonly key: string }
  /** Deletes the user's rows, deny-list, devices, activity and keys; keeps epochs and version (user batches). */
  | { readonly type: 'erase' };

/** Writes applied together, or not at all. */
export interface Batch {
  /** Whose version is checked and then increased by one. */
  readonly owner: Owner;
  /** The owner's version as read; absent: apply whatever the version is. */
  readonly version?: number | undefined;
  /** In order. */
  readonly writes: readonly Write[];
  /** Publish a notice (stores with `subscribe`) once applied: the user's id, or the tenant's. */
  readonly notify?: boolean | undefined;
}

/** The times `touch` moves forward. */
export interface TouchTimes {
  /** The session was used then (ms). */
  readonly lastUsedAt?: number | undefined;
  /** The user proved who they are again then (ms). */
  readonly authenticatedAt?: number | undefined;
}

/** Options of `prune`. */
export interface PruneOptions {
  /** Rows with `expiresAt <= now` go, deny-list entries with `until <= now`, keys with `expiresAt <= now`. */
  readonly now: number;
  /** At most this many session rows are deleted by this call (one bounded batch). */
  readonly limit: number;
  /** Activity entries with `at <= activityBefore` go too, when given. */
  readonly activityBefore?: number | undefined;
  /** Known devices last seen at or before this go too, when given. */
  readonly devicesBefore?: number | undefined;
}

/** Options of `listActivity`: one page, newest first. */
export interface ListActivityOptions {
  /** The tenant whose own entries (tenant-wide revocations) are merged in, when given. */
  readonly tenantId?: string | undefined;
  /** At most this many entries (1..1000). */
  readonly limit: number;
  /** Only entries whose `id` sorts before this one (the last id of the previous page). */
  readonly before?: string | undefined;
}

/** A notice that an owner's revocation state changed, from a batch with `notify`. */
export interface RevocationNotice {
  /** The user; an empty string for a tenant's notice. */
  readonly userId: string;
  /** Set (and `userId` empty) for a tenant's notice. */
  readonly tenantId?: string | undefined;
}
