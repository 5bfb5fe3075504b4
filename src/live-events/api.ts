/**
 * Live sign-out: the manager methods the live sign-out stream stands on.
 *
 * @module
 */
import type { RevocationNotice } from '../store-capabilities/live-events.js';

/**
 * The answer of {@link SessionManager.liveness}: live for `remaining` more ms (unless revoked
 * before), or ended and why (`revoked`, `expired`, `idle`).
 */
export type SessionLiveness =
  | {
      /** Live now. */
      readonly live: true;
      /** Ms until it expires or turns idle, unless revoked before. */
      readonly remaining: number;
    }
  | {
      /** Not live. */
      readonly live: false;
      /** Why it ended. */
      readonly reason: 'revoked' | 'expired' | 'idle';
    };

/** Live sign-out: the manager methods the live sign-out stream stands on. */
export interface LiveEventActions {
  /**
   * Listens to revocations, for live sign-out of open pages: `listener` is called with a
   * notice for every revocation this manager makes (`revoke`, `revokeAll`, `revokeOthers`, a
   * sign-in that replaced or evicted sessions...) and for every notice the store publishes
   * from other instances ({@link SessionManager.revocationsPublished}), and with `null` when
   * anything may have changed unheard (the store's subscription came back after a drop, or
   * the manager was closed). A notice with a `tenantId` and an empty `userId` concerns every
   * session of that tenant. A notice says whom to check again, not what happened: read the
   * session again before acting. The store is subscribed only while someone listens.
   * @param listener - Called synchronously; its errors go to the `onError` option.
   * @returns A function that stops listening.
   * @throws {@link session-revocation!SessionError} `CLOSED` once the manager was closed.
   */
  watchRevocations(listener: (notice: RevocationNotice | null) => void): () => void;

  /**
   * Whether a session is live now, read-only: by the same rule as {@link SessionManager.validate}
   * (revoked, expired, idle, the user's and tenant's epochs, a support session's impersonator),
   * but from its id and without touching it: an open page watching its session is not activity.
   * Used by the live sign-out stream to read its session again after a notice.
   * @param sessionId - The session's id.
   * @returns Live for `remaining` more ms (unless revoked first), or ended and why (a session
   * that no longer exists reads as `revoked`).
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  liveness(sessionId: string): Promise<SessionLiveness>;
}
