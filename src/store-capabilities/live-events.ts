/**
 * The publishing capability of a store: revocation notices to every instance (Redis pub/sub,
 * PostgreSQL LISTEN/NOTIFY, in-process for the memory store). The manager uses them to drop
 * cached epochs at once and to end open pages' live streams; stores without it rely on the
 * epoch cache's TTL and on polling.
 *
 * **Every revocation is published**: `revoke`, `revokeAll`, `revokeOthers`, and a `create` that
 * replaced or evicted sessions each notify the listeners of every instance (with the user id)
 * once the change is durable; `revokeTenant` notifies with the tenant id.
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
   * Subscribes to the notices of every instance sharing this store. Notices sent while the
   * subscription is down are lost, so a store calls `onResync` each time its subscription
   * becomes active (first connect and every reconnect): the manager then drops its whole cache
   * rather than trust entries that may have missed a notice.
   * @param listener - Called with each notice.
   * @param onResync - Called each time the subscription becomes active.
   * @returns A function that unsubscribes.
   * @throws {@link session-revocation!SessionError} `CLOSED` after `close()` (synchronously), in
   * stores that refuse a late subscription.
   */
  subscribe(listener: (notice: RevocationNotice) => void, onResync?: () => void): () => void;
}
