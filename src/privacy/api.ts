/**
 * A user's data: the manager methods of the privacy feature (export, erase).
 *
 * @module
 */
import type { ActivityEntry } from '../activity/api.js';
import type { ActorOptions } from '../core/shapes.js';
import type { Session } from '../session.js';

/** One session in a {@link UserExport}: every stored field but the secret hash, and its state now. */
export type ExportedSession = Session & {
  /** `live`, or why it no longer is: `revoked`, `expired` or `idle`. */
  readonly status: 'live' | 'revoked' | 'expired' | 'idle';
};

/** What {@link SessionManager.exportUser} returns: plain JSON, no token secret or hash. */
export interface UserExport {
  /** The user. */
  readonly userId: string;
  /** When the export was made (ms). */
  readonly exportedAt: number;
  /** Every session row the store holds for the user, oldest first, tombstones included. */
  readonly sessions: readonly ExportedSession[];
  /** The user's revocation epochs: kind to time (ms). */
  readonly epochs: Readonly<Record<string, number>>;
  /** Individually revoked sessions still refused to access tokens: session id to "until" (ms). */
  readonly denied: Readonly<Record<string, number>>;
  /** The account activity kept for the user, newest first (empty with a store that keeps none). */
  readonly activity: readonly ActivityEntry[];
  /** The devices the user signed in from, as kept for new-device alerts. */
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
   * Everything stored about a user, for a data-access request (GDPR article 15 and the
   * like): every session row with its device, IP, times and revocation, the epochs and the
   * deny-list, as plain JSON. Never a token secret or its hash.
   * @param userId - The user.
   * @returns The export.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED`.
   */
  exportUser(userId: string): Promise<UserExport>;

  /**
   * Erases what is stored about a user, for a deletion request: every session (live ones
   * and tombstones), with its device, IP and data, and the deny-list. The user's revocation
   * epochs stay (a user id and times, nothing more): they are raised for every kind first, so
   * every token ever issued to the user stays refused, access tokens included. Emits
   * `user.session_invalidated` with reason `user_erased`. Sign-ins after it work as usual.
   * Whether the deleted rows' bytes also leave the disk is the store's to say: the SQLite
   * store on a file it opened leaves nothing readable in the file or its WAL; PostgreSQL keeps
   * dead tuples until `VACUUM`, Redis its AOF until rewritten (docs/privacy.md).
   * @param userId - The user.
   * @param options - The actor and tenant, for the audit event.
   * @returns How many session rows were deleted.
   * @throws {@link session-revocation!SessionError} `INVALID_INPUT` for a bad user id; `STORE_UNAVAILABLE`,
   * `STORE_ERROR`, `CLOSED` (when the store fails after the epochs were raised, every session is
   * already refused: call it again to delete the rows).
   */
  eraseUser(userId: string, options?: ActorOptions): Promise<UserErasure>;
}
