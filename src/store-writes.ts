// What a store reads and writes: an owner's state (user, tenant, one-time key) and version, and the batch applied if it holds.
import type { ActivityRecord, Epochs, SessionRecord } from './store-records.js';

/** Whose version a batch is checked against: a user, a tenant, or one one-time key. */
export type Owner = UserOwner | TenantOwner | KeyOwner;

/** A user, as an owner. */
export interface UserOwner {
  /** The user. */
  readonly userId: string;
}

/** A tenant, as an owner. */
export interface TenantOwner {
  /** The tenant. */
  readonly tenantId: string;
}

/** A one-time key, as an owner. */
export interface KeyOwner {
  /** The key. */
  readonly key: string;
}

/** Everything a store keeps about one user, as `readUser` answers it. */
export interface UserState {
  /** The user's version: 0 while nothing was ever applied for the user. */
  readonly version: number;
  /** Every row of the user, tombstones and rows past `expiresAt` included, in any order. */
  readonly sessions: readonly SessionRecord[];
  /** The user's epochs (kind to ms). */
  readonly epochs: Epochs;
  /** The user's high-water marks (kind to ms), as its `highWater` writes raised them: stored, kept through `prune` and `erase`, never computed from the rows. */
  readonly highWater: Epochs;
  /** The epochs of every tenant named by one of `sessions` or by the read's `tenantId`, by tenant id. A tenant never revoked may be absent. */
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
export type Write = InsertWrite | RevokeWrite | EpochsWrite | HighWaterWrite | DenyWrite | DeviceWrite | ActivityWrite | PutKeyWrite | DeleteKeyWrite | EraseWrite;

/**
 * Puts a session row (user batches): a new one, or a whole new version of one of the user's rows with the same id (a rotated secret), every field
 * replaced, absent fields absent. Ids are unique: the manager never puts an id another user holds.
 */
export interface InsertWrite {
  /** What the write is. */
  readonly type: 'insert';
  /** The whole row. */
  readonly session: SessionRecord;
}

/** Sets `revokedAt` and `revokedReason` of one of the user's rows (user batches). */
export interface RevokeWrite {
  /** What the write is. */
  readonly type: 'revoke';
  /** The row. */
  readonly sessionId: string;
  /** `revokedAt` (ms). */
  readonly at: number;
  /** `revokedReason`. */
  readonly reason: string;
}

/** Sets the owner's epoch of each named kind (user and tenant batches); kinds not named stay. */
export interface EpochsWrite {
  /** What the write is. */
  readonly type: 'epochs';
  /** Kind to epoch (ms). */
  readonly epochs: Epochs;
}

/** Raises the high-water mark of a kind to `at`, keeping the larger: a tenant's, or without `tenantId` the user's own (user batches). */
export interface HighWaterWrite {
  /** What the write is. */
  readonly type: 'highWater';
  /** The tenant; `undefined` (absent or not): the batch's user. */
  readonly tenantId?: string | undefined;
  /** The kind. */
  readonly kind: string;
  /** The mark (ms). */
  readonly at: number;
}

/** Puts a session id on the user's access-token deny-list until `until` (user batches). */
export interface DenyWrite {
  /** What the write is. */
  readonly type: 'deny';
  /** The session. */
  readonly sessionId: string;
  /** Denied until (ms). */
  readonly until: number;
}

/** Sets when the user last signed in from a device (user batches). */
export interface DeviceWrite {
  /** What the write is. */
  readonly type: 'device';
  /** The device's hash. */
  readonly deviceHash: string;
  /** The latest sign-in from it (ms). */
  readonly lastSeenAt: number;
}

/** Appends an entry to its owner's activity: its `userId`'s, or its `tenantId`'s when it has no user. */
export interface ActivityWrite {
  /** What the write is. */
  readonly type: 'activity';
  /** The entry. */
  readonly entry: ActivityRecord;
}

/** Puts a one-time key (replacing one of the same name); with `userId`, erased with that user. */
export interface PutKeyWrite {
  /** What the write is. */
  readonly type: 'putKey';
  /** The key. */
  readonly key: string;
  /** Its value. */
  readonly value: string;
  /** Its expiry (ms). */
  readonly expiresAt: number;
  /** The user it belongs to. */
  readonly userId?: string | undefined;
}

/** Deletes a one-time key; a missing key is no error. */
export interface DeleteKeyWrite {
  /** What the write is. */
  readonly type: 'deleteKey';
  /** The key. */
  readonly key: string;
}

/** Deletes the user's rows, deny-list, devices, activity and keys; keeps epochs, high-water marks and version (user batches). */
export interface EraseWrite {
  /** What the write is. */
  readonly type: 'erase';
}

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
  /** Answer only once it would survive a failover, as a revocation: a store that waits for replicas waits here too (confirming what came before it). */
  readonly durable?: boolean | undefined;
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
  /** The caller's deadline (`performance.now()` ms), when it has one: a store that loops starts no work it could not finish by then. */
  readonly due?: number | undefined;
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
