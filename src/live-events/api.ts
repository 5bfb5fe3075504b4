import type { RevocationNotice } from '../store-writes.js';

/** The answer of {@link SessionManager.liveness}: live for `remaining` more ms, or ended and why. */
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
      /** Why it ended; `reused`: revoked because a retired token of a rotating kind came back. */
      readonly reason: 'revoked' | 'reused' | 'expired' | 'idle';
    };

/** Live sign-out: the manager methods the live sign-out stream stands on. */
export interface LiveEventActions {
  /**
   * Listens to revocations, for live sign-out of open pages: a notice for every revocation here or published by other instances,
   * `null` when anything may have changed unheard. A notice says whom to read again, not what happened: read the session before acting.
   * @param listener - Called synchronously; its errors go to the `onError` option.
   * @returns A function that stops listening.
   * @throws {@link session-revocation!SessionError} `CLOSED` once the manager was closed.
   */
  watchRevocations(listener: (notice: RevocationNotice | null) => void): () => void;

  /**
   * Whether a session is live now, by the same rule as {@link SessionManager.validate}, without touching it (watching is not activity).
   * @returns Live for `remaining` more ms, or ended and why (a missing session reads as `revoked`).
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  liveness(sessionId: string): Promise<SessionLiveness>;
}
