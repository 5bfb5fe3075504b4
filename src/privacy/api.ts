import type { ActivityEntry } from '../activity/api.js';
import type { ActorOptions } from '../core/shapes.js';
import type { Session } from '../session.js';
import type { FederatedIdentity } from '../store-records.js';

/** One session in a {@link UserExport}: every stored field but the secret hash, and its state now. */
export type ExportedSession = Session & {
  /** `live`, or why it no longer is: `revoked`, `reused` (revoked because a retired token came back), `expired` or `idle`. */
  readonly status: 'live' | 'revoked' | 'reused' | 'expired' | 'idle';
  /** The identity provider's user (and its session) the session was signed in through, when it was. */
  readonly federated?: FederatedIdentity;
};

/** What {@link SessionManager.exportUser} returns: plain JSON, no token secret or hash; neither the user's "This wasn't me" links nor the support sessions they opened for others. */
export interface UserExport {
  /** The user. */
  readonly userId: string;
  /** When the export was made (ms). */
  readonly exportedAt: number;
  /** Every session row the store holds for the user, oldest first, tombstones included. */
  readonly sessions: readonly ExportedSession[];
  /** The user's revocation epochs: kind to time (ms). */
  readonly epochs: Readonly<Record<string, number>>;
  /** When a session of each kind was last created for the user (ms): a sign-in, a cookie renewed on a password change, a support session. Kept with the epochs after the sessions and through an erase, so a later revocation reaches every token. */
  readonly lastSignIns: Readonly<Record<string, number>>;
  /** Individually revoked sessions still refused to access tokens: session id to "until" (ms). */
  readonly denied: Readonly<Record<string, number>>;
  /** The account activity kept for the user, newest first (empty with a store that keeps none). */
  readonly activity: readonly ActivityEntry[];
  /** The devices the user signed in from, as kept for new-device alerts, last seen first. */
  readonly devices: readonly ExportedDevice[];
}

/** What {@link SessionManager.eraseUser} did. */
export interface UserErasure {
  /** Session rows deleted, tombstones included. */
  readonly deletedSessions: number;
}

/** A user's known devices in a {@link UserExport}. */
export interface ExportedDevice {
  /** The hash the store keeps (browser, OS and network, hashed with the user id). */
  readonly deviceHash: string;
  /** When it was last used to sign in (ms). */
  readonly lastSeenAt: number;
}

/** A user's data: the manager methods of the privacy feature (export, erase). */
export interface PrivacyActions {
  /**
   * Everything stored about a user, for a data-access request, as plain JSON: sessions, epochs, latest sign-in times, deny-list, activity and devices; never a token secret or its hash.
   *
   * Not in it (docs/privacy.md): the user's "This wasn't me" links, which no store method reads by user (stores keep them by user to erase them),
   * and the support sessions they opened as an admin and the `by` of those users' activity: other users' records, found only in a scan of every row.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  exportUser(userId: string): Promise<UserExport>;

  /**
   * Erases what is stored about a user, for a deletion request: sessions, deny-list, activity, known devices and links. The epochs stay, raised for every
   * kind first, so every token ever issued stays refused. Emits `user.session_invalidated` (`user_erased`). Whether bytes leave the disk is the store's to say (docs/privacy.md).
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT`; `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED` (sessions signed in before the call may then be refused but not erased, and one signed in during it live: call it again).
   */
  eraseUser(userId: string, options?: ActorOptions): Promise<UserErasure>;
}
