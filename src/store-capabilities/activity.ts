/**
 * The activity capability of a store: account activity and known devices. A store has all
 * four methods or none; the manager's `activity()`, the `newDevice` flag of a sign-in and the
 * export of a user's devices need them.
 *
 * **Activity is written with what it records.** A store write that carries an `activity`
 * entry (`create`, `revoke`, `revokeAll`, `revokeOthers`, `revokeTenant`) stores it in the same
 * atomic step as the change, and only when the change happened (a `revoke` of a tombstone
 * writes nothing). A `create` that replaced or evicted sessions also stores one entry per such
 * session (see `CreateOptions.activity`). Entries and known devices are personal data:
 * `eraseUser` deletes them and `prune` removes what ran out.
 *
 * @module
 */

/**
 * One entry of a user's account activity, written by the manager, read back newest first. An
 * entry is about a user (`userId`) or, for a tenant-wide revocation, about a tenant (`userId`
 * absent, `tenantId` set).
 */
export interface ActivityRecord {
  /**
   * Unique, and ordered like time: ids sort (as byte strings) in the order the entries were
   * written, so a store orders entries by `id` alone. At most 64 characters of `[0-9A-Za-z._-]`.
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

/** Account activity and known devices. Every method rejects with `STORE_UNAVAILABLE`, `STORE_ERROR` or `CLOSED` as the core methods do. */
export interface ActivityStore {
  /**
   * Stores entries that record no revocation (a re-authentication), in one step.
   * @param entries - The entries.
   */
  appendActivity(entries: readonly ActivityRecord[]): Promise<void>;

  /**
   * One page of a user's entries (and with `tenantId` that tenant's own entries), ordered by
   * `id`, newest (greatest) first. Never writes.
   * @param userId - The user.
   * @param options - The tenant, the page size, the cursor.
   * @returns At most `limit` entries.
   */
  listActivity(userId: string, options: ListActivityOptions): Promise<readonly ActivityRecord[]>;

  /**
   * Records that the user signed in from a device at `at`, keeping the latest time, and
   * answers when it was seen before this call. Known devices outlive the sessions; `prune`
   * drops those last seen at or before `devicesBefore`.
   * @param userId - The user.
   * @param deviceHash - 43 base64url characters.
   * @param at - When (ms).
   * @returns The previous last-seen time, or `null` for a device never seen (or pruned).
   */
  rememberDevice(userId: string, deviceHash: string, at: number): Promise<number | null>;

  /**
   * The user's known devices, for an export. Never writes.
   * @param userId - The user.
   * @returns Each device's hash and last-seen time, in any order.
   */
  listDevices(userId: string): Promise<readonly KnownDevice[]>;
}
