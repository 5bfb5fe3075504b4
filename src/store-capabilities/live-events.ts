/**
 * The publishing capability of a store: every revocation, once durable, notifies the listeners
 * of every instance (with the user id, or the tenant id for `revokeTenant`).
 *
 * @module
 */

/** A notification that a user's revocation state changed. */
export interface RevocationNotice {
  /** The user whose sessions were revoked; an empty string for a tenant's notice. */
  readonly userId: string;
  /** Set (and `userId` empty) when a whole tenant was revoked by `revokeTenant`. */
  readonly tenantId?: string | undefined;
}

/** A store that publishes revocations. */
export interface PublishingStore {
  /**
   * Subscribes to the notices of every instance. Notices sent while the subscription is down
   * are lost, so `onResync` is called each time it becomes active: the manager drops its cache.
   * @returns A function that unsubscribes.
   * @throws {@link session-revocation!SessionError} `CLOSED` after `close()`, in stores that refuse a late subscription.
   */
  subscribe(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
}
