/**
 * The activity capability of a store: account activity and known devices, all four methods or
 * none. A write that carries an `activity` entry stores it in the same atomic step as the
 * change, and only when the change happened.
 *
 * @module
 */

/** One entry of account activity: about a user, or (no `userId`, `tenantId` set) about a tenant. */
export interface ActivityRecord {
  /** Unique; ids sort as byte strings in write order. At most 64 characters of `[0-9A-Za-z._-]`. */
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

/** Options of {@link ActivityStore.listActivity}: one page, newest first. */
export interface ListActivityOptions {
  /** The tenant whose own entries (tenant-wide revocations) are merged in, when given. */
  readonly tenantId?: string | undefined;
  /** At most this many entries (1..1000). */
  readonly limit: number;
  /** Only entries whose `id` sorts before this one (the last id of the previous page). */
  readonly before?: string | undefined;
}

/** A device a user signed in from, as {@link ActivityStore.listDevices} answers it. */
export interface KnownDevice {
  /** The hash the manager made of browser, OS and network (43 base64url characters). */
  readonly deviceHash: string;
  /** The latest sign-in from it (ms). */
  readonly lastSeenAt: number;
}

/** Account activity and known devices. Every method rejects as the core methods do. */
export interface ActivityStore {
  /** Stores entries that record no revocation (a re-authentication), in one step. */
  appendActivity(entries: readonly ActivityRecord[]): Promise<void>;

  /**
   * One page of a user's entries (with `tenantId`, that tenant's too), newest `id` first. Never writes.
   * @returns At most `limit` entries.
   */
  listActivity(userId: string, options: ListActivityOptions): Promise<readonly ActivityRecord[]>;

  /**
   * Records a sign-in from a device at `at`, keeping the latest time.
   * @returns The previous last-seen time, or `null` for a device never seen (or pruned).
   */
  rememberDevice(userId: string, deviceHash: string, at: number): Promise<number | null>;

  /** The user's known devices, in any order, for an export. Never writes. */
  listDevices(userId: string): Promise<readonly KnownDevice[]>;
}
